#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""report.py SUMMARY CSV OUTDIR: the comparison table (the shape of the
published Table 3: rows = metrics, columns = mihsec / DTLS 1.2 /
IPsec-IKEv2, ratios to mihsec) on stdout and in OUTDIR/compare.txt, and
the data files the chart (plot.gp) reads.  Only formats what
bench/compare/guest.sh measured; nothing is computed that was not
measured."""
import csv
import os
import sys

METHODS = ("mihsec", "dtls", "ipsec")
NAMES = {"mihsec": "mihsec", "dtls": "DTLS 1.2", "ipsec": "IPsec/IKEv2"}
WIRE_KIND = {"plain": "mih", "mihsec": "mih", "dtls": "dtls_app", "ipsec": "esp"}


def load(path):
    s = {}
    for line in open(path):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            s[k] = v
    return s


def mp(s, key):
    """(median, p90, n) or None"""
    v = s.get(key, "").split()
    if len(v) != 3 or v[0] == "-":
        return None
    return float(v[0]), float(v[1]), int(v[2])


def wire(s, m, sec, kind, d):
    v = s.get("%s.wire.%s.%s.%s" % (m, sec, kind, d), "").split()
    return (int(v[0]), int(v[1])) if len(v) == 2 else (0, 0)


def per_exchange(s, m):
    """IP octets of one request + one response, from the rtt capture"""
    k = WIRE_KIND[m]
    qc, qo = wire(s, m, "rtt", k, "req")
    rc, ro = wire(s, m, "rtt", k, "rsp")
    if not qc or not rc:
        return None
    return qo / qc + ro / rc


def ratio(v, base):
    if v is None or base is None or base <= 0 or v < 0:
        return ""
    return " (x%.1f)" % (v / base) if v / base < 100 else " (x%.0f)" % (v / base)


def fmt(v, unit="", nd=2):
    if v is None:
        return "n/a"
    return ("%." + str(nd) + "f%s") % (v, unit)


def main():
    s = load(sys.argv[1])
    out = sys.argv[3]
    rows = []

    # (a) set-up latency
    a = {m: mp(s, m + ".first_ms") for m in METHODS}
    rows.append(("(a) set-up latency, ms median [p90]",
                 {m: (fmt(a[m][0]) + " [" + fmt(a[m][1]) + "]" + ratio(a[m][0], a["mihsec"] and a["mihsec"][0])
                      if a[m] else "n/a") for m in METHODS}))
    rows.append(("    runs", {m: str(a[m][2]) if a[m] else "0" for m in METHODS}))

    # (b) per-message latency added
    b = {}
    for m in METHODS:
        r, base, add = mp(s, m + ".rtt_us"), mp(s, m + ".base_rtt_us"), mp(s, m + ".added_us")
        b[m] = (add[0], add[1], r, base) if r and base and add else None
    rows.append(("(b) latency added per exchange, us median [p90]",
                 {m: (fmt(b[m][0], nd=0) + " [" + fmt(b[m][1], nd=0) + "]" +
                      ratio(b[m][0], b["mihsec"] and b["mihsec"][0]) if b[m] else "n/a") for m in METHODS}))
    rows.append(("    RTT protected / in clear, us median",
                 {m: ("%s / %s" % (fmt(b[m][2][0], nd=0), fmt(b[m][3][0], nd=0)) if b[m] else "n/a")
                  for m in METHODS}))

    # (c) octets
    plain = per_exchange(s, "plain")
    c = {m: (per_exchange(s, m) - plain if per_exchange(s, m) is not None and plain else None)
         for m in METHODS}
    rows.append(("(c) octets added per request/response (IP)",
                 {m: (fmt(c[m], nd=0) + ratio(c[m], c["mihsec"])) if c[m] is not None else "n/a"
                  for m in METHODS}))
    rows.append(("    exchange in clear / protected, octets",
                 {m: ("%s / %s" % (fmt(plain, nd=0), fmt(per_exchange(s, m), nd=0))) for m in METHODS}))
    hs = {}
    for m, kinds in (("mihsec", ("mih_setup_extra",)), ("dtls", ("dtls_hs",)), ("ipsec", ("ike",))):
        tot = cnt = 0
        for k in kinds:
            for d in ("req", "rsp"):
                n, o = wire(s, m, "setup", k, d)
                cnt += n
                tot += o
        hs[m] = (cnt, tot)
    eap = [wire(s, "mihsec", "setup", "eapol", d) for d in ("req", "rsp")]
    rows.append(("    set-up octets on IP beyond L2 auth (datagrams)",
                 {m: "%d (%d)" % (hs[m][1], hs[m][0]) for m in METHODS}))
    rows.append(("    EAP-PEAP pre-authentication at L2 (frames)",
                 {"mihsec": "%d (%d)" % (eap[0][1] + eap[1][1], eap[0][0] + eap[1][0]),
                  "dtls": "t0 after L2", "ipsec": "t0 after L2"}))

    # (d) datagrams per second: medians over rounds; relative to clear
    d = {}
    for m in ("plain",) + METHODS:
        r, cpu = mp(s, m + ".flood_per_s"), mp(s, m + ".flood_per_cpu_s")
        rel, crel = mp(s, m + ".flood_rel"), mp(s, m + ".flood_cpu_rel")
        d[m] = (r[0], cpu[0] if cpu else None, rel[0] if rel else None,
                crel[0] if crel else None) if r else None
    rows.append(("(d) datagrams/s, one-way flood, 1 sender",
                 {m: (fmt(d[m][0], nd=0) + ratio(d[m][0], d["mihsec"] and d["mihsec"][0]))
                  if d[m] else "n/a" for m in METHODS}))
    rows.append(("    per CPU-second (sender + receiver)",
                 {m: (fmt(d[m][1], nd=0) + ratio(d[m][1], d["mihsec"] and d["mihsec"][1]))
                  if d[m] and d[m][1] else "n/a" for m in METHODS}))
    rows.append(("    rate / clear rate at the same moment",
                 {m: (fmt(d[m][2]) + ratio(d[m][2], d["mihsec"] and d["mihsec"][2]))
                  if d[m] and d[m][2] else "n/a" for m in METHODS}))
    rows.append(("    per-CPU rate / clear, same moment",
                 {m: (fmt(d[m][3]) + ratio(d[m][3], d["mihsec"] and d["mihsec"][3]))
                  if d[m] and d[m][3] else "n/a" for m in METHODS}))

    # (e) address change
    e = {}
    for m in METHODS:
        v = s.get(m + ".move", "").split()
        if v[:2] == ["move", "survived"]:
            e[m] = "yes%s, next response %s ms" % (
                " (MOBIKE)" if m == "ipsec" and s.get("ipsec.mobike") == "yes" else "", v[2])
        elif v[:2] == ["move", "recovered"]:
            e[m] = "no: new handshake, %s ms" % v[2]
        elif m == "ipsec" and s.get("ipsec.recover", "").startswith("setup ok"):
            r = s["ipsec.recover"].split()
            e[m] = "no: re-initiate, %s ms" % r[2]
        else:
            e[m] = "no (%s)" % (" ".join(v[1:]) or "not measured")
    rows.append(("(e) survives the MMT's address change", e))
    rec = {}
    for m in METHODS:
        tot = cnt = 0
        for k, v in s.items():
            if k.startswith(m + ".move.wire.") and (".dtls_hs." in k or ".ike." in k):
                n, o = map(int, v.split())
                cnt += n
                tot += o
        rec[m] = "%d (%d)" % (tot, cnt)
    rows.append(("    recovery octets on IP (datagrams)", rec))

    # (f) the handover call flow: 4 request/response exchanges, paired with
    # the same flow in clear; and t0 -> the flow's last response
    hf = {}
    for m in METHODS:
        fl, base, add = mp(s, m + ".flow_us"), mp(s, m + ".base_flow_us"), mp(s, m + ".flow_added_us")
        hf[m] = (fl, base, add) if fl and base and add else None
    ms = lambda v: v / 1000.0
    rows.append(("(f) handover call flow (4 exchanges), ms median [p90]",
                 {m: (fmt(ms(hf[m][0][0])) + " [" + fmt(ms(hf[m][0][1])) + "]" +
                      ratio(hf[m][0][0], hf["mihsec"] and hf["mihsec"][0][0]) if hf[m] else "n/a") for m in METHODS}))
    rows.append(("    the same flow in clear (paired), ms median [p90]",
                 {m: (fmt(ms(hf[m][1][0])) + " [" + fmt(ms(hf[m][1][1])) + "]" if hf[m] else "n/a")
                  for m in METHODS}))
    rows.append(("    added per flow, ms median [p90]",
                 {m: (fmt(ms(hf[m][2][0])) + " [" + fmt(ms(hf[m][2][1])) + "]" +
                      ratio(hf[m][2][0], hf["mihsec"] and hf["mihsec"][2][0]) if hf[m] else "n/a") for m in METHODS}))
    rows.append(("    flows (lost)", {m: "%s (%s)" % (s.get(m + ".flow_ok", "0"), s.get(m + ".flow_lost", "-"))
                                     for m in METHODS}))
    sf = {m: mp(s, m + ".setupflow_ms") for m in METHODS}
    rows.append(("    set-up + call flow (t0 as (a)), ms median [p90]",
                 {m: (fmt(sf[m][0]) + " [" + fmt(sf[m][1]) + "]" + ratio(sf[m][0], sf["mihsec"] and sf["mihsec"][0])
                      if sf[m] else "n/a") for m in METHODS}))

    def per_flow(m):
        k = WIRE_KIND[m]
        qc, qo = wire(s, m, "flow", k, "req")
        rc, ro = wire(s, m, "flow", k, "rsp")
        if not qc or qc != rc or qc % 4:
            return None
        return (qo + ro) / (qc / 4.0)
    pf = per_flow("plain")
    fo = {m: per_flow(m) for m in METHODS}
    rows.append(("    flow octets in clear / protected (IP), added",
                 {m: ("%s / %s, +%s%s" % (fmt(pf, nd=0), fmt(fo[m], nd=0), fmt(fo[m] - pf, nd=0),
                                          ratio(fo[m] - pf, fo["mihsec"] - pf if fo["mihsec"] else None))
                      if pf and fo[m] else "n/a") for m in METHODS}))

    w0 = max(len(r[0]) for r in rows) + 2
    w = [max(len(NAMES[m]), max(len(r[1][m]) for r in rows)) + 2 for m in METHODS]
    lines = []
    env = s
    lines.append("mihsec comparison bench (bench/compare/run): the same MIH "
                 "request/response, MMT <-> AR namespaces over veth")
    lines.append("environment: %s, guest kernel %s, %s CPUs (%s; AES-NI %s), %s, %s, %s" % (
        "qemu TCG (no KVM)" if env.get("env.virt", "") in ("qemu", "none", "unknown") else env.get("env.virt", ""),
        env.get("env.kernel"), env.get("env.cpus"), env.get("env.cpu"), env.get("env.aes"),
        env.get("env.openssl"), env.get("env.strongswan"), env.get("env.hostapd")))
    lines.append("runs: %s set-up runs per method, %s exchanges for RTT, %s s of flood; "
                 "absolute figures are emulated (TCG): compare the ratios" % (
                     env.get("env.runs"), env.get("env.msgs"), env.get("env.secs")))
    if env.get("env.hostload"):
        lines.append("host load average (1/5/15 min) before / after the VM run: %s (the host's other work "
                     "moves TCG timing: medians, and (b) paired)" % env["env.hostload"])
    lines.append("")
    lines.append("%-*s" % (w0, "metric") + "".join("%-*s" % (w[i], NAMES[m]) for i, m in enumerate(METHODS)))
    lines.append("-" * (w0 + sum(w)))
    for name, vals in rows:
        lines.append("%-*s" % (w0, name) + "".join("%-*s" % (w[i], vals[m]) for i, m in enumerate(METHODS)))
    lines.append("")
    lines.append("(xN): ratio to mihsec.  (a) end: the first protected MIH response the MMT accepted (the answer to the")
    lines.append("  call flow's first request, MIH_Get_Information, sent every 2 ms until answered; DTLS: once).  t0:")
    lines.append("  mihsec: EAP success at the AR (hostapd CTRL-EVENT-EAP-SUCCESS of the run's re-authentication, hostapd -t);")
    lines.append("  DTLS: L2 ready (EAP done before), the MMT opens a new socket: cookie round + full handshake + exchange;")
    lines.append("  IPsec: L2 ready, the MMT's first MIH request hits the trap policy: acquire -> IKE_SA_INIT + IKE_AUTH")
    lines.append("  (CHILD_SA installed on both ends) -> the request (retried every 2 ms) -> response.")
    lines.append("(b) per pair: one protected exchange and one in clear (UDP 4553) right after it (even pairs) or before it (odd);")
    lines.append("    median [p90] of the per-pair differences.  Noise floor, the same pairs clear vs clear (plain phase): %s us."
                 % ("median %.0f, p90 %.0f" % mp(s, "plain.added_us")[:2] if mp(s, "plain.added_us") else "n/a"))
    extra = []
    for k, label in (("mihsec.first_ms_supplicant", "mihsec from the MMT's EAP success (wpa_supplicant -t)"),
                     ("mihsec.first_ms_from_preauth", "mihsec from issuing wpa_cli preauthenticate (EAP-PEAP included)"),
                     ("dtls.handshake_ms", "DTLS handshake alone (SSL_connect)"),
                     ("ipsec.initiate_ms", "IPsec set-up via swanctl --initiate (t0 = swanctl spawned, process start included)"),
                     ("ipsec.swanctl_stats_ms", "swanctl start + one vici round trip (--stats) alone"),
                     ("plain.first_ms", "first response in clear (no security)")):
        v = mp(s, k)
        if v:
            extra.append("  %s: median %.2f ms, p90 %.2f ms (n %d)" % (label, v[0], v[1], v[2]))
    if extra:
        lines.append("related set-up figures:")
        lines += extra
    if d.get("plain"):
        lines.append("  flood in clear (plain phase): %.0f datagrams/s, %.0f per CPU-second" % d["plain"][:2])
    lines.append("(d) 3 rounds of %s s per method, each followed by the same flood in clear (UDP 4553); medians." % env.get("env.secs"))
    lines.append("(f) the MMT's handover call flow with its PoS (the AR answers all four, IS included): MIH_Get_Information,")
    lines.append("    MIH_MN_HO_Candidate_Query, MIH_MN_HO_Commit, MIH_MN_HO_Complete (requests and responses built with the")
    lines.append("    codec's typed builders, the TLVs mihsecd sends), each request sent when the previous response arrived;")
    lines.append("    %s flows per method, each paired with the same flow in clear (UDP 4553) right after (even) or before (odd);"
                 % env.get("env.flows", "?"))
    lines.append("    added = median [p90] of the per-pair differences.  Set-up + call flow: measured in the (a) runs, whose")
    lines.append("    probe is the flow's MIH_Get_Information request: t0 of (a) -> the MIH_MN_HO_Complete response.")
    if mp(s, "plain.flow_added_us"):
        pa = mp(s, "plain.flow_added_us")
        lines.append("    Noise floor, the same flow pairs clear vs clear (plain phase): median %.2f, p90 %.2f ms; plain flow" % (
            pa[0] / 1000.0, pa[1] / 1000.0))
        lines.append("    median %.2f ms.  A negative or near-zero 'added' is within that noise (no ratio printed then)." % (
            mp(s, "plain.flow_us")[0] / 1000.0))
    lines.append("    Octets: 5 flows captured on the AR's veth, both directions, per flow.")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    open(os.path.join(out, "compare.txt"), "w").write(text)

    # chart data: set-up latency (median, p90) and latency added (median, p90)
    with open(os.path.join(out, "compare-plot.dat"), "w") as f:
        f.write("# method setup_med setup_p90 added_med_us added_p90_us "
                "octets_added rate_per_s rate_per_cpu_s setupflow_med setupflow_p90 flow_med_ms flow_p90_ms flow_added_med_us flow_added_p90_us\n")
        for i, m in enumerate(METHODS):
            f.write('%d "%s" %s %s %s %s %s %s %s %s %s %s %s %s %s\n' % (
                i, NAMES[m],
                a[m][0] if a[m] else "NaN", a[m][1] if a[m] else "NaN",
                b[m][0] if b[m] else "NaN", b[m][1] if b[m] else "NaN",
                c[m] if c[m] is not None else "NaN",
                d[m][0] if d[m] else "NaN",
                d[m][1] if d[m] and d[m][1] else "NaN",
                sf[m][0] if sf[m] else "NaN", sf[m][1] if sf[m] else "NaN",
                hf[m][0][0] / 1000.0 if hf[m] else "NaN", hf[m][0][1] / 1000.0 if hf[m] else "NaN",
                hf[m][2][0] if hf[m] else "NaN", hf[m][2][1] if hf[m] else "NaN"))
    # (b) pairs for a second chart: per-pair added latency distribution


if __name__ == "__main__":
    main()
