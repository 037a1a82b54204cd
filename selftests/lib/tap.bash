# SPDX-License-Identifier: GPL-2.0
#
# selftests/lib/tap.bash: what the shell kselftests share (sourced as
# `. "$top/selftests/lib/tap.bash"`; not a test: selftests/run.sh runs the
# scripts it names and selftests/mihf_*.sh).
#   ok DESC / no DESC        a numbered result; no sets fail=1; last_ok
#                            says how the last one went (1/0)
#   check CODE DESC          ok if CODE is 0 (check "$(cmd; echo $?)" ...)
#   skip DESC WHY            "ok N DESC # SKIP WHY"
#   now_us                   microseconds (no fork)
#   ms_since T0_US           milliseconds since T0_US
#   wait_for SECS CMD...     poll CMD every WAIT_STEP (0.1) s until it succeeds
#   dump FILE...             the last TAIL (15) lines of each, as comments
#   tmp_done DIR             at cleanup: keep DIR if MIHSEC_KEEP is set (copy
#                            it into MIHSEC_KEEP if that is a directory),
#                            else remove it
n=0 fail=0 last_ok=1

ok() { n=$((n + 1)); last_ok=1; echo "ok $n $1"; }
no() { n=$((n + 1)); last_ok=0; fail=1; echo "not ok $n $1"; }
check() { if [ "$1" = 0 ]; then ok "$2"; else no "$2"; fi; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
now_us() { echo "${EPOCHREALTIME/./}"; }
ms_since() { echo $((($(now_us) - $1) / 1000)); }

wait_for() {
	local end=$(($(now_us) + $1 * 1000000))

	shift
	until "$@"; do
		[ "$(now_us)" -lt "$end" ] || return 1
		sleep "${WAIT_STEP:-0.1}"
	done
}

dump() {
	local f

	for f in "$@"; do
		echo "#   -- $(basename "$f")"
		tail -n "${TAIL:-15}" "$f" 2>/dev/null | sed 's/^/#   /'
	done
}

tmp_done() {
	if [ -d "${MIHSEC_KEEP:-}" ]; then
		cp -a "$1" "$MIHSEC_KEEP/" && echo "# copied $1 to $MIHSEC_KEEP"
		rm -rf "$1"
	elif [ -n "${MIHSEC_KEEP:-}" ]; then
		echo "# kept $1"
	else
		rm -rf "$1"
	fi
}
