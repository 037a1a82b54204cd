#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The MIH proxy (daemon/mihf/proxy.c, run by build/daemon/tools/mihdisc
# proxy) with real sockets, in three network namespaces:
#
#   terminal  --veth (L2, ethertype 0x8917)--  proxy  --veth (IP)--  MIHF
#   (mn1, a python3 AF_PACKET driver)                 10.97.1.1 / fd00:97::1
#                                              MIHF: 10.97.1.2 / fd00:97::2
#                                              (+ 10.97.1.3, a stranger)
#
# The MIHF is a python3 UDP server on [::]:4551 (dual stack) that logs every
# datagram and answers it (source and destination IDs swapped, same TID,
# opcode response); a destination ID "bounce-unknown", "bounce-bad" or
# "bounce-big" makes it answer to an unknown terminal, with a malformed
# PDU, or with a PDU above the link MTU instead.  The proxy knows the
# static peers is1=10.97.1.2 and is6=[fd00:97::2], upstream 10.97.1.2.
#
# Checked: a terminal frame reaches the MIHF byte for byte from the proxy's
# UDP socket; the reply comes back to the terminal's MAC as an 0x8917
# frame from the proxy's MAC, byte for byte; routing by Destination MIHF ID
# (v6 peer) and the upstream fallback; malformed frames from the link and
# malformed / oversized / misaddressed / stranger datagrams are dropped and
# counted; the final counters add up.  TAP on stdout.  Needs root, python3.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
# MIHSEC_MIHDISC: use this mihdisc binary instead of building one
tool=${MIHSEC_MIHDISC:-$top/build/daemon/tools/mihdisc}

need_root
need_cmds ip python3
[ -n "${MIHSEC_MIHDISC:-}" ] || make -s -C "$top/daemon" "$tool" >/dev/null || {
	echo "1..1"
	echo "not ok 1 proxy l2: build $tool"
	exit 1
}

ns_t=mihsec-pxt-$$
ns_p=mihsec-pxp-$$
ns_m=mihsec-pxm-$$
if_t=mpxt$$
if_p=mpxp$$
if_pu=mpxu$$
if_m=mpxm$$
tmp=$(mktemp -d /tmp/mihsec-proxy.XXXXXX)
proxy_pid=
mihf_pid=
cleanup() {
	[ -z "$proxy_pid" ] || kill "$proxy_pid" 2>/dev/null
	[ -z "$mihf_pid" ] || kill "$mihf_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns_t" 2>/dev/null
	ip netns del "$ns_p" 2>/dev/null
	ip netns del "$ns_m" 2>/dev/null
	[ -n "${MIHSEC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_t() { ip netns exec "$ns_t" "$@"; }
in_p() { ip netns exec "$ns_p" "$@"; }
in_m() { ip netns exec "$ns_m" "$@"; }
{
	ip netns add "$ns_t" && ip netns add "$ns_p" && ip netns add "$ns_m" &&
	ip link add "$if_t" type veth peer name "$if_p" &&
	ip link add "$if_pu" type veth peer name "$if_m" &&
	ip link set "$if_t" netns "$ns_t" && ip link set "$if_p" netns "$ns_p" &&
	ip link set "$if_pu" netns "$ns_p" && ip link set "$if_m" netns "$ns_m" &&
	for x in "$ns_t" "$ns_p" "$ns_m"; do ip -n "$x" link set lo up || exit 1; done &&
	in_t sysctl -qw "net.ipv6.conf.$if_t.disable_ipv6=1" &&
	in_p sysctl -qw "net.ipv6.conf.$if_p.disable_ipv6=1" &&
	ip -n "$ns_p" addr add 10.97.1.1/24 dev "$if_pu" &&
	ip -n "$ns_p" addr add fd00:97::1/64 dev "$if_pu" nodad &&
	ip -n "$ns_m" addr add 10.97.1.2/24 dev "$if_m" &&
	ip -n "$ns_m" addr add 10.97.1.3/24 dev "$if_m" &&
	ip -n "$ns_m" addr add fd00:97::2/64 dev "$if_m" nodad &&
	ip -n "$ns_t" link set "$if_t" up && ip -n "$ns_p" link set "$if_p" up &&
	ip -n "$ns_p" link set "$if_pu" up && ip -n "$ns_m" link set "$if_m" up
} 2>/dev/null || skip_all "cannot create network namespaces and veth pairs"
mac_of() { # NS IF
	ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}
mac_t=$(mac_of "$ns_t" "$if_t")
mac_p=$(mac_of "$ns_p" "$if_p")

echo "1..19"

# ---- the python3 drivers
cat >"$tmp/mih.py" <<'EOF'
# Minimal MIH PDU builder for the test (WIRE.md sections 2, 4, 5)
import struct

def tlv(t, v):
    if len(v) <= 128:
        return bytes([t, len(v)]) + v
    n = len(v) - 128
    ext = n.to_bytes((n.bit_length() + 7) // 8 or 1, "big")
    return bytes([t, 0x80 | len(ext)]) + ext + v

def ostr(s):
    assert len(s) < 128
    return bytes([len(s)]) + s

def pdu(src, dst, sid=1, op=1, aid=1, tid=5, body=b""):
    payload = tlv(1, ostr(src)) + tlv(2, ostr(dst)) + body
    mid = (sid << 12) | (op << 10) | aid
    return struct.pack(">BBHHH", 0x10, 0, mid, tid & 0xfff, len(payload)) \
        + payload

def ids(p):
    """(src, dst, tid, mid) of a PDU built as above"""
    mid, tid = struct.unpack(">HH", p[2:6])
    o = 8
    sl = p[o + 2]
    src = p[o + 3:o + 3 + sl]
    o += 3 + sl
    dl = p[o + 2]
    dst = p[o + 3:o + 3 + dl]
    return src, dst, tid & 0xfff, mid
EOF

cat >"$tmp/mihf.py" <<'EOF'
# The MIHF behind the proxy: log each datagram, answer it
import socket, sys
sys.path.insert(0, sys.argv[1])
from mih import pdu, ids, tlv
log = open(sys.argv[2], "a", buffering=1)
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 4551))
open(sys.argv[3], "w").write("up\n")
while True:
    d, a = s.recvfrom(65535)
    host = a[0][7:] if a[0].startswith("::ffff:") else a[0]
    log.write("rx %s %d %s\n" % (host, a[1], d.hex()))
    try:
        src, dst, tid, mid = ids(d)
    except Exception:
        continue
    evt = bytes([5, 4, 0, 0, 0, 6])
    if dst == b"bounce-unknown":
        r = pdu(dst, b"mn9", op=2, tid=tid, body=evt)
    elif dst == b"bounce-bad":
        r = pdu(dst, src, op=2, tid=tid, body=evt)
        r = r[:-1]                  # payload length now wrong
    elif dst == b"bounce-big":
        r = pdu(dst, src, op=2, tid=tid, body=evt + tlv(101, bytes(1600)))
    else:
        r = pdu(dst, src, op=2, tid=tid, body=evt)
    s.sendto(r, a)
    log.write("tx %s %d %s\n" % (host, a[1], r.hex()))
EOF

cat >"$tmp/term.py" <<'EOF'
# The terminal: send one MIH frame to the proxy, print the answer frame
#   term.py LIBDIR IFACE PROXY-MAC SRC DST [bad|raw HEX] -> prints
#   "sent HEX" then "reply MAC HEX" or "noreply"
import socket, sys, select
sys.path.insert(0, sys.argv[1])
from mih import pdu
ifname, pmac, src, dst = sys.argv[2:6]
mode = sys.argv[6] if len(sys.argv) > 6 else ""
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x8917))
s.bind((ifname, 0x8917))
p = pdu(src.encode(), dst.encode(), tid=0x123,
        body=bytes([5, 4, 0, 0, 0, 6]))
if mode == "bad":
    p = bytes([0x20]) + p[1:]          # version 2
s.sendto(p, (ifname, 0x8917, 0, 0, bytes.fromhex(pmac.replace(":", ""))))
print("sent", p.hex(), flush=True)
while True:
    r, _, _ = select.select([s], [], [], 1.5)
    if not r:
        print("noreply")
        break
    d, a = s.recvfrom(65535)
    if a[2] == socket.PACKET_OUTGOING:
        continue
    print("reply", a[4].hex(), a[1], d.hex())
    break
EOF

# ---- start the MIHF and the proxy
# not through in_m / in_p: $! must be the process itself, not a subshell
ip netns exec "$ns_m" python3 "$tmp/mihf.py" "$tmp" "$tmp/mihf.log" "$tmp/mihf.up" \
	>"$tmp/mihf.out" 2>&1 &
mihf_pid=$!
ip netns exec "$ns_p" "$tool" proxy -i "$if_p" -u 10.97.1.2 -P is1=10.97.1.2 \
	-P 'is6=fd00:97::2' -r "$tmp/proxy.port" >"$tmp/proxy.out" \
	2>"$tmp/proxy.err" &
proxy_pid=$!
for _ in $(seq 50); do
	[ -s "$tmp/proxy.port" ] && [ -s "$tmp/mihf.up" ] && break
	sleep 0.1
done
pport=$(cat "$tmp/proxy.port" 2>/dev/null)
check "proxy up on $if_p, UDP port ${pport:-?}; MIHF up" \
	[ -n "$pport" ] && [ -s "$tmp/mihf.up" ] && kill -0 "$proxy_pid"

term() { in_t python3 "$tmp/term.py" "$tmp" "$if_t" "$mac_p" "$@"; }
rx_count() { grep -c '^rx ' "$tmp/mihf.log" 2>/dev/null || echo 0; }

# 1: mn1 -> is1 and back
term mn1 is1 >"$tmp/t1.out" 2>&1
sent=$(sed -n 's/^sent //p' "$tmp/t1.out")
sed 's/^/# t1: /' "$tmp/t1.out"
check "the MIHF got the terminal's PDU, byte for byte" \
	grep -q "^rx 10.97.1.1 $pport $sent\$" "$tmp/mihf.log"
reply=$(sed -n 's/^tx 10.97.1.1 [0-9]* //p' "$tmp/mihf.log" | head -1)
check "... from the proxy's UDP socket (10.97.1.1 port $pport)" \
	[ -n "$reply" ]
check "the reply reached the terminal as an L2 frame from the proxy's MAC" \
	grep -q "^reply ${mac_p//:/} 35095 $reply\$" "$tmp/t1.out"

# 2: routing by Destination MIHF ID to the IPv6 peer
term mn1 is6 >"$tmp/t2.out" 2>&1
sent=$(sed -n 's/^sent //p' "$tmp/t2.out")
check "destination is6 goes to the IPv6 peer fd00:97::2" \
	grep -q "^rx fd00:97::1 $pport $sent\$" "$tmp/mihf.log"
check "... and its reply comes back" grep -q "^reply " "$tmp/t2.out"

# 3: unknown destination -> upstream
term mn2 somewhere >"$tmp/t3.out" 2>&1
sent=$(sed -n 's/^sent //p' "$tmp/t3.out")
check "an unknown destination goes to the upstream 10.97.1.2" \
	grep -q "^rx 10.97.1.1 $pport $sent\$" "$tmp/mihf.log"
check "... and its reply reaches mn2" grep -q "^reply " "$tmp/t3.out"

# 4: malformed frame from the link: dropped
before=$(rx_count)
term mn1 is1 bad >"$tmp/t4.out" 2>&1
check "a malformed frame (version 2) is not relayed" \
	[ "$(rx_count)" = "$before" ] && grep -q '^noreply' "$tmp/t4.out"

# 5: answers the proxy must drop
term mn1 bounce-unknown >"$tmp/t5.out" 2>&1
check "a datagram for an unknown terminal (mn9) is not sent on the link" \
	grep -q '^noreply' "$tmp/t5.out"
term mn1 bounce-bad >"$tmp/t6.out" 2>&1
check "a malformed datagram is not sent on the link" \
	grep -q '^noreply' "$tmp/t6.out"
term mn1 bounce-big >"$tmp/t7.out" 2>&1
check "a datagram above the link MTU (1500) is not sent on the link" \
	grep -q '^noreply' "$tmp/t7.out"

# 6: a stranger (10.97.1.3, not a peer, not the upstream) injects
in_m python3 - "$tmp" 10.97.1.1 "$pport" <<'EOF'
import socket, sys
sys.path.insert(0, sys.argv[1])
from mih import pdu
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.97.1.3", 0))
s.sendto(pdu(b"evil", b"mn1", op=3, body=bytes([5, 4, 0, 0, 0, 6])),
         (sys.argv[2], int(sys.argv[3])))
EOF
sleep 0.3

# ---- counters
kill -USR1 "$proxy_pid"
sleep 0.3
stats=$(sed -n 's/^stats //p' "$tmp/proxy.out" | tail -1)
echo "# stats: $stats"
stat() { # NAME
	python3 -c 'import json,sys; print(json.loads(sys.argv[1])["stats"][sys.argv[2]])' \
		"$stats" "$1" 2>/dev/null
}
check "l2_rx 7: every frame the terminal sent" [ "$(stat l2_rx)" = 7 ]
check "udp_tx 6: all but the malformed one relayed" [ "$(stat udp_tx)" = 6 ]
check "udp_rx 7: 6 answers + the stranger" [ "$(stat udp_rx)" = 7 ]
check "l2_tx 3: the is1, is6 and upstream answers only" \
	[ "$(stat l2_tx)" = 3 ]
check "drop_malformed 2 (link frame + bounce-bad), drop_size 1 (bounce-big)" \
	[ "$(stat drop_malformed)" = 2 -a "$(stat drop_size)" = 1 ]
check "drop_unknown_terminal 1 (mn9), drop_sender 1 (the stranger)" \
	[ "$(stat drop_unknown_terminal)" = 1 -a "$(stat drop_sender)" = 1 ]
check "terminal table: mn1 and mn2 bound to the terminal's MAC" \
	python3 -c '
import json, sys
t = json.loads(sys.argv[1])["terminals"]
assert sorted(x["id"] for x in t) == ["mn1", "mn2"], t
assert all(x["mac"] == sys.argv[2] for x in t), t' "$stats" "$mac_t"
