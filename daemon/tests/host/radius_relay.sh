#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The RADIUS key source (daemon/keys/radius.c) between real EAP peers, in a
# private network namespace (its own loopback, so no port clashes):
#
#   eapol_test (authenticator + supplicant) -> relay -> hostapd (RADIUS
#   server: driver=none, eap_server=1, test certificates made here)
#
# The relay is build/daemon/tests/test_radius_live (keys/radius.c on an
# md_loop), which prints each MIHSEC_KEY_UP as "mac_mmt mac_poa fp".  The
# independent reference is eapol_test's own decryption of the Access-Accept:
# "MS-MPPE-Recv-Key (crypt) - hexdump(len=32): ..."; fp is the first 8
# octets of SHA-256 of those 32 octets (lib/kdf.h mihsec_kdf_fingerprint),
# computed here with sha256sum.  Checked, for EAP-PEAP and EAP-TLS:
#   - eapol_test still ends in SUCCESS (the relay is transparent),
#   - the relay reports exactly one key, with eapol_test's fingerprint,
#     Calling-Station-Id as mac_mmt and Called-Station-Id (or ar_mac) as
#     mac_poa;
# then per-side secrets (the relay re-signs both ways) and a wrong
# relay->server secret (no SUCCESS, no key event).
#
# Then the chain issue 4 names, with a real authenticator and a real
# terminal: a second namespace (MMT) joined to the first (AR) by a veth
# pair; wpa_supplicant -D wired in the MMT pre-authenticates (RSN
# pre-authentication, EAP-PEAP) to hostapd driver=wired eap_server=0 in the
# AR, whose RADIUS server is the relay, whose AAA server is the hostapd
# RADIUS server above (per-side secrets, no ar_mac: mac_poa must come from
# the Called-Station-Id).  Checked: exactly one key per pre-authentication,
# mac_mmt = the MMT veth's MAC, mac_poa = the AR veth's MAC, fingerprint =
# SHA-256[0..8) of the PMK wpa_supplicant holds (wpa_cli pmksa_get: the
# terminal's own key) and of the PMK the authenticator holds (hostapd_cli
# GET_PMK); a second pre-authentication gives a second, different key.
# TAP on stdout.  Needs root, hostapd, hostapd_cli, wpa_supplicant,
# wpa_cli, eapol_test, openssl.  MIHSEC_KEEP=1 keeps the temporary
# directory (configs and logs).
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
live=$top/build/daemon/tests/test_radius_live

need_root
need_cmds hostapd hostapd_cli wpa_supplicant wpa_cli eapol_test openssl ip perl sha256sum
make -s -C "$top/daemon" "$live" >/dev/null || {
	echo "1..1"
	echo "not ok 1 radius relay: build $live"
	exit 1
}

ns=mihsec-rad-$$
tmp=$(mktemp -d /tmp/mihsec-radius.XXXXXX)
hapd_pid=
live_pid=
cleanup() {
	[ -z "$live_pid" ] || kill "$live_pid" 2>/dev/null
	[ -z "$hapd_pid" ] || kill "$hapd_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	[ -n "${MIHSEC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_ns() { ip netns exec "$ns" "$@"; }
ip netns add "$ns" && ip -n "$ns" link set lo up || skip_all "cannot create a network namespace"

SRV_PORT=18120
RELAY_PORT=18121
MMT_PEAP=02:00:00:00:10:01
MMT_TLS=02:00:00:00:10:02
POA=02:00:00:00:00:aa
AR_MAC=02:00:00:00:00:fe

# ---- test PKI and credentials
(
	cd "$tmp" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
		-days 2 -subj /CN=mihsec-radius-test-ca &&
	openssl req -newkey rsa:2048 -nodes -keyout server.key \
		-out server.csr -subj /CN=radius.mihsec.test &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
		-CAcreateserial -out server.pem -days 2 &&
	openssl req -newkey rsa:2048 -nodes -keyout client.key \
		-out client.csr -subj /CN=tlsuser &&
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
		-CAcreateserial -out client.pem -days 2
) >"$tmp/pki.log" 2>&1 || {
	echo "1..1"
	echo "not ok 1 radius relay: make test certificates"
	sed 's/^/# /' "$tmp/pki.log"
	exit 1
}
printf 'srvsecret\n' >"$tmp/srv.secret"
printf 'clientsec\n' >"$tmp/client.secret"
printf 'wrongsecret\n' >"$tmp/wrong.secret"
chmod 600 "$tmp"/*.secret "$tmp"/*.key

cat >"$tmp/hostapd.conf" <<EOF
driver=none
interface=lo
logger_stdout=-1
logger_stdout_level=1
radius_server_clients=$tmp/clients
radius_server_auth_port=$SRV_PORT
eap_server=1
eap_user_file=$tmp/users
ca_cert=$tmp/ca.pem
server_cert=$tmp/server.pem
private_key=$tmp/server.key
EOF
printf '127.0.0.1/32 srvsecret\n' >"$tmp/clients"
cat >"$tmp/users" <<EOF
"peapuser" PEAP
"peapuser" MSCHAPV2 "peap-password" [2]
"tlsuser" TLS
EOF
cat >"$tmp/peap.conf" <<EOF
network={
	key_mgmt=IEEE8021X
	eap=PEAP
	identity="peapuser"
	password="peap-password"
	ca_cert="$tmp/ca.pem"
	phase2="auth=MSCHAPV2"
}
EOF
cat >"$tmp/tls.conf" <<EOF
network={
	key_mgmt=IEEE8021X
	eap=TLS
	identity="tlsuser"
	ca_cert="$tmp/ca.pem"
	client_cert="$tmp/client.pem"
	private_key="$tmp/client.key"
}
EOF

echo "1..26"

# not through in_ns: $! must be hostapd itself (cleanup kills it)
ip netns exec "$ns" hostapd "$tmp/hostapd.conf" >"$tmp/hostapd.log" 2>&1 &
hapd_pid=$!
for _ in $(seq 50); do
	grep -q AP-ENABLED "$tmp/hostapd.log" && break
	sleep 0.1
done
check "hostapd RADIUS server up" grep -q AP-ENABLED "$tmp/hostapd.log"

# fp HEXDUMP-LINE -> first 8 octets of SHA-256 of the dumped octets
fp_of_dump() {
	local hex
	hex=$(sed -E 's/.*hexdump\(len=32\): //; s/ //g' <<<"$1")
	[ ${#hex} = 64 ] || return 1
	perl -e 'print pack("H*", $ARGV[0])' "$hex" | sha256sum | cut -c1-16
}

# run NAME WANT CLIENT_SECRET_FILE SERVER_SECRET_FILE AR_MAC -- EAPOL_TEST_ARGS...
# starts the relay, runs eapol_test through it, stops the relay; leaves
# $tmp/NAME.eapol (eapol_test output), $tmp/NAME.live (relay output) and
# $live_rc
run() {
	local name=$1 want=$2 csec=$3 ssec=$4 armac=$5
	shift 6
	rm -f "$tmp/stop"
	in_ns env MIHSEC_RADIUS_LISTEN=127.0.0.1:$RELAY_PORT \
		MIHSEC_RADIUS_SERVER=127.0.0.1:$SRV_PORT \
		MIHSEC_RADIUS_SECRET_FILE="$csec" \
		MIHSEC_RADIUS_SERVER_SECRET_FILE="$ssec" \
		MIHSEC_RADIUS_AR_MAC="$armac" MIHSEC_RADIUS_WANT="$want" \
		MIHSEC_RADIUS_STOP="$tmp/stop" MIHSEC_RADIUS_TIMEOUT_MS=30000 \
		"$live" >"$tmp/$name.live" 2>&1 &
	live_pid=$!
	for _ in $(seq 100); do
		grep -qs 'radius-live: ready' "$tmp/$name.live" && break
		sleep 0.1
	done
	in_ns timeout 30 eapol_test -a127.0.0.1 -p$RELAY_PORT -r0 -t8 "$@" \
		>"$tmp/$name.eapol" 2>&1
	touch "$tmp/stop"
	wait "$live_pid"
	live_rc=$?
	live_pid=
}

# relay_ups NAME -> the "UP mmt poa fp" lines (fields after UP)
relay_ups() { sed -n 's/^# radius-live: UP //p' "$tmp/$1.live"; }

show_fail() { # NAME
	echo "# --- relay ($1):"
	grep -v '^#  *$' "$tmp/$1.live" | tail -n 15 | sed 's/^/#   /'
	echo "# --- eapol_test ($1):"
	tail -n 5 "$tmp/$1.eapol" | sed 's/^/#   /'
}

# eap_case NAME CONF MMT POA CLIENT_SECRET_FILE SERVER_SECRET_FILE AR_MAC
#          EAPOL_TEST_SECRET [EAPOL_TEST_ARGS...]
eap_case() {
	local name=$1 conf=$2 mmt=$3 poa=$4 csec=$5 ssec=$6 armac=$7 sec=$8
	shift 8
	local dump ref ups
	run "$name" 1 "$csec" "$ssec" "$armac" -- -c"$conf" -s"$sec" \
		-M"$mmt" "$@"
	if tail -n 1 "$tmp/$name.eapol" | grep -qx SUCCESS; then
		ok "$name: eapol_test SUCCESS through the relay"
	else
		not_ok "$name: eapol_test SUCCESS through the relay"
		show_fail "$name"
	fi
	dump=$(grep -m1 'MS-MPPE-Recv-Key (crypt) - hexdump(len=32)' "$tmp/$name.eapol")
	ref=$(fp_of_dump "$dump") || ref=none
	ups=$(relay_ups "$name")
	echo "# $name: eapol_test MS-MPPE-Recv-Key fp $ref; relay: ${ups:-nothing}"
	if [ "$ups" = "$mmt $poa $ref" ] && [ "$ref" != none ]; then
		ok "$name: relay key fingerprint and MACs match eapol_test ($ref)"
	else
		not_ok "$name: relay key fingerprint and MACs match eapol_test (want '$mmt $poa $ref')"
		show_fail "$name"
	fi
	if [ "$live_rc" = 0 ] && grep -q '^ok 1 ' "$tmp/$name.live"; then
		ok "$name: exactly one key event"
	else
		not_ok "$name: exactly one key event (rc $live_rc)"
		show_fail "$name"
	fi
}

S=$tmp/srv.secret
# PEAP, one secret, Called-Station-Id "MAC:SSID" gives mac_poa
eap_case peap "$tmp/peap.conf" $MMT_PEAP $POA "$S" "" $AR_MAC srvsecret \
	-N30:s:02-00-00-00-00-AA:mihsec
# TLS, one secret, no Called-Station-Id: mac_poa = ar_mac
eap_case tls "$tmp/tls.conf" $MMT_TLS $AR_MAC "$S" "" $AR_MAC srvsecret
# PEAP with per-side secrets: eapol_test uses "clientsec", hostapd "srvsecret"
eap_case peap-2secrets "$tmp/peap.conf" $MMT_PEAP $POA "$tmp/client.secret" \
	"$S" "" clientsec -N30:s:02:00:00:00:00:aa
# the same key as eapol_test printed for the same run is all we can
# compare; different runs give different keys
a=$(relay_ups peap | cut -d' ' -f3)
b=$(relay_ups peap-2secrets | cut -d' ' -f3)
c=$(relay_ups tls | cut -d' ' -f3)
check "fresh key per authentication (3 distinct fingerprints)" \
	test -n "$a" -a -n "$b" -a -n "$c" -a "$a" != "$b" -a "$a" != "$c" -a "$b" != "$c"

# wrong relay->server secret: hostapd drops the re-signed requests
run wrong-server 0 "$S" "$tmp/wrong.secret" "" -- -c"$tmp/peap.conf" \
	-ssrvsecret -M$MMT_PEAP -t4
if tail -n 1 "$tmp/wrong-server.eapol" | grep -qx SUCCESS; then
	not_ok "wrong server-side secret: eapol_test does not succeed"
else
	ok "wrong server-side secret: eapol_test does not succeed"
fi
if [ -z "$(relay_ups wrong-server)" ] && [ "$live_rc" = 0 ] &&
	grep -q 'replies 0 keys 0' "$tmp/wrong-server.live" &&
	! grep -q 'requests 0 ' "$tmp/wrong-server.live"; then
	ok "wrong server-side secret: requests forwarded, no reply, no key event"
else
	not_ok "wrong server-side secret: requests forwarded, no reply, no key event"
	show_fail wrong-server
fi
# wrong client-side secret: the relay drops the requests itself
run wrong-client 0 "$tmp/wrong.secret" "$S" "" -- -c"$tmp/peap.conf" \
	-ssrvsecret -M$MMT_PEAP -t4
if tail -n 1 "$tmp/wrong-client.eapol" | grep -qx SUCCESS; then
	not_ok "wrong client-side secret: eapol_test does not succeed"
else
	ok "wrong client-side secret: eapol_test does not succeed"
fi
if [ -z "$(relay_ups wrong-client)" ] && [ "$live_rc" = 0 ] &&
	grep -q 'requests 0 ' "$tmp/wrong-client.live"; then
	ok "wrong client-side secret: nothing forwarded, no key event"
else
	not_ok "wrong client-side secret: nothing forwarded, no key event"
	show_fail wrong-client
fi

# ---- the chain from issue 4: a real authenticator and a real terminal
#
#   MMT namespace: wpa_supplicant -D wired (key_mgmt=NONE network with the
#                  EAP-PEAP credentials), RSN pre-authentication to the AR
#   AR namespace ($ns): hostapd driver=wired, eap_server=0, wpa=2 WPA-EAP
#                  rsn_preauth=1 -> relay 127.0.0.1:$RELAY_PORT ->
#                  hostapd RADIUS server 127.0.0.1:$SRV_PORT (above)
#
# The relay runs without ar_mac, so mac_poa can only come from the
# Called-Station-Id the authenticator sends.  References: the PMK the
# terminal itself holds (wpa_cli pmksa_get) and the PMK the authenticator
# holds (hostapd_cli GET_PMK), both MSK[0..31] (EAP.md).
chain_start=$(date +%s.%N)
ns_mmt=mihsec-radm-$$
if_ar=mrda$$
if_mmt=mrdm$$
auth_pid=
wpas_pid=
chain_cleanup() {
	[ -z "$wpas_pid" ] || kill "$wpas_pid" 2>/dev/null
	[ -z "$auth_pid" ] || kill "$auth_pid" 2>/dev/null
	ip netns del "$ns_mmt" 2>/dev/null
	cleanup
}
trap chain_cleanup EXIT
in_mmt() { ip netns exec "$ns_mmt" "$@"; }
if {
	ip netns add "$ns_mmt" &&
	ip link add "$if_ar" type veth peer name "$if_mmt" &&
	ip link set "$if_ar" netns "$ns" &&
	ip link set "$if_mmt" netns "$ns_mmt" &&
	ip -n "$ns_mmt" link set lo up &&
	# no IPv6 chatter: hostapd's wired driver would start ordinary 802.1X
	# for a station it hears, which collides with pre-authentication of
	# the same MAC (EAP.md)
	in_ns sysctl -qw "net.ipv6.conf.$if_ar.disable_ipv6=1" &&
	in_mmt sysctl -qw "net.ipv6.conf.$if_mmt.disable_ipv6=1" &&
	ip -n "$ns" link set "$if_ar" up &&
	ip -n "$ns_mmt" link set "$if_mmt" up
} 2>"$tmp/veth.log"; then
	ok "chain: MMT namespace and veth pair to the AR namespace"
else
	not_ok "chain: MMT namespace and veth pair to the AR namespace"
	sed 's/^/#   /' "$tmp/veth.log"
fi
mac_of() { # NS IF
	ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}
mac_ar=$(mac_of "$ns" "$if_ar")
mac_mmt=$(mac_of "$ns_mmt" "$if_mmt")
hdir=$tmp/auth-ctrl
wdir=$tmp/wpas-ctrl
cat >"$tmp/auth.conf" <<EOF
interface=$if_ar
driver=wired
ctrl_interface=$hdir
logger_stdout=-1
logger_stdout_level=2
ieee8021x=1
eap_server=0
own_ip_addr=127.0.0.1
auth_server_addr=127.0.0.1
auth_server_port=$RELAY_PORT
auth_server_shared_secret=clientsec
wpa=2
wpa_key_mgmt=WPA-EAP
rsn_pairwise=CCMP
rsn_preauth=1
rsn_preauth_interfaces=$if_ar
EOF
cat >"$tmp/wpas.conf" <<EOF
ctrl_interface=$wdir
ap_scan=0
network={
	key_mgmt=NONE
	eap=PEAP
	identity="peapuser"
	password="peap-password"
	phase2="auth=MSCHAPV2"
	ca_cert="$tmp/ca.pem"
}
EOF

# the relay: per-side secrets (authenticator "clientsec", server
# "srvsecret"), no ar_mac, two keys expected
rm -f "$tmp/stop"
in_ns env MIHSEC_RADIUS_LISTEN=127.0.0.1:$RELAY_PORT \
	MIHSEC_RADIUS_SERVER=127.0.0.1:$SRV_PORT \
	MIHSEC_RADIUS_SECRET_FILE="$tmp/client.secret" \
	MIHSEC_RADIUS_SERVER_SECRET_FILE="$S" MIHSEC_RADIUS_WANT=2 \
	MIHSEC_RADIUS_STOP="$tmp/stop" MIHSEC_RADIUS_TIMEOUT_MS=30000 \
	"$live" >"$tmp/chain.live" 2>&1 &
live_pid=$!
for _ in $(seq 100); do
	grep -qs 'radius-live: ready' "$tmp/chain.live" && break
	sleep 0.1
done
# not through in_ns/in_mmt: $! must be the daemon, not a subshell
ip netns exec "$ns" hostapd "$tmp/auth.conf" >"$tmp/auth.log" 2>&1 &
auth_pid=$!
ip netns exec "$ns_mmt" wpa_supplicant -D wired -i "$if_mmt" \
	-c "$tmp/wpas.conf" >"$tmp/wpas.log" 2>&1 &
wpas_pid=$!
for _ in $(seq 50); do
	[ -S "$hdir/$if_ar" ] && [ -S "$wdir/$if_mmt" ] && break
	sleep 0.1
done
# pre-authentication takes its EAP configuration from the current network:
# wait until wpa_supplicant has selected it (wired: COMPLETED at once)
for _ in $(seq 50); do
	wpa_cli -p "$wdir" -i "$if_mmt" status 2>/dev/null |
		grep -qx wpa_state=COMPLETED && break
	sleep 0.1
done
check "chain: relay, authenticator hostapd and wpa_supplicant (COMPLETED) up" \
	test -S "$hdir/$if_ar" -a -n "$mac_ar" -a -n "$mac_mmt" -a \
	"$(wpa_cli -p "$wdir" -i "$if_mmt" status 2>/dev/null | grep -x 'wpa_state=.*')" \
	= wpa_state=COMPLETED

chain_fail() {
	echo "# --- relay (chain):"
	grep -v '^#  *$' "$tmp/chain.live" | tail -n 15 | sed 's/^/#   /'
	echo "# --- authenticator hostapd:"
	tail -n 8 "$tmp/auth.log" | sed 's/^/#   /'
	echo "# --- wpa_supplicant:"
	tail -n 8 "$tmp/wpas.log" | sed 's/^/#   /'
}
# the PMK wpa_supplicant holds for the AR (empty if none)
wpa_pmk() {
	wpa_cli -p "$wdir" -i "$if_mmt" pmksa_get 0 2>/dev/null |
		awk -v aa="$mac_ar" '$1 == aa { print $3 }'
}
auth_pmk() {
	hostapd_cli -p "$hdir" -i "$if_ar" raw "GET_PMK $mac_mmt" 2>/dev/null
}
fp_of_hex() { # 64 hex digits -> first 8 octets of SHA-256, or "none"
	if [ ${#1} = 64 ]; then
		perl -e 'print pack("H*", $ARGV[0])' "$1" | sha256sum | cut -c1-16
	else
		echo none
	fi
}
# preauth K OLD_PMK: pre-authenticate, wait (10 s) for a PMK other than
# OLD_PMK in both wpa_supplicant's and the authenticator's cache and for K
# key events from the relay; sets pmk_w, pmk_h
preauth() {
	local k=$1 old=$2 t0
	t0=$(date +%s%N)
	wpa_cli -p "$wdir" -i "$if_mmt" preauthenticate "$mac_ar" >/dev/null
	for _ in $(seq 100); do
		pmk_w=$(wpa_pmk)
		pmk_h=$(auth_pmk)
		[ ${#pmk_w} = 64 ] && [ "$pmk_w" != "$old" ] &&
			[ ${#pmk_h} = 64 ] && [ "$pmk_h" != "$old" ] &&
			[ "$(relay_ups chain | wc -l)" -ge "$k" ] && break
		sleep 0.1
	done
	echo "# chain: pre-authentication $k took $((($(date +%s%N) - t0) / 1000000)) ms (incl. polling)"
}

# keyline K -> the K-th "mmt poa fp" from the relay
keyline() { relay_ups chain | sed -n "${1}p"; }

preauth 1 ""
pmk1=$pmk_w
fp_w1=$(fp_of_hex "$pmk_w")
fp_h1=$(fp_of_hex "$pmk_h")
ups=$(relay_ups chain)
echo "# chain 1: wpa_supplicant PMK fp $fp_w1, hostapd GET_PMK fp $fp_h1; relay: ${ups:-nothing}"
if [ "$(printf '%s\n' "$ups" | grep -c .)" = 1 ] &&
	[ "$(keyline 1 | cut -d' ' -f1,2)" = "$mac_mmt $mac_ar" ]; then
	ok "chain 1: exactly one relay key, mac_mmt $mac_mmt (MMT veth), mac_poa $mac_ar (AR, Called-Station-Id)"
else
	not_ok "chain 1: exactly one relay key, mac_mmt $mac_mmt, mac_poa $mac_ar"
	chain_fail
fi
fp1=$(keyline 1 | cut -d' ' -f3)
check "chain 1: relay fingerprint = SHA-256 of wpa_supplicant's PMK (pmksa_get)" \
	test "$fp_w1" != none -a "$fp1" = "$fp_w1"
check "chain 1: relay fingerprint = SHA-256 of the authenticator's PMK (GET_PMK)" \
	test "$fp_h1" != none -a "$fp1" = "$fp_h1"

preauth 2 "$pmk1"
fp_w2=$(fp_of_hex "$pmk_w")
fp_h2=$(fp_of_hex "$pmk_h")
ups=$(relay_ups chain)
echo "# chain 2: wpa_supplicant PMK fp $fp_w2, hostapd GET_PMK fp $fp_h2; relay: $(keyline 2)"
fp2=$(keyline 2 | cut -d' ' -f3)
if [ "$(printf '%s\n' "$ups" | grep -c .)" = 2 ] &&
	[ "$(keyline 2 | cut -d' ' -f1,2)" = "$mac_mmt $mac_ar" ] &&
	[ -n "$fp2" ] && [ "$fp2" != "$fp1" ]; then
	ok "chain 2: a second pre-authentication gives a second, different key (same MACs)"
else
	not_ok "chain 2: a second pre-authentication gives a second, different key"
	chain_fail
fi
check "chain 2: second key = wpa_supplicant's new PMK and the authenticator's" \
	test "$fp_w2" != none -a "$fp2" = "$fp_w2" -a "$fp2" = "$fp_h2"
pmk1= pmk_w= pmk_h=
touch "$tmp/stop"
wait "$live_pid"
live_rc=$?
live_pid=
if [ "$live_rc" = 0 ] && grep -q '^ok 1 ' "$tmp/chain.live" &&
	grep -q 'replies [1-9][0-9]* keys 2 dropped 0' "$tmp/chain.live"; then
	ok "chain: relay saw exactly 2 keys, dropped nothing"
else
	not_ok "chain: relay saw exactly 2 keys, dropped nothing (rc $live_rc)"
	chain_fail
fi
check "chain: authenticator logged CTRL-EVENT-EAP-SUCCESS2 for $mac_mmt twice" \
	test "$(grep -c "CTRL-EVENT-EAP-SUCCESS2 $mac_mmt" "$tmp/auth.log")" = 2
kill "$wpas_pid" "$auth_pid" 2>/dev/null
wait "$wpas_pid" "$auth_pid" 2>/dev/null
wpas_pid= auth_pid=
chain_ms=$(perl -e 'printf "%d", ($ARGV[1] - $ARGV[0]) * 1000' "$chain_start" "$(date +%s.%N)")
check "chain: ran in $chain_ms ms (under 20 s)" test "$chain_ms" -lt 20000

check "hostapd still running" kill -0 "$hapd_pid"
exit $((failed != 0))
