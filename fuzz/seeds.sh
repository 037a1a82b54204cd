#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz/seeds.sh: regenerate the committed seed corpora that come from the
# project's own generators (run by hand after a codec change, then commit):
#   corpus/mih_msg/wire-*   the plain PDUs of the known-answer vectors
#                           (kmod/tests/vectors.h, from tools/mkvectors:
#                           WIRE.md section 12 examples and size classes)
#   corpus/mih_msg/gen-*    every message of the schema table as
#                           tools/mihgen writes it (UDP payloads of its pcap)
#   corpus/mih_ie/*         the IS payloads (TLV 43 / 48 values) of those
#                           messages, with the harness's selector octet
# The sealed seeds of fuzz_seal_open are not committed: run.sh makes them
# from corpus/mih_msg with the harness's own test keys (MIHSEC_FUZZ_SEAL_*).
set -euo pipefail
top=$(dirname "$(dirname "$(realpath "$0")")")
cd "$top"
make -s -C daemon "$top/build/daemon/tools/mihgen" "$top/kmod/tests/vectors.h"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/daemon/tools/mihgen "$tmp/gen.pcap" >"$tmp/gen.txt"
python3 - "$tmp/gen.pcap" "$tmp/gen.txt" <<'PY'
import os, re, struct, sys
out = 'fuzz/corpus/mih_msg'
os.makedirs(out, exist_ok=True)
seen = set()
s = open('kmod/tests/vectors.h').read()
for m in re.finditer(r'static const u8 kat_(\w+)_plain\[\] = \{([^}]*)\}', s):
    b = bytes(int(x, 16) for x in re.findall(r'0x[0-9a-f]{2}', m.group(2)))
    if b in seen:
        continue
    seen.add(b)
    name = re.sub(r'_e\d_d\d.*', '', re.sub(r'^s\d_', '', m.group(1)))
    open(f'{out}/wire-{name.replace("_", "-")}', 'wb').write(b)
names = [l.split()[2] for l in open(sys.argv[2]) if l[0].isdigit()]
p = open(sys.argv[1], 'rb').read()
pos, i, ie = 24, 0, []
while pos + 16 <= len(p):
    caplen = struct.unpack('<I', p[pos + 8:pos + 12])[0]
    frame = p[pos + 16:pos + 16 + caplen]
    pos += 16 + caplen
    ihl = (frame[14] & 0xf) * 4
    pdu = frame[14 + ihl + 8:]
    name = re.sub(r'^MIH_', '', names[i] if i < len(names) else str(i))
    i += 1
    if pdu in seen:
        continue
    seen.add(pdu)
    open(f'{out}/gen-{i:02d}-{name}', 'wb').write(pdu)

def mihlen(b, o):
    # WIRE.md 4 length: returns (len, octets)
    if b[o] <= 0x80:
        return b[o], 1
    n = b[o] & 0x7f
    return 128 + int.from_bytes(b[o + 1:o + 1 + n], 'big'), 1 + n

ie = 'fuzz/corpus/mih_ie'
os.makedirs(ie, exist_ok=True)
k = 0
for pdu in sorted(seen):
    o = 8
    while o + 2 <= len(pdu):
        t = pdu[o]
        l, n = mihlen(pdu, o + 1)
        v = pdu[o + 1 + n:o + 1 + n + l]
        o += 1 + n + l
        if t not in (43, 48):
            continue
        k += 1
        # 0 / 1: the TLV value; 2 / 3: one LIST(IE) of a TLV 48 value
        open(f'{ie}/tlv{t}-{k:02d}', 'wb').write(bytes([0 if t == 43 else 1]) + v)
        if t == 48 and len(v) > 1 and v[0] > 0 and v[0] < 0x80:
            for sel in (2, 3):
                open(f'{ie}/ielist{sel}-{k:02d}', 'wb').write(bytes([sel]) + v[1:])
PY
