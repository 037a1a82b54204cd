#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz/run.sh B SECS NAME...: run the harnesses B/fuzz_NAME (built by
# fuzz/Makefile) one after the other, each for SECS seconds, on the corpus
# B/corpus/NAME (grows) plus the committed seeds fuzz/corpus/NAME, after
# replaying the regression inputs fuzz/regress/NAME; then print a summary
# table: executions, exec/s, corpus size, crashes per harness.
# SECS 0: only replay fuzz/regress/NAME and fuzz/corpus/NAME.
# Crash inputs land in B/crash/NAME/ (the table counts this run's).  Exit status 1 if any harness crashed.
set -uo pipefail
here=$(dirname "$(realpath "$0")")
b=$1 secs=$2
shift 2

maxlen() {
	case $1 in
	ctl_args) echo 1024 ;;
	seal_open | dhcp_dns) echo 2048 ;;
	config) echo 8192 ;;
	*) echo 4096 ;;
	esac
}

declare -A execs rate corp crashes
rc=0
for n in "$@"; do
	bin=$b/fuzz_$n
	mkdir -p "$b/corpus/$n" "$b/crash/$n" "$b/log"
	log=$b/log/$n.log
	# regression inputs and seeds: each must run without a crash
	inputs=()
	for d in "$here/regress/$n" "$here/corpus/$n"; do
		[ -d "$d" ] && inputs+=("$d"/*)
	done
	if [ ${#inputs[@]} -gt 0 ] && [ -e "${inputs[0]}" ]; then
		if ! "$bin" -runs=1 "${inputs[@]}" >"$log.replay" 2>&1; then
			echo "fuzz_$n: a regression input or seed crashes (see $log.replay)"
			grep -m5 -E 'ERROR|invariant|Running:' "$log.replay" | tail -5
			rc=1
		fi
	fi
	[ "$secs" = 0 ] && continue
	if [ "$n" = seal_open ] && [ -z "$(ls -A "$b/corpus/$n")" ]; then
		MIHSEC_FUZZ_SEAL_FROM=$here/corpus/mih_msg \
		MIHSEC_FUZZ_SEAL_TO=$b/corpus/$n "$bin" 2>&1 | tail -1
	fi
	echo "fuzz_$n: ${secs}s, -max_len=$(maxlen "$n")"
	seeds=()
	[ -d "$here/corpus/$n" ] && seeds=("$here/corpus/$n")
	before=$(find "$b/crash/$n" -type f | wc -l)
	dict=()
	[ -f "$here/$n.dict" ] && dict=(-dict="$here/$n.dict")
	"$bin" -max_total_time="$secs" -max_len="$(maxlen "$n")" -timeout=10 \
		"${dict[@]}" \
		-print_final_stats=1 -artifact_prefix="$b/crash/$n/" \
		"$b/corpus/$n" "${seeds[@]}" >"$log" 2>&1
	st=$?
	execs[$n]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate[$n]=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	corp[$n]=$(find "$b/corpus/$n" -type f | wc -l)
	crashes[$n]=$(($(find "$b/crash/$n" -type f | wc -l) - before))
	if [ $st -ne 0 ]; then
		rc=1
		echo "fuzz_$n: exit $st"
		grep -m8 -E 'ERROR|invariant|SUMMARY|Test unit written' "$log"
	fi
done
if [ "$secs" != 0 ]; then
	printf '%-12s %12s %8s %8s %8s\n' harness executions exec/s corpus crashes
	for n in "$@"; do
		printf '%-12s %12s %8s %8s %8s\n' "$n" "${execs[$n]:-?}" \
			"${rate[$n]:-?}" "${corp[$n]:-?}" "${crashes[$n]:-?}"
	done
fi
exit $rc
