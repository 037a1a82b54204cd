#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# daemon/tests/host/dtlsmih.sh: the DTLS 1.2 transport of the comparison
# bench (bench/compare/dtlsmih.c) between two namespaces joined by a veth
# pair.  Certificates (ECDSA P-256: a CA, the AR's server certificate, the
# MMT's client certificate, and a client certificate from a second CA) are
# made here.  Checked: the handshake completes with the cookie exchange
# (the server sent a cookie and verified it, then the handshake finished,
# cipher ECDHE-ECDSA-AES128-GCM-SHA256); the MIH request and response are
# byte-identical at both ends and the client took the response; the
# exchange on the wire is DTLS (content type 23, version 1.2 records on
# UDP 4552), no plain MIH header in clear; a client certificate from
# another CA is rejected (no response, the server logs the failure); the
# plain UDP mode answers the same request; the handover call flow
# (`flow`, `setupflow`: MIH_Get_Information, MIH_MN_HO_Candidate_Query,
# MIH_MN_HO_Commit, MIH_MN_HO_Complete) in UDP and DTLS modes, paired with
# the same flow in clear: every response answers its request (MID with the
# response opcode, same TID), in flow order, byte-identical at both ends.  TAP.
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/daemon/tests/host/lib/tap.bash"
. "$top/selftests/lib/pki.bash"
need_root
need_cmds openssl ip gcc python3
pkg-config --exists libssl 2>/dev/null || [ -e /usr/include/openssl/ssl.h ] ||
	skip_all "OpenSSL headers not installed"

M=mihsec-dtls-$$-m A=mihsec-dtls-$$-a
tmp=$(mktemp -d /tmp/mihsec-dtlsmih.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$M" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	if [ -n "${MIHSEC_KEEP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
dump() { local f; for f in "$@"; do echo "#   -- ${f##*/}"; tail -n 12 "$f" 2>/dev/null | sed 's/^/#   /'; done; }

echo "TAP version 13"
echo "1..9"
P=$tmp/dtlsmih
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$top/daemon" -o "$P" \
	"$top/bench/compare/dtlsmih.c" "$top/daemon/lib/mih.c" "$top/daemon/lib/mihmsgdef.c" \
	"$top/daemon/lib/mihtype.c" "$top/daemon/lib/mihie.c" -lssl -lcrypto \
	>"$tmp/cc.log" 2>&1
rc=$?
[ "$rc" = 0 ] || dump "$tmp/cc.log"
check_rc $rc "dtlsmih builds (-Wall -Wextra -Werror)"

# ---- PKI: ECDSA P-256 ---------------------------------------------------------
(
	cd "$tmp" && pki_ca ca && pki_ca rogue && pki_cert ar1 ca &&
		pki_cert mmt1 ca && pki_cert mallory rogue
) >"$tmp/pki.log" 2>&1
rc=$?

ip netns add "$M" && ip netns add "$A" &&
	ip -n "$M" link add dm type veth peer name da netns "$A" &&
	ip -n "$M" addr add 10.81.0.1/24 dev dm && ip -n "$A" addr add 10.81.0.2/24 dev da &&
	ip -n "$M" link set dm up && ip -n "$A" link set da up &&
	ip -n "$M" link set lo up && ip -n "$A" link set lo up || rc=1
[ "$rc" = 0 ] || dump "$tmp/pki.log"
check_rc $rc "namespaces, veth, certificates (CA, ar1, mmt1; rogue CA, mallory)"

# ---- the DTLS server, a capture, the client ----------------------------------
ip netns exec "$A" "$P" server --dtls --bind 10.81.0.2 --cert "$tmp/ar1.pem" \
	--key "$tmp/ar1.key" --ca "$tmp/ca.pem" --verbose >"$tmp/srv.out" 2>"$tmp/srv.err" &
pids+=($!)
cap=0
if command -v tcpdump >/dev/null; then
	ip netns exec "$A" tcpdump -Z root -i da -n -U --immediate-mode -w "$tmp/d.pcap" udp port 4552 \
		>/dev/null 2>"$tmp/td.err" &
	pid_td=$!
	pids+=("$pid_td")
	cap=1
fi
for _ in $(seq 100); do
	grep -q listening "$tmp/srv.out" 2>/dev/null &&
		{ [ $cap = 0 ] || grep -q 'listening on' "$tmp/td.err" 2>/dev/null; } && break
	sleep 0.1
done
printf 'setup 5000 -\nrtt 3\nquit\n' | ip netns exec "$M" timeout 20 "$P" client --dtls \
	--to 10.81.0.2 --cert "$tmp/mmt1.pem" --key "$tmp/mmt1.key" --ca "$tmp/ca.pem" \
	--verbose >"$tmp/cli.out" 2>"$tmp/cli.err"
rc_c=$?
sleep 0.3
grep -q '^setup ok ' "$tmp/cli.out" &&
	grep -q 'cookie sent' "$tmp/srv.err" && grep -q 'cookie verified' "$tmp/srv.err" &&
	grep -q 'handshake ok with 10.81.0.1:[0-9]* cipher ECDHE-ECDSA-AES128-GCM-SHA256 cookie verified peer /CN=mmt1' "$tmp/srv.err" &&
	grep -q 'handshake ok cipher ECDHE-ECDSA-AES128-GCM-SHA256' "$tmp/cli.err"
rc=$?
[ "$rc" = 0 ] && [ "$rc_c" = 0 ] || dump "$tmp/cli.out" "$tmp/cli.err" "$tmp/srv.err"
check_rc "$([ "$rc" = 0 ] && [ "$rc_c" = 0 ]; echo $?)" \
	"DTLS 1.2 handshake with a verified cookie round and mutual certificates (ECDHE-ECDSA-AES128-GCM-SHA256), first response: $(grep '^setup' "$tmp/cli.out")"

# byte-identical: every PDU the client sent arrived as such, every response too
c_tx=$(sed -n 's/^tx //p' "$tmp/cli.err") c_rx=$(sed -n 's/^rx //p' "$tmp/cli.err")
s_rx=$(sed -n 's/^rx //p' "$tmp/srv.err") s_tx=$(sed -n 's/^tx //p' "$tmp/srv.err")
r=$(grep '^rtt' "$tmp/cli.out")
set -- $r
check_rc "$([ -n "$c_tx" ] && [ "$c_tx" = "$s_rx" ] && [ "$c_rx" = "$s_tx" ] &&
	[ "$(echo "$c_rx" | wc -l)" = 4 ] && [ "${2:-}" = 3 ] && [ "${3:-}" = 0 ]; echo $?)" \
	"4 MIH request/response round trips over DTLS (set-up + 3): requests and responses byte-identical at both ends ($(echo "$c_tx" | head -n 1 | cut -c1-24)..., $r)"

if [ $cap = 1 ]; then
	kill "$pid_td" 2>/dev/null
	wait "$pid_td" 2>/dev/null
	w=$(python3 - "$tmp/d.pcap" <<-'EOF'
	import struct, sys
	raw = open(sys.argv[1], "rb").read()
	e = "<" if struct.unpack("<I", raw[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
	off, app, hs, plain = 24, 0, 0, 0
	while off + 16 <= len(raw):
	    cl = struct.unpack(e + "I", raw[off + 8:off + 12])[0]
	    fr = raw[off + 16:off + 16 + cl]
	    off += 16 + cl
	    ip = fr[14:]
	    u = ip[(ip[0] & 15) * 4 + 8:]
	    if u[:1] == b"\x17" and u[1:3] == b"\xfe\xfd":
	        app += 1
	    elif u[:1] == b"\x16":
	        hs += 1
	    # a plain MIH header, or an MIHF ID readable in a record (the
	    # certificates in the handshake name mmt1 and ar1: not counted)
	    if u[:1] == b"\x10" or (u[:1] == b"\x17" and (b"mmt1" in u or b"ar1" in u)):
	        plain += 1
	print(hs, app, plain)
	EOF
	)
	set -- $w
	check_rc "$([ "${1:-0}" -ge 4 ] && [ "${2:-0}" -ge 8 ] && [ "${3:-1}" = 0 ]; echo $?)" \
		"on the wire: DTLS 1.2 handshake ($1 datagrams) and application-data records ($2), no MIH PDU in clear ($3)"
else
	ok "on the wire # SKIP tcpdump not installed"
fi

# ---- a client certificate from another CA -----------------------------------
printf 'setup 3000 -\nquit\n' | ip netns exec "$M" timeout 20 "$P" client --dtls \
	--to 10.81.0.2 --cert "$tmp/mallory.pem" --key "$tmp/mallory.key" --ca "$tmp/ca.pem" \
	>"$tmp/bad.out" 2>"$tmp/bad.err"
sleep 0.3
grep -q '^setup ok' "$tmp/bad.out"
got=$?
grep -q 'handshake failed with 10.81.0.1' "$tmp/srv.err" &&
	grep -qi 'certificate verify failed\|unknown ca\|certificate' "$tmp/srv.err"
logged=$?
[ "$got" != 0 ] && [ "$logged" = 0 ] || dump "$tmp/bad.out" "$tmp/bad.err" "$tmp/srv.err"
check_rc "$([ "$got" != 0 ] && [ "$logged" = 0 ]; echo $?)" \
	"a client whose certificate another CA issued is rejected (no response; server: $(grep -m1 'handshake failed' "$tmp/srv.err"))"

# ---- the same PDUs in plain UDP ----------------------------------------------
ip netns exec "$A" "$P" server --bind 10.81.0.2 --verbose >"$tmp/usrv.out" 2>"$tmp/usrv.err" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$tmp/usrv.out" 2>/dev/null && break; sleep 0.1; done
printf 'setup 3000 -\nrtt 2\nflood 0.2\nquit\n' | ip netns exec "$M" timeout 20 "$P" client \
	--to 10.81.0.2 --verbose >"$tmp/ucli.out" 2>"$tmp/ucli.err"
u_tx=$(sed -n 's/^tx //p' "$tmp/ucli.err" | head -n 1)
fl=$(grep '^flood' "$tmp/ucli.out")
set -- $fl
check_rc "$(grep -q '^setup ok' "$tmp/ucli.out" && grep -q '^rtt 2 0 ' "$tmp/ucli.out" &&
	[ "${#u_tx}" = "$(echo "$c_tx" | head -n 1 | wc -c | awk '{ print $1 - 1 }')" ] &&
	[ "${3:--1}" -gt 0 ]; echo $?)" \
	"plain UDP mode: same-size request answered, 2 RTTs, a flood counted by the server ($fl)"

# ---- the handover call flow, UDP and DTLS, paired with the flow in clear -----
ip netns exec "$A" "$P" server --bind 10.81.0.2 --port 4553 --verbose >"$tmp/bsrv.out" 2>"$tmp/bsrv.err" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$tmp/bsrv.out" 2>/dev/null && break; sleep 0.1; done
# flowcheck CLIENT_ERR SERVER_ERR... : the client's tx/rx lines (--verbose)
# are request, response, request, ... in call-flow order; each response has
# the request's MID with the response opcode and its TID, the AIDs cycle
# IS(4/1) CQ(3/5) Commit(3/7) Complete(3/10); the servers received exactly
# what the client sent and sent exactly what it took.  Prints "EXCH FLOWS".
flowcheck() {
	python3 - "$@" <<-'EOF'
	import sys
	def lines(path, tag):
	    return [l.split()[1] for l in open(path) if l.startswith(tag + " ")]
	def hdr(h):
	    b = bytes.fromhex(h)
	    mid = b[2] << 8 | b[3]
	    return mid >> 12, (mid >> 10) & 3, mid & 0x3ff, (b[4] << 8 | b[5]) & 0xfff
	seq = [(4, 1), (3, 5), (3, 7), (3, 10)]
	ev = [l.split() for l in open(sys.argv[1]) if l.startswith(("tx ", "rx "))]
	# only the flow PDUs (SID 4 or AIDs 7/10 or a parsed CQ after an IS)
	k, pend, n, bad = 0, None, 0, []
	start = next((i for i, e in enumerate(ev) if e[0] == "tx" and hdr(e[1])[:3] == (4, 1, 1)), None)
	if start is None:
	    print(0, 0, "no IS request"); sys.exit(1)
	for tag, h in ev[start:]:
	    sid, op, aid, tid = hdr(h)
	    if tag == "tx":
	        if pend is not None or (sid, aid) != seq[k % 4] or op != 1:
	            bad.append("request %d: %s" % (k, h[:16]))
	        pend = (sid, aid, tid)
	    else:
	        if pend is None or (sid, aid, tid) != pend or op != 2:
	            bad.append("response %d: %s" % (k, h[:16]))
	        pend = None
	        k += 1
	srx = set(); stx = set()
	for f in sys.argv[2:]:
	    srx |= set(lines(f, "rx")); stx |= set(lines(f, "tx"))
	ctx = [e[1] for e in ev[start:] if e[0] == "tx"]
	crx = [e[1] for e in ev[start:] if e[0] == "rx"]
	if not set(ctx) <= srx or not set(crx) <= stx:
	    bad.append("not byte-identical at both ends")
	print(k, k // 4, "; ".join(bad[:3]))
	sys.exit(1 if bad or k % 4 or not k else 0)
	EOF
}
printf 'flow 3\nquit\n' | ip netns exec "$M" timeout 20 "$P" client --to 10.81.0.2 \
	--base-port 4553 --verbose >"$tmp/fu.out" 2>"$tmp/fu.err"
r=$(grep '^flow' "$tmp/fu.out")
fc=$(flowcheck "$tmp/fu.err" "$tmp/usrv.err" "$tmp/bsrv.err")
rc=$?
set -- $r
[ "$rc" = 0 ] && [ "${2:-}" = 3 ] && [ "${3:-}" = 0 ] && [ "$#" = 9 ] ||
	{ rc=1; dump "$tmp/fu.out" "$tmp/fu.err" "$tmp/usrv.err"; }
check_rc "$rc" "UDP: 3 handover call flows + 3 in clear, 4 exchanges each, responses match their requests (MID, TID; exchanges, flows: $fc) ($(echo "$r" | cut -c1-60))"

printf 'setupflow 5000 -\nflow 2\nquit\n' | ip netns exec "$M" timeout 20 "$P" client --dtls \
	--to 10.81.0.2 --base-port 4553 --cert "$tmp/mmt1.pem" --key "$tmp/mmt1.key" --ca "$tmp/ca.pem" \
	--verbose >"$tmp/fd.out" 2>"$tmp/fd.err"
r=$(grep '^flow' "$tmp/fd.out") su=$(grep '^setup' "$tmp/fd.out")
fc=$(flowcheck "$tmp/fd.err" "$tmp/srv.err" "$tmp/bsrv.err")
rc=$?
set -- $r
[ "$rc" = 0 ] && [ "${2:-}" = 2 ] && [ "${3:-}" = 0 ] && [ "$#" = 7 ] &&
	[ "$(echo "$fc" | cut -d' ' -f1)" = 20 ] || { rc=1; dump "$tmp/fd.out" "$tmp/fd.err" "$tmp/srv.err"; }
set -- $su
[ "${2:-}" = ok ] && [ -n "${8:-}" ] && [ "${8:-}" != - ] || rc=1
check_rc "$rc" "DTLS: setupflow (handshake + 4 exchanges: $su) and 2 paired flows, responses match their requests (exchanges, flows: $fc)"

[ "$failed" = 0 ]
