#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/compare/guest.sh: runs inside the VM (bench/compare/run starts it).
# The same MIH exchanges (MIH_MN_HO_Candidate_Query request/response, and
# the handover call flow MIH_Get_Information, MN_HO_Candidate_Query,
# MN_HO_Commit, MN_HO_Complete; built by dtlsmih with the project's codec)
# between an MMT namespace and an AR namespace joined by a veth pair,
# secured three ways:
#   mihsec  mihsec.ko; keys from a real EAP-PEAP authentication (wired
#           hostapd + wpa_supplicant, RSN pre-authentication over the veth),
#           mihsecd on both ends derives and installs the SAs
#   dtls    DTLS 1.2 (OpenSSL 3) carrying the same PDUs, mutual X.509
#           (ECDSA P-256), cookie exchange on, ECDHE-ECDSA-AES128-GCM-SHA256
#   ipsec   ESP transport mode (aes128gcm16) keyed by IKEv2 (strongSwan
#           charon, one per namespace, X.509 ECDSA P-256 made with pki,
#           IKE aes128gcm16-prfsha256-ecp256), traffic selectors UDP 4551
# plus the same exchange in clear (plain) for the per-message baseline.
# Writes raw samples and a summary (key=value) to $MIHSEC_CMP_OUT
# (default build/bench); bench/compare/report.py makes the table and
# plot.gp the chart.  Figures only: nothing here passes or fails on a figure.
#
# env: MIHSEC_CMP_RUNS    set-up runs per method (default 30)
#      MIHSEC_CMP_MSGS    request/response exchanges for the RTT (default 300)
#      MIHSEC_CMP_SECS    seconds of flood per method (default 3)
#      MIHSEC_CMP_FLOWS   handover call flows for (f) (default 50)
#      MIHSEC_CMP_PHASES  default "plain mihsec dtls ipsec"
#      MIHSEC_CMP_ESP     ESP proposal (default aes128gcm16)
#      MIHSEC_KEEP        keep the temporary directory
set -u
top=$(dirname "$(dirname "$(dirname "$(realpath "$0")")")")
cd "$top"
. selftests/lib/pki.bash
. selftests/lib/net.bash
. selftests/lib/eap.bash
runs=${MIHSEC_CMP_RUNS:-30} msgs=${MIHSEC_CMP_MSGS:-300} secs=${MIHSEC_CMP_SECS:-3}
flows=${MIHSEC_CMP_FLOWS:-50}
phases=${MIHSEC_CMP_PHASES:-plain mihsec dtls ipsec}
esp=${MIHSEC_CMP_ESP:-aes128gcm16}
out=${MIHSEC_CMP_OUT:-$top/build/bench}
P=$top/build/bench/dtlsmih C=$top/build/bin/mihsecctl D=$top/build/bin/mihsecd
M=cmpM-$$ A=cmpA-$$ if_m=cmpm if_a=cmpa
ip_m=10.80.0.1 ip_a=10.80.0.2 ip_m2=10.80.0.11
tmp=$(mktemp -d /tmp/mihsec-cmp.XXXXXX)
mkdir -p "$out"
sum=$out/compare.summary csv=$out/compare-samples.csv
: >"$sum"
echo "method,metric,run,value,unit" >"$csv"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	# the logs, for reading the figures afterwards
	rm -rf "$out/compare-logs"
	mkdir -p "$out/compare-logs"
	cp "$tmp"/*.log "$tmp"/*.err "$tmp"/*.setup "$out/compare-logs/" 2>/dev/null
	for p in m a; do cp "$tmp/ike-$p/charon.log" "$out/compare-logs/charon-$p.log" 2>/dev/null; done
	ip netns del "$M" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	if [ -n "${MIHSEC_KEEP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
now_us() { echo "${EPOCHREALTIME/./}"; }
log() { echo "[$(date +%T)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
wait_for() {	# SECS CMD...
	local end=$(($(now_us) + $1 * 1000000))
	shift
	until "$@"; do
		[ "$(now_us)" -lt "$end" ] || return 1
		sleep 0.05
	done
}
in_log() { grep -q -- "$2" "$1" 2>/dev/null; }
dump() { local f; for f in "$@"; do echo "  -- ${f##*/}" >&2; tail -n 15 "$f" 2>/dev/null | sed 's/^/  /' >&2; done; }
put() { echo "$1=$2" >>"$sum"; }	# KEY VALUE
sample() { echo "$1,$2,$3,$4,$5" >>"$csv"; }	# METHOD METRIC RUN VALUE UNIT
# median and p90 (nearest rank) of numbers: "MEDIAN P90 N"
mp() {
	printf '%s\n' $1 | sort -g | awk 'NF { v[++n] = $1 } END {
		if (!n) { print "- - 0"; exit }
		m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		r = int(0.9 * n); if (r < 0.9 * n) r++
		printf "%.3f %.3f %d\n", m, v[r], n }'
}
busy() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

for c in hostapd hostapd_cli wpa_supplicant wpa_cli openssl tcpdump python3 pki swanctl; do
	command -v "$c" >/dev/null || die "$c not installed"
done
[ -x /usr/lib/ipsec/charon ] || die "/usr/lib/ipsec/charon missing (strongswan-charon)"
[ -x "$P" ] || die "$P missing (bench/compare/run builds it)"

# ---- environment -------------------------------------------------------------
put env.kernel "$(uname -r)"
put env.cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
put env.cpus "$(nproc)"
put env.aes "$(grep -qw aes /proc/cpuinfo && echo yes || echo no)"
put env.virt "$(systemd-detect-virt 2>/dev/null || echo unknown)"
put env.openssl "$(openssl version | cut -d' ' -f1-2)"
put env.strongswan "$(/usr/lib/ipsec/charon --version 2>&1 | head -n 1)"
put env.hostapd "$(hostapd -v 2>&1 | grep -m1 hostapd)"
put env.runs "$runs"
put env.msgs "$msgs"
put env.secs "$secs"
put env.flows "$flows"
put env.esp "$esp"

# ---- namespaces ----------------------------------------------------------------
# MIHSEC_CMP_NO_MODULES=1: no modprobe/insmod at all (a development run of
# the other phases outside the VM)
[ -n "${MIHSEC_CMP_NO_MODULES:-}" ] ||
	modprobe -a veth nf_defrag_ipv6 esp4 xfrm_user gcm ghash_generic ctr cbc hmac sha1 seqiv echainiv \
		authenc 2>/dev/null
if [[ " $phases " == *" mihsec "* ]] && [ -z "${MIHSEC_CMP_NO_MODULES:-}" ]; then
	lsmod | grep -q '^mihsec ' || insmod kmod/mihsec.ko || die "insmod mihsec.ko"
	loaded=1
fi
ip netns add "$M" && ip netns add "$A" &&
	ip -n "$M" link add "$if_m" type veth peer name "$if_a" netns "$A" &&
	ip netns exec "$M" sysctl -qw "net.ipv6.conf.$if_m.disable_ipv6=1" &&
	ip netns exec "$A" sysctl -qw "net.ipv6.conf.$if_a.disable_ipv6=1" &&
	ip netns exec "$M" sysctl -qw "net.ipv4.conf.$if_m.promote_secondaries=1" &&
	ip -n "$M" addr add $ip_m/24 dev $if_m && ip -n "$A" addr add $ip_a/24 dev $if_a &&
	ip -n "$M" link set lo up && ip -n "$A" link set lo up &&
	ip -n "$M" link set $if_m up && ip -n "$A" link set $if_a up || die "namespaces"
mac_m=$(mac_of "$M" $if_m) mac_a=$(mac_of "$A" $if_a)

# ---- certificates: OpenSSL (EAP server, DTLS), pki (IKEv2); ECDSA P-256 -----
(
	cd "$tmp" || exit 1
	pki_ca ca && pki_cert ar1 ca && pki_cert mmt1 ca || exit 1
	for s in m a; do mkdir -p ike-$s/x509 ike-$s/x509ca ike-$s/ecdsa; done
	pki --gen --type ecdsa --size 256 --outform pem >ike-ca.key &&
		pki --self --ca --lifetime 2 --in ike-ca.key --type ecdsa \
			--dn "CN=mihsec-cmp-ike-ca" --outform pem >ike-ca.pem || exit 1
	for e in m:mmt1 a:ar1; do
		s=${e%%:*} cn=${e#*:}
		pki --gen --type ecdsa --size 256 --outform pem >ike-$s/ecdsa/$cn.pem &&
			pki --pub --in ike-$s/ecdsa/$cn.pem --type ecdsa |
			pki --issue --lifetime 2 --cacert ike-ca.pem --cakey ike-ca.key \
				--dn "CN=$cn" --san $cn --outform pem >ike-$s/x509/$cn.pem &&
			cp ike-ca.pem ike-$s/x509ca/ || exit 1
	done
) >"$tmp/pki.log" 2>&1 || { dump "$tmp/pki.log"; die "certificates"; }

# ---- L2: hostapd (AR) and wpa_supplicant (MMT), EAP-PEAP pre-authentication --
hdir=$tmp/hostapd wdir=$tmp/wpas
eap_wired_conf "$tmp" "$if_a" "$tmp/ca.pem" "$tmp/ar1.pem" "$tmp/ar1.key" \
	"$hdir" "$wdir"
hlog=$tmp/hostapd.log wlog=$tmp/wpas.log
ip netns exec "$A" hostapd -t "$tmp/hostapd.conf" >"$hlog" 2>&1 &
pids+=($!)
ip netns exec "$M" wpa_supplicant -t -D wired -i $if_m -c "$tmp/wpas.conf" >"$wlog" 2>&1 &
pids+=($!)
wait_for 20 test -S "$hdir/$if_a" -a -S "$wdir/$if_m" || { dump "$hlog" "$wlog"; die "hostapd/wpa_supplicant"; }
preauth_cmd="wpa_cli -p $wdir -i $if_m preauthenticate $mac_a"
# L2 ready for everyone: one EAP authentication before any measurement
# (pre-authentication needs the supplicant's wired "association" first)
wait_for 30 in_log "$wlog" CTRL-EVENT-CONNECTED || { dump "$wlog"; die "wpa_supplicant"; }
ip netns exec "$M" $preauth_cmd >/dev/null
pmk() { ip netns exec "$M" wpa_cli -p "$wdir" -i $if_m pmksa_get 0 | grep -q "^$mac_a "; }
wait_for 30 pmk || { dump "$hlog" "$wlog"; die "no EAP pre-authentication"; }
log "L2: EAP-PEAP pre-authentication MMT $mac_m -> AR $mac_a done"

# ---- the MIH servers on the AR (plain UDP 4551, DTLS 4552) -------------------
ip netns exec "$A" "$P" server --bind $ip_a >"$tmp/usrv.out" 2>"$tmp/usrv.err" &
pids+=($!)
# the clear baseline next to every method: UDP 4553 (neither mihsec nor the
# IPsec traffic selectors cover it)
ip netns exec "$A" "$P" server --bind $ip_a --port 4553 >"$tmp/bsrv.out" 2>"$tmp/bsrv.err" &
pids+=($!)
ip netns exec "$A" "$P" server --dtls --bind $ip_a --cert "$tmp/ar1.pem" \
	--key "$tmp/ar1.key" --ca "$tmp/ca.pem" >"$tmp/dsrv.out" 2>"$tmp/dsrv.err" &
pids+=($!)
wait_for 20 in_log "$tmp/usrv.out" listening && wait_for 20 in_log "$tmp/dsrv.out" listening &&
	wait_for 20 in_log "$tmp/bsrv.out" listening ||
	die "dtlsmih servers"

# ---- the MMT's client, driven through fifos -----------------------------------
cli_pid='' cfd_in='' cfd_out=''
client_start() {	# TAG ARGS...
	local tag=$1 l
	shift
	client_stop
	rm -f "$tmp/c.in" "$tmp/c.out"
	mkfifo "$tmp/c.in" "$tmp/c.out"
	ip netns exec "$M" "$P" client "$@" <"$tmp/c.in" >"$tmp/c.out" 2>"$tmp/cli-$tag.err" &
	cli_pid=$!
	pids+=("$cli_pid")
	exec {cfd_in}>"$tmp/c.in" {cfd_out}<"$tmp/c.out"
	read -r -t 30 -u "$cfd_out" l && [ "$l" = ready ] || { dump "$tmp/cli-$tag.err"; die "client $tag"; }
}
client_stop() {
	[ -n "$cli_pid" ] || return 0
	echo quit >&"$cfd_in"
	exec {cfd_in}>&- {cfd_out}<&-
	wait "$cli_pid" 2>/dev/null
	cli_pid=''
}
ask() {	# LINE TIMEOUT_S: the client's one-line answer in $reply
	reply=''
	echo "$1" >&"$cfd_in"
	read -r -t "${2:-60}" -u "$cfd_out" reply
}

# ---- shared measurements -------------------------------------------------------
# paired METHOD CMD COUNT WARMUP NAME PROT BASE ADDED: the client's CMD
# ("pair" or "flow") COUNT times after WARMUP unmeasured ones; each
# measurement over the protected path and the same in clear on UDP 4553
# right after it (even) or before it (odd): same namespaces, same moment,
# the host's load moves both.  Samples (us) to the CSV as PROT, BASE and
# ADDED (protected - clear, per pair); NAME_ok/_lost and the three
# medians/p90 to the summary
paired() {
	local m=$1 cmd=$2 count=$3 warm=$4 name=$5 kp=$6 kb=$7 ka=$8
	local i=0 all='' ball='' diff=''

	ask "$cmd $warm" 60
	ask "$cmd $count" 1200
	set -- $reply
	[ "${1:-}" = "$cmd" ] || { log "$m: $cmd: '$reply'"; return 1; }
	put "$m.${name}_ok" "$2"
	put "$m.${name}_lost" "$3"
	shift 3
	while [ $# -ge 2 ]; do
		i=$((i + 1))
		sample "$m" "$kp" "$i" "$1" us
		sample "$m" "$kb" "$i" "$2" us
		sample "$m" "$ka" "$i" "$(($1 - $2))" us
		all="$all $1" ball="$ball $2" diff="$diff $(($1 - $2))"
		shift 2
	done
	put "$m.$kp" "$(mp "$all")"
	put "$m.$kb" "$(mp "$ball")"
	put "$m.$ka" "$(mp "$diff")"
	log "$m: $name us median/p90/n: $(mp "$all"); in clear next to each: $(mp "$ball"); added per pair: $(mp "$diff")"
}
# rtt METHOD: MSGS request/response exchanges
measure_rtt() { paired "$1" pair "$msgs" 20 rtt rtt_us base_rtt_us added_us; }
# flow METHOD: FLOWS handover call flows (MIH_Get_Information,
# MN_HO_Candidate_Query, MN_HO_Commit, MN_HO_Complete, each request sent when
# the previous response arrived), whole-flow times
measure_flow() { paired "$1" flow "$flows" 5 flow flow_us base_flow_us flow_added_us; }
# setupflow_put METHOD FILE: t0 -> the call flow's last response (field 9 of
# the client's "setup ok" lines), from the set-up runs
setupflow_put() {
	awk '$3 == "ok" && $9 != "" && $9 != "-" { print "'"$1"',setupflow_ms," $1 "," $9 ",ms" }' "$2" >>"$csv"
	put "$1.setupflow_ms" "$(mp "$(awk '$3 == "ok" && $9 != "" && $9 != "-" { print $9 }' "$2")")"
}
# flood METHOD: rounds of (protected flood, the same in clear on UDP 4553
# right after): datagrams/s received and per CPU-second (all guest CPUs,
# /proc/stat); medians over the rounds, and the median of the per-round
# ratio protected / clear (the host's load moves both alike)
flood_one() {	# CMD: "RECEIVED_PER_S PER_CPU_S" or nothing
	local b0 b1 hz
	hz=$(getconf CLK_TCK)
	b0=$(busy)
	ask "$1 $secs" $((secs + 60))
	b1=$(busy)
	set -- $reply
	[ "${1:-}" = flood ] && [ "${3:--1}" -gt 0 ] || { log "flood: '$reply'"; return 1; }
	awk -v r="$3" -v s="$4" -v j=$((b1 - b0)) -v hz="$hz" \
		'BEGIN { printf "%.0f %.0f\n", r / s, j ? r / (j / hz) : 0 }'
}
measure_flood() {
	local m=$1 i x y rs='' cs='' brs='' bcs='' rr='' rc=''
	ask "pair 5" 30
	for i in 1 2 3; do
		x=$(flood_one flood) && y=$(flood_one bflood) || continue
		set -- $x $y
		rs="$rs $1" cs="$cs $2" brs="$brs $3" bcs="$bcs $4"
		rr="$rr $(awk -v a="$1" -v b="$3" 'BEGIN { printf "%.4f", a / b }')"
		rc="$rc $(awk -v a="$2" -v b="$4" 'BEGIN { printf "%.4f", b ? a / b : 0 }')"
		sample "$m" flood_per_s "$i" "$1" 1/s
		sample "$m" flood_per_cpu_s "$i" "$2" 1/s
		sample "$m" clear_flood_per_s "$i" "$3" 1/s
		sample "$m" clear_flood_per_cpu_s "$i" "$4" 1/s
	done
	put "$m.flood_per_s" "$(mp "$rs")"
	put "$m.flood_per_cpu_s" "$(mp "$cs")"
	put "$m.clear_flood_per_s" "$(mp "$brs")"
	put "$m.clear_flood_per_cpu_s" "$(mp "$bcs")"
	put "$m.flood_rel" "$(mp "$rr")"
	put "$m.flood_cpu_rel" "$(mp "$rc")"
	log "$m: flood datagrams/s $(mp "$rs"), per CPU-s $(mp "$cs"); in clear right after: $(mp "$brs"), $(mp "$bcs"); protected/clear: $(mp "$rr"), per CPU $(mp "$rc")"
}
# capture METHOD START|STOP: everything on the AR's veth
cap_pid=''
capture() {
	if [ "$2" = start ]; then
		ip netns exec "$A" tcpdump -Z root -i $if_a -n -U --immediate-mode \
			-w "$tmp/$1.pcap" >/dev/null 2>"$tmp/$1.td" &
		cap_pid=$!
		pids+=("$cap_pid")
		wait_for 30 in_log "$tmp/$1.td" "listening on" || log "$1: tcpdump did not start"
		sleep 0.2
	else
		sleep 0.3
		kill "$cap_pid" 2>/dev/null
		wait "$cap_pid" 2>/dev/null
	fi
}
mark() { echo "$1 $(now_us)" >>"$tmp/$2.marks"; }	# NAME METHOD
# octets METHOD: per section of the capture, datagrams and IP octets by kind
octets() {
	python3 "$top/bench/compare/pcapsum.py" "$tmp/$1.pcap" "$tmp/$1.marks" $ip_a |
		while read -r k v; do put "$1.wire.$k" "$v"; done
}
# address change: MMT moves from ip_m to ip_m2 (and back afterwards)
move_addr() {
	ip -n "$M" addr add $ip_m2/24 dev $if_m && ip -n "$M" addr del $ip_m/24 dev $if_m
}
move_back() {
	ip -n "$M" addr add $ip_m/24 dev $if_m 2>/dev/null
	ip -n "$M" addr del $ip_m2/24 dev $if_m 2>/dev/null
}
# setups METHOD EXCL_FN CMD: RUNS set-up runs; the client's answers in $tmp/METHOD.setup
setup_runs() {
	local m=$1 pre=$2 cmd=$3 i excl
	: >"$tmp/$m.setup"
	for i in $(seq "$runs"); do
		excl=$($pre)
		ask "setupflow 20000 ${excl:--} $cmd" 60
		echo "$i $reply" >>"$tmp/$m.setup"
		case $reply in "setup ok "*) ;; *) log "$m: run $i: '$reply'" ;; esac
	done
}

# ================================================================================
# plain
# ================================================================================
phase_plain() {
	log "plain: MIH in clear, UDP 4551"
	client_start plain --to $ip_a --base-port 4553
	setup_runs plain true ""
	awk '$3 == "ok" { print $4 }' "$tmp/plain.setup" >"$tmp/plain.first"
	put plain.first_ms "$(mp "$(cat "$tmp/plain.first")")"
	setupflow_put plain "$tmp/plain.setup"
	measure_rtt plain
	measure_flow plain
	measure_flood plain
	capture plain start
	mark rtt plain
	ask "rtt 20" 60
	mark flow plain
	ask "flow 5" 60
	mark end plain
	capture plain stop
	octets plain
	move_addr
	ask "move 5000" 30
	put plain.move "$reply"
	move_back
	client_stop
}

# ================================================================================
# mihsec
# ================================================================================
mihsec_stop() {
	local p
	for p in ${dpids:-}; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	dpids=''
	for n in "$M" "$A"; do
		ip netns exec "$n" "$C" sa flush
		ip netns exec "$n" "$C" policy set off
	done
}
phase_mihsec() {
	log "mihsec: EAP-PEAP (RSN pre-auth) -> mihsecd -> kernel SAs (suite 1, AES-128-GCM)"
	cat >"$tmp/mmt.conf" <<-EOF
	[mihsecd]
	roles = mmt
	mihf-id = mmt1
	log-level = info
	kernel = require

	[wpa_supplicant]
	ctrl-interface = $wdir/$if_m
	preauth = $mac_a

	[peer ar1]
	kind = poa
	mihf-id = ar1
	mac = $mac_a
	address = $ip_a
	EOF
	cat >"$tmp/ar.conf" <<-EOF
	[mihsecd]
	roles = poa
	mihf-id = ar1
	log-level = info
	kernel = require

	[hostapd]
	ctrl-interface = $hdir/$if_a
	interface = $if_a

	[peer mmt1]
	kind = mmt
	mihf-id = mmt1
	mac = $mac_m
	EOF
	ip netns exec "$M" "$C" policy set require && ip netns exec "$A" "$C" policy set require ||
		die "mihsec policy"
	ip netns exec "$A" "$D" -f -c "$tmp/ar.conf" >"$tmp/mihsecd-ar.log" 2>&1 &
	dpids=$!
	pids+=($!)
	wait_for 20 in_log "$tmp/mihsecd-ar.log" "connected" || { dump "$tmp/mihsecd-ar.log"; die "mihsecd AR"; }
	ip netns exec "$M" "$D" -f -c "$tmp/mmt.conf" >"$tmp/mihsecd-mmt.log" 2>&1 &
	dpids="$dpids $!"
	pids+=($!)
	sas() { [ -n "$(ip netns exec "$1" "$C" sa show | awk '$1 == "tx-keyid"')" ]; }
	wait_for 60 sas "$M" && wait_for 30 sas "$A" ||
		{ dump "$tmp/mihsecd-mmt.log" "$tmp/mihsecd-ar.log"; die "mihsec: no SAs"; }
	client_start mihsec --to $ip_a --sniff $if_m --base-port 4553
	ask "rtt 3" 30
	set -- $reply
	[ "${2:-0}" = 3 ] || { dump "$tmp/cli-mihsec.err" "$tmp/mihsecd-mmt.log"; die "mihsec: no exchange: '$reply'"; }
	# the MMT's key IDs in use before a run (its SAs' rx key IDs)
	old_keys() { ip netns exec "$M" "$C" sa show | awk '$1 == "tx-keyid" { printf "%s,", $4 }'; }
	setup_runs mihsec old_keys "$preauth_cmd"
	ask "sniff off" 30	# it would cost a frame copy in the measurements below
	# t0: the AR's EAP success (hostapd -t: "SECS.USECS: ... CTRL-EVENT-EAP-SUCCESS")
	# and the MMT's (wpa_supplicant -t), the last of each before the first
	# protected response of the run
	python3 - "$tmp/mihsec.setup" "$hlog" "$wlog" >"$tmp/mihsec.first" <<-'EOF'
	import re, sys
	def events(path, pat):
	    r = []
	    for l in open(path, errors="replace"):
	        m = re.match(r"(\d+)\.(\d{6}): (.*)", l)
	        if m and re.search(pat, m.group(3)):
	            r.append(int(m.group(1)) * 1000000 + int(m.group(2)))
	    return r
	h = events(sys.argv[2], r"CTRL-EVENT-EAP-SUCCESS")
	w = events(sys.argv[3], r"CTRL-EVENT-EAP-SUCCESS|pre-authentication with .* completed successfully")
	for l in open(sys.argv[1]):
	    f = l.split()
	    if len(f) < 8 or f[2] != "ok":
	        continue
	    t0, first = int(f[4]), int(f[5])
	    a = [t for t in h if t0 <= t <= first]
	    b = [t for t in w if t0 <= t <= first]
	    # the call flow's end: t0 + f[8] (ms from the client's t0)
	    fl = "-"
	    if a and len(f) > 8 and f[8] != "-":
	        fl = "%.3f" % ((t0 - a[-1]) / 1000 + float(f[8]))
	    print(f[0], "%.3f" % ((first - a[-1]) / 1000) if a else "-",
	          "%.3f" % ((first - b[-1]) / 1000) if b else "-", f[3], fl)
	EOF
	put mihsec.first_ms "$(mp "$(awk '$2 != "-" { print $2 }' "$tmp/mihsec.first")")"
	put mihsec.first_ms_supplicant "$(mp "$(awk '$3 != "-" { print $3 }' "$tmp/mihsec.first")")"
	put mihsec.first_ms_from_preauth "$(mp "$(awk '{ print $4 }' "$tmp/mihsec.first")")"
	awk '$2 != "-" { print "mihsec,setup_ms," $1 "," $2 ",ms" }' "$tmp/mihsec.first" >>"$csv"
	awk '{ print "mihsec,setup_from_preauth_ms," $1 "," $4 ",ms" }' "$tmp/mihsec.first" >>"$csv"
	awk '$5 != "-" { print "mihsec,setupflow_ms," $1 "," $5 ",ms" }' "$tmp/mihsec.first" >>"$csv"
	put mihsec.setupflow_ms "$(mp "$(awk '$5 != "-" { print $5 }' "$tmp/mihsec.first")")"
	log "mihsec: set-up (hostapd EAP success -> first protected response) ms: $(mp "$(awk '$2 != "-" { print $2 }' "$tmp/mihsec.first")")"
	measure_rtt mihsec
	measure_flow mihsec
	measure_flood mihsec
	capture mihsec start
	ask "sniff on" 30
	mark setup mihsec
	excl=$(old_keys)
	ask "setupflow 20000 ${excl:--} $preauth_cmd" 60
	put mihsec.capture_setup "$reply"
	sleep 0.5
	ask "sniff off" 30
	mark rtt mihsec
	ask "rtt 20" 60
	mark flow mihsec
	ask "flow 5" 60
	mark end mihsec
	capture mihsec stop
	octets mihsec
	move_addr
	ask "move 5000" 30
	put mihsec.move "$reply"
	log "mihsec: after the MMT's address change: $reply"
	move_back
	ask "rtt 3" 30
	client_stop
	put mihsec.stats_mmt "$(ip netns exec "$M" "$C" -j stats | tr -d '\n ')"
	mihsec_stop
}

# ================================================================================
# DTLS 1.2
# ================================================================================
phase_dtls() {
	log "dtls: DTLS 1.2, cookie exchange, ECDHE-ECDSA-AES128-GCM-SHA256, UDP 4552"
	client_start dtls --dtls --to $ip_a --base-port 4553 --cert "$tmp/mmt1.pem" --key "$tmp/mmt1.key" --ca "$tmp/ca.pem"
	setup_runs dtls true ""
	awk '$3 == "ok" { print $4 }' "$tmp/dtls.setup" >"$tmp/dtls.first"
	awk '$3 == "ok" { print "dtls,setup_ms," $1 "," $4 ",ms" }' "$tmp/dtls.setup" >>"$csv"
	put dtls.first_ms "$(mp "$(cat "$tmp/dtls.first")")"
	setupflow_put dtls "$tmp/dtls.setup"
	put dtls.handshake_ms "$(mp "$(awk '$3 == "ok" { print $8 }' "$tmp/dtls.setup")")"
	log "dtls: set-up (handshake incl. cookie + first exchange) ms: $(mp "$(cat "$tmp/dtls.first")")"
	measure_rtt dtls
	measure_flow dtls
	measure_flood dtls
	capture dtls start
	mark setup dtls
	ask "setupflow 20000 -" 60
	put dtls.capture_setup "$reply"
	mark rtt dtls
	ask "rtt 20" 60
	mark flow dtls
	ask "flow 5" 60
	mark end dtls
	capture dtls stop
	octets dtls
	capture dtls-move start
	mark move dtls-move
	move_addr
	ask "move 20000" 60
	mark end dtls-move
	capture dtls-move stop
	python3 "$top/bench/compare/pcapsum.py" "$tmp/dtls-move.pcap" "$tmp/dtls-move.marks" $ip_a |
		while read -r k v; do put "dtls.move.wire.$k" "$v"; done
	put dtls.move "$reply"
	log "dtls: after the MMT's address change: $reply"
	move_back
	client_stop
	grep -c 'cookie verified' "$tmp/dsrv.err" | { read -r x; put dtls.cookies_verified "$x"; }
}

# ================================================================================
# IPsec ESP transport, IKEv2 (strongSwan)
# ================================================================================
phase_ipsec() {
	log "ipsec: strongSwan $(/usr/lib/ipsec/charon --version 2>&1 | head -n 1), IKEv2, ESP transport $esp, UDP 4551"
	local s n cn peer la ra d
	for s in m a; do
		d=$tmp/ike-$s
		if [ $s = m ]; then n=$M cn=mmt1 peer=ar1 la=%any ra=$ip_a; else n=$A cn=ar1 peer=mmt1 la=$ip_a ra=%any; fi
		cat >"$d/strongswan.conf" <<-EOF
		charon {
			load = random nonce aes sha1 sha2 hmac kdf gcm pem pkcs1 pkcs8 x509 pubkey constraints openssl kernel-netlink socket-default vici
			install_routes = no
			install_virtual_ip = no
			filelog {
				main {
					path = $d/charon.log
					time_format = %s
					default = 1
					ike = 1
					flush_line = yes
				}
			}
			syslog {
				daemon {
					default = -1
				}
			}
			plugins {
				vici {
					socket = unix://$d/charon.vici
				}
			}
		}
		swanctl {
			load = random openssl pem pkcs1 pkcs8 x509 pubkey
		}
		EOF
		cat >"$d/swanctl.conf" <<-EOF
		connections {
			mih {
				version = 2
				local_addrs = $la
				remote_addrs = $ra
				proposals = aes128gcm16-prfsha256-ecp256
				mobike = yes
				local {
					auth = pubkey
					certs = $cn.pem
					id = $cn
				}
				remote {
					auth = pubkey
					id = $peer
				}
				children {
					mih {
						mode = transport
						local_ts = dynamic[udp/4551]
						remote_ts = dynamic[udp/4551]
						esp_proposals = $esp
						start_action = none
					}
				}
			}
		}
		EOF
		# charon's pid file is /var/run/charon.pid: a private /run (the
		# mount namespace of ip netns exec)
		STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$n" sh -c \
			'mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon' >"$d/charon.out" 2>&1 &
		pids+=($!)
		eval "charon_$s=$!"
	done
	for s in m a; do
		d=$tmp/ike-$s
		wait_for 30 test -S "$d/charon.vici" || { dump "$d/charon.out" "$d/charon.log"; die "charon $s"; }
		if [ $s = m ]; then n=$M; else n=$A; fi
		SWANCTL_DIR=$d STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$n" \
			swanctl --load-all --uri "unix://$d/charon.vici" >"$d/load.log" 2>&1 ||
			{ dump "$d/load.log"; die "swanctl --load-all ($s)"; }
	done
	# nothing on UDP 4551 in clear: low-priority block policies on both sides
	for n in "$M" "$A"; do
		for dir in out in; do
			ip -n "$n" xfrm policy add dir $dir proto udp dport 4551 priority 3000000 action block &&
				ip -n "$n" xfrm policy add dir $dir proto udp sport 4551 priority 3000000 action block ||
				die "block policies"
		done
	done
	local dm=$tmp/ike-m
	sw="env STRONGSWAN_CONF=$dm/strongswan.conf SWANCTL_DIR=$dm swanctl"
	local u="--uri unix://$dm/charon.vici"	# after the command
	ike_down() {
		ip netns exec "$M" $sw --terminate $u --ike mih --timeout 10 >/dev/null 2>&1
		nostate() { [ -z "$(ip -n "$M" xfrm state)" ] && [ -z "$(ip -n "$A" xfrm state)" ]; }
		if ! wait_for 5 nostate; then
			# e.g. a larval (acquire) state of the trap: while it lives
			# (net.core.xfrm_acq_expires, 30 s) no new acquire is sent
			log "ipsec: states left after terminate (flushed): $(ip -n "$M" xfrm state | grep -c '^src') in the MMT, $(ip -n "$A" xfrm state | grep -c '^src') in the AR"
			ip -n "$M" xfrm state | head -n 6 | sed 's/^/  MMT: /' >&2
			ip -n "$M" xfrm state flush
			ip -n "$A" xfrm state flush
		fi
	}
	client_start ipsec --to $ip_a --base-port 4553
	ike_down
	# 1. swanctl --initiate (t0: swanctl spawned)
	setup_runs ipsec ike_down "$sw --initiate $u --child mih --timeout 20"
	mv "$tmp/ipsec.setup" "$tmp/ipsec-initiate.setup"
	awk '$3 == "ok" { print "ipsec,setup_initiate_ms," $1 "," $4 ",ms" }' "$tmp/ipsec-initiate.setup" >>"$csv"
	put ipsec.initiate_ms "$(mp "$(awk '$3 == "ok" { print $4 }' "$tmp/ipsec-initiate.setup")")"
	log "ipsec: set-up via swanctl --initiate (process start included) ms: $(mp "$(awk '$3 == "ok" { print $4 }' "$tmp/ipsec-initiate.setup")")"
	# 2. on demand: a trap policy; the first MIH request's acquire starts
	# IKE (t0: the first request, no process start)
	ip netns exec "$M" $sw --install $u --child mih >"$tmp/install.log" 2>&1 ||
		{ dump "$tmp/install.log"; die "swanctl --install"; }
	setup_runs ipsec ike_down ""
	awk '$3 == "ok" { print $4 }' "$tmp/ipsec.setup" >"$tmp/ipsec.first"
	awk '$3 == "ok" { print "ipsec,setup_ms," $1 "," $4 ",ms" }' "$tmp/ipsec.setup" >>"$csv"
	put ipsec.first_ms "$(mp "$(cat "$tmp/ipsec.first")")"
	setupflow_put ipsec "$tmp/ipsec.setup"
	log "ipsec: set-up on demand (first request -> acquire -> IKE_SA_INIT + IKE_AUTH + CHILD_SA -> first response) ms: $(mp "$(cat "$tmp/ipsec.first")")"
	# the vici client alone: swanctl start + one vici round trip
	local t v=''
	for i in 1 2 3 4 5 6 7 8 9 10; do
		t=$(now_us)
		ip netns exec "$M" $sw --stats $u >/dev/null 2>&1
		v="$v $((($(now_us) - t) / 1000))"
	done
	put ipsec.swanctl_stats_ms "$(mp "$v")"
	measure_rtt ipsec
	measure_flow ipsec
	measure_flood ipsec
	ip -n "$A" -s xfrm state >"$tmp/ipsec.states"
	capture ipsec start
	ike_down
	mark setup ipsec
	ask "setupflow 20000 -" 60
	put ipsec.capture_setup "$reply"
	sleep 0.5
	mark rtt ipsec
	ask "rtt 20" 60
	mark flow ipsec
	ask "flow 5" 60
	mark end ipsec
	capture ipsec stop
	octets ipsec
	# the MMT's address changes: does the CHILD_SA follow (MOBIKE)?
	capture ipsec-move start
	mark move ipsec-move
	move_addr
	ask "move 5000" 30
	put ipsec.move "$reply"
	log "ipsec: after the MMT's address change: $reply"
	if [ "$reply" = "move timeout" ]; then
		# recovery: a new IKE SA from the new address
		mark recover ipsec-move
		ask "setup 20000 - $sw --terminate $u --ike mih --timeout 5 >/dev/null 2>&1; $sw --initiate $u --child mih --timeout 20" 60
		put ipsec.recover "$reply"
		log "ipsec: recovery by terminate + initiate: $reply"
	fi
	mark end ipsec-move
	capture ipsec-move stop
	python3 "$top/bench/compare/pcapsum.py" "$tmp/ipsec-move.pcap" "$tmp/ipsec-move.marks" $ip_a |
		while read -r k v; do put "ipsec.move.wire.$k" "$v"; done
	grep -i 'mobike\|transport mode\|update\|reestablish\|address' "$dm/charon.log" | tail -n 8 |
		sed 's/^/charon(MMT): /' >&2
	! grep -q 'requesting address change using MOBIKE' "$dm/charon.log" || put ipsec.mobike yes
	move_back
	client_stop
	ip netns exec "$M" $sw --terminate $u --ike mih --timeout 5 >/dev/null 2>&1
	kill "$charon_m" "$charon_a" 2>/dev/null
	wait "$charon_m" "$charon_a" 2>/dev/null
	for n in "$M" "$A"; do ip -n "$n" xfrm policy flush; ip -n "$n" xfrm state flush; done
}

for ph in $phases; do
	"phase_$ph"
done
put env.done "$(date -u +%FT%TZ)"
cp "$tmp"/*.setup "$out/" 2>/dev/null
log "results: $sum, $csv"
if [ -n "${loaded:-}" ]; then
	ip netns del "$M"; ip netns del "$A"
	sleep 1
	rmmod mihsec 2>/dev/null
fi
exit 0
