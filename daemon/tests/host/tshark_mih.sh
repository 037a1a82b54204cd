#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Wireshark as an independent decoder of the project's plain MIH messages
# (issue 5, codec): daemon/tools/mihgen writes a pcap holding one PDU of
# every message of the codec's schema table (built with the codec, checked
# with mih_msg_parse) plus a pure ACK and an empty-Destination request, and
# prints a manifest "<n> 0x<mid> <name>".  tshark decodes the file with
# -d udp.port==4551,mih; for every packet this checks that tshark decoded
# it as MIH with the manifest's message ID, with no malformed-packet mark
# and no expert info of severity Error.  Expert warnings are printed as
# TAP comments (Wireshark shows IQ/IR binary data as a string and warns
# "Trailing stray characters"; WIRE.md 13 lists its other known
# deviations).  TAP on stdout.  Needs tshark (skipped without it).
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
build=${MIHSEC_BUILD:-$top/build}
gen=$build/daemon/tools/mihgen

command -v tshark >/dev/null || skip_all "tshark not installed"
if [ ! -x "$gen" ] && [ -z "${MIHSEC_BUILD:-}" ]; then
	make -s -C "$top/daemon" "$gen" >/dev/null 2>&1
fi
[ -x "$gen" ] || {
	echo "1..1"
	echo "not ok 1 tshark_mih: $gen not built"
	exit 1
}

tmp=$(mktemp -d /tmp/mihsec-tshark.XXXXXX)
cleanup() {
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! "$gen" "$tmp/mih.pcap" >"$tmp/manifest" 2>"$tmp/gen.err"; then
	echo "1..1"
	echo "not ok 1 mihgen wrote the capture"
	sed 's/^/# /' "$tmp/gen.err"
	exit 1
fi
count=$(wc -l <"$tmp/manifest")
# tshark refuses no option here; its "running as root" notice goes to stderr
tshark -r "$tmp/mih.pcap" -d udp.port==4551,mih -T fields \
	-E separator=/t -E occurrence=a -E aggregator=, \
	-e frame.number -e frame.protocols -e mih.mid -e _ws.malformed \
	-e _ws.expert.severity -e _ws.expert.message \
	>"$tmp/fields" 2>"$tmp/tshark.err"
rc=$?

echo "1..$((count + 2))"
if [ $rc = 0 ] && [ "$count" -ge 40 ]; then
	ok "mihgen wrote $count PDUs, tshark read the capture"
else
	not_ok "mihgen wrote $count PDUs, tshark read the capture (rc $rc)"
	sed 's/^/# /' "$tmp/tshark.err"
fi
frames=$(wc -l <"$tmp/fields")
if [ "$frames" = "$count" ]; then
	ok "tshark shows $frames frames, as many as the manifest"
else
	not_ok "tshark shows $frames frames, manifest has $count"
fi

# Wireshark's expert severities: PI_WARN 0x00600000, PI_ERROR 0x00800000
err_level=$((0x00800000))
while read -r num mid name; do
	line=$(awk -F'\t' -v f="$num" '$1 == f' "$tmp/fields")
	protos=$(cut -f2 <<<"$line")
	tmid=$(cut -f3 <<<"$line")
	malformed=$(cut -f4 <<<"$line")
	sevs=$(cut -f5 <<<"$line")
	msgs=$(cut -f6 <<<"$line")
	why=
	case ":$protos:" in
	*:udp:mih:*) ;;
	*) why="$why not decoded as MIH ($protos);" ;;
	esac
	[ "$tmid" = "$mid" ] || why="$why mih.mid '$tmid' != $mid;"
	[ -z "$malformed" ] || why="$why malformed;"
	for s in ${sevs//,/ }; do
		[ "$s" -lt "$err_level" ] || why="$why expert error ($msgs);"
	done
	if [ -z "$why" ]; then
		ok "frame $num $name: MIH $mid, no malformed/error"
		[ -z "$sevs" ] || echo "# frame $num: tshark warning: $msgs"
	else
		not_ok "frame $num $name:$why"
	fi
done <"$tmp/manifest"
