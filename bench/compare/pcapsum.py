#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""pcapsum.py PCAP MARKS AR_ADDR: datagrams and octets per section and kind.

MARKS: lines "NAME REALTIME_US"; a section runs from its mark to the next.
Kinds: mih (UDP port 4551: plain or MIHSec-protected MIH), esp (IP
protocol 50), ike (UDP 500/4500), dtls_app (UDP 4552, first record
application data), dtls_hs (UDP 4552, handshake/CCS/alert first),
eapol (ethertypes 0x888e, 0x88c7: 802.1X and RSN pre-authentication),
other.  Octets: the IP datagram (total length) or, for EAPOL, the frame
without its Ethernet header.  Directions: req (toward AR_ADDR or, for
EAPOL, toward the AR's port), rsp (the other way).
Prints "SECTION.KIND.DIR COUNT OCTETS" lines, one per combination seen.
"""
import socket
import struct
import sys


def main():
    raw = open(sys.argv[1], "rb").read()
    marks = []
    for line in open(sys.argv[2]):
        f = line.split()
        if len(f) == 2:
            marks.append((int(f[1]), f[0]))
    marks.sort()
    ar = socket.inet_aton(sys.argv[3])
    if len(raw) < 24:
        return
    magic = struct.unpack("<I", raw[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    nano = struct.unpack(e + "I", raw[:4])[0] == 0xa1b23c4d
    ar_mac = None
    acc = {}
    off = 24
    while off + 16 <= len(raw):
        sec, frac, caplen, wirelen = struct.unpack(e + "IIII", raw[off:off + 16])
        fr = raw[off + 16:off + 16 + caplen]
        off += 16 + caplen
        t = sec * 1000000 + (frac // 1000 if nano else frac)
        name = None
        for mt, mn in marks:
            if t >= mt:
                name = mn
        if name is None or len(fr) < 14:
            continue
        et = struct.unpack("!H", fr[12:14])[0]
        if et in (0x888e, 0x88c7):
            kind, size = "eapol", wirelen - 14
            if ar_mac is None:	# the first EAPOL frame goes to the AR
                ar_mac = fr[0:6]
            d = "req" if fr[0:6] == ar_mac else "rsp"
        elif et == 0x0800 and len(fr) >= 34:
            ip = fr[14:]
            size = struct.unpack("!H", ip[2:4])[0]
            proto = ip[9]
            d = "req" if ip[16:20] == ar else "rsp"
            u = ip[(ip[0] & 15) * 4:]
            kind = "other"
            if proto == 50:
                kind = "esp"
            elif proto == 17 and len(u) >= 8:
                sp, dp = struct.unpack("!HH", u[:4])
                if 4551 in (sp, dp):
                    kind = "mih"
                elif 4552 in (sp, dp):
                    kind = "dtls_app" if u[8:9] == b"\x17" else "dtls_hs"
                elif sp in (500, 4500) or dp in (500, 4500):
                    kind = "ike"
        else:
            continue
        k = "%s.%s.%s" % (name, kind, d)
        c, o = acc.get(k, (0, 0))
        acc[k] = (c + 1, o + size)
    for k in sorted(acc):
        print(k, *acc[k])


if __name__ == "__main__":
    main()
