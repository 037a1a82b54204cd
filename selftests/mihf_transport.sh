#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/mihf_transport.sh: the MIH transport (daemon/mihf/transport.c)
# over a lossy link, in the VM (run by selftests/run.sh; needs sch_netem).
# Two namespaces mihf-tr-<pid>-a/b joined by a veth pair, tc netem loss
# 20% and delay 10 ms on both sides.  mihxping serve in b, mihxping send in
# a (build/daemon/tools/mihxping, or $MIHXPING).  Checks:
#  - 200 requests over IPv4, then 60 over IPv6, then 100 to a server that
#    answers late (pure ACK first, then a response that asks for its own
#    ACK): every request delivered to the server application exactly once
#    (distinct sequence numbers in its log, none twice), every response
#    seen by the sender, retransmissions happened, and the server answered
#    duplicates from its cache;
#  - discovery: one request to 10.77.0.255 and one to ff02::1 answered by
#    the MIHFs of both namespaces, each delivered once to the sender;
#  - timers: with loss 100% one request with interval 200 ms and 2 retries
#    is sent exactly 3 times, at ~0, ~200 and ~600 ms (exponential
#    back-off), and fails at ~1400 ms (the ACK wait: 200 x (1+2+4)).
# Plain MIH on port 14551: the transport alone is under test, not mihsec.ko
# (which protects port 4551).  Prints TAP.
set -u
top=$(dirname "$(dirname "$(realpath "$0")")")
X=${MIHXPING:-$top/build/daemon/tools/mihxping}
A=mihf-tr-$$-a B=mihf-tr-$$-b
PORT=14551 LPORT=14552
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	[ -n "${MIHSEC_KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
. "$top/selftests/lib/tap.bash"
# check_cmd DESC CMD...: ok if CMD succeeds (the library's check takes a code)
check_cmd() { local d=$1; shift; if "$@"; then ok "$d"; else no "$d"; fi; }
a() { ip netns exec "$A" "$@"; }
b() { ip netns exec "$B" "$@"; }

TOTAL=16
echo "TAP version 13"
echo "1..$TOTAL"
# bail_skip WHY: every check not run yet as "ok N ... # SKIP WHY" (counted
# as skipped, not lost), then exit
bail_skip() {
	while [ "$n" -lt "$TOTAL" ]; do
		skip "MIH transport over a lossy link (check $((n + 1)) of $TOTAL)" "$1"
	done
	exit "$fail"
}
[ -x "$X" ] || bail_skip "$X missing (make)"
modprobe -q sch_netem 2>/dev/null
ip netns add "$A" && ip netns add "$B" &&
ip link add mtr0 netns "$A" type veth peer name mtr1 netns "$B" &&
a ip link set lo up && b ip link set lo up &&
a ip addr add 10.77.0.1/24 dev mtr0 && b ip addr add 10.77.0.2/24 dev mtr1 &&
a ip addr add fd77::1/64 dev mtr0 nodad &&
b ip addr add fd77::2/64 dev mtr1 nodad &&
a ip link set mtr0 up && b ip link set mtr1 up ||
	bail_skip "cannot set up namespaces and veth"
if ! a tc qdisc add dev mtr0 root netem loss 20% delay 10ms ||
   ! b tc qdisc add dev mtr1 root netem loss 20% delay 10ms; then
	bail_skip "tc netem not available"
fi

# serve_start NAME PORT [ARGS]: mihxping serve --id srv in b, log in
# $tmp/NAME.log; SNS/SID (default $B/srv) pick another namespace/ID
serve_start() {
	local name=$1 port=$2 i
	shift 2
	# not through b(): $! must be mihxping itself (ip netns exec execs)
	ip netns exec "${SNS:-$B}" "$X" serve --id "${SID:-srv}" --port "$port" "$@" \
		>"$tmp/$name.log" 2>"$tmp/$name.err" &
	pids+=($!)
	eval "${name}_pid=$!"
	for i in $(seq 50); do
		grep -q '^serving' "$tmp/$name.log" && return 0
		sleep 0.1
	done
	return 1
}

# serve_stop NAME: SIGTERM, wait for the stats line
serve_stop() {
	local pid
	eval "pid=\$${1}_pid"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# exactly_once LOG SRC COUNT: the server delivered seq 1..COUNT from SRC,
# each exactly once
exactly_once() {
	awk -v src="$2" -v want="$3" '
		$1 == "rx" && $2 == src { seen[$4]++; total++ }
		END {
			bad = 0
			for (s in seen) if (seen[s] != 1) {
				print "# seq " s " delivered " seen[s] " times"
				bad = 1
			}
			for (i = 1; i <= want; i++) if (!(i in seen)) {
				print "# seq " i " never delivered"; bad = 1
			}
			if (total != want) {
				print "# " total " deliveries, want " want; bad = 1
			}
			exit bad
		}' "$1"
}

field() {	# field FILE KEY: the number after KEY on the summary/stats line
	awk -v k="$2" '$1 == "sent" || $1 == "stats" {
		for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$1" |
		tail -n 1
}

serve_start srv "$PORT"
check_cmd "server up in $B" grep -q '^serving srv on port' "$tmp/srv.log"

# ---- 200 requests over IPv4, 20% loss each way ----
t0=$(date +%s)
a "$X" send --id cli4 --to 10.77.0.2 --port "$PORT" --peer-id srv \
	--count 200 --window 4 --rtx-ms 60 --retries 10 \
	>"$tmp/send4.out" 2>"$tmp/send4.err"
rc=$?
echo "# IPv4: $(cat "$tmp/send4.out") ($(($(date +%s) - t0)) s)"
check_cmd "IPv4: the sender saw all 200 responses (exit 0, no timeout)" \
	[ "$rc" = 0 -a "$(field "$tmp/send4.out" delivered)" = 200 \
	  -a "$(field "$tmp/send4.out" timeouts)" = 0 \
	  -a "$(field "$tmp/send4.out" wrong_seq)" = 0 ]
check_cmd "IPv4: every request delivered to the server application exactly once" \
	exactly_once "$tmp/srv.log" cli4 200
r4=$(field "$tmp/send4.out" retransmissions)
check_cmd "IPv4: the loss forced retransmissions ($r4)" [ "${r4:-0}" -gt 0 ]

# ---- 60 requests over IPv6 ----
a "$X" send --id cli6 --to fd77::2 --port "$PORT" --peer-id srv \
	--count 60 --window 4 --rtx-ms 60 --retries 10 \
	>"$tmp/send6.out" 2>"$tmp/send6.err"
rc=$?
echo "# IPv6: $(cat "$tmp/send6.out")"
v6_ok() {
	[ "$rc" = 0 -a "$(field "$tmp/send6.out" delivered)" = 60 ] &&
		exactly_once "$tmp/srv.log" cli6 60
}
check_cmd "IPv6: all 60 responses, each request delivered exactly once" v6_ok

serve_stop srv
echo "# server: $(grep '^stats' "$tmp/srv.log")"
dc=$(field "$tmp/srv.log" dup_cached)
check_cmd "duplicates answered from the server's cache ($dc)" [ "${dc:-0}" -gt 0 ]
check_cmd "the server delivered no duplicate (rx lines = 260)" \
	[ "$(grep -c '^rx ' "$tmp/srv.log")" = 260 ]

# ---- a server that answers late: pure ACK, then its own retransmitted
# response ----
serve_start late "$LPORT" --late-ms 30 --rtx-ms 60 --retries 10
a "$X" send --id clil --to 10.77.0.2 --port "$LPORT" --peer-id srv \
	--count 100 --window 4 --rtx-ms 60 --retries 10 --timeout-ms 60000 \
	>"$tmp/sendl.out" 2>"$tmp/sendl.err"
rc=$?
serve_stop late
echo "# late: $(cat "$tmp/sendl.out")"
echo "# late server: $(grep '^stats' "$tmp/late.log")"
check_cmd "late answers: all 100 responses" \
	[ "$rc" = 0 -a "$(field "$tmp/sendl.out" delivered)" = 100 ]
check_cmd "late answers: each request delivered exactly once" \
	exactly_once "$tmp/late.log" clil 100
lr=$(field "$tmp/late.log" rtx)
check_cmd "late answers: the server retransmitted lost responses ($lr)" \
	[ "${lr:-0}" -gt 0 ]

# ---- discovery: one request to the subnet broadcast / to ff02::1, every
# responder's answer (no loss here: a request to many is sent once) ----
a tc qdisc change dev mtr0 root netem delay 10ms
b tc qdisc change dev mtr1 root netem delay 10ms
serve_start mb "$PORT"
SNS=$A SID=srv-a serve_start ma "$PORT"
a "$X" send --multi --id clim --to 10.77.0.255 --port "$PORT" --peer-id '' \
	--count 1 --timeout-ms 1500 >"$tmp/multi4.out" 2>"$tmp/multi4.err"
rc4=$?
sleep 0.5	# (the servers ignore this sender's own address, fine)
a "$X" send --multi --id clim6 --to ff02::1%mtr0 --port "$PORT" \
	--peer-id '' --count 1 --timeout-ms 1500 >"$tmp/multi6.out" \
	2>"$tmp/multi6.err"
rc6=$?
serve_stop mb
serve_stop ma
sed 's/^/# /' "$tmp/multi4.out" "$tmp/multi6.out" "$tmp/multi4.err" \
	"$tmp/multi6.err"
m4_ok() {
	[ "$rc4" = 0 ] && grep -qx 'resp srv 10.77.0.2' "$tmp/multi4.out" &&
		grep -qx 'resp srv-a 10.77.0.1' "$tmp/multi4.out" &&
		grep -qx 'multi responders 2' "$tmp/multi4.out"
}
check_cmd "broadcast discovery to 10.77.0.255: both MIHFs answered, once each" \
	m4_ok
m6_ok() {
	[ "$rc6" = 0 ] && grep -q '^resp srv fe80:' "$tmp/multi6.out" &&
		grep -q '^resp srv-a fe80:' "$tmp/multi6.out" &&
		grep -qx 'multi responders 2' "$tmp/multi6.out"
}
check_cmd "multicast discovery to ff02::1: both MIHFs answered, once each" m6_ok

# ---- timers: loss 100%, interval 200 ms, 2 retries ----
a tc qdisc change dev mtr0 root netem loss 100%
serve_start srv2 "$PORT"
a "$X" send --id clit --to 10.77.0.2 --port "$PORT" --peer-id srv \
	--count 1 --rtx-ms 200 --retries 2 --trace --verbose \
	>"$tmp/timer.out" 2>"$tmp/timer.err"
rc=$?
serve_stop srv2
sed 's/^/# /' "$tmp/timer.out"
tx=$(awk '$1 == "trace" && $3 == "tx" { print $2 }' "$tmp/timer.out")
ntx=$(echo "$tx" | grep -c .)
check_cmd "loss 100%: exactly 3 transmissions (1 + 2 retries), then timeout" \
	[ "$rc" = 1 -a "$ntx" = 3 -a "$(field "$tmp/timer.out" timeouts)" = 1 \
	  -a "$(field "$tmp/timer.out" retransmissions)" = 2 ]
# times: >= the schedule, < schedule + 150 ms (a slow VM)
check_cmd "transmissions at ~0, ~200, ~600 ms (exponential back-off)" \
	awk -v t="$(echo $tx)" 'BEGIN {
		n = split(t, v, " "); want[1] = 0; want[2] = 200; want[3] = 600
		if (n != 3) exit 1
		for (i = 1; i <= 3; i++)
			if (v[i] < want[i] - 1 || v[i] > want[i] + 150) {
				print "# transmission " i " at " v[i] " ms"
				exit 1
			}
	}'
to=$(awk '$1 == "timeout" { print $4 }' "$tmp/timer.out")
check_cmd "the timeout reported at ~1400 ms ($to)" \
	awk -v t="${to:-0}" 'BEGIN { exit !(t >= 1399 && t < 1400 + 250) }'
check_cmd "nothing reached the server" \
	[ "$(grep -c '^rx ' "$tmp/srv2.log")" = 0 ]

[ "$n" = "$TOTAL" ] || { echo "# planned $TOTAL, ran $n"; fail=1; }
exit $fail
