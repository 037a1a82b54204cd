#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/mihsecd_wifi.sh: real WPA2-Enterprise over mac80211_hwsim, with
# mihsecd on the terminal, the access router and an IS server (run by
# selftests/run.sh in the VM, mihsec.ko loaded):
#
#   MMT (mihsec-wifi-PID-mmt): hwsim phy1, wpa_supplicant -D nl80211
#       (key_mgmt=WPA-EAP, EAP-PEAP), wlan 10.80.0.2, route to 10.81/24
#       via the AR; mihsecd roles = mmt, [wpa_supplicant], peers ar1 (poa,
#       the AR's wlan MAC = BSSID) and is1 (is)
#   AR  (mihsec-wifi-PID-ar): hwsim phy0, hostapd -D nl80211 (WPA2-EAP,
#       internal EAP server), wlan 10.80.0.1, veth 10.81.0.1 to the IS,
#       ip_forward=1; mihsecd roles = poa, [hostapd], [is-link], peers mmt1
#       and is1
#   IS  (mihsec-wifi-PID-is): veth 10.81.0.2; mihsecd roles = is,
#       [is-link] (TLS 1.3, certificates with URI SAN mihf:ID, made here
#       with openssl), peer ar1
#
# MIH between MMT and AR and between MMT and IS goes over the Wi-Fi link
# (hwsim carries the data frames).  Policy require in all three kernels.
# Checked: after association, within a deadline, the MMT holds two SAs
# (ar1, is1), the AR one (mmt1), the IS one (mmt1, pushed by the AR); the
# key IDs mirror pairwise, the mihsecd debug dumps (key IDs, key
# fingerprints) agree pairwise; MIH datagrams MMT<->AR and MMT<->IS arrive
# and are verified by the receiving kernel (the AR, which only forwards
# MMT<->IS, verifies none of those) and carry the Security TLV on the wire;
# the PMK (read here with hostapd_cli GET_PMK / wpa_cli pmksa_get) is in no
# file, and the IS server's log has not even its fingerprint (the IS never
# held the MSK); an IS server restart (new epoch) makes the AR ask hostapd
# to re-authenticate the MMT and hostapd re-runs EAP over Wi-Fi; MIH to the
# restarted IS server still verifies; a disconnect deletes the Peer SAs on
# both ends; a full re-association (PMKSA caches flushed) installs a new
# mirrored Peer SA pair and a new IS SA, pushed to the restarted IS server,
# under which MIH verifies; an AR whose certificate chains to another CA is
# refused by the IS server and gets no IS SA installed although MMT and AR
# rekeyed, and one whose certificate names another MIHF ID is refused too.
# Over WPA2 Wi-Fi EAPOL_REAUTH re-runs EAP without a 4-way handshake (the
# PMK stays); mihsecd's hostapd source then forces a new association, and
# the checks see a new PMK and new SAs.
# Measured (TAP comments): association time, time to all four SAs.
#
# env: MIHSEC_KEEP  keep the temporary directory (its path is printed); if
#                   it names a directory, copy it there instead (the VM's
#                   /tmp vanishes at poweroff)
set -u
top=$(dirname "$(dirname "$(realpath "$0")")")
. "$top/selftests/lib/tap.bash"
. "$top/selftests/lib/pki.bash"
. "$top/selftests/lib/net.bash"
C=${MIHSEC_CTL:-$top/build/bin/mihsecctl}
D=${MIHSEC_D:-$top/build/bin/mihsecd}
M=mihsec-wifi-$$-mmt A=mihsec-wifi-$$-ar I=mihsec-wifi-$$-is
ip_m=10.80.0.2 ip_a=10.80.0.1 ip_ai=10.81.0.1 ip_i=10.81.0.2
if_ai=wfai if_i=wfis
ssid=mihsec-wifi-$$
tmp=$(mktemp -d /tmp/mihsec-wifi.XXXXXX)
pids=()
hwsim_loaded=0
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$M" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$I" 2>/dev/null
	# the phys return to the initial namespace with theirs; then unload
	hwsim_unload
	tmp_done "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
inm() { ip netns exec "$M" "$@"; }
ina() { ip netns exec "$A" "$@"; }
ini() { ip netns exec "$I" "$@"; }

TOTAL=26
echo "TAP version 13"
echo "1..$TOTAL"
bail_skip() {
	while [ "$n" -lt "$TOTAL" ]; do skip "mihsecd over WPA2-Enterprise (mac80211_hwsim)" "$1"; done
	exit $fail
}
for c in hostapd hostapd_cli wpa_supplicant wpa_cli iw openssl python3 tcpdump; do
	command -v "$c" >/dev/null || bail_skip "$c not installed"
done
[ -x "$D" ] && [ -x "$C" ] || { echo "Bail out! $D or $C missing (make)"; exit 1; }
t_start=$(now_us)
# never hold up the rest of run.sh (the trap cleans up)
watchdog "${MIHSEC_WIFI_LIMIT:-300}" mihsecd_wifi

# ---- mac80211_hwsim, namespaces, addresses ----------------------------------
hwsim_load 2 || bail_skip "modprobe mac80211_hwsim failed"
set -- $hwsim_phys
phy_a=${1:-} phy_m=${2:-}
rc=0
{
	[ -n "$phy_a" ] && [ -n "$phy_m" ] &&
	ip netns add "$M" && ip netns add "$A" && ip netns add "$I" &&
	iw phy "$phy_a" set netns name "$A" &&
	iw phy "$phy_m" set netns name "$M" &&
	ip -n "$A" link add "$if_ai" type veth peer name "$if_i" netns "$I"
} 2>&1 | sed 's/^/# /'
[ "${PIPESTATUS[0]}" = 0 ] || rc=1
if_a=$(wlan_of "$A") if_m=$(wlan_of "$M")
mac_a=$(mac_of "$A" "$if_a") mac_m=$(mac_of "$M" "$if_m")
[ -n "$mac_a" ] && [ -n "$mac_m" ] || rc=1
if [ "$rc" = 0 ]; then
	# no IPv6 chatter on the links; MIH over IPv4
	inm sysctl -qw "net.ipv6.conf.$if_m.disable_ipv6=1" &&
	ina sysctl -qw "net.ipv6.conf.$if_a.disable_ipv6=1" &&
	ina sysctl -qw net.ipv4.ip_forward=1 &&
	ip -n "$M" -b - <<-EOF && ip -n "$A" -b - <<-EOF && ip -n "$I" -b - <<-EOF || rc=1
	link set lo up
	EOF
	link set lo up
	link set $if_ai up
	addr add $ip_ai/24 dev $if_ai
	EOF
	link set lo up
	link set $if_i up
	addr add $ip_i/24 dev $if_i
	route add 10.80.0.0/24 via $ip_ai
	EOF
fi

# ---- test PKI (EC keys: quick under TCG) ---------------------------------------
# ca: the EAP server's and the IS link's CA; ca2: another CA
# server: hostapd's EAP server; ar1/is1: the IS link (URI SAN mihf:ID);
# ar1-ca2: ar1 signed by ca2; ar9: signed by ca, but SAN mihf:ar9
(
	cd "$tmp" || exit 1
	pki_ca ca && pki_ca ca2 &&
	pki_cert server ca && pki_cert ar1 ca ar1 && pki_cert is1 ca is1 &&
		pki_cert ar1-ca2 ca2 ar1 && pki_cert ar9 ca ar9
) >"$tmp/pki.log" 2>&1 && [ -s "$tmp/ar9.pem" ] || rc=1
[ "$rc" = 0 ] || dump "$tmp/pki.log"
check $rc "mac80211_hwsim: $phy_a -> AR ($if_a $mac_a), $phy_m -> MMT ($if_m $mac_m); IS over a veth; routes; test certificates"
[ "$rc" = 0 ] || bail_skip "no set-up"

# ---- hostapd (AR), wpa_supplicant (MMT, network disabled for now) --------------
hdir=$tmp/hostapd wdir=$tmp/wpas
cat >"$tmp/eap_users" <<EOF
"alice"	PEAP
"alice"	MSCHAPV2	"alice-secret"	[2]
EOF
cat >"$tmp/hostapd.conf" <<EOF
interface=$if_a
driver=nl80211
ctrl_interface=$hdir
logger_stdout=-1
logger_stdout_level=2
ssid=$ssid
hw_mode=g
channel=1
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
cat >"$tmp/wpas.conf" <<EOF
ctrl_interface=$wdir
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
ip netns exec "$A" hostapd "$tmp/hostapd.conf" >"$tmp/hostapd.log" 2>&1 &
pids+=($!)
ip netns exec "$M" wpa_supplicant -D nl80211 -i "$if_m" -c "$tmp/wpas.conf" \
	>"$tmp/wpas.log" 2>&1 &
pids+=($!)
wait_for 30 test -S "$hdir/$if_a" -a -S "$wdir/$if_m" || {
	echo "# hostapd or wpa_supplicant did not open its control socket"
	dump "$tmp/hostapd.log" "$tmp/wpas.log"
}
inm "$C" policy set require && ina "$C" policy set require && ini "$C" policy set require
rc_pol=$?

# ---- mihsecd in the three namespaces ---------------------------------------------
head_conf() { # ROLES ID
	cat <<-EOF
	# written by selftests/mihsecd_wifi.sh
	[mihsecd]
	roles = $1
	mihf-id = $2
	log-level = debug
	kernel = require
	control-socket = $tmp/$2-ctl/mihsecd.sock
	EOF
}
{
	head_conf mmt mmt1
	cat <<-EOF

	[wpa_supplicant]
	ctrl-interface = $wdir/$if_m

	[peer ar1]
	kind = poa
	mihf-id = ar1
	mac = $mac_a
	address = $ip_a

	[peer is1]
	kind = is
	mihf-id = is1
	address = $ip_i
	EOF
} >"$tmp/mmt.conf"
ar_conf() { # CERT-NAME
	head_conf poa ar1
	cat <<-EOF

	[hostapd]
	ctrl-interface = $hdir/$if_a

	[is-link]
	cert = $tmp/$1.pem
	key = $tmp/$1.key
	ca = $tmp/ca.pem

	[peer mmt1]
	kind = mmt
	mihf-id = mmt1
	mac = $mac_m

	[peer is1]
	kind = is
	mihf-id = is1
	address = $ip_i
	EOF
}
ar_conf ar1 >"$tmp/ar.conf"
ar_conf ar1-ca2 >"$tmp/ar-ca2.conf"
ar_conf ar9 >"$tmp/ar-ar9.conf"
{
	head_conf is is1
	cat <<-EOF

	[is-link]
	cert = $tmp/is1.pem
	key = $tmp/is1.key
	ca = $tmp/ca.pem
	listen = $ip_i

	[peer ar1]
	kind = poa
	mihf-id = ar1
	address = $ip_ai
	EOF
} >"$tmp/is.conf"
# start_d NS CONF LOG: mihsecd -f in NS; its pid in $dpid
start_d() {
	ip netns exec "$1" "$D" -f -c "$2" >"$3" 2>&1 &
	dpid=$!
	pids+=("$dpid")
}
alive() { kill -0 "$1" 2>/dev/null; }
in_log() { grep -q -- "$2" "$1"; }
nlog() { grep -c -- "$2" "$1"; }
log_m=$tmp/mihsecd-mmt.log log_a=$tmp/mihsecd-ar.log log_i=$tmp/mihsecd-is.log
start_d "$I" "$tmp/is.conf" "$log_i"
pid_i=$dpid
wait_for 20 in_log "$log_i" "IS link: listening"
rc_i=$?
start_d "$A" "$tmp/ar.conf" "$log_a"
pid_a=$dpid
wait_for 20 in_log "$log_a" "hostapd $hdir/$if_a: connected" &&
	wait_for 20 in_log "$log_a" "islink: IS server $ip_i:4551 (is1) up"
rc_a=$?
start_d "$M" "$tmp/mmt.conf" "$log_m"
pid_m=$dpid
wait_for 20 in_log "$log_m" "wpa_supplicant $wdir/$if_m: connected"
rc_m=$?
if [ "$rc_pol" = 0 ] && [ "$rc_i" = 0 ] && [ "$rc_a" = 0 ] && [ "$rc_m" = 0 ] &&
	alive "$pid_i" && alive "$pid_a" && alive "$pid_m"; then
	ok "policy require in three kernels; mihsecd started in each; the AR's IS link is up; hostapd and wpa_supplicant connected"
else
	no "policy require in three kernels; mihsecd started in each; the AR's IS link is up; hostapd and wpa_supplicant connected"
	dump "$log_i" "$log_a" "$log_m"
fi

# ---- association, EAP-PEAP, SAs -----------------------------------------------------
cat >"$tmp/h.py" <<'EOF'
import json, socket, struct, sys

def pdu(src, dst, mid, tid, body=b""):
    def ident(t, s):
        v = bytes([len(s)]) + s.encode()
        return bytes([t, len(v)]) + v
    pl = ident(1, src) + ident(2, dst) + body
    return (bytes([0x10, 0, mid >> 8, mid & 0xff, (tid >> 8) & 0x0f,
                   tid & 0xff]) + struct.pack("!H", len(pl)) + pl)

def src_id(p):		# the Source MIHF ID TLV's octets (short lengths)
    if len(p) < 11 or p[8] != 1:
        return ""
    return p[11:11 + p[10]].decode(errors="replace")

def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 4551))
    s.settimeout(20)
    return s

cmd = sys.argv[1]
if cmd == "sas":	# FILE: "peer role tx rx" per SA
    for s in json.load(open(sys.argv[2])):
        print(s["peer"], s["role"], s["tx_keyid"], s["rx_keyid"])
elif cmd == "rxv":	# FILE: rx_verified
    print(json.load(open(sys.argv[2]))["rx_verified"])
elif cmd == "recv":	# READY OUT MYID TID: receive one, reply to its sender
    s = udp()
    open(sys.argv[2], "w").close()
    data, (addr, port) = s.recvfrom(4096)
    reply = pdu(sys.argv[4], src_id(data), 0x2801, int(sys.argv[5]),
                b"\x00\x01\x00")
    with open(sys.argv[3], "w") as f:
        print(data.hex(), addr, reply.hex(), file=f)
    s.sendto(reply, (addr, 4551))
elif cmd == "send":	# ADDR OUT SRC DST TID: send one, receive the reply
    s = udp()
    req = pdu(sys.argv[4], sys.argv[5], 0x2401, int(sys.argv[6]))
    s.sendto(req, (sys.argv[2], 4551))
    data, (addr, port) = s.recvfrom(4096)
    with open(sys.argv[3], "w") as f:
        print(req.hex(), data.hex(), addr, file=f)
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
        while o + 2 <= len(m):
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
H() { python3 "$tmp/h.py" "$@"; }
# sas NS: "peer role tx rx" per SA of NS's kernel
sas() { ip netns exec "$1" "$C" -j sa show >"$tmp/sa-$1.json" 2>/dev/null && H sas "$tmp/sa-$1.json"; }
# cnt NS PEER: SAs toward PEER
cnt() { sas "$1" | awk -v p="$2" '$1 == p' | wc -l; }
have_all() { # MMT-ar1 MMT-is1 AR-mmt1 IS-mmt1 (at least)
	[ "$(cnt "$M" ar1)" -ge "$1" ] && [ "$(cnt "$M" is1)" -ge "$2" ] &&
		[ "$(cnt "$A" mmt1)" -ge "$3" ] && [ "$(cnt "$I" mmt1)" -ge "$4" ]
}
newest() { # NS PEER OLD: the "tx rx" of an SA toward PEER not in OLD
	sas "$1" | grep -vxF -e "${3:-none}" | awk -v p="$2" '$1 == p { print $3, $4; exit }'
}
# have_new [NS PEER OLD]...: each NS holds an SA toward PEER not in OLD
have_new() {
	while [ $# -ge 3 ]; do
		[ -n "$(newest "$1" "$2" "$3")" ] || return 1
		shift 3
	done
}
wpa_state() { inm wpa_cli -p "$wdir" -i "$if_m" status 2>/dev/null | sed -n 's/^wpa_state=//p'; }
completed() { [ "$(wpa_state)" = COMPLETED ]; }

t0=$(now_us)
inm wpa_cli -p "$wdir" -i "$if_m" enable_network 0 >/dev/null
wait_for 60 completed
rc=$?
t_assoc=$(ms_since "$t0")
[ "$rc" = 0 ] || dump "$tmp/wpas.log" "$tmp/hostapd.log"
# addresses on the Wi-Fi link once it is up (hostapd and wpa_supplicant
# bring the interfaces up; a route set before would go with a link down)
ip -n "$A" addr add "$ip_a/24" dev "$if_a" && ip -n "$M" addr add "$ip_m/24" dev "$if_m" &&
	ip -n "$M" route add 10.81.0.0/24 via "$ip_a" || rc=1
check $rc "wpa_supplicant associated to the hwsim AP and completed WPA2-Enterprise (EAP-PEAP + 4-way handshake) in $t_assoc ms; wlan addresses and routes set"
wait_for 60 have_all 1 1 1 1
rc=$?
t_sas=$(ms_since "$t0")
echo "# MEASURE enable_network -> COMPLETED $t_assoc ms; -> all four SAs in the three kernels $t_sas ms (polled)"
s_m=$(sas "$M" | sort) s_a=$(sas "$A" | sort) s_i=$(sas "$I" | sort)
printf '%s\n' "$s_m" | sed 's/^/# MMT sa: /'
printf '%s\n' "$s_a" | sed 's/^/# AR  sa: /'
printf '%s\n' "$s_i" | sed 's/^/# IS  sa: /'
peers_of() { printf '%s\n' "$1" | awk 'NF { printf "%s/%s ", $1, $2 }'; }
pm=$(peers_of "$s_m") pa=$(peers_of "$s_a") pi=$(peers_of "$s_i")
if [ "$rc" = 0 ] && [ "$pm" = "ar1/mmt is1/mmt " ] && [ "$pa" = "mmt1/network " ] &&
	[ "$pi" = "mmt1/network " ]; then
	ok "after association: the MMT holds 2 SAs (ar1, is1), the AR 1 (mmt1), the IS server 1 (mmt1), roles mmt/network"
else
	no "after association: the MMT holds 2 SAs (ar1, is1), the AR 1 (mmt1), the IS server 1 (mmt1) (got MMT: $pm; AR: $pa; IS: $pi)"
	dump "$log_m" "$log_a" "$log_i"
fi
# key IDs: KEY NS-LINES PEER FIELD (3 tx, 4 rx)
kid() { printf '%s\n' "$1" | awk -v p="$2" -v f="$3" '$1 == p { print $f; exit }'; }
m_ar_tx=$(kid "$s_m" ar1 3) m_ar_rx=$(kid "$s_m" ar1 4)
m_is_tx=$(kid "$s_m" is1 3) m_is_rx=$(kid "$s_m" is1 4)
a_tx=$(kid "$s_a" mmt1 3) a_rx=$(kid "$s_a" mmt1 4)
i_tx=$(kid "$s_i" mmt1 3) i_rx=$(kid "$s_i" mmt1 4)
check "$([ -n "$m_ar_tx" ] && [ "$m_ar_tx" = "$a_rx" ] && [ "$m_ar_rx" = "$a_tx" ] &&
	[ -n "$m_is_tx" ] && [ "$m_is_tx" = "$i_rx" ] && [ "$m_is_rx" = "$i_tx" ] &&
	[ "$m_ar_tx" != "$m_is_tx" ] && [ "$m_ar_tx" != "$m_ar_rx" ]; echo $?)" \
	"key IDs mirror pairwise: MMT->ar1 tx/rx = AR rx/tx, MMT->is1 tx/rx = IS rx/tx (all distinct)"

# the debug dumps "sa PEER: m2n keyid K ck FP salt FP" and n2m
dumplines() { sed -n "s/^mihsecd: debug: sa $2: \([mn]2[mn] keyid .*\)/\1/p" "$1"; }
d_ma=$(dumplines "$log_m" ar1) d_am=$(dumplines "$log_a" mmt1)
d_mi=$(dumplines "$log_m" is1) d_im=$(dumplines "$log_i" mmt1)
printf '%s\n' "$d_ma" | sed 's/^/# dump MMT-AR: /'
printf '%s\n' "$d_mi" | sed 's/^/# dump MMT-IS: /'
check "$([ -n "$d_ma" ] && [ "$d_ma" = "$d_am" ] && [ "$(echo "$d_ma" | wc -l)" = 2 ] &&
	echo "$d_ma" | grep -q "^m2n keyid $m_ar_tx ck [0-9a-f]\{16\} " &&
	[ -n "$d_mi" ] && [ "$d_mi" = "$d_im" ] && [ "$(echo "$d_mi" | wc -l)" = 2 ] &&
	echo "$d_mi" | grep -q "^m2n keyid $m_is_tx ck [0-9a-f]\{16\} " &&
	[ "$d_ma" != "$d_mi" ]; echo $?)" \
	"mihsecd debug dumps (key IDs, key fingerprints) agree: MMT and AR for the Peer SA, MMT and IS for the IS SA"
[ "$d_ma" = "$d_am" ] || printf '%s\n' "$d_am" | sed 's/^/# dump AR: /'
[ "$d_mi" = "$d_im" ] || printf '%s\n' "$d_im" | sed 's/^/# dump IS: /'

# the PMK, read here only
pmks=''
read_pmk() {
	pmk_h=$(ina hostapd_cli -p "$hdir" -i "$if_a" raw "GET_PMK $mac_m" 2>/dev/null)
	pmk_w=$(inm wpa_cli -p "$wdir" -i "$if_m" pmksa_get 0 2>/dev/null |
		awk -v aa="$mac_a" '$1 == aa { print $3 }' | tail -n 1)
	pmks="$pmks $pmk_h"
}
read_pmk
check "$([ ${#pmk_h} = 64 ] && [ "$pmk_h" = "$pmk_w" ]; echo $?)" \
	"hostapd (GET_PMK) and wpa_supplicant (PMKSA_GET) hold the same 32-octet PMK"
fp_of() { echo -n "$1" | xxd -r -p | sha256sum | cut -c1-16; }
fp1=$(fp_of "$pmk_h")

# ---- MIH traffic over the Wi-Fi link ---------------------------------------------
rxv() { ip netns exec "$1" "$C" -j stats >"$tmp/st-$1.json" 2>/dev/null && H rxv "$tmp/st-$1.json"; }
# exchange TAG FROM-NS FROM-ID FROM-IP TO-NS TO-ID TO-IP TID: a request one
# way, the reply back; sets req_ok/rep_ok and the rx_verified deltas
# dv_from, dv_to and dv_ar (the AR's)
exchange() {
	local tag=$1 fns=$2 fid=$3 fip=$4 tns=$5 tid_=$6 tip=$7 t=$8
	local v_f v_t v_a rpid r_req='' r_src='' r_rep='' s_req='' s_rep='' s_src=''
	v_f=$(rxv "$fns") v_t=$(rxv "$tns") v_a=$(rxv "$A")
	rm -f "$tmp/ready" "$tmp/r-$tag" "$tmp/s-$tag"
	ip netns exec "$tns" python3 "$tmp/h.py" recv "$tmp/ready" "$tmp/r-$tag" "$tid_" "$t" \
		2>"$tmp/r-$tag.err" &
	rpid=$!
	wait_for 20 test -e "$tmp/ready"
	ip netns exec "$fns" timeout 25 python3 "$tmp/h.py" send "$tip" "$tmp/s-$tag" \
		"$fid" "$tid_" "$t" 2>"$tmp/s-$tag.err"
	wait "$rpid"
	[ ! -s "$tmp/r-$tag" ] || read -r r_req r_src r_rep <"$tmp/r-$tag"
	[ ! -s "$tmp/s-$tag" ] || read -r s_req s_rep s_src <"$tmp/s-$tag"
	dv_from=$(($(rxv "$fns") - v_f)) dv_to=$(($(rxv "$tns") - v_t))
	dv_ar=$(($(rxv "$A") - v_a))
	echo "# $tag: request $s_req, reply $s_rep"
	req_ok=1 rep_ok=1
	[ -n "$s_req" ] && [ "$s_req" = "$r_req" ] && [ "$r_src" = "$fip" ] && req_ok=0
	[ -n "$s_rep" ] && [ "$s_rep" = "$r_rep" ] && [ "$s_src" = "$tip" ] && rep_ok=0
	[ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] ||
		dump "$tmp/r-$tag.err" "$tmp/s-$tag.err" "$log_m" "$log_a" "$log_i"
}
exchange ar "$M" mmt1 "$ip_m" "$A" ar1 "$ip_a" 1
check "$([ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] && [ "$dv_to" = 1 ] && [ "$dv_from" = 1 ]; echo $?)" \
	"MIH over Wi-Fi MMT -> AR and back: both arrive plain, each verified once by the receiving kernel (AR +$dv_to, MMT +$dv_from)"
# not through ina: $! must be tcpdump (an asynchronous subshell would
# ignore SIGINT, and tcpdump with it)
ip netns exec "$A" tcpdump -Z root -i "$if_ai" -n -U --immediate-mode -w "$tmp/is.pcap" udp port 4551 \
	>/dev/null 2>"$tmp/tcpdump.err" &
pid_td=$!
pids+=("$pid_td")
wait_for 20 in_log "$tmp/tcpdump.err" "listening on"
exchange is "$M" mmt1 "$ip_m" "$I" is1 "$ip_i" 2
sleep 0.5	# what tcpdump has not read yet is lost at the signal
kill -TERM "$pid_td" 2>/dev/null
wait "$pid_td" 2>/dev/null
check "$([ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] && [ "$dv_to" = 1 ] && [ "$dv_from" = 1 ] && [ "$dv_ar" = 0 ]; echo $?)" \
	"MIH MMT -> IS server and back (Wi-Fi, forwarded by the AR): each verified once by the receiving kernel (IS +$dv_to, MMT +$dv_from), none by the forwarding AR (+$dv_ar)"
wire=$(H pcap "$tmp/is.pcap" 2>&1)
echo "$wire" | sed 's/^/# AR-IS wire (src dst TLV types): /'
check "$([ "$wire" = "$ip_m $ip_i 1,2,200,201
$ip_i $ip_m 1,2,200,201" ]; echo $?)" \
	"between AR and IS both datagrams carry the Security (200) and Integrity (201) TLVs"

# ---- the IS server never held the MSK ---------------------------------------------
leak=$(grep -ril -- "$pmk_h" "$tmp" 2>/dev/null | grep -v '/h.py$')
check "$([ ${#pmk_h} = 64 ] && [ -z "$leak" ]; echo $?)" \
	"the PMK is in no file: no mihsecd log or config (IS, AR, MMT), no hostapd/wpa_supplicant log${leak:+ (found in $leak)}"
check "$([ -n "$fp1" ] && in_log "$log_m" "(fp $fp1)" && in_log "$log_a" "(fp $fp1)" &&
	! in_log "$log_i" "$fp1" && ! in_log "$tmp/is.conf" "$fp1"; echo $?)" \
	"the MMT and AR logs name the PMK's fingerprint $fp1 (their key sources had it); the IS server's log and config do not"

# ---- AR-IS link: duplicate push ----------------------------------------------------
skip "a duplicate push changes nothing on the IS server" \
	"cannot be forced from outside mihsecd (daemon/tests test_islink and test_keymgr cover it)"

# ---- an IS server restart: new epoch -> re-authentication ------------------------
n_ask=$(nlog "$log_a" "asking hostapd to re-authenticate $mac_m")
n_eap=$(nlog "$tmp/hostapd.log" "CTRL-EVENT-EAP-SUCCESS $mac_m")
old_m=$(sas "$M") old_a=$(sas "$A") old_i=$(sas "$I")
t0=$(now_us)
kill -TERM "$pid_i"
wait "$pid_i"
rc_term=$?
log_i2=$tmp/mihsecd-is-2.log
start_d "$I" "$tmp/is.conf" "$log_i2"
pid_i=$dpid
asked() { [ "$(nlog "$log_a" "asking hostapd to re-authenticate $mac_m")" -gt "$n_ask" ]; }
wait_for 40 asked
rc=$?
grep -h 'new epoch\|asking hostapd' "$log_a" | tail -n 3 | sed 's/^/# AR log: /'
check "$([ "$rc_term" = 0 ] && [ "$rc" = 0 ] && in_log "$log_a" "up, new epoch"; echo $?)" \
	"IS server restarted (SIGTERM exit $rc_term, new epoch): the AR logs the new epoch and asks hostapd to re-authenticate $mac_m"
eap_again() { [ "$(nlog "$tmp/hostapd.log" "CTRL-EVENT-EAP-SUCCESS $mac_m")" -gt "$n_eap" ]; }
wait_for 30 eap_again
rc_eap=$?
check $rc_eap "hostapd re-ran EAP with the station (CTRL-EVENT-EAP-SUCCESS again, over Wi-Fi)"
# new SAs: one toward each peer that was not there before (the older ones
# stay in grace)
wait_for 20 have_new "$M" ar1 "$old_m" "$M" is1 "$old_m" "$A" mmt1 "$old_a" "$I" mmt1 "$old_i"
rc=$?
t_re=$(ms_since "$t0")
set -- $(newest "$M" ar1 "$old_m") $(newest "$A" mmt1 "$old_a") \
	$(newest "$M" is1 "$old_m") $(newest "$I" mmt1 "$old_i")
echo "# new SAs (tx rx): MMT-ar1 ${1:-} ${2:-}, AR ${3:-} ${4:-}, MMT-is1 ${5:-} ${6:-}, IS ${7:-} ${8:-}; $t_re ms after the SIGTERM"
read_pmk
fp2=$(fp_of "$pmk_h")
echo "# PMK after the re-authentication: fp $fp2 (hostapd GET_PMK), before: $fp1; 4-way handshakes in the hostapd log: $(nlog "$tmp/hostapd.log" "EAPOL-4WAY-HS-COMPLETED $mac_m"); PMKSA-CACHE-ADDED in the wpa_supplicant log: $(nlog "$tmp/wpas.log" "PMKSA-CACHE-ADDED")"
# EAPOL_REAUTH alone keeps the PMK over WPA2 (no 4-way handshake): the
# hostapd source then forces a new association (PMKSA_FLUSH, DEAUTHENTICATE)
check "$([ "$fp2" != "$fp1" ] && [ ${#pmk_h} = 64 ]; echo $?)" \
	"the re-authentication gave a new PMK (EAPOL_REAUTH, then a forced new association: $(nlog "$log_a" "forcing a new association") logged)"
check "$([ "$rc" = 0 ] && [ $# = 8 ] && [ "$1" = "$4" ] && [ "$2" = "$3" ] &&
	[ "$5" = "$8" ] && [ "$6" = "$7" ]; echo $?)" \
	"after the re-authentication a new mirrored Peer SA pair (MMT-AR) and a new mirrored IS SA pair (MMT-IS, pushed over the new link) appear ($t_re ms)"
# diagnostics for the report: does a supplicant-started re-authentication
# (EAPOL-Start) rekey over Wi-Fi?
if [ "$rc" != 0 ]; then
	n4=$(nlog "$tmp/hostapd.log" "EAPOL-4WAY-HS-COMPLETED $mac_m")
	inm wpa_cli -p "$wdir" -i "$if_m" reauthenticate >/dev/null
	wait_for 15 have_new "$M" ar1 "$old_m" "$A" mmt1 "$old_a"
	echo "# probe: wpa_cli reauthenticate (EAPOL-Start) -> new Peer SAs on MMT and AR: $([ $? = 0 ] && echo yes || echo no); 4-way handshakes $n4 -> $(nlog "$tmp/hostapd.log" "EAPOL-4WAY-HS-COMPLETED $mac_m")"
fi
exchange is2 "$M" mmt1 "$ip_m" "$I" is1 "$ip_i" 3
check "$([ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] && [ "$dv_to" = 1 ] && [ "$dv_from" = 1 ]; echo $?)" \
	"MIH MMT <-> the restarted IS server: verified once each way (IS +$dv_to, MMT +$dv_from)"

# ---- a full re-authentication: leave, forget the PMKSA, associate again ----------
# reconnect CONF-LOG: disconnect (both ends delete their SAs), flush the
# PMKSA caches (no PMKSA caching: a full EAP), reconnect; sets rc_dn (SAs
# gone on MMT and AR), rc (a new SA toward each of ar1, is1 on the MMT and
# mmt1 on the AR) and old_*
# (the MMT keeps its IS SAs: the IS server keeps its end until the pushed
# lifetime runs out)
gone() { [ "$(cnt "$M" ar1)" = 0 ] && [ "$(cnt "$A" mmt1)" = 0 ]; }
reconnect() { # SECS: how long to wait for the SAs to go
	old_m=$(sas "$M") old_a=$(sas "$A") old_i=$(sas "$I")
	inm wpa_cli -p "$wdir" -i "$if_m" disconnect >/dev/null
	wait_for "$1" gone
	rc_dn=$?
	inm wpa_cli -p "$wdir" -i "$if_m" pmksa_flush >/dev/null
	ina hostapd_cli -p "$hdir" -i "$if_a" pmksa_flush >/dev/null
	t0=$(now_us)
	inm wpa_cli -p "$wdir" -i "$if_m" reconnect >/dev/null
	wait_for 60 have_new "$M" ar1 "$old_m" "$M" is1 "$old_m" "$A" mmt1 "$old_a"
	rc=$?
	t_rc=$(ms_since "$t0")
}
reconnect 20
wait_for 20 have_new "$I" mmt1 "$old_i"
rc_i=$?
t_rci=$(ms_since "$t0")
set -- $(newest "$M" ar1 "$old_m") $(newest "$A" mmt1 "$old_a") \
	$(newest "$M" is1 "$old_m") $(newest "$I" mmt1 "$old_i")
echo "# reconnect: new SAs (tx rx): MMT-ar1 ${1:-} ${2:-}, AR ${3:-} ${4:-}, MMT-is1 ${5:-} ${6:-}, IS ${7:-} ${8:-}; MMT+AR $t_rc ms, IS $t_rci ms after reconnect"
check "$([ "$rc_dn" = 0 ]; echo $?)" \
	"disconnect: the MMT deletes its SAs toward ar1, the AR its SAs toward mmt1 (the MMT keeps $(cnt "$M" is1) toward is1)"
check "$([ "$rc" = 0 ] && [ "$rc_i" = 0 ] && [ $# = 8 ] && [ "$1" = "$4" ] && [ "$2" = "$3" ] &&
	[ "$5" = "$8" ] && [ "$6" = "$7" ] && [ "$1" != "$m_ar_tx" ] && [ "$5" != "$m_is_tx" ]; echo $?)" \
	"association again with full EAP: a new mirrored Peer SA pair and a new IS SA pair, pushed to the restarted IS server ($t_rci ms)"
m_is_tx2=${5:-}
v_i0=$(rxv "$I")
exchange is3 "$M" mmt1 "$ip_m" "$I" is1 "$ip_i" 4
ini "$C" -j sa show -s >"$tmp/sa-is-s.json"
pk=$(python3 -c 'import json,sys; print([s["stats"]["rx_packets"] for s in json.load(open(sys.argv[1])) if s["rx_keyid"] == sys.argv[2]])' \
	"$tmp/sa-is-s.json" "$m_is_tx2" 2>&1)
check "$([ "$req_ok" = 0 ] && [ "$rep_ok" = 0 ] && [ "$dv_to" = 1 ] && [ "$dv_from" = 1 ] && [ "$pk" = "[1]" ]; echo $?)" \
	"MIH MMT <-> IS server under the new IS SA (its rx packets $pk), verified once each way"
read_pmk
fp3=$(fp_of "$pmk_h")
check "$([ ${#pmk_h} = 64 ] && [ "$fp3" != "$fp1" ] && in_log "$log_a" "(fp $fp3)" && in_log "$log_m" "(fp $fp3)" &&
	! grep -qr -- "$pmk_h" "$tmp" && ! in_log "$log_i2" "$fp3"; echo $?)" \
	"the new PMK (fp $fp3): the key sources of MMT and AR logged its fingerprint; it is in no file; the restarted IS server's log has not even its fingerprint"

# ---- an AR with a wrong certificate ------------------------------------------------
# (1) ar1's certificate from another CA: the AR restarts with it, a full
# re-authentication gives a new key whose IS SA must not reach the IS
# server; (2) one from the right CA naming ar9: refused too.
restart_ar() { # CONF LOG
	kill -TERM "$pid_a"
	wait "$pid_a"
	start_d "$A" "$1" "$2"
	pid_a=$dpid
	wait_for 20 in_log "$2" "hostapd $hdir/$if_a: connected"
}
refused() { [ "$(nlog "$log_i2" "islink: .*certificate refused")" -gt "$n_ref" ]; }
n_ref=$(nlog "$log_i2" "islink: .*certificate refused")
n_conn=$(nlog "$log_i2" "islink: AR .* connected")
log_a2=$tmp/mihsecd-ar-ca2.log
restart_ar "$tmp/ar-ca2.conf" "$log_a2"
reconnect 5
check "$rc_dn" "disconnect after the AR's mihsecd restarted: the AR deletes the SA it adopted for mmt1 too (AR SAs toward mmt1 now: $(cnt "$A" mmt1), one of them new)"
wait_for 20 refused
rc_ref=$?
set -- $(newest "$M" is1 "$old_m")
m_is_tx3=${1:-}
sleep 2		# the AR retries with back-off meanwhile: still nothing
new_i=$(sas "$I" | grep -vxF -e "${old_i:-none}")
grep -h 'islink' "$log_i2" | tail -n 1 | sed 's/^/# IS log: /'
grep -h 'islink' "$log_a2" | grep -v debug | tail -n 1 | sed 's/^/# AR log: /'
check "$([ "$rc_ref" = 0 ] && [ "$rc" = 0 ] && [ -n "$m_is_tx3" ] && [ -z "$new_i" ] &&
	! grep -q "$m_is_tx3" "$log_i2" &&
	[ "$(nlog "$log_i2" "islink: AR .* connected")" = "$n_conn" ]; echo $?)" \
	"an AR whose certificate chains to another CA: the IS server refuses the handshake (logged) and installs no SA although MMT and AR rekeyed (the MMT's new IS key ID $m_is_tx3 is unknown to the IS)"
n_id=$(nlog "$log_i2" "certificate does not carry the expected MIHF ID")
log_a3=$tmp/mihsecd-ar-ar9.log
restart_ar "$tmp/ar-ar9.conf" "$log_a3"
idref() { [ "$(nlog "$log_i2" "certificate does not carry the expected MIHF ID")" -gt "$n_id" ]; }
wait_for 20 idref
rc=$?
grep -h 'islink' "$log_i2" | tail -n 1 | sed 's/^/# IS log: /'
check "$([ "$rc" = 0 ] && ! in_log "$log_a3" "(is1) up" &&
	[ "$(nlog "$log_i2" "islink: AR .* connected")" = "$n_conn" ] &&
	[ -z "$(sas "$I" | grep -vxF -e "${old_i:-none}")" ]; echo $?)" \
	"an AR whose certificate (right CA) names MIHF ID ar9 instead of ar1: refused by the IS server (logged), the link never comes up"

errs=$(grep -h '^mihsecd: error:\|AddressSanitizer\|runtime error' "$log_m" "$log_a" "$log_i" "$log_i2" "$log_a2" "$log_a3")
check "$([ -z "$errs" ] && alive "$pid_m" && alive "$pid_a" && alive "$pid_i"; echo $?)" \
	"no error in the mihsecd logs; all three still running"
grep -h '^mihsecd: \(error\|warning\):' "$log_m" "$log_a" "$log_i" "$log_i2" "$log_a2" "$log_a3" |
	sed 's/[0-9a-f]\{16\}/K/g' | sort | uniq -c | head -n 20 | sed 's/^/# /'

t=$((($(now_us) - t_start) / 1000000))
echo "# mihsecd_wifi: $t s"
[ "$n" = "$TOTAL" ] || { echo "# planned $TOTAL, ran $n"; fail=1; }
exit $fail
