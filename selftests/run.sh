#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/run.sh: the kselftests of mihsec.ko, run as root inside the VM
# (make check: scripts/vm-run -t 1200 -- selftests/run.sh), from the project
# dir.  Loads the module's dependencies and kmod/mihsec.ko, runs every test
# program (each prints its own TAP block), then a last block: rmmod while
# MIH traffic flows both ways (and mihsecctl talks to the module), traffic
# in clear afterwards, and a clean dmesg.  Exit status 0 only if all passed.
# Never run it on a host whose kernel must not get modules loaded.
#
# env: MIHSEC_TESTS="mihsec_datapath ..."  programs to run (default all)
#      MIHSEC_RMMOD_SECS                     traffic during rmmod (default 6)
#      MIHSEC_KO                             module to test (default kmod/mihsec.ko)
#      MIHSEC_BIN                            test programs (default build/selftests;
#                                            make -C selftests SAN=1 B=DIR for ASan)
#      MIHSEC_SCALE_SAS                      SAs of mihsec_scale (default 1000000:
#                                            the VM needs ~2 KiB of RAM each)
set -uo pipefail
top=$(dirname "$(dirname "$(realpath "$0")")")
cd "$top"
bin=${MIHSEC_BIN:-$top/build/selftests}
here=$top/selftests
ko=${MIHSEC_KO:-kmod/mihsec.ko}
# the MIH function's VM tests (issue 5) are every selftests/mihf_*.sh
mihf_tests=$(cd "$here" && for f in mihf_*.sh; do [ -e "$f" ] && echo "${f%.sh}"; done)
tests=${MIHSEC_TESTS:-mihsec_datapath mihsec_tamper mihsec_policy mihsec_netlink mihsec_nlfuzz mihsec_twohost mihsecctl_e2e mihsecctl_monitor mihsecd_eap mihsecd_wifi $mihf_tests mihsec_scale}
fail=0
t_start=$(date +%s)

cleanup() {
	local n
	# namespaces of the test programs: mh<tag>-<pid>-a/b, mihsec-nl-<pid>-*,
	# mihsec-ctl-<pid>, mihsec-mon-<pid>-mmt/ar, mihsec-eap-<pid>-mmt/ar,
	# mihsec-wifi-<pid>-mmt/ar/is
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $n in mh*-[0-9]*-[ab] | mihsec-nl-* | mihsec-ctl-* | mihsec-mon-* | mihsec-eap-* | mihsec-wifi-* | mihsec-scale-* | mihf-*) ip netns del "$n" 2>/dev/null ;; esac
	done
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ] || [ ! -e /run/vmctl ] && [ -z "${MIHSEC_RUN_ANYWAY:-}" ]; then
	echo "run.sh: runs inside the VM only (scripts/vm-run -- selftests/run.sh)" >&2
	exit 2
fi

echo "# kernel $(uname -r), $(nproc) CPUs"
# the first block: dependencies and the module
echo "TAP version 13"
echo "1..1"
load_err=
modprobe -a veth nf_defrag_ipv6 gcm ghash_generic ctr 2>&1 | sed 's/^/# /' ||
	load_err="modprobe of the dependencies failed"
if [ -z "$load_err" ]; then
	for p in $tests mihsec_probe; do
		[ -x "$bin/$p" ] || [ -x "$here/$p.sh" ] ||
			load_err="$load_err $bin/$p missing (make selftests)"
	done
	[ -x build/bin/mihsecctl ] || load_err="$load_err build/bin/mihsecctl missing"
fi
if [ -z "$load_err" ]; then
	if [ -e /sys/module/mihsec ]; then
		rmmod mihsec 2>&1 | sed 's/^/# /'
	fi
	insmod "$ko" 2>&1 | sed 's/^/# /'
	[ -e /sys/module/mihsec ] || load_err="insmod $ko failed"
fi
if [ -n "$load_err" ]; then
	echo "not ok 1 insmod $ko with its dependencies # $load_err"
	exit 1
fi
echo "ok 1 insmod $ko with its dependencies"

for p in $tests; do
	echo "# ---- $p"
	s=$(date +%s)
	if [ -x "$here/$p.sh" ]; then	# a shell test (TAP too)
		"$here/$p.sh" 2>&1
	else
		"$bin/$p" 2>&1
	fi
	rc=$?
	echo "# ---- $p: exit $rc, $(($(date +%s) - s)) s"
	[ "$rc" = 0 ] || fail=1
	cleanup
	if [ ! -e /sys/module/mihsec ]; then
		echo "# mihsec is no longer loaded after $p"
		fail=1
		break
	fi
done

# the last block: rmmod while traffic flows, then dmesg
echo "TAP version 13"
echo "1..2"
if [ -e /sys/module/mihsec ] &&
	"$bin/mihsec_probe" rmmod "${MIHSEC_RMMOD_SECS:-6}" 2>&1; then
	echo "ok 1 rmmod while traffic flows (then traffic flows in clear)"
else
	echo "not ok 1 rmmod while traffic flows (then traffic flows in clear)"
	fail=1
fi
cleanup
bad=$(dmesg | grep -E 'WARNING:|BUG:|BUG [a-z]|KASAN|UBSAN|Oops|general protection|refcount_t:|list_(add|del) corruption|Call Trace|mihsec.*(leak|still)' || true)
if [ -z "$bad" ]; then
	echo "ok 2 no WARN/BUG/KASAN/Oops in dmesg"
else
	echo "$bad" | head -n 40 | sed 's/^/# /'
	echo "not ok 2 no WARN/BUG/KASAN/Oops in dmesg"
	fail=1
fi
echo "# run.sh: $(($(date +%s) - t_start)) s, $([ $fail = 0 ] && echo passed || echo FAILED)"
exit $fail
