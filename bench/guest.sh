#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/guest.sh: runs inside the VM (bench/run starts it).  Two namespaces
# joined by veth; MIH_Link_Parameters_Report datagrams of 64, 256 and 1024
# octets from A to B on UDP 4551, as fast as one sender goes, for each way
# of carrying them: plain, mihsec suites 1-4 (E=1), xfrm ESP transport mode
# with rfc4106(gcm(aes)) on the same port.  Prints a table of datagrams per
# second, CPU time per datagram (all guest CPUs, sender and receiver
# together, from /proc/stat) and the ratios; then the receive rate with
# 10, 10^4 and 10^6 SAs in the receiver's table (MIHSEC_BENCH_MAX_SAS
# lowers the last), and kernel memory per SA for each suite.
# Figures only: nothing here passes or fails.
set -u
top=$(dirname "$(dirname "$(realpath "$0")")")
cd "$top"
C=build/bin/mihsecctl F=build/bench/mihflood
secs=${MIHSEC_BENCH_SECS:-3}
A=mbA-$$ B=mbB-$$
modprobe -a veth nf_defrag_ipv6 gcm ghash_generic ctr cbc hmac sha1 \
	chacha20poly1305 esp4 xfrm_user 2>/dev/null
insmod kmod/mihsec.ko || exit 1
trap 'ip netns del $A; ip netns del $B; rmmod mihsec' EXIT
ip netns add $A && ip netns add $B
ip link add va netns $A type veth peer name vb netns $B
ip -n $A addr add 10.77.0.1/24 dev va && ip -n $B addr add 10.77.0.2/24 dev vb
for n in $A $B; do ip -n $n link set lo up; done
ip -n $A link set va up && ip -n $B link set vb up

k16() { printf '%02x' $(seq "$1" $(($1 + 15))); }
k32() { printf '%02x' $(seq "$1" $(($1 + 31))); }
mihsec_on() {	# suite [generation: fresh key IDs, they are never reused]
	local s=$1 g=${2:-0} tk rk extra_a=() extra_b=()
	if [ "$s" = 2 ] || [ "$s" = 3 ]; then tk=$(k32 1) rk=$(k32 50); else tk=$(k16 1) rk=$(k16 50); fi
	if [ "$s" = 4 ]; then
		extra_a=(tx-ikey "$(k32 100)" rx-ikey "$(k32 150)")
		extra_b=(tx-ikey "$(k32 150)" rx-ikey "$(k32 100)")
	fi
	ip netns exec $A $C sa add local mmt1 peer ar1 role mmt suite "$s" \
		tx-keyid 0a0a0a0a0a0a0${g}0$s rx-keyid 0b0b0b0b0b0b0${g}0$s tx-key "$tk" rx-key "$rk" \
		tx-salt 01020304 rx-salt 05060708 "${extra_a[@]}" || exit 1
	ip netns exec $B $C sa add local ar1 peer mmt1 role network suite "$s" \
		tx-keyid 0b0b0b0b0b0b0${g}0$s rx-keyid 0a0a0a0a0a0a0${g}0$s tx-key "$rk" rx-key "$tk" \
		tx-salt 05060708 rx-salt 01020304 "${extra_b[@]}" || exit 1
}
mihsec_off() { for n in $A $B; do ip netns exec $n $C sa flush; done; }
esp_on() {
	local k=0x$(k16 1)01020304 k2=0x$(k16 50)05060708 n
	for n in $A $B; do
		ip -n $n xfrm state add src 10.77.0.1 dst 10.77.0.2 proto esp spi 0x101 \
			mode transport aead 'rfc4106(gcm(aes))' "$k" 128 || exit 1
		ip -n $n xfrm state add src 10.77.0.2 dst 10.77.0.1 proto esp spi 0x102 \
			mode transport aead 'rfc4106(gcm(aes))' "$k2" 128 || exit 1
	done
	ip -n $A xfrm policy add src 10.77.0.1 dst 10.77.0.2 proto udp dport 4551 dir out \
		tmpl src 10.77.0.1 dst 10.77.0.2 proto esp mode transport || exit 1
	ip -n $B xfrm policy add src 10.77.0.1 dst 10.77.0.2 proto udp dport 4551 dir in \
		tmpl src 10.77.0.1 dst 10.77.0.2 proto esp mode transport || exit 1
}
esp_off() { for n in $A $B; do ip -n $n xfrm state flush; ip -n $n xfrm policy flush; done; }
busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# rate SIZE: "datagrams/s microseconds-of-CPU-per-datagram"
rate() {
	local b0 b1 out
	b0=$(busy)
	out=$($F $A $B 10.77.0.2 "$1" "$secs")
	b1=$(busy)
	echo "$out" | awk -v j=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" \
		'{ printf "%s %.1f\n", $6, $4 ? j * 1e6 / hz / $4 : 0 }'
}
# kmem: slab + per-CPU kernel memory, kB
kmem() { awk '/^(Slab|Percpu):/{ s += $2 } END { print s }' /proc/meminfo; }
check() {	# what must have happened on the wire in B
	case $1 in
	mihsec*) ip netns exec $B $C -j stats | python3 -c 'import json,sys; j=json.load(sys.stdin); sys.exit(0 if j["rx_verified"] > 0 else 1)' ;;
	esp) ip -n $B -s xfrm state | grep -oE '[0-9]+\(packets\)' |
		awk -F'(' '{ n += $1 } END { exit !(n > 0) }' ;;
	*) true ;;
	esac
}

declare -A r u
sizes="64 256 1024"
for mode in plain mihsec1 mihsec2 mihsec3 mihsec4 esp; do
	case $mode in
	mihsec*) mihsec_on "${mode#mihsec}" ;;
	esp) esp_on ;;
	esac
	for s in $sizes; do
		x=$(rate "$s")
		r[$mode,$s]=${x% *} u[$mode,$s]=${x#* }
	done
	if ! check $mode; then
		echo "bench: ERROR: $mode did not reach the receiver protected" >&2
		exit 1
	fi
	case $mode in mihsec*) mihsec_off ;; esp) esp_off ;; esac
done

# receive cost as the SA table grows: suite 1, 64 octets, filler SAs in B
# (suite 3 fillers: the smallest; the lookup does not depend on the suite)
maxsas=${MIHSEC_BENCH_MAX_SAS:-1000000}
mihsec_on 1 1
x=$(ip netns exec $B build/bench/sabulk 0 9 3 && rate 64) && t10=${x% *}
x=$(ip netns exec $B build/bench/sabulk 9 9990 3 && rate 64) && t10k=${x% *}
x=$(ip netns exec $B build/bench/sabulk 9999 $((maxsas - 10000)) 3 && rate 64) &&
	tmax=${x% *}
mihsec_off

# kernel memory per SA, per suite: 10,000 SAs in a namespace of their own
declare -A mem
for st in 1 2 3 4; do
	ip netns add mbM-$$
	m0=$(kmem)
	ip netns exec mbM-$$ build/bench/sabulk 0 10000 $st || exit 1
	m1=$(kmem)
	mem[$st]=$(( (m1 - m0) * 1024 / 10000 ))
	ip netns del mbM-$$
	sleep 2
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)
aes=$(grep -qw aes /proc/cpuinfo && echo "AES-NI visible" || echo "no AES-NI")
echo "mihsec bench: datagrams/s, one sender, ${secs}s per cell, qemu TCG ($aes;$cpu)"
echo "(TCG emulation: absolute figures are far below real hardware; compare ratios)"
printf '%-10s' "mode"; for s in $sizes; do printf '%12s' "${s}B"; done; echo
for mode in plain mihsec1 mihsec2 mihsec3 mihsec4 esp; do
	printf '%-10s' "$mode"; for s in $sizes; do printf '%12s' "${r[$mode,$s]}"; done; echo
done
echo "CPU per datagram, microseconds (both ends, all guest CPUs):"
for mode in plain mihsec1 mihsec2 mihsec3 mihsec4 esp; do
	printf '%-10s' "$mode"; for s in $sizes; do printf '%12s' "${u[$mode,$s]}"; done; echo
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "mihsec1, 64B, receiver holding 10 SAs: $t10/s; 10,000 SAs: $t10k/s;" \
	"$maxsas SAs: $tmax/s"
echo "  cost at 10^4 / cost at 10: $(ratio "$t10" "$t10k");" \
	"cost at $maxsas / cost at 10: $(ratio "$t10" "$tmax")"
echo "kernel memory per SA (slab + per-CPU, 10,000 SAs, peer IDs of 8-12 octets):"
for st in 1 2 3 4; do
	printf '  suite %s: %6s B\n' "$st" "${mem[$st]}"
done
echo "ratios:"
for mode in mihsec1 mihsec2 mihsec3 mihsec4; do
	printf '%-10s' "$mode"
	for s in $sizes; do
		awk -v m="${r[$mode,$s]}" -v p="${r[plain,$s]}" -v e="${r[esp,$s]}" \
			'BEGIN { printf "  %4.2fxplain %4.2fxESP", m / p, m / e }'
	done
	echo
done
