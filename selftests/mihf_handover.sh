#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/mihf_handover.sh: the published handover call flow, end to end,
# protected by MIHSec with keys from real EAP (run by selftests/run.sh in the
# VM, mihsec.ko loaded).  Four namespaces:
#
#   MMT (mihf-ho-PID-mmt): hwsim phy1, wpa_supplicant -D nl80211 (WPA2-EAP,
#       EAP-PEAP) on the Wi-Fi link to the serving AR (wlan 10.80.0.2), and a
#       second wpa_supplicant -D wired on a veth "Ethernet" to the target AR
#       that pre-authenticates there (RSN pre-authentication, 802.1X);
#       mihsecd roles = mmt with a [wpa_supplicant] section per link, [mihf]
#       with a handover script that moves the MMT to the Ethernet link
#       (10.82.0.2) and its default route to the target AR
#   SERVING AR (mihf-ho-PID-s, ar1): hwsim phy0, hostapd -D nl80211 (WPA2-EAP,
#       internal EAP server), wlan 10.80.0.1, backbone 10.81.0.1
#   TARGET AR (mihf-ho-PID-t, ar2): hostapd driver=wired (rsn_preauth) on the
#       Ethernet veth 10.82.0.1, backbone 10.81.0.2
#   IS (mihf-ho-PID-is, is1): the backbone bridge (10.81.0.3); mihsecd
#       roles = is with an SQLite IS database imported from a text file
#
# Keys: MMT<->ar1 from the Wi-Fi EAP, MMT<->ar2 from the pre-authentication,
# MMT<->is1 pushed by the ARs over the TLS IS link; ar1<->ar2 (MIH N2N) is
# infrastructure: a manual SA pair installed with mihsecctl (random keys).
# Policy require in all four kernels: every MIH message of the flow is
# protected, or dropped.
#
# The call flow (driven with `mihsecctl handover` on the MMT): IS query
# (MIH_Get_Information to is1), MIH_MN_HO_Candidate_Query to ar1, which asks
# ar2 (MIH_N2N_HO_Query_Resources), MIH_MN_HO_Commit to ar1, which reserves
# at ar2 (MIH_N2N_HO_Commit), the L2/L3 switch (handover script: the MMT's
# address changes), MIH_MN_HO_Complete to ar2, which tells ar1
# (MIH_N2N_HO_Complete: ar1 releases the resources).
#
# Checked: every message of the flow on the wire (captures on every link),
# each protected (Security TLV 200) and verified by the receiving kernel;
# per-step latency; the resources reserved at ar2 and released at ar1; after
# the switch the MMT's IS SA carries on from its new address (same key IDs);
# the transcript (message, protection, latency) is printed.
#
# env: MIHSEC_KEEP  keep the temporary directory
set -u
top=$(dirname "$(dirname "$(realpath "$0")")")
. "$top/selftests/lib/tap.bash"
. "$top/selftests/lib/pki.bash"
. "$top/selftests/lib/net.bash"
. "$top/selftests/lib/eap.bash"
C=${MIHSEC_CTL:-$top/build/bin/mihsecctl}
D=${MIHSEC_D:-$top/build/bin/mihsecd}
M=mihf-ho-$$-mmt S=mihf-ho-$$-s T=mihf-ho-$$-t I=mihf-ho-$$-is
ip_ms=10.80.0.2 ip_s=10.80.0.1 ip_sb=10.81.0.1 ip_tb=10.81.0.2 ip_i=10.81.0.3
ip_t=10.82.0.1 ip_mt=10.82.0.2
if_sb=hosb if_bs=hobs if_tb=hotb if_bt=hobt if_te=hote if_me=home
ssid=mihf-ho-$$
tmp=$(mktemp -d /tmp/mihf-ho.XXXXXX)
pids=()
hwsim_loaded=0
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for p in "$M" "$S" "$T" "$I"; do ip netns del "$p" 2>/dev/null; done
	hwsim_unload
	tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
inm() { ip netns exec "$M" "$@"; }
ins() { ip netns exec "$S" "$@"; }
int() { ip netns exec "$T" "$@"; }
ini() { ip netns exec "$I" "$@"; }
TAIL=20

TOTAL=17
echo "TAP version 13"
echo "1..$TOTAL"
bail_skip() {
	while [ "$n" -lt "$TOTAL" ]; do skip "MIH handover call flow (mac80211_hwsim + veth)" "$1"; done
	exit $fail
}
bail_fail() {
	echo "# $1"
	while [ "$n" -lt "$TOTAL" ]; do no "MIH handover call flow: not reached ($1)"; done
	exit 1
}
for c in hostapd hostapd_cli wpa_supplicant wpa_cli iw openssl python3 tcpdump; do
	command -v "$c" >/dev/null || bail_skip "$c not installed"
done
[ -x "$D" ] && [ -x "$C" ] || { echo "Bail out! $D or $C missing (make)"; exit 1; }
t_start=$(now_us)
# never hold up the rest of run.sh (the trap cleans up)
watchdog "${MIHSEC_HO_LIMIT:-400}" mihf_handover

# ---- radios, namespaces, links, addresses ------------------------------------
hwsim_load 2 || bail_skip "modprobe mac80211_hwsim failed"
set -- $hwsim_phys
phy_s=${1:-} phy_m=${2:-}
rc=0
{
	[ -n "$phy_s" ] && [ -n "$phy_m" ] &&
	ip netns add "$M" && ip netns add "$S" && ip netns add "$T" && ip netns add "$I" &&
	iw phy "$phy_s" set netns name "$S" &&
	iw phy "$phy_m" set netns name "$M" &&
	ip -n "$S" link add "$if_sb" type veth peer name "$if_bs" netns "$I" &&
	ip -n "$T" link add "$if_tb" type veth peer name "$if_bt" netns "$I" &&
	ip -n "$T" link add "$if_te" type veth peer name "$if_me" netns "$M"
} 2>&1 | sed 's/^/# /'
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
if_s=$(wlan_of "$S") if_m=$(wlan_of "$M")
mac_s=$(mac_of "$S" "$if_s") mac_m=$(mac_of "$M" "$if_m")
mac_t=$(mac_of "$T" "$if_te") mac_me=$(mac_of "$M" "$if_me")
[ -n "$mac_s" ] && [ -n "$mac_m" ] && [ -n "$mac_t" ] && [ -n "$mac_me" ] || rc=1
if [ "$rc" = 0 ]; then
	for x in "$M:$if_m" "$M:$if_me" "$S:$if_s" "$T:$if_te"; do
		ip netns exec "${x%%:*}" sysctl -qw "net.ipv6.conf.${x#*:}.disable_ipv6=1" || rc=1
	done
	ins sysctl -qw net.ipv4.ip_forward=1 && int sysctl -qw net.ipv4.ip_forward=1 || rc=1
	ip -n "$M" -b - <<-EOF && ip -n "$S" -b - <<-EOF && ip -n "$T" -b - <<-EOF &&
	link set lo up
	link set $if_me up
	EOF
	link set lo up
	link set $if_sb up
	addr add $ip_sb/24 dev $if_sb
	route add 10.82.0.0/24 via $ip_tb
	EOF
	link set lo up
	link set $if_tb up
	addr add $ip_tb/24 dev $if_tb
	route add 10.80.0.0/24 via $ip_sb
	link set $if_te up
	addr add $ip_t/24 dev $if_te
	link add hodm0 type dummy
	link set hodm0 up
	EOF
	ip -n "$I" -b - <<-EOF || rc=1
	link set lo up
	link add br0 type bridge
	link set $if_bs master br0
	link set $if_bt master br0
	link set $if_bs up
	link set $if_bt up
	link set br0 up
	addr add $ip_i/24 dev br0
	route add 10.80.0.0/24 via $ip_sb
	route add 10.82.0.0/24 via $ip_tb
	EOF
fi

# ---- test PKI (EC keys: quick under TCG) -----------------------------------------
(
	cd "$tmp" || exit 1
	pki_ca ca && pki_cert server ca && pki_cert ar1 ca ar1 &&
		pki_cert ar2 ca ar2 && pki_cert is1 ca is1
) >"$tmp/pki.log" 2>&1 && [ -s "$tmp/is1.pem" ] || rc=1
[ "$rc" = 0 ] || dump "$tmp/pki.log"
check $rc "hwsim: $phy_s -> ar1 ($if_s $mac_s), $phy_m -> MMT ($if_m $mac_m); veth Ethernet MMT ($mac_me) - ar2 ($mac_t); backbone bridge ar1/ar2/is1; test certificates"
[ "$rc" = 0 ] || bail_fail "no set-up"

# ---- hostapd on both ARs, wpa_supplicant on both MMT links ------------------------
hs=$tmp/hostapd-s ht=$tmp/hostapd-t ws=$tmp/wpas-w we=$tmp/wpas-e
cat >"$tmp/eap_users" <<EOF
"alice"	PEAP
"alice"	MSCHAPV2	"alice-secret"	[2]
EOF
common_h() {
	cat <<-EOF
	ctrl_interface=$1
	logger_stdout=-1
	logger_stdout_level=2
	ieee8021x=1
	eap_server=1
	eap_user_file=$tmp/eap_users
	ca_cert=$tmp/ca.pem
	server_cert=$tmp/server.pem
	private_key=$tmp/server.key
	wpa=2
	wpa_key_mgmt=WPA-EAP
	rsn_pairwise=CCMP
	EOF
}
{
	echo "interface=$if_s"
	echo "driver=nl80211"
	echo "ssid=$ssid"
	echo "hw_mode=g"
	echo "channel=1"
	common_h "$hs"
} >"$tmp/hostapd-s.conf"
# the Ethernet link: wired EAP with pre-authentication (eth/hostapd.conf,
# eth/wpas.conf)
mkdir -p "$tmp/eth"
eap_wired_conf "$tmp/eth" "$if_te" "$tmp/ca.pem" "$tmp/server.pem" \
	"$tmp/server.key" "$ht" "$we"
cat >"$tmp/wpas-w.conf" <<EOF
ctrl_interface=$ws
network={
	ssid="$ssid"
	scan_freq=2412
	key_mgmt=WPA-EAP
	proto=RSN
	pairwise=CCMP
	eap=PEAP
	identity="alice"
	password="alice-secret"
	phase2="auth=MSCHAPV2"
	ca_cert="$tmp/ca.pem"
	disabled=1
}
EOF
ip netns exec "$S" hostapd "$tmp/hostapd-s.conf" >"$tmp/hostapd-s.log" 2>&1 &
pids+=($!)
ip netns exec "$T" hostapd "$tmp/eth/hostapd.conf" >"$tmp/hostapd-t.log" 2>&1 &
pids+=($!)
ip netns exec "$M" wpa_supplicant -D nl80211 -i "$if_m" -c "$tmp/wpas-w.conf" \
	>"$tmp/wpas-w.log" 2>&1 &
pids+=($!)
ip netns exec "$M" wpa_supplicant -D wired -i "$if_me" -c "$tmp/eth/wpas.conf" \
	>"$tmp/wpas-e.log" 2>&1 &
pids+=($!)
wait_for 30 test -S "$hs/$if_s" -a -S "$ht/$if_te" -a -S "$ws/$if_m" -a -S "$we/$if_me" || {
	echo "# a hostapd or wpa_supplicant did not open its control socket"
	dump "$tmp/hostapd-s.log" "$tmp/hostapd-t.log" "$tmp/wpas-w.log" "$tmp/wpas-e.log"
}
rc_pol=0
for x in "$M" "$S" "$T" "$I"; do ip netns exec "$x" "$C" policy set require || rc_pol=1; done

# ar1 <-> ar2: a manual SA pair (MIH N2N between the access routers)
hexr() { openssl rand -hex "$1"; }
k1=$(hexr 16) k2=$(hexr 16) s1=$(hexr 4) s2=$(hexr 4) i1=$(hexr 8) i2=$(hexr 8)
ins "$C" sa add local ar1 peer ar2 role mmt tx-keyid "$i1" rx-keyid "$i2" \
	tx-key "$k1" rx-key "$k2" tx-salt "$s1" rx-salt "$s2" &&
int "$C" sa add local ar2 peer ar1 role network tx-keyid "$i2" rx-keyid "$i1" \
	tx-key "$k2" rx-key "$k1" tx-salt "$s2" rx-salt "$s1"
rc_n2n=$?
unset k1 k2

# ---- the IS database ---------------------------------------------------------------
cat >"$tmp/isdb.txt" <<EOF
# the access networks around the MMT (written by selftests/mihf_handover.sh)
[network campus-wifi]
type = 802.11
operator = mihsec-test
network-id = $ssid
data-rate = 54000
cost = free 0 EUR
ip-config = dhcpv4

[network lab-ethernet]
type = ethernet
operator = mihsec-test
network-id = lab-ethernet
data-rate = 1000000
cost = free 0 EUR
ip-config = ipv4-static

[poa ap-serving]
network = campus-wifi
link-addr = $mac_s
channel-range = 2412-2412
subnet = 10.80.0.0/24
ip = $ip_s
pos-mihf-id = ar1
pos-address = $ip_sb

[poa eth-target]
network = lab-ethernet
link-addr = $mac_t
location = cell 42
subnet = 10.82.0.0/24
ip = $ip_t
pos-mihf-id = ar2
pos-address = $ip_tb
EOF

# ---- mihsecd in the four namespaces ------------------------------------------------
head_conf() { # ROLES ID
	cat <<-EOF
	# written by selftests/mihf_handover.sh
	[mihsecd]
	roles = $1
	mihf-id = $2
	log-level = debug
	kernel = require
	control-socket = $tmp/$2-ctl/mihsecd.sock
	EOF
}
# the MMT's L2/L3 switch (mihsecd runs it at the handover's switch step as
# SCRIPT TARGET-POS POA IFNAME): toward ar2, move to the Ethernet link,
# address and default route; the Wi-Fi address goes, so the MMT's IP
# address changes under its SAs.  Toward ar1 (the network-initiated move
# back, still associated at L2), the same on the Wi-Fi link.
cat >"$tmp/switch.sh" <<EOF
#!/bin/sh
echo "switch \$*" >>"$tmp/switch.log"
if [ "\$1" = ar1 ]; then
	ip addr add $ip_ms/24 dev $if_m &&
	ip route replace default via $ip_s dev $if_m &&
	ip addr del $ip_mt/24 dev $if_me
else
	ip addr add $ip_mt/24 dev $if_me &&
	ip route replace default via $ip_t dev $if_me &&
	ip addr del $ip_ms/24 dev $if_m
fi
EOF
chmod +x "$tmp/switch.sh"
{
	head_conf mmt mmt1
	cat <<-EOF

	[wpa_supplicant]
	ctrl-interface = $ws/$if_m

	[wpa_supplicant]
	ctrl-interface = $we/$if_me
	preauth = $mac_t

	[mihf]
	interfaces = $if_m, $if_me
	# above hwsim's signal level: wpa_supplicant reports it below at once
	wifi-signal-threshold = -10
	handover-script = $tmp/switch.sh
	serving-pos = ar1
	is-server = is1

	[peer ar1]
	kind = poa
	mihf-id = ar1
	mac = $mac_s
	address = $ip_s

	[peer ar2]
	kind = poa
	mihf-id = ar2
	mac = $mac_t
	address = $ip_tb

	[peer is1]
	kind = is
	mihf-id = is1
	address = $ip_i
	EOF
} >"$tmp/mmt.conf"
{
	head_conf poa ar1
	cat <<-EOF

	[hostapd]
	ctrl-interface = $hs/$if_s

	[is-link]
	cert = $tmp/ar1.pem
	key = $tmp/ar1.key
	ca = $tmp/ca.pem

	[mihf]
	interfaces = $if_s

	[peer mmt1]
	kind = mmt
	mihf-id = mmt1
	mac = $mac_m

	[peer ar2]
	kind = poa
	mihf-id = ar2
	address = $ip_tb

	[peer is1]
	kind = is
	mihf-id = is1
	address = $ip_i
	EOF
} >"$tmp/ar1.conf"
{
	head_conf poa ar2
	cat <<-EOF

	[hostapd]
	ctrl-interface = $ht/$if_te
	interface = $if_te

	[is-link]
	cert = $tmp/ar2.pem
	key = $tmp/ar2.key
	ca = $tmp/ca.pem

	[mihf]
	interfaces = $if_te, hodm0

	[peer mmt1]
	kind = mmt
	mihf-id = mmt1
	mac = $mac_me

	[peer ar1]
	kind = poa
	mihf-id = ar1
	address = $ip_sb

	[peer is1]
	kind = is
	mihf-id = is1
	address = $ip_i
	EOF
} >"$tmp/ar2.conf"
{
	head_conf is is1
	cat <<-EOF

	[is-link]
	cert = $tmp/is1.pem
	key = $tmp/is1.key
	ca = $tmp/ca.pem
	listen = $ip_i

	[isdb]
	backend = sqlite
	path = $tmp/isdb.sqlite

	[mihf]

	[peer ar1]
	kind = poa
	mihf-id = ar1
	address = $ip_sb

	[peer ar2]
	kind = poa
	mihf-id = ar2
	address = $ip_tb
	EOF
} >"$tmp/is.conf"
rc_conf=0
for f in mmt ar1 ar2 is; do
	"$D" -t -c "$tmp/$f.conf" >"$tmp/check-$f.log" 2>&1 || { rc_conf=1; dump "$tmp/check-$f.log"; }
done
check "$rc_conf" "mihsecd -t accepts the four configurations (MMT with a [wpa_supplicant] per link, two PoS, IS with SQLite)"

start_d() { # NS CONF LOG
	ip netns exec "$1" "$D" -f -c "$2" >"$3" 2>&1 &
	dpid=$!
	pids+=("$dpid")
}
alive() { kill -0 "$1" 2>/dev/null; }
in_log() { grep -q -- "$2" "$1"; }
log_m=$tmp/mihsecd-mmt.log log_s=$tmp/mihsecd-ar1.log log_t=$tmp/mihsecd-ar2.log log_i=$tmp/mihsecd-is1.log
start_d "$I" "$tmp/is.conf" "$log_i"
pid_i=$dpid
wait_for 20 in_log "$log_i" "IS link: listening"
rc_i=$?
start_d "$S" "$tmp/ar1.conf" "$log_s"
pid_s=$dpid
start_d "$T" "$tmp/ar2.conf" "$log_t"
pid_t=$dpid
wait_for 20 in_log "$log_s" "hostapd $hs/$if_s: connected" &&
	wait_for 20 in_log "$log_t" "hostapd $ht/$if_te: connected" &&
	wait_for 20 in_log "$log_s" "islink: IS server $ip_i:4551 (is1) up" &&
	wait_for 20 in_log "$log_t" "islink: IS server $ip_i:4551 (is1) up"
rc_a=$?
start_d "$M" "$tmp/mmt.conf" "$log_m"
pid_m=$dpid
wait_for 20 in_log "$log_m" "wpa_supplicant $ws/$if_m: connected" &&
	wait_for 20 in_log "$log_m" "wpa_supplicant $we/$if_me: connected"
rc_m=$?
ctl() { local ns=$1 id=$2; shift 2; ip netns exec "$ns" "$C" -S "$tmp/$id-ctl/mihsecd.sock" "$@"; }
ctl "$I" is1 is import "$tmp/isdb.txt" >"$tmp/import.log" 2>&1
rc_imp=$?
[ "$rc_imp" = 0 ] || dump "$tmp/import.log"
if [ "$rc_pol" = 0 ] && [ "$rc_n2n" = 0 ] && [ "$rc_i" = 0 ] && [ "$rc_a" = 0 ] &&
	[ "$rc_m" = 0 ] && [ "$rc_imp" = 0 ] &&
	alive "$pid_i" && alive "$pid_s" && alive "$pid_t" && alive "$pid_m"; then
	ok "policy require in four kernels; ar1<->ar2 SA pair; four mihsecd started (key sources and IS links connected); IS database imported through mihsecctl"
else
	no "policy require in four kernels; ar1<->ar2 SA pair; four mihsecd started (key sources and IS links connected); IS database imported through mihsecctl"
	dump "$log_i" "$log_s" "$log_t" "$log_m"
fi

# ---- association, pre-authentication, SAs ------------------------------------------
cat >"$tmp/h.py" <<'EOF'
import json, socket, struct, sys

NAMES = {}
def load_names(path):
    for line in open(path):
        f = line.split()
        if len(f) == 2:
            NAMES[int(f[0], 16)] = f[1]

def mih_of(u):
    """(MID, TID, ack flags, TLV types, protected) of an MIH PDU"""
    mid = (u[2] << 8) | u[3]
    tid = ((u[4] & 0x0f) << 8) | u[5]
    types, o, seclen = [], 8, None
    while o + 2 <= len(u):
        t, ln, v = u[o], u[o + 1], o + 2
        if ln & 0x80:
            k = ln & 0x7f
            ln = int.from_bytes(u[v:v + k], "big") + 128
            v += k
        types.append(t)
        if t == 200:
            seclen = ln
        o = v + ln
    ack = (u[0] >> 2) & 3
    # a pure ACK: ACK-Rsp without ACK-Req and no TLV after the MIHF IDs
    # (protected: a Security TLV with an empty body: flags, suite, key ID
    # and sequence only, 18 octets)
    pure = ack == 1 and (seclen == 18 if 200 in types else types == [1, 2])
    return mid, tid, ack, types, 200 in types, pure

def frames(path):
    raw = open(path, "rb").read()
    if len(raw) < 24:
        return
    magic = struct.unpack("<I", raw[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
    link = struct.unpack(e + "I", raw[20:24])[0]
    off = 24
    while off + 16 <= len(raw):
        sec, frac, caplen = struct.unpack(e + "III", raw[off:off + 12])
        fr = raw[off + 16:off + 16 + caplen]
        off += 16 + caplen
        t = sec + frac / (1e9 if nano else 1e6)
        if link == 1:		# Ethernet
            if len(fr) < 14 or fr[12:14] != b"\x08\x00":
                continue
            ip = fr[14:]
        elif link == 113:	# Linux cooked
            if len(fr) < 16 or fr[14:16] != b"\x08\x00":
                continue
            ip = fr[16:]
        else:
            continue
        if len(ip) < 28 or ip[9] != 17:
            continue
        u = ip[(ip[0] & 15) * 4:]
        sp, dp = struct.unpack("!HH", u[:4])
        if sp != 4551 and dp != 4551:
            continue
        yield t, socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]), u[8:]

cmd = sys.argv[1]
if cmd == "jget":	# FILE EXPR...: evaluate each on the JSON (as j)
    j = json.load(open(sys.argv[2]))
    for e in sys.argv[3:]:
        print(eval(e))
elif cmd == "sas":	# FILE: "peer role tx rx" per SA
    for s in json.load(open(sys.argv[2])):
        print(s["peer"], s["role"], s["tx_keyid"], s["rx_keyid"])
elif cmd == "wire":	# NAMES T0 LABEL=PCAP...: one line per MIH PDU, de-duplicated
    load_names(sys.argv[2])
    t0 = float(sys.argv[3])
    seen = {}
    for arg in sys.argv[4:]:
        label, path = arg.split("=", 1)
        for t, src, dst, u in frames(path):
            if len(u) < 8:
                continue
            key = (src, dst, u)
            if key in seen:
                continue
            seen[key] = (t, label, src, dst, u)
    sent = {}	# (request MID, TID) -> time of its first transmission
    for t, label, src, dst, u in sorted(seen.values(), key=lambda x: x[0]):
        mid, tid, ack, types, prot, pure = mih_of(u)
        name = NAMES.get(mid, "0x%04x" % mid)
        op = (mid >> 10) & 3
        rtt = ""
        if pure:
            name = "  ACK of " + name
        elif op == 1:
            sent.setdefault((mid, tid), t)
        elif op == 2 and (mid & ~0x0c00 | 0x0400, tid) in sent:
            rtt = "  %.1f ms after its request" % (
                (t - sent[(mid & ~0x0c00 | 0x0400, tid)]) * 1000)
        print("%9.1f %-4s %-11s > %-11s %-44s tid %4d %s %4d B%s%s" % (
            (t - t0) * 1000, label, src, dst, name, tid,
            "MIHSec" if prot else "PLAIN ", len(u),
            " ack-req" if ack & 2 else "", rtt))
EOF
H() { python3 "$tmp/h.py" "$@"; }
sas() { ip netns exec "$1" "$C" -j sa show >"$tmp/sa-$1.json" 2>/dev/null && H sas "$tmp/sa-$1.json"; }
cnt() { sas "$1" | awk -v p="$2" '$1 == p' | wc -l; }
wpa_state() { inm wpa_cli -p "$ws" -i "$if_m" status 2>/dev/null | sed -n 's/^wpa_state=//p'; }
completed() { [ "$(wpa_state)" = COMPLETED ]; }
have_all() {
	# one IS SA per EAP authentication (each AR pushes the IS-Key of its own)
	[ "$(cnt "$M" ar1)" -ge 1 ] && [ "$(cnt "$M" ar2)" -ge 1 ] && [ "$(cnt "$M" is1)" -ge 2 ] &&
	[ "$(cnt "$S" mmt1)" -ge 1 ] && [ "$(cnt "$T" mmt1)" -ge 1 ] && [ "$(cnt "$I" mmt1)" -ge 2 ]
}
t0=$(now_us)
inm wpa_cli -p "$ws" -i "$if_m" enable_network 0 >/dev/null
wait_for 60 completed
rc=$?
t_assoc=$(ms_since "$t0")
ip -n "$S" addr add "$ip_s/24" dev "$if_s" && ip -n "$M" addr add "$ip_ms/24" dev "$if_m" &&
	ip -n "$M" route add default via "$ip_s" || rc=1
wait_for 90 have_all || rc=1
t_sas=$(ms_since "$t0")
for x in "$M" "$S" "$T" "$I"; do sas "$x" | sed "s/^/# ${x##*-} sa: /"; done
[ "$rc" = 0 ] || dump "$log_m" "$log_s" "$log_t" "$log_i" "$tmp/wpas-e.log" "$tmp/hostapd-t.log"
check $rc "EAP-PEAP over Wi-Fi with ar1 ($t_assoc ms) and pre-authentication with ar2 over the Ethernet link: SAs MMT-ar1, MMT-ar2 and two MMT-is1 (one pushed by each AR) in every kernel after $t_sas ms"

# the MMT registered with its serving PoS (retrying until the SA was there)
registered() {
	ctl "$S" ar1 -j mihf status >"$tmp/st-s.json" 2>/dev/null &&
		[ "$(H jget "$tmp/st-s.json" "any(r['mmt'] == 'mmt1' for r in j['mihf']['registrations'])" 2>/dev/null)" = True ]
}
wait_for 30 registered
check $? "MIH_Register: the MMT is registered with ar1 (mihsecctl mihf status on ar1)"

# ---- the handover, captured on every link --------------------------------------------
caps=()
cap() { # NS IF LABEL
	ip netns exec "$1" tcpdump -Z root -i "$2" -n -U --immediate-mode -w "$tmp/cap-$3.pcap" udp port 4551 \
		>/dev/null 2>"$tmp/cap-$3.err" &
	pids+=($!)
	caps+=($!)
}
cap "$S" "$if_s" wifi
cap "$I" br0 core
cap "$T" "$if_te" eth
for l in wifi core eth; do wait_for 10 in_log "$tmp/cap-$l.err" "listening on"; done
# verified NS: "RX_VERIFIED DROPS" (every drop_* counter summed)
verified() { ip netns exec "$1" "$C" -j stats | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["rx_verified"], sum(v for k, v in j.items() if k.startswith("drop_")))'; }
for x in M S T I; do eval "v0_$x=\"\$(verified \"\$$x\")\""; done
m_is_before=$(sas "$M" | awk '$1 == "is1" { print $3, $4 }' | sort)
ho_t0=$(now_us)
ctl "$M" mmt1 -j handover wait 60 >"$tmp/ho.json" 2>"$tmp/ho.err"
rc_ho=$?
ho_ms=$(ms_since "$ho_t0")
sleep 1
for p in "${caps[@]}"; do kill -INT "$p" 2>/dev/null; done
cat "$tmp/ho.json" | sed 's/^/# handover: /'
[ "$rc_ho" = 0 ] || dump "$tmp/ho.err" "$log_m" "$log_s" "$log_t" "$log_i"
st=$(H jget "$tmp/ho.json" "j['result']['status']" 2>/dev/null)
check "$([ "$rc_ho" = 0 ] && [ "$st" = 0 ]; echo $?)" \
	"mihsecctl handover: IS query, candidate query, commit, switch, complete succeeded in $ho_ms ms"
steps=$(H jget "$tmp/ho.json" "' '.join('%s=%.1f' % (k, v) for k, v in j['result']['steps_ms'].items())" 2>/dev/null)
echo "# MEASURE handover steps (ms): $steps"
check "$([ -s "$tmp/switch.log" ] && grep -q "$if_me\|ar2" "$tmp/switch.log" &&
	ip -n "$M" -4 addr show dev "$if_me" | grep -q "$ip_mt" &&
	! ip -n "$M" -4 addr show dev "$if_m" | grep -q "$ip_ms"; echo $?)" \
	"the switch step ran the handover script: the MMT moved to $ip_mt on the Ethernet link ($(cat "$tmp/switch.log" 2>/dev/null))"

# resources: reserved at the target, released at the old serving PoS
ctl "$T" ar2 -j mihf status >"$tmp/st-t.json" 2>/dev/null
ctl "$S" ar1 -j mihf status >"$tmp/st-s.json" 2>/dev/null
res_t=$(H jget "$tmp/st-t.json" "[r['state'] for r in j['mihf']['resources'] if r['mmt'] == 'mmt1']" 2>/dev/null)
res_s=$(H jget "$tmp/st-s.json" "[r['state'] for r in j['mihf']['resources'] if r['mmt'] == 'mmt1']" 2>/dev/null)
echo "# resources: ar2 $res_t, ar1 $res_s"
check "$([ "$res_t" = "['serving']" ] && [ "$res_s" = "[]" ]; echo $?)" \
	"resources: ar2 holds the MMT's (reserved at commit, serving after complete), ar1 released its own (N2N complete)"

# ---- the wire: every message of the flow, protected ---------------------------------
cat >"$tmp/names" <<EOF
$(for m in MIH_Get_Information MIH_MN_HO_Candidate_Query MIH_N2N_HO_Query_Resources MIH_MN_HO_Commit MIH_N2N_HO_Commit MIH_MN_HO_Complete MIH_N2N_HO_Complete MIH_Register MIH_DeRegister MIH_Capability_Discover MIH_Event_Subscribe MIH_Event_Unsubscribe MIH_Link_Up MIH_Link_Down MIH_Link_Going_Down MIH_Link_Detected; do
	printf '%s\n' "$m"; done | python3 -c '
import sys
tab = {"MIH_Capability_Discover": (1, 1), "MIH_Register": (1, 2), "MIH_DeRegister": (1, 3),
       "MIH_Event_Subscribe": (1, 4), "MIH_Event_Unsubscribe": (1, 5),
       "MIH_Link_Detected": (2, 1), "MIH_Link_Up": (2, 2), "MIH_Link_Down": (2, 3), "MIH_Link_Going_Down": (2, 6),
       "MIH_MN_HO_Candidate_Query": (3, 5), "MIH_N2N_HO_Query_Resources": (3, 6), "MIH_MN_HO_Commit": (3, 7),
       "MIH_N2N_HO_Commit": (3, 9), "MIH_MN_HO_Complete": (3, 10), "MIH_N2N_HO_Complete": (3, 11),
       "MIH_Get_Information": (4, 1)}
for l in sys.stdin:
    n = l.strip()
    sid, aid = tab[n]
    for op, o in ((1, "request"), (2, "response"), (3, "indication")):
        print("%04x %s.%s" % (sid << 12 | op << 10 | aid, n, o))')
EOF
H wire "$tmp/names" "$(awk "BEGIN { printf \"%.6f\", $ho_t0 / 1000000 }")" \
	wifi="$tmp/cap-wifi.pcap" core="$tmp/cap-core.pcap" eth="$tmp/cap-eth.pcap" >"$tmp/wire.txt"
echo "# transcript (ms from the handover command; link; addresses; message; protection; size):"
sed 's/^/#   /' "$tmp/wire.txt"
need="MIH_Get_Information.request MIH_Get_Information.response MIH_MN_HO_Candidate_Query.request
MIH_N2N_HO_Query_Resources.request MIH_N2N_HO_Query_Resources.response MIH_MN_HO_Candidate_Query.response
MIH_MN_HO_Commit.request MIH_N2N_HO_Commit.request MIH_N2N_HO_Commit.response MIH_MN_HO_Commit.response
MIH_MN_HO_Complete.request MIH_N2N_HO_Complete.request MIH_N2N_HO_Complete.response MIH_MN_HO_Complete.response"
# each message first seen after the one before it in the flow (causal order)
missing='' order=0 last=0
for m in $need; do
	l=$(grep -v " ACK of " "$tmp/wire.txt" | grep -n " $m " | head -n 1 | cut -d: -f1)
	if [ -z "$l" ]; then
		missing="$missing $m"
	elif [ "$l" -lt "$last" ]; then
		order=1
		echo "# $m (line $l) seen before the message that causes it (line $last)"
	else
		last=$l
	fi
done
check "$([ -z "$missing" ] && [ "$order" = 0 ]; echo $?)" "all 14 messages of the call flow seen on the wire, each after the one that causes it${missing:+ (missing:$missing)}"
plain=$(grep -v "MIH_Capability_Discover" "$tmp/wire.txt" | grep -c " PLAIN ")
check "$([ "$plain" = 0 ] && [ -s "$tmp/wire.txt" ]; echo $?)" \
	"every MIH PDU of the flow on the wire carries the MIHSec Security TLV (plain ones: $plain)"

# the kernels verified what they received, and dropped nothing of it
drops=0 ver=''
for x in M S T I; do
	eval "set -- \$v0_$x"
	a0=$1 d0=$2
	set -- $(verified "$(eval echo \$$x)")
	ver="$ver $x+$(($1 - a0))"
	drops=$((drops + $2 - d0))
done
check "$([ "$drops" = 0 ]; echo $?)" "each kernel verified what it received during the handover (rx_verified:$ver), no drop of any kind"

# after the switch: the MMT's address changed, its IS SA carries on
ctl "$M" mmt1 -j is query >"$tmp/isq.json" 2>"$tmp/isq.err"
rc=$?
m_is_after=$(sas "$M" | awk '$1 == "is1" { print $3, $4 }' | sort)
# (older IS SAs may have ended their grace period meanwhile: no new one
# may have appeared)
printf '%s\n' "$m_is_before" >"$tmp/is-before"
new_is=$(printf '%s\n' "$m_is_after" | grep -vxF -f "$tmp/is-before")
check "$([ "$rc" = 0 ] && [ -n "$m_is_after" ] && [ -z "$new_is" ]; echo $?)" \
	"after the switch (MMT now $ip_mt) an IS query from the MMT is answered under an IS SA it held before (key IDs $(echo $m_is_after)), no new one"
[ "$rc" = 0 ] || dump "$tmp/isq.err" "$log_m" "$log_i"
# link events from real links: the MMT's wpa_supplicant (Link_Up with the
# BSSID of ar1 when it associated); ar2's rtnetlink (a link of its own goes
# down and up) delivered to the MMT, now subscribed to ar2, as protected
# indications
ind_rx() { grep -c "MIH rx MIH_$1.indication .* from ar2" "$log_m"; }
d0=$(ind_rx Link_Down) u0=$(ind_rx Link_Up)
cap "$T" "$if_te" ind
wait_for 10 in_log "$tmp/cap-ind.err" "listening on"
ip -n "$T" link set hodm0 down && sleep 1 && ip -n "$T" link set hodm0 up
wait_for 20 test "$(ind_rx Link_Up)" -gt "$u0"
# (a packet tcpdump has not been handed yet is lost at SIGINT)
sleep 1.5
kill -INT "${caps[-1]}" 2>/dev/null
wait "${caps[-1]}" 2>/dev/null
H wire "$tmp/names" 0 eth="$tmp/cap-ind.pcap" >"$tmp/wire-ind.txt"
sed 's/^ *[0-9.-]* /#   /' "$tmp/wire-ind.txt"
check "$(in_log "$log_m" "link $if_m: Link_Up (poa $mac_s" &&
	[ "$(ind_rx Link_Down)" -gt "$d0" ] && [ "$(ind_rx Link_Up)" -gt "$u0" ] &&
	grep -q "$ip_t *> $ip_mt *MIH_Link_Down.indication .* MIHSec" "$tmp/wire-ind.txt" &&
	grep -q "$ip_t *> $ip_mt *MIH_Link_Up.indication .* MIHSec" "$tmp/wire-ind.txt"; echo $?)" \
	"link events from real links: wpa_supplicant's association as Link_Up (PoA $mac_s) on the MMT; ar2's rtnetlink link down/up reached the MMT as MIH_Link_Down/Link_Up indications, protected"
[ "$last_ok" = 1 ] || {
	echo "# MMT: Link_Down from ar2 $d0 -> $(ind_rx Link_Down), Link_Up $u0 -> $(ind_rx Link_Up)"
	grep -n "hodm0\|Link_Up\|Link_Down" "$log_t" | tail -n 20 | sed 's/^/#   ar2: /'
	grep -n "Link_Up\|Link_Down" "$log_m" | tail -n 10 | sed 's/^/#   mmt: /'
	TAIL=30 dump "$log_t" "$log_m"
}

# ---- network-initiated: ar2 hands the MMT back to ar1's Wi-Fi PoA ---------------
# (ar2 knows that PoA and its link type from ar1's capabilities; the MMT
# knows ar1 as a peer with that PoA)
ctl "$S" ar1 -j mihf status >"$tmp/st-s1.json" 2>/dev/null
subs_s=$(H jget "$tmp/st-s1.json" "len([x for x in j['mihf']['subscriptions'] if x['peer'] == 'mmt1'])" 2>/dev/null)
for x in M S T I; do eval "v1_$x=\"\$(verified \"\$$x\")\""; done
nho_t0=$(now_us)
ctl "$T" ar2 -j handover mmt mmt1 poa "$mac_s" wait 60 >"$tmp/nho.json" 2>"$tmp/nho.err"
rc_nho=$?
nho_ms=$(ms_since "$nho_t0")
sed 's/^/# network-initiated handover: /' "$tmp/nho.json"
st=$(H jget "$tmp/nho.json" "j['result']['status']" 2>/dev/null)
steps=$(H jget "$tmp/nho.json" "' '.join('%s=%.1f' % (k, v) for k, v in j['result']['steps_ms'].items())" 2>/dev/null)
echo "# MEASURE network-initiated handover steps (ms): $steps"
ctl "$T" ar2 -j mihf status >"$tmp/st-t2.json" 2>/dev/null
ctl "$S" ar1 -j mihf status >"$tmp/st-s2.json" 2>/dev/null
res_t=$(H jget "$tmp/st-t2.json" "[r['state'] for r in j['mihf']['resources'] if r['mmt'] == 'mmt1']" 2>/dev/null)
res_s=$(H jget "$tmp/st-s2.json" "[r['state'] for r in j['mihf']['resources'] if r['mmt'] == 'mmt1']" 2>/dev/null)
wait_for 10 registered
reg_s=$?
drops=0
for x in M S T I; do
	eval "set -- \$v1_$x"
	d0=$2
	set -- $(verified "$(eval echo \$$x)")
	drops=$((drops + $2 - d0))
done
echo "# resources after the network-initiated handover: ar1 $res_s, ar2 $res_t; ar1 held $subs_s subscription(s) of mmt1 before it"
check "$([ "$rc_nho" = 0 ] && [ "$st" = 0 ] && [ "$res_s" = "['serving']" ] && [ "$res_t" = "[]" ] &&
	[ "$reg_s" = 0 ] && [ "$drops" = 0 ] && tail -n 1 "$tmp/switch.log" | grep -q "^switch ar1 $mac_s" &&
	ip -n "$M" -4 addr show dev "$if_m" | grep -q "$ip_ms"; echo $?)" \
	"network-initiated handover (mihsecctl handover mmt on ar2) back to ar1's Wi-Fi PoA in $nho_ms ms: the MMT accepted, switched (back on $ip_ms) and completed at ar1, which holds it and is registered with it again; ar2 released; no kernel dropped anything"
[ "$last_ok" = 1 ] || dump "$tmp/nho.err" "$log_t" "$log_m" "$log_s"
# the subscription the MMT had at ar1 went with its registration there
check "$([ "$subs_s" = 0 ]; echo $?)" \
	"after the first handover ar1 kept no event subscription of the MMT that left it ($subs_s)"

# Wi-Fi: the signal below the threshold (set above hwsim's level, so
# reported once associated) gave Link_Going_Down; the MMT now leaves the
# Wi-Fi link (wpa_cli disconnect): Link_Down with the disconnect's reason
inm wpa_cli -p "$ws" -i "$if_m" disconnect >/dev/null
wait_for 10 in_log "$log_m" "link $if_m: Link_Down"
check "$(in_log "$log_m" "link $if_m: Link_Detected" &&
	in_log "$log_m" "link $if_m: Link_Going_Down (poa $mac_s" &&
	in_log "$log_m" "link $if_m: Link_Down (poa $mac_s"; echo $?)" \
	"Wi-Fi link events from the real wpa_supplicant: Link_Detected from its scan results, Link_Going_Down from its signal monitor, Link_Down on disconnect ($(grep -o "link $if_m: Link_Down ([^)]*)" "$log_m" | head -n 1))"
[ "$fail" = 0 ] || grep "link $if_m:" "$log_m" | sed 's/^/#   /'

alive_all=0
for p in "$pid_m" "$pid_s" "$pid_t" "$pid_i"; do alive "$p" || alive_all=1; done
check $alive_all "the four mihsecd still run (the test took $(($(ms_since "$t_start") / 1000)) s)"
[ "$n" = "$TOTAL" ] || echo "# mihf_handover: ran $n of $TOTAL checks"
exit $fail
