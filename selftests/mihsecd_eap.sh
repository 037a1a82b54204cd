#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/mihsecd_eap.sh: keys nobody typed.  Two namespaces joined by a
# veth pair (run by selftests/run.sh in the VM, mihsec.ko loaded):
#
#   MMT (mihsec-eap-PID-mmt, 10.79.0.1): wpa_supplicant -D wired, a network
#       with key_mgmt=NONE and EAP-PEAP credentials; mihsecd roles = mmt,
#       [wpa_supplicant] with preauth = the AR's MAC (RSN pre-authentication)
#   AR  (mihsec-eap-PID-ar, 10.79.0.2): hostapd driver=wired with its
#       internal EAP server (test certificates made here), rsn_preauth;
#       mihsecd roles = poa, [hostapd]
#
# Policy require on both sides.  Checked: both mihsecd start; after the
# pre-authentication each kernel holds exactly one SA toward the other
# (peer, role, suite) and the two mirror each other (key IDs); the
# daemons' debug dumps (key IDs and key fingerprints) agree; the PMK (read
# here with wpa_cli / hostapd_cli only) appears in no log and no config
# file; an MIH datagram MMT -> AR and a reply AR -> MMT arrive plain at
# the sockets, each verified once by the receiving kernel, and carry the
# Security TLV (type 200) on the wire (tcpdump); mihsecctl peers over the
# control socket names the peer, its key source and state installed;
# a re-authentication (wpa_cli preauthenticate) installs a second mirrored
# SA pair (the old one in grace) and traffic goes on under the new one;
# then MIHSEC_EAP_RUNS (default 30) more re-authentications each install a
# new mirrored pair, and in each the MMT (requesting every 2 ms) accepts an
# MIH response protected with the new SA and then completes a whole
# exchange under it (key IDs read on the wire); mihsecd stopped with
# SIGTERM leaves the SAs in the kernel and a restarted mihsecd adopts them.
#
# Measured (TAP comments, not asserted): per re-authentication the set-up
# latency each mihsecd logs ("SA installed for X (...) N ms after the key
# event"), the wall time from `wpa_cli preauthenticate` until both
# kernels hold the new SA (followed in the daemons' logs, confirmed with
# mihsecctl sa show), and the time to the first protected MIH response the
# MMT accepted under the new SA, from `wpa_cli preauthenticate` and from
# the AR's key event (its mihsecd's logged latency subtracted from when
# the line appeared); median and p90 of each.
#
# env: MIHSEC_EAP_RUNS  re-authentications measured (default 30)
#      MIHSEC_KEEP      keep the temporary directory (its path is printed)
set -u
top=$(dirname "$(dirname "$(realpath "$0")")")
. "$top/selftests/lib/tap.bash"
. "$top/selftests/lib/pki.bash"
. "$top/selftests/lib/net.bash"
. "$top/selftests/lib/eap.bash"
C=${MIHSEC_CTL:-$top/build/bin/mihsecctl}
D=${MIHSEC_D:-$top/build/bin/mihsecd}
runs=${MIHSEC_EAP_RUNS:-30}
M=mihsec-eap-$$-mmt A=mihsec-eap-$$-ar
if_m=eapm if_a=eapa
ip_m=10.79.0.1 ip_a=10.79.0.2
tmp=$(mktemp -d /tmp/mihsec-eap.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$M" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
inm() { ip netns exec "$M" "$@"; }
ina() { ip netns exec "$A" "$@"; }
WAIT_STEP=0.05

TOTAL=21
echo "TAP version 13"
echo "1..$TOTAL"
for c in hostapd hostapd_cli wpa_supplicant wpa_cli openssl python3 tcpdump; do
	if ! command -v "$c" >/dev/null; then
		for _ in $(seq $TOTAL); do skip "mihsecd with real EAP" "$c not installed"; done
		exit 0
	fi
done
[ -x "$D" ] && [ -x "$C" ] || { echo "Bail out! $D or $C missing (make)"; exit 1; }
t_start=$(now_us)

# ---- namespaces, veth, addresses --------------------------------------------
# no IPv6 on the veths: hostapd's wired driver would start ordinary 802.1X
# for a station it hears, which collides with pre-authentication of the
# same MAC (daemon/tests/host/eap_keysrc.sh)
ip netns add "$M" && ip netns add "$A" &&
	ip -n "$M" link add "$if_m" type veth peer name "$if_a" netns "$A" &&
	inm sysctl -qw "net.ipv6.conf.$if_m.disable_ipv6=1" &&
	ina sysctl -qw "net.ipv6.conf.$if_a.disable_ipv6=1" &&
	ip -n "$M" -b - <<-EOF && ip -n "$A" -b - <<-EOF
	link set lo up
	link set $if_m up
	addr add $ip_m/24 dev $if_m
	EOF
	link set lo up
	link set $if_a up
	addr add $ip_a/24 dev $if_a
	EOF
rc=$?
mac_m=$(mac_of "$M" "$if_m")
mac_a=$(mac_of "$A" "$if_a")

# ---- test PKI (EC keys: quick under TCG) -------------------------------------
(
	cd "$tmp" && pki_ca ca && pki_cert server ca
) >"$tmp/pki.log" 2>&1 && [ -s "$tmp/server.pem" ] || rc=1
[ -n "$mac_m" ] && [ -n "$mac_a" ] || rc=1
[ "$rc" = 0 ] || dump "$tmp/pki.log"
check $rc "namespaces $M and $A over a veth pair (MMT $mac_m, AR $mac_a), test certificates"

# ---- hostapd (AR) and wpa_supplicant (MMT) ----------------------------------
hdir=$tmp/hostapd wdir=$tmp/wpas
eap_wired_conf "$tmp" "$if_a" "$tmp/ca.pem" "$tmp/server.pem" "$tmp/server.key" \
	"$hdir" "$wdir"
# not through ina/inm: $! must be the daemon itself
ip netns exec "$A" hostapd "$tmp/hostapd.conf" >"$tmp/hostapd.log" 2>&1 &
pids+=($!)
ip netns exec "$M" wpa_supplicant -D wired -i "$if_m" -c "$tmp/wpas.conf" \
	>"$tmp/wpas.log" 2>&1 &
pids+=($!)
wait_for 20 test -S "$hdir/$if_a" -a -S "$wdir/$if_m" || {
	echo "# hostapd or wpa_supplicant did not open its control socket"
	dump "$tmp/hostapd.log" "$tmp/wpas.log"
}
inm "$C" policy set require && ina "$C" policy set require
rc_pol=$?

# ---- mihsecd on both sides ----------------------------------------------------
cat >"$tmp/mmt.conf" <<EOF
# MMT (written by selftests/mihsecd_eap.sh)
[mihsecd]
roles = mmt
mihf-id = mmt1
log-level = debug
kernel = require
control-socket = $tmp/mmt-ctl/mihsecd.sock

[wpa_supplicant]
ctrl-interface = $wdir/$if_m
preauth = $mac_a

[peer ar1]
kind = poa
mihf-id = ar1
mac = $mac_a
address = $ip_a
EOF
cat >"$tmp/ar.conf" <<EOF
# AR (written by selftests/mihsecd_eap.sh)
[mihsecd]
roles = poa
mihf-id = ar1
log-level = debug
kernel = require
control-socket = $tmp/ar-ctl/mihsecd.sock

[hostapd]
ctrl-interface = $hdir/$if_a
interface = $if_a

[peer mmt1]
kind = mmt
mihf-id = mmt1
mac = $mac_m
EOF
log_m=$tmp/mihsecd-mmt.log log_a=$tmp/mihsecd-ar.log
# start_d NS CONF LOG: mihsecd -f in NS; its pid in $dpid
start_d() {
	ip netns exec "$1" "$D" -f -c "$2" >"$3" 2>&1 &
	dpid=$!
	pids+=("$dpid")
}
alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! alive "$1"; }
# stop_pid PID [SIG]: signal it (default TERM), SIGKILL after 10 s; its
# exit status
stop_pid() {
	kill -"${2:-TERM}" "$1" 2>/dev/null
	wait_for 10 dead "$1" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
in_log() { grep -q -- "$2" "$1"; }
# the AR first, so that its hostapd source listens before the MMT's
# pre-authentication starts
start_d "$A" "$tmp/ar.conf" "$log_a"
pid_a=$dpid
wait_for 20 in_log "$log_a" "hostapd $hdir/$if_a: connected"
rc_a=$?
start_d "$M" "$tmp/mmt.conf" "$log_m"
pid_m=$dpid
wait_for 20 in_log "$log_m" "wpa_supplicant $wdir/$if_m: connected"
rc_m=$?
if [ "$rc_pol" = 0 ] && [ "$rc_a" = 0 ] && [ "$rc_m" = 0 ] &&
	alive "$pid_a" && alive "$pid_m"; then
	ok "policy require; both mihsecd started and connected to hostapd / wpa_supplicant"
else
	no "policy require; both mihsecd started and connected to hostapd / wpa_supplicant"
	dump "$log_a" "$log_m"
fi

# ---- the SAs ---------------------------------------------------------------------
# sa_ids NS: one line "TX RX" (key IDs) per SA in NS's kernel
sa_ids() { ip netns exec "$1" "$C" sa show | awk '$1 == "tx-keyid" { print $2, $4 }'; }
nsas() { [ "$(sa_ids "$1" | wc -l)" -ge "$2" ]; }
both_have() { nsas "$M" "$1" && nsas "$A" "$1"; }
t0=$(now_us)
wait_for 60 both_have 1
rc=$?
t1=$(now_us)
echo "# first pre-authentication: both kernels hold an SA after $(((t1 - t0) / 1000)) ms (from the MMT's mihsecd start + connect)"
[ "$rc" = 0 ] || dump "$log_m" "$log_a" "$tmp/hostapd.log" "$tmp/wpas.log"
inm "$C" -j sa show >"$tmp/sa-m.json"
ina "$C" -j sa show >"$tmp/sa-a.json"

# the python helper: JSON queries, the MIH datagram ends, the capture
cat >"$tmp/h.py" <<'EOF'
import json, socket, struct, sys

def pdu(src, dst, mid, tid, body=b""):
    def ident(t, s):
        v = bytes([len(s)]) + s.encode()
        return bytes([t, len(v)]) + v
    pl = ident(1, src) + ident(2, dst) + body
    return (bytes([0x10, 0, mid >> 8, mid & 0xff, (tid >> 8) & 0x0f,
                   tid & 0xff]) + struct.pack("!H", len(pl)) + pl)

def udp(port=4551):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.settimeout(20)
    return s

cmd = sys.argv[1]
if cmd == "jget":	# FILE EXPR...: evaluate each on the JSON (as j)
    j = json.load(open(sys.argv[2]))
    for e in sys.argv[3:]:
        print(eval(e))
elif cmd == "ar":	# READY OUT TID: receive one, reply
    s = udp()
    open(sys.argv[2], "w").close()
    data, (addr, port) = s.recvfrom(4096)
    reply = pdu("ar1", "mmt1", 0x1802, int(sys.argv[4]), b"\x00\x01\x00")
    with open(sys.argv[3], "w") as f:
        print(data.hex(), addr, port, reply.hex(), file=f)
    s.sendto(reply, (addr, 4551))
elif cmd == "mmt":	# AR_ADDR OUT TID: send one, receive the reply
    s = udp()
    req = pdu("mmt1", "ar1", 0x1402, int(sys.argv[4]))
    s.sendto(req, (sys.argv[2], 4551))
    data, (addr, port) = s.recvfrom(4096)
    with open(sys.argv[3], "w") as f:
        print(req.hex(), data.hex(), addr, port, file=f)
elif cmd == "resp":	# READY: answer every MIH request, same MID (response
    s = udp()		# opcode) and TID, until killed
    s.settimeout(None)
    open(sys.argv[2], "w").close()
    while True:
        data, (addr, port) = s.recvfrom(4096)
        if len(data) < 8 or (data[2] >> 2) & 3 != 1:
            continue
        mid = ((data[2] & 0xf3) | 0x08) << 8 | data[3]
        tid = (data[4] & 0x0f) << 8 | data[5]
        s.sendto(pdu("ar1", "mmt1", mid, tid, b"\x00\x01\x00"), (addr, 4551))
elif cmd == "req":	# AR_ADDR IFACE AR_LOG: see below
    # Per line "go RUN T0_US OLD_KEYID..." on stdin: an MIH_Register
    # request to AR_ADDR every 2 ms (a new TID each) until a response
    # protected with a key ID not in OLD arrives at the socket (the
    # kernel accepted it), then on until a whole exchange ran under new
    # key IDs; the key IDs are read on the wire (packet socket on IFACE,
    # the protected form: mihsec hooks LOCAL_OUT/LOCAL_IN).  The AR's key
    # event: when its mihsecd's "SA installed for mmt1 (hostapd ...) N ms
    # after the key event" line shows up in AR_LOG, minus N (the log is
    # polled at every wake-up, <= 2 ms apart).  Prints "RUN MS_T0 MS_EVT
    # RESP_KEYID REQ_KEYID SENT" (MS_* to the first response; "-" unknown).
    import os, re, select, time
    ar, ifname = sys.argv[2], sys.argv[3]
    s = udp()
    s.setblocking(False)
    # ETH_P_ALL: only such sockets see the outgoing frames too
    ps = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    ps.bind((ifname, 3))
    ps.setblocking(False)
    lfd = os.open(sys.argv[4], os.O_RDONLY)
    os.lseek(lfd, 0, os.SEEK_END)
    lbuf = b""
    pat = re.compile(rb"SA installed for mmt1 \(hostapd[^)]*\) ([0-9.]+) ms after the key event")
    def logline():	# the key event (ns) of a new install line, or None
        global lbuf
        r = None
        while True:
            b = os.read(lfd, 65536)
            if not b:
                break
            lbuf += b
        *lines, lbuf = lbuf.split(b"\n")
        for l in lines:
            m = pat.search(l)
            if m:
                r = time.time_ns() - int(float(m.group(1)) * 1e6)
        return r
    def keyid(m):	# (TID, key ID hex of TLV 200) of an MIH PDU
        tid = (m[4] & 0x0f) << 8 | m[5]
        o = 8
        while o + 2 <= len(m):
            t, ln, v = m[o], m[o + 1], o + 2
            if ln & 0x80:
                k = ln & 0x7f
                ln = int.from_bytes(m[v:v + k], "big") + 128
                v += k
            if t == 200:
                return tid, m[v + 2:v + 10].hex()
            o = v + ln
        return tid, None
    wire = {}
    def sniff():	# wire[("q"|"r", TID)] = key ID, requests and responses
        while True:
            try:
                fr, a = ps.recvfrom(4096)
            except BlockingIOError:
                return
            ip = fr[14:]
            if fr[12:14] != b"\x08\x00" or len(ip) < 28 or ip[9] != 17:
                continue
            u = ip[(ip[0] & 15) * 4:]
            sp, dp = struct.unpack("!HH", u[:4])
            src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
            if a[2] == socket.PACKET_OUTGOING and dst == ar and dp == 4551:
                tid, k = keyid(u[8:])
                wire[("q", tid)] = k
            elif a[2] != socket.PACKET_OUTGOING and src == ar and sp == 4551:
                tid, k = keyid(u[8:])
                wire[("r", tid)] = k
    tid = 0
    print("ready", flush=True)
    for line in sys.stdin:
        f = line.split()
        if len(f) < 3 or f[0] != "go":
            continue
        run, t0, old = f[1], int(f[2]) * 1000, set(f[3:])
        logline()
        sniff()
        wire.clear()
        while True:
            try:
                s.recv(4096)
            except BlockingIOError:
                break
        first = evt = None
        rk = qk = "-"
        sent = 0
        nxt = time.monotonic()
        end = nxt + 30
        while True:
            now = time.monotonic()
            if now >= end:
                break
            if now >= nxt:
                tid = tid % 4095 + 1
                s.sendto(pdu("mmt1", "ar1", 0x1402, tid), (ar, 4551))
                sent += 1
                nxt = max(nxt + 0.002, now)
            e = logline()
            if e is not None and evt is None:
                evt = e
            select.select([s, ps], [], [], max(0, nxt - time.monotonic()))
            sniff()
            while True:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    break
                t = time.time_ns()
                if len(data) < 8 or (data[2] >> 2) & 3 != 2:
                    continue
                rt = (data[4] & 0x0f) << 8 | data[5]
                if ("r", rt) not in wire:
                    sniff()
                    r = wire.get(("r", rt))
                else:
                    r = wire[("r", rt)]
                if r is None or r in old:
                    continue
                q = wire.get(("q", rt))
                if first is None:
                    first, rk = t, r
                if q is not None and q not in old:
                    qk = q
            if qk != "-":
                break
        # the AR's install line may follow its first new response
        while evt is None and time.monotonic() < end:
            evt = logline()
            time.sleep(0.002)
        ms = lambda a, b: "-" if a is None or b is None else "%.3f" % ((a - b) / 1e6)
        print(run, ms(first, t0), ms(first, evt), rk, qk, sent, flush=True)
elif cmd == "pcap":	# FILE: per UDP/4551 datagram "SRC DST TYPE..."
    raw = open(sys.argv[2], "rb").read()
    magic = struct.unpack("<I", raw[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(raw):
        caplen = struct.unpack(e + "I", raw[off + 8:off + 12])[0]
        fr = raw[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(fr) < 14 or fr[12:14] != b"\x08\x00":
            continue
        ip = fr[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17:
            continue
        u = ip[ihl:]
        if struct.unpack("!H", u[2:4])[0] != 4551:
            continue
        m = u[8:]
        types, o = [], 8
        while o + 2 <= len(m):	# TLV types (lengths < 128 here)
            types.append(m[o])
            ln = m[o + 1]
            if ln & 0x80:
                k = ln & 0x7f
                ln = int.from_bytes(m[o + 2:o + 2 + k], "big") + 128
                o += k
            o += 2 + ln
        print(socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]),
              ",".join(map(str, types)))
EOF
jget() { python3 "$tmp/h.py" jget "$@"; }

q_m=$(jget "$tmp/sa-m.json" 'len(j)' '[(s["local"], s["peer"], s["role"], s["suite"]) for s in j]' 2>&1)
q_a=$(jget "$tmp/sa-a.json" 'len(j)' '[(s["local"], s["peer"], s["role"], s["suite"]) for s in j]' 2>&1)
if [ "$rc" = 0 ] &&
	[ "$q_m" = "1
[('mmt1', 'ar1', 'mmt', 1)]" ] && [ "$q_a" = "1
[('ar1', 'mmt1', 'network', 1)]" ]; then
	ok "after pre-authentication each kernel holds exactly one SA toward the other (mmt1->ar1 role mmt, ar1->mmt1 role network, suite 1)"
else
	no "after pre-authentication each kernel holds exactly one SA toward the other"
	echo "# MMT: $q_m" | tr '\n' ' '; echo
	echo "# AR:  $q_a" | tr '\n' ' '; echo
fi

k_m=$(jget "$tmp/sa-m.json" 'j[0]["tx_keyid"], j[0]["rx_keyid"]' 2>/dev/null)
k_a=$(jget "$tmp/sa-a.json" 'j[0]["rx_keyid"], j[0]["tx_keyid"]' 2>/dev/null)
echo "# MMT (tx, rx) = $k_m; AR (rx, tx) = $k_a"
if [ -n "$k_m" ] && [ "$k_m" = "$k_a" ] && [ "${k_m:2:16}" != "${k_m:22:16}" ]; then
	ok "the two SAs mirror: MMT tx key ID = AR rx key ID and MMT rx = AR tx"
else
	no "the two SAs mirror: MMT tx key ID = AR rx key ID and MMT rx = AR tx"
fi
# the current SA's key IDs: m2n = the MMT's tx, n2m = its rx
m2n1=$(sa_ids "$M" | awk '{ print $1 }') n2m1=$(sa_ids "$M" | awk '{ print $2 }')

# the debug dumps: "sa PEER: m2n keyid K ck FP salt FP" and n2m
dumplines() { # LOG PEER
	sed -n "s/^mihsecd: debug: sa $2: \([mn]2[mn] keyid .*\)/\1/p" "$1"
}
wait_for 5 in_log "$log_a" "sa mmt1: n2m keyid"
d_m=$(dumplines "$log_m" ar1) d_a=$(dumplines "$log_a" mmt1)
printf '%s\n' "$d_m" | sed 's/^/# dump: /'
if [ -n "$d_m" ] && [ "$d_m" = "$d_a" ] && [ "$(echo "$d_m" | wc -l)" = 2 ] &&
	echo "$d_m" | grep -q "^m2n keyid $m2n1 ck [0-9a-f]\{16\} salt " &&
	echo "$d_m" | grep -q "^n2m keyid $n2m1 ck [0-9a-f]\{16\} salt "; then
	ok "both mihsecd logged the same derived SA (key IDs, key and salt fingerprints), matching the kernel's key IDs"
else
	no "both mihsecd logged the same derived SA (key IDs, key and salt fingerprints), matching the kernel's key IDs"
	printf '%s\n' "$d_a" | sed 's/^/# AR dump: /'
fi

# the PMK, read here only: in no log and no config file
pmks=''
read_pmks() {
	local w h
	w=$(inm wpa_cli -p "$wdir" -i "$if_m" pmksa_get 0 |
		awk -v aa="$mac_a" '$1 == aa { print $3 }')
	h=$(ina hostapd_cli -p "$hdir" -i "$if_a" raw "GET_PMK $mac_m")
	pmk_w=$w pmk_h=$h
	pmks="$pmks $w $h"
}
read_pmks
check "$([ ${#pmk_w} = 64 ] && [ "$pmk_w" = "$pmk_h" ]; echo $?)" \
	"wpa_supplicant and hostapd hold the same 32-octet PMK (read with wpa_cli pmksa_get / hostapd_cli GET_PMK)"

# ---- MIH traffic ----------------------------------------------------------------
# stats NS: the kernel's rx_verified
stats() { ip netns exec "$1" "$C" -j stats >"$tmp/st.json" && jget "$tmp/st.json" 'j["rx_verified"]'; }
# exchange TAG TID: MMT -> AR request, AR -> MMT reply; sets ex_ok
# (both arrived plain), d_a/d_m (rx_verified deltas AR/MMT)
exchange() {
	local v_a0 v_m0 arpid
	v_a0=$(stats "$A") v_m0=$(stats "$M")
	rm -f "$tmp/ready" "$tmp/ar-$1" "$tmp/mmt-$1"
	ip netns exec "$A" python3 "$tmp/h.py" ar "$tmp/ready" "$tmp/ar-$1" "$2" \
		2>"$tmp/ar-$1.err" &
	arpid=$!
	wait_for 20 test -e "$tmp/ready"
	inm timeout 25 python3 "$tmp/h.py" mmt "$ip_a" "$tmp/mmt-$1" "$2" \
		2>"$tmp/mmt-$1.err"
	wait_for 25 dead "$arpid" || kill "$arpid" 2>/dev/null
	wait "$arpid" 2>/dev/null
	# AR: "REQ_RECEIVED SRC PORT REPLY_SENT"; MMT: "REQ_SENT REPLY_RECEIVED SRC PORT"
	ar_req='' ar_src='' ar_rep='' m_req='' m_rep='' m_src=''
	[ ! -s "$tmp/ar-$1" ] || read -r ar_req ar_src _ ar_rep <"$tmp/ar-$1"
	[ ! -s "$tmp/mmt-$1" ] || read -r m_req m_rep m_src _ <"$tmp/mmt-$1"
	d_a=$(($(stats "$A") - v_a0)) d_m=$(($(stats "$M") - v_m0))
	echo "# $1: request $m_req, reply $m_rep"
	req_ok=1 rep_ok=1
	[ -n "${m_req:-}" ] && [ "$m_req" = "${ar_req:-}" ] &&
		[ "${ar_src:-}" = "$ip_m" ] && req_ok=0
	[ -n "${m_rep:-}" ] && [ "$m_rep" = "${ar_rep:-}" ] &&
		[ "${m_src:-}" = "$ip_a" ] && rep_ok=0
	[ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] ||
		dump "$tmp/ar-$1.err" "$tmp/mmt-$1.err" "$log_m" "$log_a"
}
ar_req='' ar_src='' ar_rep='' m_req='' m_rep='' m_src=''
# not through ina: $! must be tcpdump (an asynchronous subshell would
# also ignore SIGINT)
ip netns exec "$A" tcpdump -Z root -i "$if_a" -n -U --immediate-mode -w "$tmp/mih.pcap" \
	udp port 4551 >/dev/null 2>"$tmp/tcpdump.err" &
pid_td=$!
pids+=("$pid_td")
wait_for 20 in_log "$tmp/tcpdump.err" "listening on"
exchange first 1
check "$([ "$req_ok" = 0 ] && [ "$d_a" = 1 ]; echo $?)" \
	"MIH_Register.request MMT -> AR arrives plain at the AR's socket; the AR kernel verified exactly one (rx_verified +$d_a)"
check "$([ "$rep_ok" = 0 ] && [ "$d_m" = 1 ]; echo $?)" \
	"MIH_Register.response AR -> MMT arrives plain at the MMT's socket; the MMT kernel verified exactly one (rx_verified +$d_m)"
stop_pid "$pid_td"
wire=$(python3 "$tmp/h.py" pcap "$tmp/mih.pcap" 2>&1)
echo "$wire" | sed 's/^/# on the wire (src dst TLV types): /'
check "$([ "$wire" = "$ip_m $ip_a 1,2,200,201
$ip_a $ip_m 1,2,200,201" ]; echo $?)" \
	"on the wire both carry the Security TLV (200) and the Integrity TLV (201) after the MIHF IDs"

# ---- mihsecctl peers over the control socket ----------------------------------
if in_log "$log_m" "control socket" && in_log "$log_a" "control socket"; then
	inm "$C" -S "$tmp/mmt-ctl/mihsecd.sock" -j peers >"$tmp/peers-m.json" 2>&1
	ina "$C" -S "$tmp/ar-ctl/mihsecd.sock" -j peers >"$tmp/peers-a.json" 2>&1
	e='[(p["peer"], p["source"], p["state"]) for p in (j["peers"] if isinstance(j, dict) else j)]'
	p_m=$(jget "$tmp/peers-m.json" "$e" 2>&1) p_a=$(jget "$tmp/peers-a.json" "$e" 2>&1)
	echo "# peers: MMT $p_m; AR $p_a"
	check "$([ "$p_m" = "[('ar1', 'wpa_supplicant', 'installed')]" ] &&
		[ "$p_a" = "[('mmt1', 'hostapd', 'installed')]" ]; echo $?)" \
		"mihsecctl peers: the MMT lists ar1 (wpa_supplicant, installed), the AR mmt1 (hostapd, installed)"
else
	skip "mihsecctl peers over the control socket" "mihsecd does not log a control socket (not wired yet)"
fi

# ---- re-authentication ------------------------------------------------------------
preauth() { inm wpa_cli -p "$wdir" -i "$if_m" preauthenticate "$mac_a" >/dev/null; }
# new_sa NS BEFORE: the "TX RX" line of an SA of NS not in BEFORE
new_sa() { sa_ids "$1" | grep -vxF -e "${2:-none}" | head -n 1; }
before_m=$(sa_ids "$M") before_a=$(sa_ids "$A")
preauth
both_new() {
	nm=$(new_sa "$M" "$before_m") && [ -n "$nm" ] &&
		na=$(new_sa "$A" "$before_a") && [ -n "$na" ]
}
nm='' na=''
wait_for 60 both_new
rc=$?
read_pmks
inm "$C" -j sa show >"$tmp/sa-m.json"
ina "$C" -j sa show >"$tmp/sa-a.json"
c_m=$(jget "$tmp/sa-m.json" 'len(j), len({s["peer"] for s in j})' 2>&1)
c_a=$(jget "$tmp/sa-a.json" 'len(j), len({s["peer"] for s in j})' 2>&1)
echo "# re-authentication: MMT new (tx rx) $nm, AR new (tx rx) $na; (SAs, peers): MMT $c_m, AR $c_a"
set -- $nm $na
if [ "$rc" = 0 ] && [ "$c_m" = "(2, 1)" ] && [ "$c_a" = "(2, 1)" ] &&
	[ "$1" = "$4" ] && [ "$2" = "$3" ] && [ "$1" != "$m2n1" ] &&
	[ "$2" != "$n2m1" ]; then
	ok "re-authentication (wpa_cli preauthenticate) installs a second mirrored SA pair with new key IDs; the old one stays (grace)"
else
	no "re-authentication (wpa_cli preauthenticate) installs a second mirrored SA pair with new key IDs; the old one stays (grace)"
	dump "$log_m" "$log_a"
fi
m2n2=$1
exchange reauth 2
# the AR's new SA (rx = the MMT's new tx key ID) took the request
ina "$C" -j sa show -s >"$tmp/sa-a.json"
pk=$(jget "$tmp/sa-a.json" "[s['stats']['rx_packets'] for s in j if s['rx_keyid'] == '$m2n2']" 2>&1)
check "$([ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] && [ "$d_a" = 1 ] &&
	[ "$d_m" = 1 ] && [ "$pk" = "[1]" ]; echo $?)" \
	"traffic goes on after the rekey: both datagrams arrive and are verified, the request under the new SA (its rx packets $pk)"

# ---- measure: re-authentications ------------------------------------------------
# Per run: the set-up latency each mihsecd logs, and the wall time from
# issuing `wpa_cli preauthenticate` until both kernels hold the new SA.
# The latter is detected without forking (a poll of the kernels through
# ip netns exec + mihsecctl costs ~0.4 s under TCG, more than the whole
# exchange): the daemons' logs are followed with bash's read, and each
# "SA installed" line is written after the kernel acknowledged the SA;
# the kernels are then asked (mihsecctl sa show) to confirm the new pair.
lat() { # LINE: the latency (ms) in an "SA installed ..." line
	local r=${1##*) }
	echo "${r%% ms after the key event}"
}
# a FIFO nobody writes to: read -t on it sleeps without a fork
mkfifo "$tmp/nap" && exec {zfd}<>"$tmp/nap"
nap() { read -r -t "$1" -u "$zfd" _; }
exec {fm}<"$log_m" {fa}<"$log_a"
# shellcheck disable=SC2034 # set through printf -v in follow()
cm='' ca='' hit=''
# follow FD CARRY PATTERN: consume the complete lines FD has now (a
# partial last line is kept in the variable named CARRY); true if one
# contained PATTERN (the last such line in $hit)
follow() {
	local l r=1
	while IFS= read -r -u "$1" l; do
		l=${!2}$l
		printf -v "$2" '%s' ''
		if [[ $l == *"$3"* ]]; then hit=$l r=0; fi
	done
	[ -z "$l" ] || printf -v "$2" '%s' "${!2}$l"
	return $r
}
pat_m='SA installed for ar1 (wpa_supplicant' pat_a='SA installed for mmt1 (hostapd'
# The first protected MIH response under the new SA: a responder on the AR
# and a requester on the MMT (h.py resp / req), each started once (a
# process start costs ~0.3 s under TCG) and driven through fifos.  Per
# run the requester gets the origin (the time wpa_cli preauthenticate is
# issued) and the key IDs in use before; it sends a request every 2 ms
# from then on: until the MMT holds the new SA they go out under the old
# one and are answered under the old one (not counted) or, once the AR has
# the new SA, answered under the new one, which the MMT's kernel drops
# until it holds the new SA too (unknown key); once the MMT holds it,
# requests leave under the new key ID, which the AR drops (unknown key)
# until it holds it: the MMT retransmits, as a real one would.
mkfifo "$tmp/req.in" "$tmp/req.out" && exec {rqi}<>"$tmp/req.in" {rqo}<>"$tmp/req.out"
rm -f "$tmp/ready"
ip netns exec "$A" python3 "$tmp/h.py" resp "$tmp/ready" 2>"$tmp/resp.err" &
pid_rsp=$!
pids+=("$pid_rsp")
ip netns exec "$M" python3 "$tmp/h.py" req "$ip_a" "$if_m" "$log_a" \
	<"$tmp/req.in" >"$tmp/req.out" 2>"$tmp/req.err" &
pid_req=$!
pids+=("$pid_req")
l=''
wait_for 20 test -e "$tmp/ready" && read -r -t 20 -u "$rqo" l && [ "$l" = ready ] ||
	dump "$tmp/resp.err" "$tmp/req.err"
wall='' issue='' lm='' la='' good=0
fo='' fe='' rgood=0 qgood=0 sent=0
echo "# measuring $runs re-authentications (MIHSEC_EAP_RUNS)"
t_meas=$(now_us)
for i in $(seq "$runs"); do
	before_m=$(sa_ids "$M") before_a=$(sa_ids "$A")
	follow "$fm" cm x
	follow "$fa" ca x
	hm='' ha='' tm=0 ta=0
	olds=''
	while read -r x y; do olds="$olds $x $y"; done <<<"$before_m"
	t0=$(now_us)
	alive "$pid_req" && echo "go $i $t0$olds" >&"$rqi"
	preauth
	ti=$(now_us)
	while :; do
		if [ -z "$hm" ] && follow "$fm" cm "$pat_m"; then hm=$hit tm=$(now_us); fi
		if [ -z "$ha" ] && follow "$fa" ca "$pat_a"; then ha=$hit ta=$(now_us); fi
		[ -n "$hm" ] && [ -n "$ha" ] && break
		[ $(($(now_us) - t0)) -lt 30000000 ] || break
		nap 0.01
	done
	nm=$(new_sa "$M" "$before_m") na=$(new_sa "$A" "$before_a")
	# the requester's "RUN MS_T0 MS_EVT RESP_KEYID REQ_KEYID SENT"
	r=''
	while alive "$pid_req" && read -r -t 35 -u "$rqo" l; do
		case $l in "$i "*) r=$l; break ;; esac
	done
	set -- $r $nm
	if [ $# = 8 ] && [ "$4" = "$8" ] && [ "$2" != - ]; then
		rgood=$((rgood + 1)) fo="$fo $2" sent=$((sent + $6))
		[ "$3" = - ] || fe="$fe $3"
		[ "$5" != "$7" ] || qgood=$((qgood + 1))
	else
		echo "# run $i: no MIH response under the new SA (requester: '$r'; MMT new (tx rx) '$nm')"
	fi
	if [ -z "$hm" ] || [ -z "$ha" ] || [ -z "$nm" ] || [ -z "$na" ]; then
		echo "# run $i: no new SA pair within 30 s (logged: MMT '$hm', AR '$ha'; kernels: MMT '$nm', AR '$na')"
		continue
	fi
	[ "$tm" -gt "$ta" ] || tm=$ta
	wall="$wall $(((tm - t0) / 1000))" issue="$issue $(((ti - t0) / 1000))"
	lm="$lm $(lat "$hm")" la="$la $(lat "$ha")"
	set -- $nm $na
	if [ "$1" = "$4" ] && [ "$2" = "$3" ]; then
		good=$((good + 1))
	else
		echo "# run $i: MMT (tx rx) $nm, AR (tx rx) $na do not mirror"
	fi
	# every PMK (no log may hold one), from the MMT only (the hostapd
	# one was shown equal above)
	pmks="$pmks $(inm wpa_cli -p "$wdir" -i "$if_m" pmksa_get 0 |
		awk -v aa="$mac_a" '$1 == aa { print $3 }')"
done
exec {fm}<&- {fa}<&- {zfd}<&-
t_meas=$((($(now_us) - t_meas) / 1000000))
check "$([ "$good" = "$runs" ]; echo $?)" \
	"$good of $runs further re-authentications each installed a new mirrored SA pair on both sides ($t_meas s)"
# the last run's requests reached the AR under its newest SA
m2n=${nm%% *}
ina "$C" -j sa show -s >"$tmp/sa-a.json"
pk=$(jget "$tmp/sa-a.json" "[s['stats']['rx_packets'] for s in j if s['rx_keyid'] == '$m2n']" 2>&1)
stop_pid "$pid_req"
stop_pid "$pid_rsp"
exec {rqi}>&- {rqo}<&-
echo "# MIH requests sent while measuring: $sent; the AR's newest SA received $pk"
[ "$rgood" = "$runs" ] && [ "$qgood" = "$runs" ] || dump "$tmp/req.err" "$tmp/resp.err"
check "$([ "$rgood" = "$runs" ] && [ "$qgood" = "$runs" ] &&
	[ -n "$m2n" ] && [[ $pk =~ ^\[[1-9][0-9]*\]$ ]]; echo $?)" \
	"in $rgood of $runs re-authentications the MMT accepted an MIH response protected with the new SA (its key ID on the wire), in $qgood then a whole exchange under it; the AR's newest SA received requests (rx packets $pk)"
# median and p90 (nearest rank) of a list of numbers
mp() {
	printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "n 0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		r = int(0.9 * NR); if (r < 0.9 * NR) r++
		printf "n %d median %.3f p90 %.3f min %.3f max %.3f\n", NR, m, v[r], v[1], v[NR] }'
}
echo "# MEASURE set-up latency logged by the MMT's mihsecd (key event -> SA in its kernel), ms: $(mp "$lm")"
echo "# MEASURE set-up latency logged by the AR's mihsecd (key event -> SA in its kernel), ms: $(mp "$la")"
echo "# MEASURE wall time from issuing wpa_cli preauthenticate to both kernels holding the new SA (EAP-PEAP included), ms: $(mp "$wall")"
echo "# MEASURE   of which wpa_cli itself (start to exit), ms: $(mp "$issue")"
echo "# MEASURE wall time from issuing wpa_cli preauthenticate to the first protected MIH response the MMT accepted under the new SA (requests every 2 ms), ms: $(mp "$fo")"
echo "# MEASURE from the AR's key event (EAP success at hostapd, as its mihsecd logs it) to that first protected MIH response (log polled every <= 2 ms), ms: $(mp "$fe")"

# ---- no PMK in any log or config file -------------------------------------------
leak=''
for p in $pmks; do
	[ ${#p} = 64 ] || continue
	l=$(grep -ril -- "$p" "$tmp" 2>/dev/null)
	[ -z "$l" ] || leak="$leak $l"
done
np=$(printf '%s\n' $pmks | grep -c '^[0-9a-f]\{64\}$')
check "$([ -z "$leak" ] && [ "$np" -ge 3 ]; echo $?)" \
	"none of the $np PMKs read appears in any log or config file (mihsecd, hostapd, wpa_supplicant)${leak:+: found in$leak}"

# ---- SIGTERM leaves the SAs; a restart adopts them ------------------------------
# the newest pair (the last run's); older SAs may leave meanwhile (grace)
cur_m=$nm cur_a=$na
ids_m=$(sa_ids "$M" | sort) ids_a=$(sa_ids "$A" | sort)
stop_pid "$pid_m"
rc_m=$?
stop_pid "$pid_a"
rc_a=$?
after_m=$(sa_ids "$M" | sort) after_a=$(sa_ids "$A" | sort)
# subset A B: every line of A is in B
subset() {
	local l
	while IFS= read -r l; do
		[ -z "$l" ] || grep -qxF -- "$l" <<<"$2" || return 1
	done <<<"$1"
}
check "$([ "$rc_m" = 0 ] && [ "$rc_a" = 0 ] && [ -n "$cur_m" ] &&
	echo "$after_m" | grep -qxF -- "$cur_m" &&
	echo "$after_a" | grep -qxF -- "$cur_a" &&
	subset "$after_m" "$ids_m" && subset "$after_a" "$ids_a"; echo $?)" \
	"SIGTERM: both mihsecd exit 0 (exit $rc_m, $rc_a), the current SA pair stays in the kernels ($(echo "$after_m" | wc -l) + $(echo "$after_a" | wc -l) SAs; none added)"
check "$(in_log "$log_m" "SIGTERM: exiting; SAs stay in the kernel" &&
	in_log "$log_a" "SIGTERM: exiting; SAs stay in the kernel"; echo $?)" \
	"both logged that the SAs stay in the kernel"
log_m2=$tmp/mihsecd-mmt-2.log log_a2=$tmp/mihsecd-ar-2.log
start_d "$A" "$tmp/ar.conf" "$log_a2"
pid_a=$dpid
start_d "$M" "$tmp/mmt.conf" "$log_m2"
pid_m=$dpid
wait_for 20 in_log "$log_m2" "adopted the SA of ar1 found in the kernel" &&
	wait_for 20 in_log "$log_a2" "adopted the SA of mmt1 found in the kernel"
rc=$?
grep -h 'adopted\|SAs present' "$log_m2" "$log_a2" | sort | uniq -c | sed 's/^/# /'
[ "$rc" = 0 ] || dump "$log_m2" "$log_a2"
check $rc "restarted mihsecd on both sides log that they adopted the SAs found in the kernel"
# the restarted MMT pre-authenticates at start: a new pair on top
before_m=$ids_m before_a=$ids_a nm='' na=''
wait_for 60 both_new
rc=$?
set -- $nm $na
check "$([ "$rc" = 0 ] && [ "$1" = "$4" ] && [ "$2" = "$3" ] &&
	alive "$pid_m" && alive "$pid_a"; echo $?)" \
	"the restarted pair pre-authenticates again and installs a new mirrored SA pair"
exchange restart 3
check "$([ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] && [ "$d_a" = 1 ] &&
	[ "$d_m" = 1 ]; echo $?)" \
	"after the restart MIH traffic both ways is verified once each"
errs=$(grep -h '^mihsecd: error:\|AddressSanitizer\|runtime error' "$log_m" "$log_a" "$log_m2" "$log_a2")
check "$([ -z "$errs" ]; echo $?)" "no error in the mihsecd logs"
grep -h '^mihsecd: \(error\|warning\):' "$log_m" "$log_a" "$log_m2" "$log_a2" | sort | uniq -c | head -n 20 | sed 's/^/# /'

t=$((($(now_us) - t_start) / 1000000))
echo "# mihsecd_eap: $t s"
[ "$n" = "$TOTAL" ] || { echo "# planned $TOTAL, ran $n"; fail=1; }
exit $fail
