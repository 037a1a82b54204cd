#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/mihsecctl_e2e.sh: mihsecctl's allow lists (by message name),
# lifetimes, grace, policy exemptions and event limits, and `monitor`,
# against the real module (run by selftests/run.sh in the VM), in a
# namespace of its own over loopback.  Prints TAP.
set -u
top=$(dirname "$(dirname "$(realpath "$0")")")
C=${MIHSEC_CTL:-$top/build/bin/mihsecctl}
ns=mihsec-ctl-$$
tmp=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp"' EXIT
ip netns add "$ns" && ip -n "$ns" link set lo up || exit 1
x() { ip netns exec "$ns" "$@"; }
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
no() { n=$((n + 1)); echo "not ok $n $1"; fail=1; }
# jget FILE EXPR: evaluate a Python expression on the JSON in FILE (as j)
jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

K1=000102030405060708090a0b0c0d0e0f K2=101112131415161718191a1b1c1d1e1f
sa_add() {
	x "$C" sa add local ar1 peer mmt1 role network \
		tx-keyid "$1" rx-keyid "$2" tx-key $K1 rx-key $K2 \
		tx-salt 01020304 rx-salt 05060708 "${@:3}"
}

echo "TAP version 13"
echo "1..6"

if sa_add 0101010101010101 0202020202020202 \
	allow MIH_Link_Up,MIH_Get_Information.request \
	hard-secs 600 soft-msgs 10 grace 5; then
	ok "sa add with allow (message names), lifetimes and grace"
else
	no "sa add with allow (message names), lifetimes and grace"
fi

x "$C" -j sa show >"$tmp/sa.json"
if [ "$(jget "$tmp/sa.json" 'sorted(j[0]["allow"])')" = \
     "['MIH_Get_Information.request', 'MIH_Link_Up.indication']" ] &&
   [ "$(jget "$tmp/sa.json" '(j[0]["hard_secs"], j[0]["soft_msgs"], j[0]["grace"])')" = \
     "(600, 10, 5)" ]; then
	ok "the kernel reports the allow list and lifetimes back"
else
	sed 's/^/# /' "$tmp/sa.json"
	no "the kernel reports the allow list and lifetimes back"
fi

x "$C" policy set require exempt MIH_Register exempt-uir none \
	event-rate 50 event-burst 7 && x "$C" -j policy >"$tmp/pol.json"
if [ "$(jget "$tmp/pol.json" '(j["policy"], sorted(j["exempt"]), j["exempt_uir"], j["event_rate"], j["event_burst"])')" = \
     "('require', ['MIH_Register.request', 'MIH_Register.response'], [], 50, 7)" ]; then
	ok "policy set require, exemptions and event limits"
else
	sed 's/^/# /' "$tmp/pol.json"
	no "policy set require, exemptions and event limits"
fi

# monitor: a Link_Up from ar1 to an MIHF without an SA -> no-sa
x "$C" -j monitor count 1 timeout 10 >"$tmp/ev.json" &
mon=$!
sleep 1
x python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(bytes.fromhex("10002c020001000f0104036172310207066e6f626f6479"), ("127.0.0.1", 4551))
except PermissionError:
    pass'
if wait "$mon" && grep -q '"event": *"no-sa"' "$tmp/ev.json" &&
   grep -q '"peer": *"nobody"' "$tmp/ev.json"; then
	ok "mihsecctl monitor prints the kernel's no-sa event"
else
	sed 's/^/# /' "$tmp/ev.json"
	no "mihsecctl monitor prints the kernel's no-sa event"
fi

before=$(x "$C" -j policy | python3 -c 'import json,sys; print(json.load(sys.stdin)["sa_count"])')
sa_add 0303030303030303 0404040404040404 allow MIH_No_Such_Message 2>"$tmp/err"
rc=$?
after=$(x "$C" -j policy | python3 -c 'import json,sys; print(json.load(sys.stdin)["sa_count"])')
if [ "$rc" = 2 ] && [ "$before" = "$after" ]; then
	ok "an unknown message name is a usage error (exit 2), nothing installed"
else
	sed 's/^/# /' "$tmp/err"
	no "an unknown message name is a usage error (exit 2), nothing installed"
fi

I1=$(printf '1%.0s' {1..64}) I2=$(printf '2%.0s' {1..64})
if x "$C" sa add local ar1 peer mmt9 role network suite aes128-cbc-hmac-sha1 \
	tx-keyid 0505050505050505 rx-keyid 0606060606060606 tx-key $K1 rx-key $K2 \
	tx-ikey "$I1" rx-ikey "$I2" tx-salt 01020304 rx-salt 05060708 &&
   x "$C" sa show rx-keyid 0606060606060606 | grep -q 'suite aes128-cbc-hmac-sha1'; then
	ok "suite 4 SA with integrity keys"
else
	no "suite 4 SA with integrity keys"
fi
exit $fail
