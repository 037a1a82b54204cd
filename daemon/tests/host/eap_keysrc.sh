#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The wpa_supplicant and hostapd key sources (daemon/keys/wpa.c,
# daemon/keys/hostapd.c) against real EAP, in two network namespaces joined
# by a veth pair of their own:
#
#   MMT namespace: wpa_supplicant -D wired, network key_mgmt=NONE holding
#                  the EAP credentials; RSN pre-authentication to the AR
#   AR namespace:  hostapd driver=wired, internal EAP server (test
#                  certificates made here), wpa=2 WPA-EAP rsn_preauth=1
#
# (EAP.md: wired 802.1X alone fills no PMKSA cache; pre-authentication
# gives PMK = MSK[0..31] on both ends.)  The sources run in
# build/daemon/tests/test_keysrc_live on one md_loop; it starts both, waits
# for MIHSEC_KEY_UP from each (the wpa source sends PREAUTH itself), asks
# for a re-authentication (md_wpa_reauth -> PREAUTH again), then sends
# DISCONNECT to wpa_supplicant; it prints every event as
#   "# keysrc-live: UP|DOWN <source> <mac_mmt> <mac_poa> <fp>"
# Checked here, for EAP-PEAP and EAP-TLS: both sources deliver UP with the
# same key fingerprint and the veths' real MACs; the fingerprint equals
# SHA-256 (first 8 octets) of the PMK as wpa_cli and hostapd_cli print it
# (an independent reading); re-authentication gives a different key and a
# second UP on both ends; disconnect gives DOWN on the MMT side.  The AR
# side's DOWN cannot be shown here: hostapd sends no AP-STA-DISCONNECTED
# for pre-authentication sessions (reported as SKIP; test_keysrc_ctrl.c
# covers it).  TAP on stdout.  Needs root, hostapd, wpa_supplicant, openssl.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
# MIHSEC_KEYSRC_LIVE: use this test_keysrc_live binary instead of building one
live=${MIHSEC_KEYSRC_LIVE:-$top/build/daemon/tests/test_keysrc_live}

need_root
need_cmds hostapd hostapd_cli wpa_supplicant wpa_cli openssl ip sha256sum xxd
[ -n "${MIHSEC_KEYSRC_LIVE:-}" ] || make -s -C "$top/daemon" "$live" >/dev/null || {
	echo "1..1"
	echo "not ok 1 eap keysrc: build $live"
	exit 1
}

ns_ar=mihsec-ar-$$
ns_mmt=mihsec-mmt-$$
if_ar=mska$$
if_mmt=mskm$$
tmp=$(mktemp -d /tmp/mihsec-eapks.XXXXXX)
hapd_pid=
wpas_pid=
cleanup() {
	[ -z "$wpas_pid" ] || kill "$wpas_pid" 2>/dev/null
	[ -z "$hapd_pid" ] || kill "$hapd_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns_ar" 2>/dev/null
	ip netns del "$ns_mmt" 2>/dev/null
	[ -n "${MIHSEC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_ar() { ip netns exec "$ns_ar" "$@"; }
in_mmt() { ip netns exec "$ns_mmt" "$@"; }
{
	ip netns add "$ns_ar" && ip netns add "$ns_mmt" &&
	ip link add "$if_ar" type veth peer name "$if_mmt" &&
	ip link set "$if_ar" netns "$ns_ar" &&
	ip link set "$if_mmt" netns "$ns_mmt" &&
	ip -n "$ns_ar" link set lo up && ip -n "$ns_mmt" link set lo up &&
	# no IPv6 chatter: hostapd's wired driver would start ordinary 802.1X
	# for a station it hears, which then collides with pre-authentication
	# of the same MAC (EAP.md: the two cannot share one hostapd)
	in_ar sysctl -qw "net.ipv6.conf.$if_ar.disable_ipv6=1" &&
	in_mmt sysctl -qw "net.ipv6.conf.$if_mmt.disable_ipv6=1" &&
	ip -n "$ns_ar" link set "$if_ar" up &&
	ip -n "$ns_mmt" link set "$if_mmt" up
} 2>/dev/null || skip_all "cannot create network namespaces and a veth pair"
mac_of() { # NS IF
	ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}
mac_ar=$(mac_of "$ns_ar" "$if_ar")
mac_mmt=$(mac_of "$ns_mmt" "$if_mmt")

echo "1..18"

# ---- test PKI
(
	cd "$tmp" || exit 1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
		-days 2 -subj /CN=mihsec-test-ca &&
	for who in server client; do
		openssl req -newkey rsa:2048 -nodes -keyout "$who.key" \
			-out "$who.csr" -subj "/CN=$who" &&
		openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key \
			-CAcreateserial -out "$who.pem" -days 2 || exit 1
	done
) >"$tmp/pki.log" 2>&1
check "test certificates generated with openssl" test -s "$tmp/client.pem"

cat >"$tmp/eap_users" <<EOF
"alice"	PEAP
"alice"	MSCHAPV2	"alice-secret"	[2]
"client"	TLS
EOF

# fp of a hex key: first 8 octets of SHA-256, as mihsec_kdf_fingerprint
fp_of() { echo -n "$1" | xxd -r -p | sha256sum | cut -c1-16; }

# field F (1 mac_mmt, 2 mac_poa, 3 fp) of the K-th event of KIND SRC
ev() { # OUT KIND SRC K F
	awk -v kind="$2" -v src="$3" -v k="$4" -v f="$5" '
		$2 == "keysrc-live:" && $3 == kind && $4 == src {
			if (++i == k) { print $(f + 4); exit }
		}' "$1"
}

run_method() { # METHOD
	local m=$1 out=$tmp/live-$1.log rc hdir=$tmp/hapd-$1 wdir=$tmp/wpas-$1
	local wu1 hu1 wu2 hu2 wd pmk_w pmk_h i

	cat >"$tmp/hostapd-$m.conf" <<EOF
interface=$if_ar
driver=wired
ctrl_interface=$hdir
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
rsn_preauth=1
rsn_preauth_interfaces=$if_ar
EOF
	if [ "$m" = PEAP ]; then
		cred='eap=PEAP
	identity="alice"
	password="alice-secret"
	phase2="auth=MSCHAPV2"'
	else
		cred="eap=TLS
	identity=\"client\"
	client_cert=\"$tmp/client.pem\"
	private_key=\"$tmp/client.key\""
	fi
	cat >"$tmp/wpas-$m.conf" <<EOF
ctrl_interface=$wdir
ap_scan=0
network={
	key_mgmt=NONE
	$cred
	ca_cert="$tmp/ca.pem"
}
EOF
	# not through in_ar/in_mmt: $! must be the daemon, not a subshell
	ip netns exec "$ns_ar" hostapd "$tmp/hostapd-$m.conf" \
		>"$tmp/hostapd-$m.log" 2>&1 &
	hapd_pid=$!
	ip netns exec "$ns_mmt" wpa_supplicant -D wired -i "$if_mmt" -c "$tmp/wpas-$m.conf" \
		>"$tmp/wpas-$m.log" 2>&1 &
	wpas_pid=$!
	for i in $(seq 50); do
		[ -S "$hdir/$if_ar" ] && [ -S "$wdir/$if_mmt" ] && break
		sleep 0.1
	done

	MIHSEC_LIVE_WPA_CTRL=$wdir/$if_mmt MIHSEC_LIVE_HOSTAPD_CTRL=$hdir/$if_ar \
	MIHSEC_LIVE_PREAUTH=$mac_ar MIHSEC_LIVE_TIMEOUT_MS=10000 \
		timeout 45 "$live" >"$out" 2>&1
	rc=$?
	grep '^# keysrc-live:' "$out" | sed "s/^/# $m /"
	if [ "$rc" = 0 ]; then
		ok "$m: test_keysrc_live passed (UP both ends, reauth, DOWN)"
	else
		not_ok "$m: test_keysrc_live exit $rc"
		sed 's/^/#   /' "$out" | tail -20
		tail -n 5 "$tmp/hostapd-$m.log" "$tmp/wpas-$m.log" | sed 's/^/#   /'
	fi

	wu1=$(ev "$out" UP wpa_supplicant 1 3)
	hu1=$(ev "$out" UP hostapd 1 3)
	wu2=$(ev "$out" UP wpa_supplicant 2 3)
	hu2=$(ev "$out" UP hostapd 2 3)
	wd=$(ev "$out" DOWN wpa_supplicant 1 2)
	check "$m: MMT and AR keys agree after EAP (fp $wu1)" \
		test -n "$wu1" -a "$wu1" = "$hu1"
	check "$m: both UPs name MMT $mac_mmt and AR $mac_ar" test \
		"$(ev "$out" UP wpa_supplicant 1 1) $(ev "$out" UP wpa_supplicant 1 2)" \
		= "$mac_mmt $mac_ar" -a \
		"$(ev "$out" UP hostapd 1 1) $(ev "$out" UP hostapd 1 2)" \
		= "$mac_mmt $mac_ar"
	check "$m: re-authentication: a new key, a second UP on both ends" \
		test -n "$wu2" -a "$wu2" = "$hu2" -a "$wu2" != "$wu1"
	# the latest PMK as the daemons' own CLIs print it
	pmk_w=$(wpa_cli -p "$wdir" -i "$if_mmt" pmksa_get 0 |
		awk -v aa="$mac_ar" '$1 == aa { print $3 }')
	pmk_h=$(hostapd_cli -p "$hdir" -i "$if_ar" raw "GET_PMK $mac_mmt")
	check "$m: fingerprints match wpa_cli PMKSA_GET and hostapd_cli GET_PMK" \
		test -n "$pmk_w" -a "$(fp_of "$pmk_w")" = "$wu2" -a \
		"$(fp_of "$pmk_h")" = "$wu2"
	pmk_w= pmk_h=
	check "$m: disconnect: DOWN from the wpa_supplicant source for $mac_ar" \
		test "$wd" = "$mac_ar"
	kill "$wpas_pid" "$hapd_pid" 2>/dev/null
	wait "$wpas_pid" "$hapd_pid" 2>/dev/null
	wpas_pid= hapd_pid=
}

start=$(date +%s)
run_method PEAP
run_method TLS

# a wrong password: EAP fails, no key on either end
cat >"$tmp/wpas-bad.conf" <<EOF
ctrl_interface=$tmp/wpas-bad
ap_scan=0
network={
	key_mgmt=NONE
	eap=PEAP
	identity="alice"
	password="wrong-secret"
	phase2="auth=MSCHAPV2"
	ca_cert="$tmp/ca.pem"
}
EOF
sed "s#^ctrl_interface=.*#ctrl_interface=$tmp/hapd-bad#" \
	"$tmp/hostapd-PEAP.conf" >"$tmp/hostapd-bad.conf"
ip netns exec "$ns_ar" hostapd "$tmp/hostapd-bad.conf" \
	>"$tmp/hostapd-bad.log" 2>&1 &
hapd_pid=$!
ip netns exec "$ns_mmt" wpa_supplicant -D wired -i "$if_mmt" -c "$tmp/wpas-bad.conf" \
	>"$tmp/wpas-bad.log" 2>&1 &
wpas_pid=$!
for i in $(seq 50); do
	[ -S "$tmp/hapd-bad/$if_ar" ] && [ -S "$tmp/wpas-bad/$if_mmt" ] && break
	sleep 0.1
done
MIHSEC_LIVE_WPA_CTRL=$tmp/wpas-bad/$if_mmt \
MIHSEC_LIVE_HOSTAPD_CTRL=$tmp/hapd-bad/$if_ar \
MIHSEC_LIVE_PREAUTH=$mac_ar MIHSEC_LIVE_TIMEOUT_MS=4000 \
	timeout 30 "$live" >"$tmp/live-bad.log" 2>&1
rc=$?
check "wrong password: the live test times out waiting for a key" test "$rc" != 0
check "wrong password: no UP from either source" \
	test -z "$(grep '^# keysrc-live: UP' "$tmp/live-bad.log")"
check "wrong password: wpa_supplicant reported CTRL-EVENT-EAP-FAILURE" \
	grep -q 'CTRL-EVENT-EAP-FAILURE' "$tmp/wpas-bad.log"
kill "$wpas_pid" "$hapd_pid" 2>/dev/null
wait "$wpas_pid" "$hapd_pid" 2>/dev/null
wpas_pid= hapd_pid=

ok "AR-side DOWN # SKIP hostapd sends no AP-STA-DISCONNECTED for pre-authentication (test_keysrc_ctrl covers it)"
check "ran in $(($(date +%s) - start)) s (under 60)" test $(($(date +%s) - start)) -lt 60
