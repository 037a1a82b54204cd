#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzzing smoke test: builds the libFuzzer harnesses of fuzz/ (clang-14,
# -fsanitize=fuzzer,address,undefined; into build/fuzz), replays every
# regression input fuzz/regress/NAME/* and every committed seed
# fuzz/corpus/NAME/* (none may crash or break a harness's invariant), then
# runs each harness for MIHSEC_FUZZ_SECS seconds (default 10) on its
# corpus.  A crash input is kept in build/fuzz/crash/NAME/ (add it to
# fuzz/regress/NAME/ once fixed).  The long campaign is `make fuzz`.
# TAP on stdout.  Needs clang-14 and libclang-rt-14-dev (scripts/deps).
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
secs=${MIHSEC_FUZZ_SECS:-10}
b=$top/build/fuzz

command -v clang-14 >/dev/null || skip_all "clang-14 not installed"
ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
	>/dev/null 2>&1 || skip_all "libclang-rt-14-dev not installed"

names=()
for f in "$top"/fuzz/fuzz_*.c; do
	f=${f##*/fuzz_}
	names+=("${f%.c}")
done
echo "1..$((1 + 2 * ${#names[@]}))"
mkdir -p "$b/log"
if make -s -C "$top/fuzz" B="$b" all >"$b.build.log" 2>&1; then
	ok "fuzz: build ${#names[@]} harnesses with clang-14 (fuzzer, ASan, UBSan)"
else
	not_ok "fuzz: build ${#names[@]} harnesses with clang-14 (fuzzer, ASan, UBSan)"
	tail -n 20 "$b.build.log" | sed 's/^/# /'
	for x in "${names[@]}"; do
		not_ok "fuzz_$x: replay (not built)"
		not_ok "fuzz_$x: ${secs}s (not built)"
	done
	exit 1
fi

for x in "${names[@]}"; do
	nin=$(find "$top/fuzz/regress/$x" "$top/fuzz/corpus/$x" -type f \
		2>/dev/null | wc -l)
	if "$top/fuzz/run.sh" "$b" 0 "$x" >"$b/log/$x.smoke" 2>&1; then
		ok "fuzz_$x: $nin regression inputs and seeds replay without a crash"
	else
		not_ok "fuzz_$x: $nin regression inputs and seeds replay without a crash"
		sed 's/^/# /' "$b/log/$x.smoke" | head -n 20
	fi
	if "$top/fuzz/run.sh" "$b" "$secs" "$x" >"$b/log/$x.smoke" 2>&1; then
		ok "fuzz_$x: ${secs}s without a crash ($(awk -v x="$x" \
			'$1 == x { print $2 " executions, " $3 " exec/s, corpus " $4 }' \
			"$b/log/$x.smoke"))"
	else
		not_ok "fuzz_$x: ${secs}s without a crash (input in build/fuzz/crash/$x)"
		sed 's/^/# /' "$b/log/$x.smoke" | head -n 20
	fi
done
