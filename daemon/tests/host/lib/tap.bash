# SPDX-License-Identifier: GPL-2.0
#
# daemon/tests/host/lib/tap.bash: the TAP helpers every host test script
# sources (`. "$top/daemon/tests/host/lib/tap.bash"`; not a test itself:
# scripts/check runs daemon/tests/host/*.sh only).
#   ok DESC / not_ok DESC     one result line, numbered; not_ok counts $failed
#   check DESC CMD...         ok if CMD succeeds, else not_ok
#   check_rc CODE DESC        ok if CODE is 0 (check_rc "$(cmd; echo $?)" ...)
#   skip DESC WHY             "ok N DESC # SKIP WHY"
#   skip_all WHY              the plan "1..0 # SKIP WHY" and exit 0
#   need_root                 skip_all unless root
#   need_cmds CMD...          skip_all naming the first CMD not installed
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

skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

check() { # DESC CMD...
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

check_rc() { # CODE DESC
	if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

need_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root${1:+ $1}"
}

need_cmds() {
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "$c not installed"
	done
}
