#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/mihsecctl_monitor.sh: `mihsecctl monitor` against the real
# module (run by selftests/run.sh in the VM).  Two namespaces joined by a
# veth pair, an MMT ("mmt1", 10.78.0.1, fd00:78::1) and an AR ("ar1",
# 10.78.0.2, fd00:78::2), policy require; the monitor runs in the AR and
# sees one event of every type, each provoked by real traffic or SA
# lifetimes: no-sa, unknown-key, auth-fail, replay, denied, sa-soft-expired,
# sa-expired, seq-exhausted.  Each is checked for its type, address, MIHF
# IDs, key ID and SA index (JSON), then one event in text mode.  Prints TAP.
#
# The monitor is known to be listening when the kernel counts an event as
# sent (MIHSEC_STAT_EVENTS_SENT moves only while someone listens): a probe
# datagram is sent until that happens, and that probe is the first event.
set -u
top=$(dirname "$(dirname "$(realpath "$0")")")
. "$top/selftests/lib/tap.bash"
C=${MIHSEC_CTL:-$top/build/bin/mihsecctl}
M=mihsec-mon-$$-mmt A=mihsec-mon-$$-ar
tmp=$(mktemp -d)
mon=
cleanup() {
	[ -n "$mon" ] && kill "$mon" 2>/dev/null
	ip netns del "$M" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
inm() { ip netns exec "$M" "$@"; }
ina() { ip netns exec "$A" "$@"; }

echo "TAP version 13"
echo "1..15"

# ---- namespaces, veth, SAs ------------------------------------------------
ip netns add "$M" && ip netns add "$A" &&
	ip -n "$M" link add mh0 type veth peer name mh0 netns "$A" &&
	ip -n "$M" -b - <<-EOF && ip -n "$A" -b - <<-EOF
	link set lo up
	link set mh0 up
	addr add 10.78.0.1/24 dev mh0
	addr add fd00:78::1/64 dev mh0 nodad
	EOF
	link set lo up
	link set mh0 up
	addr add 10.78.0.2/24 dev mh0
	addr add fd00:78::2/64 dev mh0 nodad
	EOF
check $? "two namespaces joined by a veth pair"

K1=000102030405060708090a0b0c0d0e0f K2=101112131415161718191a1b1c1d1e1f
K3=202122232425262728292a2b2c2d2e2f K4=303132333435363738393a3b3c3d3e3f
S1=01020304 S2=05060708
# sa NS LOCAL PEER ROLE TXKEYID RXKEYID TXKEY RXKEY [more]
# (salts: S1 network -> MMT, S2 MMT -> network)
sa() {
	local ts=$S1 rs=$S2
	[ "$4" = mmt ] && ts=$S2 rs=$S1
	ip netns exec "$1" "$C" sa add local "$2" peer "$3" role "$4" \
		tx-keyid "$5" rx-keyid "$6" tx-key "$7" rx-key "$8" \
		tx-salt $ts rx-salt $rs "${@:9}"
}
# ar1 <-> mmt1, the AR takes only MIH_Register from mmt1
# mmt1 -> ar9: a key ID the AR does not hold (unknown-key)
# mmt3 -> ar3: the MMT's key is not the one the AR has (auth-fail)
# ar7 -> mmt7: the sequence at its last number (seq-exhausted)
sa "$A" ar1 mmt1 network 1111111111111111 2121212121212121 $K1 $K2 \
	allow MIH_Register &&
	sa "$M" mmt1 ar1 mmt 2121212121212121 1111111111111111 $K2 $K1 &&
	sa "$M" mmt1 ar9 mmt 9999999999999999 9898989898989898 $K3 $K4 &&
	sa "$A" ar3 mmt3 network 3434343434343434 3333333333333333 $K1 $K3 &&
	sa "$M" mmt3 ar3 mmt 3333333333333333 3434343434343434 $K4 $K1 &&
	sa "$A" ar7 mmt7 network 7777777777777777 7878787878787878 $K1 $K2 \
		tx-seq 9223372036854775807 &&
	inm "$C" policy set require && ina "$C" policy set require
check $? "SAs installed, policy require on both sides"

# ---- traffic generator ----------------------------------------------------
# mih.py 'COMMAND SRC DST MID ADDR [COUNT]'...  (one argument per command:
# python starts slowly under TCG)
#   send    UDP to ADDR port 4551, COUNT times (a send the kernel refuses is
#           no error)
#   replay  send it, then the frame the sender's veth carried once more
#           (AF_PACKET; IPv4)
#   probe   send until the kernel counts an event as sent (a monitor
#           listens); fails unless exactly one was
cat >"$tmp/mih.py" <<'EOF'
import json, os, socket, struct, subprocess, sys, time

def pdu(src, dst, mid, tid):
    def octs(s):
        return bytes([len(s)]) + s.encode()
    def tlv(t, v):
        return bytes([t, len(v)]) + v
    body = (tlv(1, octs(src)) + tlv(2, octs(dst)) +
            tlv(100, b"\x00\x00\x5emihsecctl monitor test"))
    return (bytes([0x10, 0, mid >> 8, mid & 0xff, (tid >> 8) & 0x0f,
                   tid & 0xff]) + struct.pack("!H", len(body)) + body)

def send(p, addr):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.sendto(p, (addr, 4551))
    except PermissionError:
        pass
    s.close()

def events_sent():
    out = subprocess.run([os.environ["C"], "-j", "stats"], check=True,
                         capture_output=True).stdout
    return json.loads(out)["events_sent"]

def probe(p, addr):
    base, t = events_sent(), time.time()
    while time.time() - t < 20:
        send(p, addr)
        n = events_sent()
        if n != base:
            return n == base + 1
        time.sleep(0.05)
    return False

def replay(p, addr):
    pk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    pk.bind(("mh0", 0))
    pk.settimeout(5)
    send(p, addr)
    while True:
        f, a = pk.recvfrom(4096)
        if a[2] != socket.PACKET_OUTGOING or f[12:14] != b"\x08\x00":
            continue
        u = 14 + (f[14] & 0x0f) * 4
        if f[23] == 17 and f[u + 2:u + 4] == b"\x11\xc7":
            break
    f = bytearray(f)
    f[u + 6:u + 8] = b"\x00\x00"	# IPv4 UDP without checksum
    pk.send(bytes(f))
    pk.close()
    return True

for c in sys.argv[1:]:
    cmd, src, dst, mid, addr, *count = c.split()
    p = pdu(src, dst, int(mid, 16), 1)
    if cmd == "send":
        for i in range(int(count[0]) if count else 1):
            send(p, addr)
    elif not {"probe": probe, "replay": replay}[cmd](p, addr):
        sys.exit(1)
EOF
export C
gen() { ip netns exec "$1" python3 "$tmp/mih.py" "${@:2}"; }

# ---- JSON: one event of each type -----------------------------------------
ina "$C" -j stats >"$tmp/st0.json"
ina "$C" -j monitor count 8 timeout 30 >"$tmp/ev.json" 2>"$tmp/ev.err" &
mon=$!
# 1: no-sa, ar1 sends to an MIHF it has no SA for (the probe)
gen "$A" "probe ar1 nobody 1402 10.78.0.1"
check $? "the monitor listens (the kernel sent exactly one event to it)"
# 6, 7: an SA that soft-expires after 1 s and expires after 2 s
sa "$A" ar5 mmt5 network 5555555555555555 5656565656565656 $K1 $K2 \
	soft-secs 1 hard-secs 2
ina "$C" -j sa show >"$tmp/sa.json"
# 2: unknown-key (over IPv6); 3: auth-fail; 4: replay; 5: denied
gen "$M" "send mmt1 ar9 1402 fd00:78::2" "send mmt3 ar3 1402 10.78.0.2" \
	"replay mmt1 ar1 1402 10.78.0.2" "send mmt1 ar1 3401 10.78.0.2" &&
	gen "$A" "send ar7 mmt7 2c02 10.78.0.1 2"	# 8: the second one
check $? "traffic sent"
wait "$mon"
rc=$?
mon=
ina "$C" -j stats >"$tmp/st1.json"
[ "$rc" = 0 ] && [ ! -s "$tmp/ev.err" ]
check $? "mihsecctl -j monitor count 8 exits 0 after 8 events"
[ -s "$tmp/ev.err" ] && sed 's/^/# stderr: /' "$tmp/ev.err"

# one TAP line per event type: exactly one such event, with these fields
# (null: the field must be absent; "index:KEYID": the SA index of the SA
# receiving with KEYID, as sa show reported it before it expired)
python3 - "$tmp/ev.json" "$tmp/sa.json" "$tmp/st0.json" "$tmp/st1.json" \
	"$n" >"$tmp/res" <<'EOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sas = {s["rx_keyid"]: s["index"] for s in json.load(open(sys.argv[2]))}
st0, st1 = json.load(open(sys.argv[3])), json.load(open(sys.argv[4]))
n = int(sys.argv[5])
K1, K3, K5, K7 = "2121212121212121", "3333333333333333", "5656565656565656", "7878787878787878"
want = {
 "no-sa": dict(addr="10.78.0.1", peer="nobody", local="ar1", keyid=None,
               sa=None, mid=0x1402, msg="MIH_Register.request"),
 "unknown-key": dict(addr="fd00:78::1", peer="mmt1", local="ar9",
                     keyid="9999999999999999", sa=None, mid=0x1402),
 "auth-fail": dict(addr="10.78.0.1", peer="mmt3", local="ar3", keyid=K3,
                   sa=sas.get(K3), mid=0x1402),
 "replay": dict(addr="10.78.0.1", peer="mmt1", local="ar1", keyid=K1,
                sa=sas.get(K1), mid=0x1402),
 "denied": dict(addr="10.78.0.1", peer="mmt1", local="ar1", keyid=K1,
                sa=sas.get(K1), mid=0x3401,
                msg="MIH_Link_Get_Parameters.request"),
 "sa-soft-expired": dict(addr=None, peer="mmt5", local="ar5", keyid=K5,
                         sa=sas.get(K5), mid=None),
 "sa-expired": dict(addr=None, peer="mmt5", local="ar5", keyid=K5,
                    sa=sas.get(K5), mid=None),
 "seq-exhausted": dict(addr="10.78.0.1", peer="mmt7", local="ar7",
                       keyid=K7, sa=sas.get(K7), mid=0x2c02,
                       msg="MIH_Link_Up.indication"),
}
types = {"no-sa": 1, "unknown-key": 2, "auth-fail": 3, "replay": 4,
         "denied": 5, "sa-soft-expired": 6, "sa-expired": 7,
         "seq-exhausted": 8}
for name, fields in want.items():
    n += 1
    got = [e for e in evs if e.get("event") == name]
    bad = []
    if len(got) != 1:
        bad.append("%d events" % len(got))
    else:
        e = got[0]
        if e.get("type") != types[name]:
            bad.append("type %r" % e.get("type"))
        for k, v in fields.items():
            if e.get(k) != v:
                bad.append("%s: %r, want %r" % (k, e.get(k), v))
    if bad:
        for e in evs:
            print("# " + json.dumps(e))
        print("not ok %d event %s # %s" % (n, name, "; ".join(bad)))
    else:
        print("ok %d event %s" % (n, name))
n += 1
d = {k: st1[k] - st0[k] for k in ("events_sent", "events_suppressed")}
if d == {"events_sent": 8, "events_suppressed": 0} and len(evs) == 8:
    print("ok %d the kernel sent 8 events, suppressed none" % n)
else:
    print("not ok %d the kernel sent 8 events, suppressed none # %r, %d printed" % (n, d, len(evs)))
EOF
cat "$tmp/res"
grep -q '^not ok' "$tmp/res" && fail=1
n=$((n + $(grep -c '^\(not \)\{0,1\}ok ' "$tmp/res")))

# ---- text mode -------------------------------------------------------------
ina "$C" monitor count 1 timeout 20 >"$tmp/ev.txt" 2>"$tmp/ev.err" &
mon=$!
gen "$A" "probe ar1 nobody2 1402 10.78.0.1"
prc=$?
wait "$mon"
rc=$?
mon=
sed 's/^/# /' "$tmp/ev.txt" "$tmp/ev.err"
[ "$prc" = 0 ] && [ "$rc" = 0 ] && [ "$(grep -c '' "$tmp/ev.txt")" = 1 ] &&
	grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} no-sa addr 10\.78\.0\.1 peer nobody2 local ar1 msg MIH_Register\.request$' "$tmp/ev.txt"
check $? "text mode: one no-sa line with address, MIHF IDs and message"
exit $fail
