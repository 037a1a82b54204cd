#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 5678 DHCP discovery (daemon/mihf/discovery.c) against real DHCP: a
# server namespace runs dnsmasq as DHCPv4 and DHCPv6 server on one end of
# a veth pair, forcing the MoS options
#
#   v4 139 (MoS IPv4 address): IS 10.98.0.5 10.98.0.6, ES 10.98.0.7,
#                              CS 192.0.2.9
#   v4 140 (MoS domain names): IS is.mos.test, ES es.mos.test
#   v6  54 (MoS IPv6 address): IS fd00:98::5
#   v6  55 (MoS domain names): ES es.mos.test
#
# and a client namespace runs dhclient (isc-dhcp-client) -4 and -6 on the
# other end with the dhclient.conf declarations of mihf/discovery.h, its
# own lease, pid and hook files in a temporary directory (the hook is a
# script of this test that records the environment: the system's
# dhclient-script, which would rewrite /etc/resolv.conf, never runs).
# Then build/daemon/tools/mihdisc reads the lease files (mihdisc lease) and
# the recorded hook environment (mihdisc env); every address, name, the
# expiry and the peer table built are checked.  TAP on stdout.
# Needs root, dnsmasq, dhclient.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
# MIHSEC_MIHDISC: use this mihdisc binary instead of building one
tool=${MIHSEC_MIHDISC:-$top/build/daemon/tools/mihdisc}

need_root
need_cmds dnsmasq dhclient ip python3
[ -n "${MIHSEC_MIHDISC:-}" ] || make -s -C "$top/daemon" "$tool" >/dev/null || {
	echo "1..1"
	echo "not ok 1 discovery dhcp: build $tool"
	exit 1
}

ns_s=mihsec-dhs-$$
ns_c=mihsec-dhc-$$
if_s=mdhs$$
if_c=mdhc$$
tmp=$(mktemp -d /tmp/mihsec-dhcp.XXXXXX)
pids=
cleanup() {
	local p

	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in "$tmp"/dhclient*.pid "$tmp"/dnsmasq.pid; do
		[ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
	[ -n "${MIHSEC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_s() { ip netns exec "$ns_s" "$@"; }
in_c() { ip netns exec "$ns_c" "$@"; }
{
	ip netns add "$ns_s" && ip netns add "$ns_c" &&
	ip link add "$if_s" type veth peer name "$if_c" &&
	ip link set "$if_s" netns "$ns_s" &&
	ip link set "$if_c" netns "$ns_c" &&
	ip -n "$ns_s" link set lo up && ip -n "$ns_c" link set lo up &&
	in_s sysctl -qw "net.ipv6.conf.$if_s.accept_dad=0" &&
	in_c sysctl -qw "net.ipv6.conf.$if_c.accept_dad=0" &&
	ip -n "$ns_s" addr add 10.98.0.1/24 dev "$if_s" &&
	ip -n "$ns_s" addr add fd00:98::1/64 dev "$if_s" nodad &&
	ip -n "$ns_s" link set "$if_s" up &&
	ip -n "$ns_c" link set "$if_c" up
} 2>/dev/null || skip_all "cannot create network namespaces and a veth pair"

echo "1..21"

# option payloads (RFC 5678), hex
o139=01:08:0a:62:00:05:0a:62:00:06:03:04:0a:62:00:07:02:04:c0:00:02:09
o140=01:0d:02:69:73:03:6d:6f:73:04:74:65:73:74:00:03:0d:02:65:73:03:6d:6f:73:04:74:65:73:74:00
o54=00:01:00:10:fd:00:00:98:00:00:00:00:00:00:00:00:00:00:00:05
o55=00:03:00:0d:02:65:73:03:6d:6f:73:04:74:65:73:74:00

# not through in_s: $! must be the daemon itself, not a subshell
ip netns exec "$ns_s" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
	--no-resolv --no-hosts --interface="$if_s" --bind-interfaces \
	--user=root --group=root --dhcp-authoritative \
	--dhcp-leasefile="$tmp/dnsmasq.leases" --pid-file="$tmp/dnsmasq.pid" \
	--log-facility="$tmp/dnsmasq.log" --log-dhcp \
	--dhcp-range=10.98.0.10,10.98.0.20,255.255.255.0,1h \
	--dhcp-range=fd00:98::10,fd00:98::20,64,2h \
	--dhcp-option-force=139,$o139 \
	--dhcp-option-force=140,$o140 \
	--dhcp-option-force=option6:54,$o54 \
	--dhcp-option-force=option6:55,$o55 \
	>"$tmp/dnsmasq.out" 2>&1 &
pids="$pids $!"
sleep 0.5
check "dnsmasq runs as DHCPv4/DHCPv6 server with options 139/140/54/55" \
	kill -0 $!

cat >"$tmp/dhclient.conf" <<'EOF'
option mihsec-mos-ipv4 code 139 = string;
option mihsec-mos-fqdn code 140 = string;
also request mihsec-mos-ipv4, mihsec-mos-fqdn;
option dhcp6.mihsec-mos-ipv6 code 54 = string;
option dhcp6.mihsec-mos-fqdn code 55 = string;
also request dhcp6.mihsec-mos-ipv6, dhcp6.mihsec-mos-fqdn;
EOF
# the hook: records the environment of each call, touches nothing else
cat >"$tmp/hook.sh" <<EOF
#!/bin/sh
env | grep -E '^(reason|new_[a-z0-9_]*)=' | sort >"$tmp/hook-\$reason.env"
exit 0
EOF
chmod +x "$tmp/hook.sh"

wait_for() { # FILE PATTERN SECONDS
	local i

	for i in $(seq $(($3 * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---- DHCPv4
ip netns exec "$ns_c" dhclient -4 -d -1 -cf "$tmp/dhclient.conf" -lf "$tmp/lease4" \
	-pf "$tmp/dhclient4.pid" -sf "$tmp/hook.sh" "$if_c" \
	>"$tmp/dhclient4.log" 2>&1 &
pids="$pids $!"
check "dhclient -4 gets a lease recording the MoS options" \
	wait_for "$tmp/lease4" "mihsec-mos-fqdn" 20
sed 's/^/# lease4: /' "$tmp/lease4" | grep -E "mos|expire"

"$tool" lease "$tmp/lease4" >"$tmp/l4.out" 2>"$tmp/l4.err"
check "mihdisc lease reads the v4 lease" [ $? = 0 ]
has() { grep -qxF -- "$2" "$1"; }
check "option 139: IS 10.98.0.5 and 10.98.0.6" \
	bash -c "grep -qx 'mos is v4 10.98.0.5' '$tmp/l4.out' &&
		 grep -qx 'mos is v4 10.98.0.6' '$tmp/l4.out'"
check "option 139: ES 10.98.0.7" has "$tmp/l4.out" "mos es v4 10.98.0.7"
check "option 139: CS 192.0.2.9" has "$tmp/l4.out" "mos cs v4 192.0.2.9"
check "option 140: IS is.mos.test" has "$tmp/l4.out" "mos is name is.mos.test"
check "option 140: ES es.mos.test" has "$tmp/l4.out" "mos es name es.mos.test"
check "nothing else in the MoS lists (6 entries)" \
	[ "$(grep -c '^mos ' "$tmp/l4.out")" = 6 ]
now=$(date +%s)
exp=$(sed -n 's/^expire \([0-9]*\)$/\1/p' "$tmp/l4.out")
check "lease expiry read (about 1 h from now: $((${exp:-0} - now)) s)" \
	[ -n "$exp" ] && [ $((exp - now)) -gt 3000 -a $((exp - now)) -le 3600 ]

peers_check() { # FILE EXPECTED-JSON
	python3 - "$1" "$2" <<'EOF'
import json, sys
line = [l for l in open(sys.argv[1]) if l.startswith("peers ")][0]
peers = json.loads(line[6:])
got = {}
for p in peers:
    assert p["sources"] == ["dhcp"], p
    for a in p["addresses"]:
        assert a["port"] == 4551, a
        assert a["expires_in_ms"] is None or a["expires_in_ms"] > 0, a
        got[a["address"]] = [p["kind"], sorted(a["services"])]
want = json.loads(sys.argv[2])
assert got == want, (got, want)
EOF
}
check "peer table: MoS addresses, port 4551, source dhcp, kinds" \
	peers_check "$tmp/l4.out" '{"10.98.0.5": ["is", ["is"]],
		"10.98.0.6": ["is", ["is"]], "10.98.0.7": ["poa", ["es"]],
		"192.0.2.9": ["poa", ["cs"]]}'

# the hook environment of the BOUND call
check "dhclient ran our hook (BOUND) with new_mihsec_mos_ipv4" \
	grep -q '^new_mihsec_mos_ipv4=' "$tmp/hook-BOUND.env"
(
	set -a
	# shellcheck disable=SC1090
	. <(sed "s/=\(.*\)/='\1'/" "$tmp/hook-BOUND.env")
	exec "$tool" env
) >"$tmp/env.out" 2>&1
check "mihdisc env reads the same from the hook environment" \
	bash -c "diff <(grep '^mos ' '$tmp/l4.out') <(grep '^mos ' '$tmp/env.out')"
check "the system resolv.conf was not touched by dhclient (no script)" \
	bash -c "! grep -q 10.98.0 /etc/resolv.conf"

# ---- DHCPv6
ip netns exec "$ns_c" dhclient -6 -d -1 -cf "$tmp/dhclient.conf" -lf "$tmp/lease6" \
	-pf "$tmp/dhclient6.pid" -sf "$tmp/hook.sh" "$if_c" \
	>"$tmp/dhclient6.log" 2>&1 &
pids="$pids $!"
check "dhclient -6 gets a lease recording options 54/55" \
	wait_for "$tmp/lease6" "mihsec-mos-fqdn" 20
sed 's/^/# lease6: /' "$tmp/lease6" | grep -E "mos|max-life|starts"
"$tool" lease "$tmp/lease6" >"$tmp/l6.out" 2>"$tmp/l6.err"
check "mihdisc lease reads the v6 lease" [ $? = 0 ]
check "option 54: IS fd00:98::5" has "$tmp/l6.out" "mos is v6 fd00:98::5"
check "option 55: ES es.mos.test" has "$tmp/l6.out" "mos es name es.mos.test"
exp=$(sed -n 's/^expire \([0-9]*\)$/\1/p' "$tmp/l6.out")
check "v6 lease expiry from the address's max-life (2 h: $((${exp:-0} - now)) s)" \
	[ -n "$exp" ] && [ $((exp - now)) -gt 6000 -a $((exp - now)) -le 7300 ]
check "v6 peer table: fd00:98::5 an IS" \
	peers_check "$tmp/l6.out" '{"fd00:98::5": ["is", ["is"]]}'

# a corrupted lease is refused, not half-read
sed 's/mihsec-mos-ipv4 1:8:/mihsec-mos-ipv4 1:9:/' "$tmp/lease4" >"$tmp/bad4"
"$tool" lease "$tmp/bad4" >"$tmp/bad.out" 2>&1
check "a lease with a malformed option 139 is rejected" \
	[ $? != 0 -a "$(grep -c '^mos ' "$tmp/bad.out")" = 0 ]
