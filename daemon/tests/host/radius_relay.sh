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
# TAP on stdout.  Needs root, hostapd, eapol_test, openssl.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
live=$top/build/daemon/tests/test_radius_live
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $1"
}
check() { # DESC CMD...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root"
for c in hostapd eapol_test openssl ip perl sha256sum; do
	command -v "$c" >/dev/null || skip_all "$c not installed"
done
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
	rm -rf "$tmp"
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

echo "1..16"

in_ns hostapd "$tmp/hostapd.conf" >"$tmp/hostapd.log" 2>&1 &
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
		grep -q 'radius-live: ready' "$tmp/$name.live" && break
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
check "hostapd still running" kill -0 "$hapd_pid"
exit $((failed != 0))
