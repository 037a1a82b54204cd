#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mihsecd's MIH function between real processes in network namespaces of
# their own, on one Ethernet segment (a bridge namespace with a veth pair
# to each of the others):
#
#   mihf-mn-PID   mihsecd mn1 (role mmt): serving PoS ar1, IS server is1,
#                 handover-script
#   mihf-ar1-PID  mihsecd ar1 (role poa): [isdb] to find target PoSes; a
#                 veth "ap1" in [mihf] interfaces (link events) and as
#                 its [proxy] interface
#   mihf-ar2-PID  mihsecd ar2 (role poa): the handover target
#   mihf-is-PID   mihsecd is1 (role is): SQLite IS database
#   mihf-mc-PID   mihsecd mc1: discover = multicast, no [peer] at all, no
#                 default route (the subnet's broadcast address and ff02::1
#                 on its watched link); started while the link-local
#                 addresses are still tentative (its IPv6 discovery retries)
#   mihf-st-PID   mihsecd st1: discover = static, [peer ar1] only
#   mihf-is2-PID  mihsecd is2 (role is): tcp = yes, max-datagram = 512
#   mihf-is3-PID  mihsecd is3 (role is): tcp = no, max-datagram = 512
#   mihf-tc-PID   mihsecd tc1: tcp = yes, max-datagram = 512, is2 and is3
#                 as its IS servers
#
# No kernel module on the host: every daemon runs with kernel = optional
# (plain MIH on UDP 4551).  Checked with mihsecctl over each daemon's
# control socket: capability discovery (peers), registration (mihf status
# both sides), is import into the IS server, is query from the terminal,
# mih send terminal -> ar2, a real link event (ap1 down/up through
# rtnetlink), the handover mn1 -> ar1 -> ar2 with the script's arguments
# and the terminal registered with ar2 afterwards, capability discovery
# by IPv6 multicast and IPv4 broadcast (mc1 learns ar2 with no [peer] for
# it; st1, with discover = static, does not), an IS answer larger than a
# datagram over TCP 4551 (is2 -> tc1: all networks; a TCP connection
# opened in both namespaces' /proc/net/snmp and tc1:4551's in ss) and the
# same query to is3 without TCP cut to one datagram, and every daemon
# exiting 0 on SIGTERM.  Then, if PostgreSQL is installed (MIHSEC_PG_BIN, run as
# MIHSEC_PG_USER, default nobody), two IS servers on loopback sharing one
# PostgreSQL database ([isdb] backend postgresql): what one imports the
# other exports and answers queries from.  TAP on stdout.  Needs root and
# ip.
# MIHSECD / MIHSECCTL: binaries to use instead of build/bin's.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
mihsecd=${MIHSECD:-$top/build/bin/mihsecd}
mihsecctl=${MIHSECCTL:-$top/build/bin/mihsecctl}

need_root
command -v ip >/dev/null || skip_all "ip not installed"
if [ -z "${MIHSECD:-}" ] || [ -z "${MIHSECCTL:-}" ]; then
	make -s -C "$top/daemon" "$mihsecd" "$mihsecctl" >/dev/null || {
		echo "1..1"
		echo "not ok 1 mihsecd mihf: build"
		exit 1
	}
fi

names="mn ar1 ar2 is mc st is2 is3 tc"
declare -A ns addr pid ippid
i=1
for d in $names; do
	ns[$d]=mihf-$d-$$
	addr[$d]=10.77.0.$i
	i=$((i + 1))
done
ns_sw=mihf-sw-$$
tmp=$(mktemp -d /tmp/mihsec-mihf.XXXXXX)
cleanup() {
	[ -z "${dns_pid:-}" ] || kill "$dns_pid" 2>/dev/null
	for d in $names; do
		[ -z "${pid[$d]:-}" ] || kill "${pid[$d]}" 2>/dev/null
		[ -z "${ippid[$d]:-}" ] || kill "${ippid[$d]}" 2>/dev/null
	done
	wait 2>/dev/null
	for d in $names; do
		[ -z "${ns[$d]:-}" ] || ip netns del "${ns[$d]}" 2>/dev/null
	done
	ip netns del "$ns_sw" 2>/dev/null
	[ -n "${MIHSEC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_ns() { # NAME CMD...
	local d=$1
	shift
	ip netns exec "${ns[$d]}" "$@"
}
ctl() { # NAME ARGS...: mihsecctl against that daemon
	local d=$1
	shift
	in_ns "$d" "$mihsecctl" -S "$tmp/$d.sock" "$@"
}

echo "1..26"

# ---- the segment -------------------------------------------------------
ip netns add "$ns_sw" || exit 1
ip -n "$ns_sw" link add br0 type bridge
ip -n "$ns_sw" link set br0 up
i=0
for d in $names; do
	ip netns add "${ns[$d]}" || exit 1
	ip link add "mh$i$$" netns "${ns[$d]}" type veth peer name "sw$i" \
		netns "$ns_sw" || exit 1
	ip -n "${ns[$d]}" link set "mh$i$$" name eth0
	ip -n "${ns[$d]}" addr add "${addr[$d]}/24" dev eth0
	ip -n "${ns[$d]}" link set eth0 up
	ip -n "${ns[$d]}" link set lo up
	ip -n "$ns_sw" link set "sw$i" master br0
	ip -n "$ns_sw" link set "sw$i" up
	i=$((i + 1))
done
# ar1's access link (a veth of its own: real rtnetlink events)
ip -n "${ns[ar1]}" link add ap1 type veth peer name ap1p
ip -n "${ns[ar1]}" link set ap1p up
ip -n "${ns[ar1]}" link set ap1 up

# a DNS server for mn's RFC 5679 discovery (in is1's namespace, port 5353):
# NAPTR -> SRV _mihes._udp -> an A record (ar2's address, port 4560)
dns_pid=
if command -v dnsmasq >/dev/null; then
	dd=mih.test
	# not through in_ns: $! must be dnsmasq itself (cleanup kills it
	# before it waits for its children)
	ip netns exec "${ns[is]}" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
		--no-hosts --bind-interfaces --listen-address="${addr[is]}" \
		--port=5353 --log-facility="$tmp/dnsmasq.log" --user=root \
		--group=root \
		--naptr-record="$dd,10,10,s,IEEE802.21-ES+D2U,,_mihes._udp.$dd" \
		--srv-host="_mihes._udp.$dd,es1.$dd,4560,10,0" \
		--host-record="es1.$dd,${addr[ar2]}" &
	dns_pid=$!
fi

# ---- configurations -----------------------------------------------------
common() { # NAME ROLES ID
	printf '[mihsecd]\nroles = %s\nmihf-id = %s\nkernel = optional\n' "$2" "$3"
	printf 'log-level = debug\ncontrol-socket = %s/%s.sock\n' "$tmp" "$1"
}
peer() { # NAME KIND
	printf '[peer %s]\nkind = %s\nmihf-id = %s\naddress = %s\n' \
		"$1" "$2" "$([ "$1" = is ] && echo is1 || echo "$1")" "${addr[$1]}"
}
cat > "$tmp/switch.sh" <<EOF
#!/bin/sh
echo "\$@" > $tmp/switched
EOF
chmod 755 "$tmp/switch.sh"
{
	common mn mmt mn1
	printf '[mihf]\ninterfaces = eth0\nserving-pos = ar1\n'
	printf 'handover-script = %s/switch.sh\n' "$tmp"
	[ -z "$dns_pid" ] ||
		printf '[discovery]\ndns-domain = mih.test\ndns-server = %s:5353\n' \
			"${addr[is]}"
	peer ar1 poa
	peer ar2 poa
	peer is is
} > "$tmp/mn.conf"
{
	common ar1 poa ar1
	printf '[mihf]\ninterfaces = ap1\n[isdb]\npath = %s/ar1.sqlite\n' "$tmp"
	printf '[proxy]\ninterface = ap1\nupstream = %s\n' "${addr[is]}"
	printf '[peer mn1]\nkind = mmt\nmihf-id = mn1\nmac = 02:00:00:00:00:01\n'
	peer ar2 poa
} > "$tmp/ar1.conf"
{
	common ar2 poa ar2
	printf '[mihf]\n'
	printf '[peer mn1]\nkind = mmt\nmihf-id = mn1\nmac = 02:00:00:00:00:01\n'
	peer ar1 poa
} > "$tmp/ar2.conf"
{
	common is is is1
	# the key link is not used here (no kernel module): a port apart
	printf '[is-link]\ncert = %s/none\nkey = %s/none\nca = %s/none\nport = 4600\n' \
		"$tmp" "$tmp" "$tmp"
	printf '[mihf]\n[isdb]\npath = %s/is.sqlite\n' "$tmp"
} > "$tmp/is.conf"
# capability discovery to the link's broadcast/multicast address: mc1 has
# no [peer]; st1 (discover = static) only ar1
{
	common mc poa mc1
	printf '[mihf]\ninterfaces = eth0\ndiscover = multicast\n'
} > "$tmp/mc.conf"
{
	common st poa st1
	printf '[mihf]\ninterfaces = eth0\ndiscover = static\n'
	peer ar1 poa
} > "$tmp/st.conf"
# MIH over TCP: IS servers with 512-octet datagrams, with and without TCP
for d in is2 is3; do
	{
		common $d is $d
		printf '[is-link]\ncert = %s/none\nkey = %s/none\nca = %s/none\nport = 4600\n' \
			"$tmp" "$tmp" "$tmp"
		printf '[mihf]\ntcp = %s\nmax-datagram = 512\n' \
			"$([ $d = is2 ] && echo yes || echo no)"
		printf '[isdb]\npath = %s/%s.sqlite\n' "$tmp" $d
	} > "$tmp/$d.conf"
done
{
	common tc mmt tc1
	printf '[mihf]\ntcp = yes\nmax-datagram = 512\nis-server = is2\n'
	printf '[peer is2]\nkind = is\nmihf-id = is2\naddress = %s\n' "${addr[is2]}"
	printf '[peer is3]\nkind = is\nmihf-id = is3\naddress = %s\n' "${addr[is3]}"
} > "$tmp/tc.conf"

# ---- start: the servers first, the terminal last -----------------------
started=true
for d in is ar2 ar1 mn is2 is3 tc st mc; do
	# ip netns exec forks: the daemon's own pid from the shell it replaces
	in_ns "$d" sh -c 'echo $$ > "$1"; exec "$2" -f -c "$3"' _ \
		"$tmp/$d.pid" "$mihsecd" "$tmp/$d.conf" > "$tmp/$d.log" 2>&1 &
	ippid[$d]=$!
	for _ in $(seq 100); do
		[ -s "$tmp/$d.pid" ] && break
		sleep 0.02
	done
	pid[$d]=$(cat "$tmp/$d.pid")
	for _ in $(seq 100); do
		grep -q "MIH function: listening" "$tmp/$d.log" && break
		sleep 0.05
	done
	grep -q "MIH function: listening" "$tmp/$d.log" || {
		started=false
		sed "s/^/# $d: /" "$tmp/$d.log"
	}
done
check "nine mihsecd with the MIH function started (mn1, ar1, ar2, is1, mc1, st1, is2, is3, tc1)" $started

wait_grep() { # SECS PATTERN CMD...: CMD's output contains PATTERN in time
	local secs=$1 pat=$2 i
	shift 2
	for i in $(seq $((secs * 10))); do
		"$@" 2>/dev/null | grep -q -- "$pat" && return 0
		sleep 0.1
	done
	"$@" 2>&1 | sed 's/^/# /' | head -20
	return 1
}

if [ -n "$dns_pid" ]; then
	check "DNS discovery (RFC 5679, dnsmasq): mn1's peer table holds the event server ${addr[ar2]}:4560 from NAPTR/SRV/A" \
		wait_grep 10 "${addr[ar2]}:4560 .*dns" ctl mn peers
else
	ok "DNS discovery # SKIP dnsmasq not installed"
fi
check "capability discovery: mn1 knows ar1 and is1 from their responses" \
	wait_grep 5 '"peer":"is1".*"capdisc"' ctl mn -j peers
check "capability discovery: the peers table shows ar1's address learned two ways" \
	wait_grep 5 "ar1 .*${addr[ar1]}:4551 static,capdisc" ctl mn peers
check "proxy: ar1 runs the MIH proxy on ap1 ([proxy]; its counters in mihf status)" \
	wait_grep 2 '"proxy":{"stats":{' ctl ar1 -j mihf status
check "registration: mn1 is registered with ar1" \
	wait_grep 5 '"registered_with":{"pos":"ar1","registered":true' ctl mn -j mihf status
check "registration: ar1 holds mn1's registration" \
	wait_grep 5 '"registrations":\[{[^]]*mn1' ctl ar1 -j mihf status

out=$(ctl is is import "$top/daemon/examples/isdb.txt" 2>&1)
check "is import into is1: $out" [ "$out" = "imported 3 networks, 4 PoAs" ]

out=$(ctl mn is query type 802.11 report network-id,cost 2>&1)
echo "$out" | head -3 | sed 's/^/# /'
query_ok() {
	echo "$out" | grep -q "^status Success" &&
		echo "$out" | grep -qF 'IE_NETWORK_ID: \"campus\"' &&
		echo "$out" | grep -qF 'IE_NETWORK_ID: \"metro-free\"' &&
		echo "$out" | grep -qF 'IE_COST: 1.500 EUR per hour' &&
		! echo "$out" | grep -qF '\"lab\"' &&
		! echo "$out" | grep -q IE_NETWORK_TYPE
}
check "is query from mn1 to is1: Success, the Wi-Fi networks' IDs and costs only" \
	query_ok

out=$(ctl mn mih send ar2 MIH_Capability_Discover.request evt-list=0x6 2>&1)
check "mih send mn1 -> ar2: the response decoded" \
	sh -c 'echo "$1" | grep -q "received MIH_Capability_Discover.response" &&
	       echo "$1" | grep -q "3 Status: Success" &&
	       echo "$1" | grep -q "src ar2 dst mn1"' _ "$out"

ip -n "${ns[ar1]}" link set ap1 down
check "link event: ar1 sees its link ap1 go down (rtnetlink)" \
	wait_grep 5 "link event Link_Down on ap1" cat "$tmp/ar1.log"
ip -n "${ns[ar1]}" link set ap1 up

# the target network: a PoA served by ar2
cat > "$tmp/lab.txt" <<EOF
[network lab]
type = ethernet
network-id = lab

[poa lab-sw1]
network = lab
link-addr = 02:00:5e:20:00:01
pos-mihf-id = ar2
pos-address = ${addr[ar2]}
EOF
out=$(ctl is is import - replace < "$tmp/lab.txt" 2>&1)
check "is import from standard input, replacing: $out" \
	[ "$out" = "imported 1 networks, 1 PoAs" ]
ctl ar1 is import "$tmp/lab.txt" >/dev/null
out=$(ctl mn handover target lab wait 30 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
check "handover (target network lab: the IS server names ar2) mn1 -> ar2 through ar1: every step, done" \
	sh -c '[ "$2" = 0 ] && echo "$1" | grep -q "^commit " &&
	       echo "$1" | grep -q "^complete " &&
	       echo "$1" | grep -q "target pos ar2 poa 02:00:5e:20:00:01 network lab address '"${addr[ar2]}"'" &&
	       echo "$1" | grep -q "^handover done"' _ "$out" "$rc"
check "handover: the switch step ran the script with target PoS, PoA, interface" \
	grep -qx "ar2 02:00:5e:20:00:01 eth0" "$tmp/switched"
check "handover: mn1 is registered with ar2 now" \
	wait_grep 5 '"registered_with":{"pos":"ar2","registered":true' ctl mn -j mihf status

# ---- capability discovery by broadcast/multicast ---------------------------
# a daemon's peer table from mihsecctl -j, one line per address:
# MIHF-ID ADDRESS:PORT SOURCES (of that address)
peers_of() { # NAME
	ctl "$1" -j peers | python3 -c '
import json, sys
for p in json.load(sys.stdin):
    for a in p["mih"]["addresses"]:
        print(p["mih"]["id"], "%s:%d" % (a["address"], a["port"]),
              ",".join(a["sources"]))'
}
ll=$(ip -n "${ns[ar2]}" -6 -o addr show dev eth0 scope link |
	sed -n 's/.* inet6 \(fe80::[0-9a-f:]*\)\/64 .*/\1/p')
check "discover = multicast (ff02::1 on eth0): mc1, with no [peer], learns ar2 at its link-local address $ll%eth0:4551" \
	wait_grep 5 "^ar2 $ll%eth0:4551 .*capdisc" peers_of mc
check "discover = multicast (IPv4 broadcast): mc1 learns ar2 at ${addr[ar2]}:4551" \
	wait_grep 5 "^ar2 ${addr[ar2]}:4551 .*capdisc" peers_of mc
out=$(peers_of st 2>&1)
echo "$out" | sed 's/^/# st1 peers: /'
check "discover = static: st1 learns its [peer] ar1 (capability discovery) but not ar2, which it has no [peer] for" \
	sh -c 'echo "$1" | grep -q "^ar1 $2:4551 static,capdisc" &&
	       ! echo "$1" | grep -q "^ar2 "' _ "$out" "${addr[ar1]}"

# ---- an IS answer larger than a datagram: MIH over TCP ---------------------
for k in $(seq -w 1 24); do
	printf '[network n%s]\ntype = 802.11\noperator = Operator %s\n' "$k" "$k"
	printf 'network-id = net-%s\ncost = hour 1.000 EUR\n' "$k"
	printf '[poa n%s-ap]\nnetwork = n%s\nlink-addr = 02:00:5e:40:00:%s\n' "$k" "$k" "$k"
	printf 'channel-range = 2412-2472\npos-mihf-id = ar%s\npos-address = 192.0.2.%d\n' \
		"$k" $((10#$k))
done > "$tmp/many.txt"
tcp_opens() { # NAME: "ActiveOpens PassiveOpens" of its namespace
	in_ns "$1" awk '/^Tcp:/ { if (h) { print $6, $7; exit } h = 1 }' /proc/net/snmp
}
nets() { echo "$1" | grep -c 'IE_NETWORK_ID: \\"net-'; }
octets() { echo "$1" | sed -n 's/^status Success, \([0-9]*\) octets.*/\1/p'; }
imp2=$(ctl is2 is import "$tmp/many.txt" 2>&1)
imp3=$(ctl is3 is import "$tmp/many.txt" 2>&1)
check "is import of 24 networks into is2 and is3: $imp2" \
	[ "$imp2" = "imported 24 networks, 24 PoAs" -a "$imp3" = "$imp2" ]
read -r a2 p2 <<< "$(tcp_opens is2)"
read -r a1 p1 <<< "$(tcp_opens tc)"
out=$(ctl tc is query max 60000 server is2 2>&1)
echo "$out" | head -1 | sed 's/^/# is2: /'
read -r A2 P2 <<< "$(tcp_opens is2)"
read -r A1 P1 <<< "$(tcp_opens tc)"
conn=$(in_ns tc ss -Htn state established "( sport = :4551 )")
echo "# TCP opens (active passive): is2 $a2 $p2 -> $A2 $P2, tc1 $a1 $p1 -> $A1 $P1; tc1: $conn"
check "tcp = yes on both: is2's answer (max 60000) holds all 24 networks in $(octets "$out") (> 512) octets" \
	sh -c '[ "$2" = 24 ] && [ "${3:-0}" -gt 512 ]' _ "$out" "$(nets "$out")" "$(octets "$out")"
check "tcp = yes on both: the answer came over TCP (is2 connected to tc1's TCP port 4551)" \
	sh -c '[ $(($2 - $1)) -ge 1 ] && [ $(($4 - $3)) -ge 1 ] &&
	       echo "$5" | grep -q "$6\]*:4551 .*$7\]*:"' _ \
	"${a2:-0}" "${A2:-0}" "${p1:-0}" "${P1:-0}" "$conn" "${addr[tc]}" "${addr[is2]}"
read -r a3 p3 <<< "$(tcp_opens is3)"
out=$(ctl tc is query max 60000 server is3 2>&1)
echo "$out" | head -1 | sed 's/^/# is3: /'
n3=$(nets "$out")
read -r A3 P3 <<< "$(tcp_opens is3)"
echo "# is3: $n3 networks; TCP opens is3 $a3 $p3 -> $A3 $P3"
check "tcp = no on is3: the answer is cut to one 512-octet datagram (Success, $n3 of 24 networks in $(octets "$out") octets, no TCP)" \
	sh -c '[ "$1" -ge 1 ] && [ "$1" -lt 24 ] && [ "${2:-0}" -gt 0 ] &&
	       [ "${2:-513}" -le 512 ] && [ -n "$3" ] && [ "$3" = "$4" ]' _ \
	"$n3" "$(octets "$out")" "$a3" "$A3"

# ---- stop ------------------------------------------------------------------
all0=true
for d in $names; do
	kill "${pid[$d]}"
	wait "${ippid[$d]}"	# ip netns exec exits with the daemon's status
	st=$?
	pid[$d]=
	ippid[$d]=
	[ "$st" = 0 ] || { all0=false; echo "# $d exited with $st"; tail -5 "$tmp/$d.log" | sed "s/^/# $d: /"; }
done
check "every mihsecd exits 0 on SIGTERM" $all0

# ---- two IS servers sharing one PostgreSQL database ----------------------
pgbin=${MIHSEC_PG_BIN:-/usr/lib/postgresql/15/bin}
pguser=${MIHSEC_PG_USER:-nobody}
pg_skip=
for c in initdb pg_ctl createdb; do
	[ -x "$pgbin/$c" ] || pg_skip="PostgreSQL ($pgbin/$c) not installed"
done
command -v runuser >/dev/null || pg_skip="runuser not installed"
id -u "$pguser" >/dev/null 2>&1 || pg_skip="no user $pguser"
pg_started=
pg_stop() {
	[ -z "$pg_started" ] || runuser -u "$pguser" -- "$pgbin/pg_ctl" \
		-D "$tmp/pg/data" -m immediate -w stop >/dev/null 2>&1
	pg_started=
}
trap 'pg_stop; cleanup' EXIT
if [ -z "$pg_skip" ]; then
	mkdir -p "$tmp/pg/sock"
	chown -R "$pguser" "$tmp/pg"
	chmod 755 "$tmp"
	(cd "$tmp/pg" && runuser -u "$pguser" -- "$pgbin/initdb" -D "$tmp/pg/data" \
		-U mihsec --auth=trust -E UTF8 --no-sync --locale=C) \
		> "$tmp/pg/initdb.log" 2>&1 || pg_skip="initdb failed"
fi
pgport=
if [ -z "$pg_skip" ]; then
	for _ in 1 2 3 4 5; do
		p=$((20000 + RANDOM % 40000))
		if (cd "$tmp/pg" && runuser -u "$pguser" -- "$pgbin/pg_ctl" \
			-D "$tmp/pg/data" -l "$tmp/pg/pg.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $p -k $tmp/pg/sock -c fsync=off" \
			start) >/dev/null 2>&1; then
			pgport=$p
			pg_started=1
			break
		fi
	done
	[ -n "$pgport" ] || pg_skip="PostgreSQL did not start"
fi
if [ -z "$pg_skip" ]; then
	"$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U mihsec isdb ||
		pg_skip="createdb failed"
fi
if [ -n "$pg_skip" ]; then
	for d in "two IS servers on one PostgreSQL database started" \
		"PostgreSQL: what is1a imports, is1b exports" \
		"PostgreSQL: is1b answers a query (is1a asks) from is1a's import"; do
		n=$((n + 1))
		echo "ok $n $d # SKIP $pg_skip"
	done
	exit $((failed > 0))
fi
conninfo="host=127.0.0.1 port=$pgport user=mihsec dbname=isdb connect_timeout=10"
base=$((20000 + RANDOM % 40000))
pg_ok=true
for k in a b; do
	port=$([ $k = a ] && echo $base || echo $((base + 2)))
	{
		common "is1$k" is "is1$k"
		printf '[is-link]\ncert = %s/none\nkey = %s/none\nca = %s/none\nport = %s\n' \
			"$tmp" "$tmp" "$tmp" $((port + 1))
		printf '[mihf]\nport = %s\n[isdb]\nbackend = postgresql\nconninfo = %s\n' \
			"$port" "$conninfo"
		# each has the other as its IS server
		if [ $k = a ]; then
			printf '[peer is1b]\nkind = is\nmihf-id = is1b\naddress = 127.0.0.1\nport = %s\n' $((base + 2))
		else
			printf '[peer is1a]\nkind = is\nmihf-id = is1a\naddress = 127.0.0.1\nport = %s\n' "$base"
		fi
	} > "$tmp/is1$k.conf"
	"$mihsecd" -f -c "$tmp/is1$k.conf" > "$tmp/is1$k.log" 2>&1 &
	pid[is1$k]=$!
	for _ in $(seq 100); do
		grep -q "MIH function: listening" "$tmp/is1$k.log" && break
		sleep 0.05
	done
	grep -q "IS database (postgresql)" "$tmp/is1$k.log" &&
		grep -q "MIH function: listening" "$tmp/is1$k.log" || {
		pg_ok=false
		sed "s/^/# is1$k: /" "$tmp/is1$k.log"
	}
done
names="$names is1a is1b"
check "two IS servers on one PostgreSQL database started" $pg_ok
"$mihsecctl" -S "$tmp/is1a.sock" is import "$top/daemon/examples/isdb.txt" \
	> "$tmp/pg.import" 2>&1
"$mihsecctl" -S "$tmp/is1b.sock" is export > "$tmp/pg.export" 2>&1
check "PostgreSQL: what is1a imports, is1b exports" \
	sh -c 'grep -qx "imported 3 networks, 4 PoAs" "$1" &&
	       grep -qx "\[network lab-ethernet\]" "$2"' _ "$tmp/pg.import" "$tmp/pg.export"
out=$("$mihsecctl" -S "$tmp/is1a.sock" is query type ethernet server is1b 2>&1)
pg_query_ok() {
	echo "$out" | grep -q "^status Success" &&
		echo "$out" | grep -qF 'IE_NETWORK_ID: \"lab\"'
}
pg_query_ok || echo "$out" | head -20 | sed 's/^/# /'
check "PostgreSQL: is1b answers a query (is1a asks) from is1a's import" pg_query_ok
for k in a b; do
	kill "${pid[is1$k]}"
	wait "${pid[is1$k]}" || echo "# is1$k exited with $?"
	pid[is1$k]=
done
pg_stop
exit $((failed > 0))
