#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 5679 DNS discovery (daemon/mihf/discovery.c) against a real DNS
# server: dnsmasq on the loopback of a network namespace of its own
# (10.99.0.1 and fd00:99::1), serving for example.test:
#
#   NAPTR 10 10 "s" "IEEE802.21-IS+D2U" -> _mihis._udp.example.test
#   NAPTR 10 20 "s" "IEEE802.21-IS+D2T" -> _mihis._tcp.example.test
#   NAPTR 20 10 "a" "IEEE802.21-ES+D2U" -> es.example.test (port 4551)
#   NAPTR 30 10 "s" "SIP+D2U"           -> (another application: ignored)
#   NAPTR 40 10 ""  "IEEE802.21-CS+D2T" -> sub.example.test (non-terminal)
#     sub: NAPTR 1 1 "s" "IEEE802.21-CS+D2T" -> _mihcs._tcp.sub.example.test
#     SRV 0 0 4554 cs2; cs2 A 192.0.2.31
#   SRV _mihis._udp  10 0 4551 is1, 20 0 4552 is2;  _mihis._tcp 10 0 4551 is1
#   SRV _mihcs._udp   0 0 4553 cs   (no NAPTR for CS: the SRV fallback)
#   is1 A 192.0.2.10 AAAA 2001:db8::10 (TTL 120); is2 A 192.0.2.11;
#   es A 192.0.2.20; cs AAAA 2001:db8::30   (other records TTL 300)
#
# build/daemon/tools/mihdisc dns runs the walk (NAPTR -> SRV -> A/AAAA)
# through libresolv against that server (explicit nameserver, over IPv4
# and IPv6, and through /etc/resolv.conf bind-mounted in a private mount
# namespace); every expected result, its port, transport and TTL, and the
# peer table it builds are checked.  TAP on stdout.  Needs root, dnsmasq.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
# MIHSEC_MIHDISC: use this mihdisc binary instead of building one
tool=${MIHSEC_MIHDISC:-$top/build/daemon/tools/mihdisc}

need_root
need_cmds dnsmasq ip unshare mount python3
[ -n "${MIHSEC_MIHDISC:-}" ] || make -s -C "$top/daemon" "$tool" >/dev/null || {
	echo "1..1"
	echo "not ok 1 discovery dns: build $tool"
	exit 1
}

ns=mihsec-dns-$$
tmp=$(mktemp -d /tmp/mihsec-dns.XXXXXX)
dnsmasq_pid=
cleanup() {
	[ -z "$dnsmasq_pid" ] || kill "$dnsmasq_pid" 2>/dev/null
	[ -s "$tmp/dnsmasq.pid" ] && kill "$(cat "$tmp/dnsmasq.pid")" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	[ -n "${MIHSEC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_ns() { ip netns exec "$ns" "$@"; }
{
	ip netns add "$ns" &&
	ip -n "$ns" link set lo up &&
	ip -n "$ns" addr add 10.99.0.1/32 dev lo &&
	ip -n "$ns" addr add fd00:99::1/128 dev lo nodad
} 2>/dev/null || skip_all "cannot create a network namespace"

echo "1..21"

d=example.test
# not through in_ns: $! must be the daemon itself, not a subshell
ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
	--no-hosts --no-dhcp-interface=lo --bind-interfaces \
	--listen-address=10.99.0.1 --listen-address=fd00:99::1 --port=53 \
	--pid-file="$tmp/dnsmasq.pid" --log-facility="$tmp/dnsmasq.log" \
	--log-queries --local-ttl=300 --user=root --group=root \
	--naptr-record="$d,10,10,s,IEEE802.21-IS+D2U,,_mihis._udp.$d" \
	--naptr-record="$d,10,20,s,IEEE802.21-IS+D2T,,_mihis._tcp.$d" \
	--naptr-record="$d,20,10,a,IEEE802.21-ES+D2U,,es.$d" \
	--naptr-record="$d,30,10,s,SIP+D2U,,_sip._udp.$d" \
	--naptr-record="$d,40,10,,IEEE802.21-CS+D2T,,sub.$d" \
	--naptr-record="sub.$d,1,1,s,IEEE802.21-CS+D2T,,_mihcs._tcp.sub.$d" \
	--srv-host="_mihcs._tcp.sub.$d,cs2.$d,4554,0,0" \
	--host-record="cs2.$d,192.0.2.31" \
	--srv-host="_mihis._udp.$d,is1.$d,4551,10,0" \
	--srv-host="_mihis._udp.$d,is2.$d,4552,20,0" \
	--srv-host="_mihis._tcp.$d,is1.$d,4551,10,0" \
	--srv-host="_mihcs._udp.$d,cs.$d,4553,0,0" \
	--host-record="is1.$d,192.0.2.10,2001:db8::10,120" \
	--host-record="is2.$d,192.0.2.11" \
	--host-record="es.$d,192.0.2.20" \
	--host-record="cs.$d,2001:db8::30" \
	>"$tmp/dnsmasq.out" 2>&1 &
dnsmasq_pid=$!
up=no
for _ in $(seq 50); do
	if in_ns python3 -c '
import socket,sys
s=socket.socket(); s.settimeout(0.2)
sys.exit(s.connect_ex(("10.99.0.1",53)))' 2>/dev/null; then
		up=yes
		break
	fi
	sleep 0.1
done
check "dnsmasq serves NAPTR/SRV/A/AAAA on the namespace's loopback" \
	[ "$up" = yes ]

# has LINE in FILE (whole line, fixed string)
has() { grep -qxF -- "$2" "$1"; }

in_ns "$tool" dns -s 10.99.0.1 -T "$d" >"$tmp/v4.out" 2>"$tmp/v4.err"
rc=$?
check "mihdisc dns over an IPv4 nameserver finds peers (exit 0)" [ $rc = 0 ]
sed 's/^/# /' "$tmp/v4.out" | grep '^# result'
check "IS over UDP, is1 IPv4, port 4551, TTL 120 (the A record's)" \
	has "$tmp/v4.out" "result service=is transport=udp address=192.0.2.10 port=4551 ttl=120 target=is1.$d"
check "IS over UDP, is1 IPv6 (AAAA)" \
	has "$tmp/v4.out" "result service=is transport=udp address=2001:db8::10 port=4551 ttl=120 target=is1.$d"
check "IS over UDP, is2 on port 4552 from its SRV, TTL 300" \
	has "$tmp/v4.out" "result service=is transport=udp address=192.0.2.11 port=4552 ttl=300 target=is2.$d"
check "IS over TCP (IEEE802.21-IS+D2T -> _mihis._tcp)" \
	has "$tmp/v4.out" "result service=is transport=tcp address=192.0.2.10 port=4551 ttl=120 target=is1.$d"
check "ES through a NAPTR with flag \"a\": the host itself on 4551" \
	has "$tmp/v4.out" "result service=es transport=udp address=192.0.2.20 port=4551 ttl=300 target=es.$d"
check "CS without a NAPTR: the well-known SRV _mihcs._udp, IPv6 only" \
	has "$tmp/v4.out" "result service=cs transport=udp address=2001:db8::30 port=4553 ttl=300 target=cs.$d"
check "CS over TCP through a non-terminal NAPTR (sub.$d), port 4554" \
	has "$tmp/v4.out" "result service=cs transport=tcp address=192.0.2.31 port=4554 ttl=300 target=cs2.$d"
check "nothing else (8 results: no SIP, no ES over TCP)" \
	[ "$(grep -c '^result ' "$tmp/v4.out")" = 8 ]
check "the NAPTR, SRV, A and AAAA queries reached dnsmasq" \
	bash -c "grep -q 'query\[NAPTR\] $d' '$tmp/dnsmasq.log' &&
		 grep -q 'query\[SRV\] _mihis._udp.$d' '$tmp/dnsmasq.log' &&
		 grep -q 'query\[SRV\] _mihcs._udp.$d' '$tmp/dnsmasq.log' &&
		 grep -q 'query\[AAAA\] is1.$d' '$tmp/dnsmasq.log'"

# the peer table: 6 endpoints (is1 v4/v6 serve UDP and TCP: transport any)
peers_check() { # FILE
	python3 - "$1" <<'EOF'
import json, sys
line = [l for l in open(sys.argv[1]) if l.startswith("peers ")][0]
peers = json.loads(line[6:])
eps = {}
for p in peers:
    assert p["sources"] == ["dns"], p
    assert p["id"] is None, p
    for a in p["addresses"]:
        eps[(a["address"], a["port"])] = (p["kind"], a["services"],
                                          a["expires_in_ms"], a["transport"])
want = {("192.0.2.10", 4551): ("is", ["is"]),
        ("2001:db8::10", 4551): ("is", ["is"]),
        ("192.0.2.11", 4552): ("is", ["is"]),
        ("192.0.2.20", 4551): ("poa", ["es"]),
        ("2001:db8::30", 4553): ("poa", ["cs"]),
        ("192.0.2.31", 4554): ("poa", ["cs"])}
assert set(eps) == set(want), eps
for k, v in want.items():
    assert eps[k][:2] == v, (k, eps[k])
    assert 0 < eps[k][2] <= 300000, (k, eps[k])
# is1 expires with its 120 s TTL
assert eps[("192.0.2.10", 4551)][2] <= 120000
assert eps[("192.0.2.10", 4551)][3] == "any"
assert eps[("192.0.2.11", 4552)][3] == "udp"
EOF
}
check "peer table: 6 endpoints, source dns, kinds and services, TTL expiry" \
	peers_check "$tmp/v4.out"

in_ns "$tool" dns -a -s 10.99.0.1 -T "$d" >"$tmp/async.out" 2>&1
rc=$?
check "the same 8 results from the worker thread on an md_loop (-a)" \
	bash -c "[ $rc = 0 ] && diff <(grep '^result ' '$tmp/v4.out' | sort) \
		<(grep '^result ' '$tmp/async.out' | sort)"

in_ns "$tool" dns -s fd00:99::1 "$d" >"$tmp/v6.out" 2>"$tmp/v6.err"
check "over an IPv6 nameserver (UDP only: 5 results)" \
	[ $? = 0 -a "$(grep -c '^result ' "$tmp/v6.out")" = 5 ]
check "... with the same IS result" \
	has "$tmp/v6.out" "result service=is transport=udp address=192.0.2.10 port=4551 ttl=120 target=is1.$d"

in_ns "$tool" dns -s 10.99.0.1 -T -U -S is "$d" >"$tmp/tcp.out" 2>&1
check "TCP only, IS only: the two is1 addresses" \
	[ "$(grep -c '^result service=is transport=tcp ' "$tmp/tcp.out")" = 2 -a \
	  "$(grep -c '^result ' "$tmp/tcp.out")" = 2 ]

# the system resolver path: /etc/resolv.conf (private mount namespace)
echo "nameserver 10.99.0.1" >"$tmp/resolv.conf"
in_ns unshare -m sh -c "mount --bind '$tmp/resolv.conf' /etc/resolv.conf &&
	exec '$tool' dns '$d'" >"$tmp/sys.out" 2>"$tmp/sys.err"
check "through /etc/resolv.conf (res_nquery): 5 results" \
	[ $? = 0 -a "$(grep -c '^result ' "$tmp/sys.out")" = 5 ]
check "... the ES result among them" \
	has "$tmp/sys.out" "result service=es transport=udp address=192.0.2.20 port=4551 ttl=300 target=es.$d"

in_ns "$tool" dns -s 10.99.0.1 nothing.test >"$tmp/none.out" 2>&1
check "a domain with no MIH records: nothing found (exit 2)" \
	[ $? = 2 -a "$(grep -c '^result ' "$tmp/none.out")" = 0 ]

# a nameserver that never answers (a silent UDP socket on port 5353):
# NAPTR + 3 SRV fallbacks = 4 queries x 2 tries x 200 ms
ip netns exec "$ns" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.99.0.1", 5353))
open("'"$tmp/silent.up"'", "w").write("up")
time.sleep(20)' &
silent_pid=$!
for _ in $(seq 50); do
	[ -e "$tmp/silent.up" ] && break
	sleep 0.1
done
t0=$(date +%s%N)
in_ns "$tool" dns -s '10.99.0.1#5353' -t 200 "$d" >"$tmp/dead.out" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
kill $silent_pid 2>/dev/null
echo "# silent nameserver: exit $rc after $ms ms"
check "a silent nameserver: nothing (exit 2) after the timeouts (1.5-5 s)" \
	[ $rc = 2 -a $ms -ge 1500 -a $ms -lt 5000 ]

kill "$dnsmasq_pid" 2>/dev/null
wait "$dnsmasq_pid" 2>/dev/null
dnsmasq_pid=
check "dnsmasq stopped" true
