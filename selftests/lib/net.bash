# SPDX-License-Identifier: GPL-2.0
#
# selftests/lib/net.bash: namespaces and radios for the shell kselftests.
#   mac_of NS IF           IF's MAC address in NS ("" if none)
#   wlan_of NS             the first wireless interface in NS
#   hwsim_load N           rmmod a leftover mac80211_hwsim, load one with N
#                          radios; hwsim_phys: the new phys (sorted);
#                          hwsim_loaded=1 (cleanup: hwsim_unload); 1 if the
#                          module did not load
#   hwsim_unload           after the namespaces are gone (their phys return)
#   watchdog SECS NAME     a background timer that sends SIGTERM to this
#                          script after SECS (its pid appended to pids)
mac_of() {
	ip -n "$1" -o link show dev "$2" 2>/dev/null |
		sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

wlan_of() {
	ip netns exec "$1" iw dev 2>/dev/null |
		awk '$1 == "Interface" { print $2; exit }'
}

hwsim_load() {
	local before

	[ ! -e /sys/module/mac80211_hwsim ] || rmmod mac80211_hwsim 2>/dev/null
	before=$(ls /sys/class/ieee80211 2>/dev/null)
	modprobe mac80211_hwsim radios="$1" 2>&1 | sed 's/^/# /'
	[ -e /sys/module/mac80211_hwsim ] || return 1
	hwsim_loaded=1
	hwsim_phys=$(ls /sys/class/ieee80211 |
		grep -vxF -e "${before:-none}" | sort -V)
}

hwsim_unload() {
	[ "${hwsim_loaded:-0}" = 1 ] || return 0
	for _ in $(seq 50); do
		rmmod mac80211_hwsim 2>/dev/null && break
		sleep 0.1
	done
}

watchdog() {
	(
		sleep "$1" </dev/null >/dev/null 2>&1
		echo "# $2: watchdog: still running after $1 s, stopping"
		kill -TERM $$
	) &
	pids+=($!)
}
