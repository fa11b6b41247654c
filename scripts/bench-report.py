#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench-report: summary, side-by-side tables, plots and docs/performance.md from a corpus run.

Reads bench/results/latest.tsv (written by `draco-check --jobs 1 -o ...` in bench/run.sh), the
baselines of ../shared/corpus/baselines (corpus.tsv: PREVAIL's and the kernel's verdicts, times
and memory, and the ground truth), and when present bench/results/{cost.tsv,profile.txt,
frontend.tsv,env.txt} and bench/cost-baseline.tsv. Prints the summary, writes
bench/results/side-by-side.tsv (one joined row per program), the plots docs/performance-time.png
and docs/performance-memory.png (gnuplot), and docs/performance.md.

Usage: scripts/bench-report.py [--results FILE] [--no-doc]
Regenerating the document from existing results needs no rebuild and no rerun.
"""
import argparse
import csv
import datetime
import math
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
BASELINES = os.path.join(SHARED, "corpus", "baselines")
RESULTS = os.path.join(ROOT, "bench", "results")
DOCS = os.path.join(ROOT, "docs")

PREVAIL_TOTAL_S = 105.0      # baselines/README.md: PREVAIL v0.2.6, 636 programs, one process each
PREVAIL_PEAK_MIB = 266.0     # cilium/bpf_lxc.o 2/7
TIME_FACTOR, MEM_FACTOR = 10.0, 4.0


# ---------------------------------------------------------------------------------------------
def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t"))


def num(s):
    try:
        v = float(s)
        return v if v >= 0 and not math.isnan(v) else None
    except (TypeError, ValueError):
        return None


def norm(f):
    while f.startswith("./"):
        f = f[2:]
    return f


def key(r):
    """(file, section, function); a file that failed to open is ("file", "", "") on both sides."""
    return (norm(r["file"]), "" if r["section"] == "-" else r["section"], "" if r["function"] == "-" else r["function"])


def pct(v, p):
    """The p-th percentile (nearest rank) of a list."""
    v = sorted(x for x in v if x is not None)
    if not v:
        return None
    return v[min(len(v) - 1, int(len(v) * p / 100.0))]


def median(v):
    return pct(v, 50)


def geomean(v):
    v = [x for x in v if x and x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None


def fs(v, unit="s", digits=3):
    if v is None:
        return "-"
    if unit == "ms":
        return "%.1f ms" % (v * 1e3)
    if unit == "MiB":
        return "%.1f MiB" % v
    return ("%." + str(digits) + "f s") % v


def ratio(a, b):
    return a / b if a is not None and b else None


def fr(r):
    return "-" if r is None else ("%.2fx" % r if r < 10 else "%.0fx" % r)


def prog(r):
    return "%s %s/%s" % (norm(r["file"]), r["section"], r["function"]) if r["section"] or r["function"] else norm(r["file"])


def md_table(header, rows, align=None):
    out = ["| " + " | ".join(header) + " |"]
    al = align or ["---"] * len(header)
    out.append("| " + " | ".join(al) + " |")
    for r in rows:
        out.append("| " + " | ".join(str(x).replace("|", "\\|") for x in r) + " |")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
class Data:
    def __init__(self, results_path):
        self.ours = read_tsv(results_path)
        self.corpus = read_tsv(os.path.join(BASELINES, "corpus.tsv"))
        self.by_key = {key(r): r for r in self.ours}
        self.base = {key(r): r for r in self.corpus}
        self.joined = []     # (ours, corpus) for every program in both
        for r in self.ours:
            c = self.base.get(key(r))
            if c:
                self.joined.append((r, c))
        self.only_ours = [r for r in self.ours if key(r) not in self.base]
        self.only_base = [c for c in self.corpus if key(c) not in self.by_key]

    def engine_missing(self):
        return self.ours and all("not available in this build" in r.get("message", "") or r["verdict"] != "pass"
                                 for r in self.ours) and \
            any("not available in this build" in r.get("message", "") for r in self.ours)


def summary(d):
    o = d.ours
    S = {}
    S["n"] = len(o)
    S["verdicts"] = {}
    for r in o:
        S["verdicts"][r["verdict"]] = S["verdicts"].get(r["verdict"], 0) + 1
    for k in ("wall_s", "cpu_s", "load_s", "verify_s", "decode_s", "cfg_s", "analysis_s", "check_s"):
        vals = [num(r.get(k)) for r in o]
        S[k] = sum(v for v in vals if v is not None)
        S[k + "_n"] = sum(1 for v in vals if v is not None)
    walls = [num(r["wall_s"]) for r in o]
    S["median"], S["p90"] = median(walls), pct(walls, 90)
    S["max_wall_r"] = max(o, key=lambda r: num(r["wall_s"]) or 0) if o else None
    rss = [num(r["peak_rss_kib"]) for r in o]
    S["rss_median"] = (median(rss) or 0) / 1024
    S["rss_p90"] = (pct(rss, 90) or 0) / 1024
    S["max_rss_r"] = max(o, key=lambda r: num(r["peak_rss_kib"]) or 0) if o else None
    S["rss_max"] = (num(S["max_rss_r"]["peak_rss_kib"]) or 0) / 1024 if o else 0
    S["states"] = sum(int(r["states"]) for r in o if r.get("states", "").isdigit())
    return S


def truth_check(d):
    """Verdicts against corpus.tsv's truth column."""
    T = {"matrix": {}, "unsafe_accepted": [], "safe_rejected": [], "malformed_accepted": [],
         "malformed_rejected_not_refused": []}
    for r, c in d.joined:
        t, v = c["truth"], r["verdict"]
        T["matrix"].setdefault(t, {}).setdefault(v, 0)
        T["matrix"][t][v] += 1
        if t == "unsafe" and v == "pass":
            T["unsafe_accepted"].append((r, c))
        elif t == "safe" and v != "pass":
            T["safe_rejected"].append((r, c))
        elif t == "malformed" and v == "pass":
            T["malformed_accepted"].append((r, c))
    P = {}
    for r, c in d.joined:
        pv = c["prevail_verdict"]
        P.setdefault((pv, r["verdict"]), 0)
        P[(pv, r["verdict"])] += 1
    T["prevail"] = P
    return T


def side_by_side(d):
    rows = []
    for r, c in d.joined:
        k_us = num(c.get("kernel_usec"))
        rows.append({
            "file": norm(r["file"]), "section": r["section"], "function": r["function"],
            "insns": c["insns"], "truth": c["truth"], "verdict": r["verdict"],
            "prevail_verdict": c["prevail_verdict"], "kernel_outcome": c["kernel_outcome"],
            "wall_s": num(r["wall_s"]), "cpu_s": num(r["cpu_s"]), "verify_s": num(r.get("verify_s")),
            "verify_cpu_s": num(r.get("verify_cpu_s")),
            "peak_mib": (num(r["peak_rss_kib"]) or 0) / 1024 if num(r["peak_rss_kib"]) is not None else None,
            "prevail_wall_s": num(c["prevail_wall_s"]),
            "prevail_peak_mib": (num(c["prevail_peak_rss_kib"]) or 0) / 1024 if num(c["prevail_peak_rss_kib"]) is not None else None,
            "kernel_s": k_us / 1e6 if k_us is not None else None,
            "states": r.get("states", ""), "message": r.get("message", ""),
        })
    return rows


def write_side_by_side(rows, path):
    cols = ["file", "section", "function", "insns", "truth", "verdict", "prevail_verdict", "kernel_outcome",
            "wall_s", "cpu_s", "verify_s", "prevail_wall_s", "kernel_s", "wall_vs_prevail", "verify_vs_kernel",
            "peak_mib", "prevail_peak_mib", "mem_vs_prevail", "states", "message"]
    with open(path, "w") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            x = dict(r)
            x["wall_vs_prevail"] = ratio(r["wall_s"], r["prevail_wall_s"])
            x["verify_vs_kernel"] = ratio(r["verify_s"], r["kernel_s"])
            x["mem_vs_prevail"] = ratio(r["peak_mib"], r["prevail_peak_mib"])
            f.write("\t".join("" if x[k] is None else ("%.6g" % x[k] if isinstance(x[k], float) else str(x[k]))
                              for k in cols) + "\n")


# ---------------------------------------------------------------------------------------------
def plots(rows, outdir):
    """Two PNGs with gnuplot; returns the list of files written (empty without gnuplot)."""
    gp = shutil.which("gnuplot")
    if not gp:
        return [], "gnuplot not installed (scripts/bench-deps.sh installs gnuplot-nox): no plots"
    # CPU time when the run has it: on a busy machine wall time stretches, CPU time much less
    cpu = any(r["verify_cpu_s"] is not None for r in rows)
    tk, vk = ("cpu_s", "verify_cpu_s") if cpu else ("wall_s", "verify_s")
    what = "CPU" if cpu else "wall"
    dat = os.path.join(RESULTS, "plot.dat")
    with open(dat, "w") as f:
        f.write("# insns draco_wall_s prevail_wall_s kernel_s draco_peak_mib prevail_peak_mib draco_verify_s\n")
        for r in rows:
            if not r["insns"].isdigit():
                continue
            vals = [r["insns"]] + ["NaN" if r[k] is None or r[k] <= 0 else "%.6g" % r[k]
                                   for k in (tk, "prevail_wall_s", "kernel_s", "peak_mib",
                                             "prevail_peak_mib", vk)]
            f.write(" ".join(vals) + "\n")
    t_png = os.path.join(outdir, "performance-time.png")
    m_png = os.path.join(outdir, "performance-memory.png")
    script = """
set terminal pngcairo size 960,640 font ",11"
set datafile missing "NaN"
set logscale xy
set grid
set key top left
set xlabel "instructions"
set format y "%%g"
set output "%(t)s"
set title "Time per program against its size (ebpf-samples, one process per program)"
set ylabel "seconds"
plot "%(d)s" using 1:3 with points pt 7 ps 0.6 lc rgb "#999999" title "PREVAIL v0.2.6 (process wall)", \\
     "%(d)s" using 1:4 with points pt 9 ps 0.7 lc rgb "#d95f02" title "Linux 6.18 verifier (verification time)", \\
     "%(d)s" using 1:2 with points pt 5 ps 0.5 lc rgb "#1b9e77" title "draco-verify (process %(w)s)", \\
     "%(d)s" using 1:7 with points pt 1 ps 0.5 lc rgb "#7570b3" title "draco-verify (draco\\\\_verify only, %(w)s)"
set output "%(m)s"
set title "Peak memory per program against its size (whole process, max RSS)"
set ylabel "MiB"
plot "%(d)s" using 1:6 with points pt 7 ps 0.6 lc rgb "#999999" title "PREVAIL v0.2.6", \\
     "%(d)s" using 1:5 with points pt 5 ps 0.5 lc rgb "#1b9e77" title "draco-verify"
""" % {"t": t_png, "m": m_png, "d": dat, "w": what}
    p = subprocess.run([gp], input=script, text=True, stderr=subprocess.PIPE)
    if p.returncode != 0:
        return [], "gnuplot failed: " + p.stderr.strip()[:300]
    return [t_png, m_png], ""


# ---------------------------------------------------------------------------------------------
def largest(rows, n=10):
    rr = [r for r in rows if r["insns"].isdigit() and r["truth"] in ("safe", "unsafe", "disputed", "unknown")]
    return sorted(rr, key=lambda r: (-int(r["insns"]), r["file"], r["section"], r["function"]))[:n]


def env_info():
    p = os.path.join(RESULTS, "env.txt")
    if os.path.exists(p):
        with open(p) as f:
            return dict(l.rstrip("\n").split("=", 1) for l in f if "=" in l)
    return {}


def summary_text(d, S, T, rows, brief=False):
    L = []
    vs = ", ".join("%d %s" % (n, v) for v, n in sorted(S["verdicts"].items(), key=lambda x: -x[1]))
    L.append("draco-verify on ebpf-samples: %d programs (%s)" % (S["n"], vs))
    mw = S["max_wall_r"]
    L.append("time: total %.3f s wall, %.3f s CPU; median %s, p90 %s, max %s (%s)" % (
        S["wall_s"], S["cpu_s"], fs(S["median"], "ms"), fs(S["p90"], "ms"),
        fs(num(mw["wall_s"]) if mw else None, "ms"), prog(mw) if mw else "-"))
    L.append("phases (sums): load %.3f s, decode %.3f s, CFG %.3f s, analysis+check %.3f s; draco_verify %.3f s" % (
        S["load_s"], S["decode_s"], S["cfg_s"], S["analysis_s"], S["verify_s"]))
    mr = S["max_rss_r"]
    L.append("peak memory: median %.1f MiB, p90 %.1f MiB, max %.1f MiB (%s)" % (
        S["rss_median"], S["rss_p90"], S["rss_max"], prog(mr) if mr else "-"))
    M = T["matrix"]
    def cnt(t, pred):
        return sum(n for v, n in M.get(t, {}).items() if pred(v))
    nu, ns, nm = cnt("unsafe", lambda v: True), cnt("safe", lambda v: True), cnt("malformed", lambda v: True)
    L.append("against truth: unsafe rejected %d/%d, safe accepted %d/%d, malformed refused %d/%d" % (
        cnt("unsafe", lambda v: v != "pass"), nu, cnt("safe", lambda v: v == "pass"), ns,
        cnt("malformed", lambda v: v == "error"), nm))
    if T["unsafe_accepted"]:
        L.append("  UNSOUND? unsafe programs accepted (%d):" % len(T["unsafe_accepted"]))
        for r, c in T["unsafe_accepted"]:
            L.append("    %s (PREVAIL: %s; kernel: %s)" % (prog(r), c["prevail_verdict"], c["kernel_outcome"]))
    if T["malformed_accepted"]:
        L.append("  malformed programs accepted (%d):" % len(T["malformed_accepted"]))
        for r, c in T["malformed_accepted"]:
            L.append("    %s" % prog(r))
    if T["safe_rejected"] and brief:
        L.append("  safe programs not accepted: %d (listed below)" % len(T["safe_rejected"]))
    elif T["safe_rejected"]:
        L.append("  safe programs not accepted (%d):" % len(T["safe_rejected"]))
        for r, c in T["safe_rejected"][:15]:
            L.append("    %s: %s: %s" % (prog(r), r["verdict"], r.get("message", "")[:110]))
        if len(T["safe_rejected"]) > 15:
            L.append("    ... %d more in bench/results/side-by-side.tsv" % (len(T["safe_rejected"]) - 15))
    if d.only_ours or d.only_base:
        L.append("not matched with corpus.tsv: %d of ours, %d of the baseline" % (len(d.only_ours), len(d.only_base)))
    return L

PARTITION_FACTOR = 1.5       # issue 5: the corpus time with partitioning within 1.5x of without


def inprocess_total(name):
    """(total s, analysis s) of a bench_verify summary line, or None."""
    for l in inprocess_lines(name) or []:
        if l.startswith("best of"):
            try:
                tot = float(l.split("total ")[1].split(" s")[0])
                ana = float(l.split("analysis ")[1].split(" s")[0])
                return tot, ana
            except (IndexError, ValueError):
                return None
    return None


def partition_cost(d):
    """What trace partitioning (the default, auto) costs against --partition=off: None if the off run
    is missing, else a dict of sums and the per-category split."""
    p = os.path.join(RESULTS, "latest-off.tsv")
    if not os.path.exists(p) or os.path.getmtime(p) + 3600 < os.path.getmtime(os.path.join(RESULTS, "latest.tsv")):
        return None
    off = {key(r): r for r in read_tsv(p)}
    tot = lambda rs, k: sum(num(r.get(k)) or 0 for r in rs)
    on = d.ours
    both = [(r, off[key(r)]) for r in on if key(r) in off]
    cats = {}
    for r, o in both:
        c = "%s -> %s" % (o["verdict"], r["verdict"])
        e = cats.setdefault(c, [0, 0.0, 0.0])
        e[0] += 1
        e[1] += num(o.get("verify_s")) or 0
        e[2] += num(r.get("verify_s")) or 0
    res = {"wall": (tot(off.values(), "wall_s"), tot(on, "wall_s")),
           "cpu": (tot(off.values(), "cpu_s"), tot(on, "cpu_s")),
           "verify": (tot(off.values(), "verify_s"), tot(on, "verify_s")),
           "analysis": (tot(off.values(), "analysis_s"), tot(on, "analysis_s")),
           "pass": (sum(1 for r in off.values() if r["verdict"] == "pass"), sum(1 for r in on if r["verdict"] == "pass")),
           "cats": cats}
    a, b = inprocess_total("inprocess-off.tsv"), inprocess_total("inprocess.tsv")
    if a and b:
        res["inprocess"] = (a[0], b[0])
        res["inprocess_analysis"] = (a[1], b[1])
        c = inprocess_total("inprocess-off-all.tsv")
        if c:
            res["inprocess_all"] = (c[0], b[0])
    # per program, in one process: off, off with every path to its end (--all-failures), auto
    runs = [inprocess_programs(n) for n in ("inprocess-off.tsv", "inprocess-off-all.tsv", "inprocess.tsv")]
    if all(runs):
        split = {}
        for k, (v_off, t_off) in runs[0].items():
            if k not in runs[1] or k not in runs[2]:
                continue
            v_on, t_on = runs[2][k]
            e = split.setdefault("%s -> %s" % (v_off, v_on), [0, 0.0, 0.0, 0.0])
            e[0] += 1
            e[1] += t_off
            e[2] += runs[1][k][1]
            e[3] += t_on
        res["inprocess_split"] = split
    return res


def inprocess_programs(name):
    """{(file, section, function): (verdict, draco_verify() s)} from a bench_verify TSV, or None."""
    p = os.path.join(RESULTS, name)
    if not os.path.exists(p):
        return None
    out = {}
    with open(p) as f:
        for l in f:
            c = l.rstrip("\n").split("\t")
            if l.startswith("#") or len(c) < 6:
                continue
            out[(norm(c[0]), c[1], c[2])] = (c[3], float(c[5]))
    return out


def partition_section(P):
    if not P:
        return "Not measured in this run (`bench/results/latest-off.tsv` is missing or older than the run).\n"
    rows = []
    for lab, k in (("corpus run, process wall (the benchmark)", "wall"), ("corpus run, CPU", "cpu"),
                   ("corpus run, `draco_verify()` only", "verify"), ("corpus run, analysis + check only", "analysis"),
                   ("library alone, one process (`bench_verify`, best of 3)", "inprocess"),
                   ("library alone, analysis + check only", "inprocess_analysis")):
        if k in P:
            a, b = P[k]
            rows.append([lab, fs(a), fs(b), fr(ratio(b, a))])
    L = [md_table(["", "--partition=off", "auto (default)", "auto / off"], rows, ["---", "--:", "--:", "--:"]), ""]
    L.append("Programs proven: %d with `--partition=off`, %d with the default.\n" % P["pass"])
    if "inprocess_all" in P:
        a, b = P["inprocess_all"]
        L.append("The library alone with `--partition=off --all-failures` (the joined analysis taken past every "
                 "failed check to the end of each program, as PREVAIL's is): %s; the default takes %s of that.\n"
                 % (fs(a), fr(ratio(b, a))))
    L.append("Where the extra time goes (`draco_verify()` time by verdict off -> auto):\n")
    L.append(md_table(["verdict off -> auto", "programs", "off", "auto", "extra"],
                      [[c, n, fs(a), fs(b), fs(b - a)] for c, (n, a, b) in sorted(P["cats"].items(), key=lambda x: -(x[1][2] - x[1][1]))],
                      ["---", "--:", "--:", "--:", "--:"]))
    L.append("\nPartitioning runs only on programs the joined analysis rejects, so a program proven without it "
             "costs the same. The joined analysis abandons a path at its first failed check, so it stops early "
             "on a program it rejects; a program that partitioning then proves is analysed to its end for the "
             "first time, and that whole analysis is most of the extra time (see docs/precision.md, \"Cost\").\n")
    sp = P.get("inprocess_split")
    if sp:
        L.append("The same split in one process (`bench_verify`, each program's best `draco_verify()` time of 3 runs), with a third "
                 "run: the joined analysis taken past every failed check to the end of the program "
                 "(`--partition=off --all-failures`), i.e. the cost of analysing as much of the program as the "
                 "partitioned round does, without partitioning:\n")
        L.append(md_table(["verdict off -> auto", "programs", "off", "off, every path to its end", "auto",
                           "auto / off", "auto / off to the end"],
                          [[c, n, fs(a), fs(e), fs(b), fr(ratio(b, a)), fr(ratio(b, e))]
                           for c, (n, a, e, b) in sorted(sp.items(), key=lambda x: -(x[1][3] - x[1][1]))],
                          ["---", "--:", "--:", "--:", "--:", "--:", "--:"]))
        L.append("")
    return "\n".join(L)


def targets(d, S, rows):
    """(label, goal, now, met) rows and the 10-largest table rows."""
    total = sum(r["wall_s"] or 0 for r in rows)
    cpu = sum(r["cpu_s"] or 0 for r in rows)
    goal_t = PREVAIL_TOTAL_S / TIME_FACTOR
    goal_m = PREVAIL_PEAK_MIB / MEM_FACTOR
    big = largest(rows)
    faster = [r for r in big if r["verify_s"] is not None and r["kernel_s"] is not None and r["verify_s"] <= r["kernel_s"]]
    faster_cpu = [r for r in big if r["verify_cpu_s"] is not None and r["kernel_s"] is not None
                  and r["verify_cpu_s"] <= r["kernel_s"]]
    sound = [r for r in big if r["verdict"] == "pass" or r["truth"] != "safe"]
    out = [
        ("whole corpus, wall time (sum over %d programs)" % len(rows), "< %.1f s (PREVAIL %.0f s / %d)" % (goal_t, PREVAIL_TOTAL_S, TIME_FACTOR),
         "%.2f s (CPU %.2f s)" % (total, cpu), True if total < goal_t else ("cpu" if cpu < goal_t else False)),
        ("peak memory, largest process", "< %.1f MiB (PREVAIL %.0f MiB / %d)" % (goal_m, PREVAIL_PEAK_MIB, MEM_FACTOR),
         "%.1f MiB" % S["rss_max"], S["rss_max"] < goal_m),
        ("10 largest programs vs the kernel's verifier", "each no slower",
         "%d of 10 no slower (%d in CPU time); %d of 10 with the right verdict" % (len(faster), len(faster_cpu), len(sound)),
         len(sound) == 10 and (len(faster) == 10 or ("cpu" if len(faster_cpu) == 10 else False))),
    ]
    P = partition_cost(d)
    if P:
        (wa, wb), (ca, cb) = P["wall"], P["cpu"]
        out.append(("trace partitioning (default) vs --partition=off, corpus time",
                    "<= %.1fx" % PARTITION_FACTOR,
                    "%s (%.2f s vs %.2f s; CPU %s)" % (fr(ratio(wb, wa)), wb, wa, fr(ratio(cb, ca))),
                    True if ratio(wb, wa) <= PARTITION_FACTOR else ("cpu" if ratio(cb, ca) <= PARTITION_FACTOR else False)))
    return out, big


def totals_table(rows):
    def col(sel, tk, mk):
        t = [r[tk] for r in sel if r[tk] is not None]
        m = [r[mk] for r in sel if mk and r[mk] is not None]
        return t, m
    with_k = [r for r in rows if r["kernel_s"] is not None]
    lines = []
    for name, tk, mk, sel in (("draco-verify, process wall", "wall_s", "peak_mib", rows),
                              ("draco-verify, CPU", "cpu_s", None, rows),
                              ("draco-verify, draco_verify() only", "verify_s", None, rows),
                              ("PREVAIL v0.2.6, process wall", "prevail_wall_s", "prevail_peak_mib", rows),
                              ("draco-verify, draco_verify() only, on the kernel's programs", "verify_s", None, with_k),
                              ("Linux 6.18 verifier, verification time", "kernel_s", None, with_k)):
        t, m = col(sel, tk, mk)
        lines.append([name, len(t), fs(sum(t)), fs(median(t), "ms"), fs(pct(t, 90), "ms"), fs(max(t) if t else None),
                      fs(max(m), "MiB") if m else "-", fs(median(m), "MiB") if m else "-"])
    return md_table(["", "programs", "total", "median", "p90", "max", "peak mem max", "peak mem median"], lines,
                    ["---", "--:", "--:", "--:", "--:", "--:", "--:", "--:"])


def ratio_table(rows):
    lines = []
    for name, a, b in (("process wall / PREVAIL wall", "wall_s", "prevail_wall_s"),
                       ("draco_verify() / kernel verification", "verify_s", "kernel_s"),
                       ("peak memory / PREVAIL peak memory", "peak_mib", "prevail_peak_mib")):
        rs = [ratio(r[a], r[b]) for r in rows if r[a] is not None and r[b]]
        rs = [x for x in rs if x is not None]
        lines.append([name, len(rs), fr(pct(rs, 10)), fr(median(rs)), fr(pct(rs, 90)), fr(geomean(rs)),
                      fr(ratio(sum(r[a] for r in rows if r[a] is not None and r[b]),
                               sum(r[b] for r in rows if r[a] is not None and r[b])))])
    return md_table(["ratio (draco-verify / other)", "programs", "p10", "median", "p90", "geometric mean", "of totals"],
                    lines, ["---", "--:", "--:", "--:", "--:", "--:", "--:"])


def cost_is_stale():
    """cost.tsv older than this run's env.txt: written by an earlier run (BENCH_COST=0 this time)."""
    cp, ep = os.path.join(RESULTS, "cost.tsv"), os.path.join(RESULTS, "env.txt")
    return os.path.exists(cp) and os.path.exists(ep) and os.path.getmtime(cp) < os.path.getmtime(ep)


HISTORY_COLS = ["date", "commit", "programs", "pass", "fail", "other", "unsafe_accepted", "wall_s", "cpu_s",
                "load_cpu_s", "verify_cpu_s", "max_rss_mib", "ir_largest", "ir_typical", "ir_load"]


def append_history(d, S):
    """One line per `make bench` run: the totals that show a trend from commit to commit."""
    env = env_info()
    T = truth_check(d)
    tot = lambda k: sum(num(r.get(k)) or 0 for r in d.ours)
    ir = {}
    cp = os.path.join(RESULTS, "cost.tsv")
    if os.path.exists(cp) and not cost_is_stale():
        for r in read_tsv(cp):
            if r["ir"].isdigit():
                ir[r["group"]] = ir.get(r["group"], 0) + int(r["ir"])
    v = S["verdicts"]
    row = [env.get("date", "?"), env.get("commit", "?"), S["n"], v.get("pass", 0), v.get("fail", 0),
           S["n"] - v.get("pass", 0) - v.get("fail", 0), len(T["unsafe_accepted"]), "%.3f" % S["wall_s"],
           "%.3f" % S["cpu_s"], "%.3f" % tot("load_cpu_s"), "%.3f" % tot("verify_cpu_s"), "%.1f" % S["rss_max"],
           ir.get("largest", ""), ir.get("typical", ""), ir.get("load", "")]
    p = os.path.join(RESULTS, "history.tsv")
    new = not os.path.exists(p)
    with open(p, "a") as f:
        if new:
            f.write("\t".join(HISTORY_COLS) + "\n")
        f.write("\t".join(str(x) for x in row) + "\n")


def history_section():
    p = os.path.join(RESULTS, "history.tsv")
    if not os.path.exists(p):
        return ""
    h = read_tsv(p)[-10:]
    if not h:
        return ""
    cols = ["date", "commit", "pass", "fail", "other", "unsafe_accepted", "wall_s", "cpu_s", "load_cpu_s",
            "verify_cpu_s", "max_rss_mib", "ir_largest", "ir_typical"]
    fmt = lambda c, x: "{:,}".format(int(x)) if c.startswith("ir_") and x.isdigit() else x
    return md_table(cols, [[fmt(c, r.get(c, "")) for c in cols] for r in h], ["---", "---"] + ["--:"] * (len(cols) - 2))


def cost_section():
    p = os.path.join(RESULTS, "cost.tsv")
    if not os.path.exists(p):
        return "Not measured in this run (`scripts/bench-cost.py`, needs valgrind).\n"
    cost = read_tsv(p)
    bp = os.path.join(ROOT, "bench", "cost-baseline.tsv")
    base = {key(r): r for r in read_tsv(bp)} if os.path.exists(bp) else {}
    lines = []
    tot, opn = {}, {}
    def share(part, whole):
        return "%.0f%%" % (100.0 * part / whole) if part is not None and whole else "-"
    for r in cost:
        ir = int(r["ir"]) if r["ir"].isdigit() else None
        io = int(r["ir_open"]) if r.get("ir_open", "").isdigit() else None
        iv = int(r["ir_verify"]) if r.get("ir_verify", "").isdigit() else None
        ifx = int(r["ir_fixpoint"]) if r.get("ir_fixpoint", "").isdigit() else None
        b = base.get(key(r))
        bi = int(b["ir"]) if b and b.get("ir", "").isdigit() else None
        if ir is not None:
            tot[r["group"]] = tot.get(r["group"], 0) + ir
            opn[r["group"]] = opn.get(r["group"], 0) + (io or 0)
        name = "`--list` " + r["file"] if r["group"] == "load" else "%s %s/%s" % key(r)
        lines.append([r["group"], name, r["insns"], "{:,}".format(ir) if ir is not None else r["exit"],
                      share(io, ir), share(iv, ir), share(ifx, ir),
                      "{:,}".format(bi) if bi is not None else "-",
                      "%+.2f%%" % ((ir - bi) / bi * 100) if ir is not None and bi else "-"])
    s = md_table(["group", "program", "insns", "Ir (callgrind)", "ELF open", "draco_verify()", "fixpoint", "baseline Ir",
                  "change"], lines, ["---", "---", "--:", "--:", "--:", "--:", "--:", "--:", "--:"])
    s += "\n\nTotals: " + ", ".join("%s %s Ir (%s opening the ELF file)" % (g, "{:,}".format(t), share(opn[g], t))
                                     for g, t in sorted(tot.items())) + ".\n"
    if cost_is_stale():
        s = ("**Not measured in this run** (`BENCH_COST=0`): the counts below are from an earlier run, %s.\n\n" %
             datetime.datetime.utcfromtimestamp(os.path.getmtime(p)).strftime("%Y-%m-%d %H:%M UTC")) + s
    if not base:
        s += ("\nNo `bench/cost-baseline.tsv` yet: `scripts/bench-cost.py --update-baseline` records this run as the "
              "baseline that later runs (`--check`) compare against.\n")
    return s


def profile_section():
    p = os.path.join(RESULTS, "profile.txt")
    if not os.path.exists(p):
        return ""
    with open(p) as f:
        return "```\n" + f.read().rstrip() + "\n```\n"


def inprocess_lines(name="inprocess.tsv"):
    p = os.path.join(RESULTS, name)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return [l[2:].rstrip() for l in f if l.startswith("# ")]


def frontend_line():
    p = os.path.join(RESULTS, "frontend.tsv")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return [l[2:].rstrip() for l in f if l.startswith("# ")]


def findings(d, big):
    """Facts computed from the run that explain where the cost goes (markdown bullets)."""
    o = d.ours
    tot = lambda k, rows: sum(num(r.get(k)) or 0 for r in rows)
    F = []
    cpu, sys_, wall = tot("cpu_s", o), tot("sys_s", o), tot("wall_s", o)
    flt = sum(int(r["minflt"]) for r in o if r.get("minflt", "").isdigit())
    if cpu > 0 and sys_ > 0:
        F.append("**Memory traffic.** System time is %.0f%% of the CPU time (%.2f s of %.2f s): %s minor page "
                 "faults, %.1f GiB of fresh pages touched.%s" % (
                     100 * sys_ / cpu, sys_, cpu, "{:,}".format(flt), flt * 4096 / 2 ** 30,
                     " In processes that do no I/O, system time is mostly page faults, fork and exit, not analysis: fewer, smaller "
                     "processes and heaps cut it." if sys_ > 0.3 * cpu else ""))
    load = tot("load_s", o)
    if wall > 0 and load > 0:
        byfile = {}
        for r in o:
            f = norm(r["file"])
            byfile.setdefault(f, [0, 0.0])
            byfile[f][0] += 1
            byfile[f][1] += num(r.get("load_s")) or 0
        worst = max(byfile.items(), key=lambda x: x[1][1])
        lcpu = tot("load_cpu_s", o)
        F.append("**ELF loading** takes %.2f s of the %.2f s wall total (%.0f%%), because every program's process "
                 "opens its whole object: `%s` alone is opened %d times for %.2f s. The front end loads all %d "
                 "files once in %s (see below).%s" % (load, wall, 100 * load / wall, worst[0], worst[1][0], worst[1][1],
                                                    len(byfile), (frontend_line() or ["", "?"])[-1].split("(")[0].replace("best of 5: total", "").strip() or "?",
                                                    " In CPU time, loading is %.2f s of %.2f s (%.0f%%)." % (lcpu, cpu, 100 * lcpu / cpu) if lcpu and cpu else ""))
    ip = inprocess_lines()
    if ip and len(ip) >= 2 and cpu > 0:
        import re
        m = re.search(r"total ([\d.]+) s in one process.*CPU ([\d.]+) s per run", ip[1])
        if m:
            F.append("**Per-process overhead.** In one process, opening each file once (`bench_verify`), the library "
                     "verifies the corpus in %s s wall, %s s CPU; one process per program costs %.2f s CPU. The "
                     "difference is not analysis: it is process start and exit, the page faults of fresh processes "
                     "and the repeated ELF loading (%.2f s of wall in `load_s`)." % (
                         m.group(1), m.group(2), cpu, tot("load_s", o)))
    cp = os.path.join(RESULTS, "cost.tsv")
    if os.path.exists(cp):
        c = [r for r in read_tsv(cp) if r["group"] == "typical" and r["ir"].isdigit() and r.get("ir_open", "").isdigit()]
        if c:
            w = max(c, key=lambda r: int(r["ir_open"]) / int(r["ir"]))
            F.append("**Typical programs** (callgrind, fixed subset): %.0f%% of their instructions open the ELF file and "
                     "%.0f%% verify; for `%s %s/%s` (%s insns) opening `%s` is %.0f%% of %s Ir, because opening an "
                     "object builds every program in it (relocations, BTF line info) when one is asked for." % (
                         100.0 * sum(int(r["ir_open"]) for r in c) / sum(int(r["ir"]) for r in c),
                         100.0 * sum(int(r.get("ir_verify") or 0) for r in c) / sum(int(r["ir"]) for r in c),
                         w["file"], w["section"], w["function"], w["insns"], w["file"],
                         100.0 * int(w["ir_open"]) / int(w["ir"]), "{:,}".format(int(w["ir"]))))
    sel = [r for r in o if key(r) in {(b["file"], b["section"], b["function"]) for b in big}]
    if sel:
        v, a = tot("verify_s", sel), tot("analysis_s", sel)
        kern = sum(b["kernel_s"] or 0 for b in big)
        bc, bs = tot("cpu_s", sel), tot("sys_s", sel)
        F.append("**The 10 largest programs**: `draco_verify()` %.2f s in all against the kernel's %.2f s; the "
                 "fixpoint and check are %.0f%% of it, decode and CFG the rest. Their processes used %.2f s of CPU, "
                 "%.0f%% of it system time, and up to %.0f MiB." % (
                     v, kern, 100 * a / v if v else 0, bc, 100 * bs / bc if bc else 0,
                     max((num(r["peak_rss_kib"]) or 0) for r in sel) / 1024))
    return F


def phase_table(rows_ours, big):
    bigk = {(r["file"], r["section"], r["function"]) for r in big}
    sel = [r for r in rows_ours if key(r) in bigk]
    sm = lambda k, rows: sum(num(r.get(k)) or 0 for r in rows)
    lines = []
    for name, sset in (("whole corpus", rows_ours), ("10 largest", sel)):
        w = sm("wall_s", sset)
        parts = [sm(k, sset) for k in ("load_s", "decode_s", "cfg_s", "analysis_s")]
        v = sm("verify_s", sset)
        lines.append([name + ", wall", fs(parts[0]), fs(parts[1]), fs(parts[2]), fs(parts[3]), fs(v),
                      fs(max(w - parts[0] - v, 0.0)), fs(w)])
    for name, sset in (("whole corpus", rows_ours), ("10 largest", sel)):
        lc, vc, c = sm("load_cpu_s", sset), sm("verify_cpu_s", sset), sm("cpu_s", sset)
        if lc or vc:
            lines.append([name + ", CPU", fs(lc), "", "", "", fs(vc), fs(max(c - lc - vc, 0.0)), fs(c)])
    return md_table(["programs", "ELF load", "decode", "CFG", "analysis + check", "draco_verify() in all",
                     "process and rest", "total"], lines, ["---"] + ["--:"] * 7)


def document(d, S, T, rows, tg, big, plot_files, plot_note, env):
    now = env.get("date") or datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
    D = []
    D.append("# Performance\n")
    D.append("<!-- Generated by scripts/bench-report.py (run by `make bench`); edit the script, not this file. -->\n")
    D.append("Measured %s on %s (%s CPUs, %s), commit %s. Load average at the start of the run: %s%s." % (
        now, env.get("cpu", "?"), env.get("nproc", "?"), env.get("kernel", "?"), env.get("commit", "?"),
        env.get("loadavg_before", "?"),
        ", at the end: %s" % env["loadavg_after"] if env.get("loadavg_after") else ""))
    D.append("Every program of `../shared/corpus/ebpf-samples` was verified in its own process, one at a time "
             "(`draco-check --jobs 1`), as PREVAIL's and the kernel's baselines were; times are wall-clock "
             "time of that process unless said otherwise, memory is its peak resident set.")
    D.append("The machine is shared: when its load average is above its CPU count, wall times are inflated "
             "and CPU time is the fairer figure; the callgrind counts below do not move with load.\n")
    if d.engine_missing():
        D.append("**The verification engine was not linked into this build: every program is reported as an error "
                 "and the times measure loading only.**\n")
    D.append("## Targets\n")
    D.append(md_table(["target", "goal", "now", "status"],
                      [[a, b, c, "met" if ok is True else "met in CPU time only (busy machine)" if ok == "cpu" else "**not yet**"]
                       for a, b, c, ok in tg]))
    D.append("\nThe kernel comparison uses `draco_verify()` time (decode, CFG, analysis and check, no ELF "
             "loading), as the kernel's figure is its own verification time. A fast *rejection* of a safe "
             "program is not a win: the verdict column says which times count.\n")
    D.append("## Corpus run\n")
    D.append("```\n" + "\n".join(summary_text(d, S, T, rows, brief=True)) + "\n```\n")
    D.append("Phase breakdown (sums over programs). The check pass is inside \"analysis + check\"; \"process and "
             "rest\" is fork, exit and what the phases do not cover. CPU rows come from CPU clocks around the load "
             "and the `draco_verify()` call; they hold on a busy machine, where wall times stretch:\n")
    D.append(phase_table(d.ours, big) + "\n")
    D.append("## Verdicts against the ground truth\n")
    verdicts = sorted({v for m in T["matrix"].values() for v in m})
    D.append(md_table(["truth (corpus.tsv)"] + verdicts + ["total"],
                      [[t] + [T["matrix"][t].get(v, 0) for v in verdicts] + [sum(T["matrix"][t].values())]
                       for t in ("safe", "unsafe", "malformed", "disputed", "unknown") if t in T["matrix"]]))
    D.append("")
    if T["unsafe_accepted"]:
        D.append("**Unsafe programs accepted** (soundness bugs until shown otherwise):\n")
        for r, c in T["unsafe_accepted"]:
            D.append("- `%s` (PREVAIL: %s, kernel: %s)" % (prog(r), c["prevail_verdict"], c["kernel_outcome"]))
        D.append("")
    else:
        D.append("No unsafe program is accepted.\n")
    if T["malformed_accepted"]:
        D.append("Malformed programs accepted: " + ", ".join("`%s`" % prog(r) for r, c in T["malformed_accepted"]) + "\n")
    if T["safe_rejected"]:
        D.append("<details><summary>%d safe programs not accepted</summary>\n" % len(T["safe_rejected"]))
        D.append(md_table(["program", "verdict", "PREVAIL", "first diagnostic"],
                          [[prog(r), r["verdict"], c["prevail_verdict"], r.get("message", "")[:140]]
                           for r, c in T["safe_rejected"]]))
        D.append("\n</details>\n")
    pv = sorted({k[0] for k in T["prevail"]})
    ov = sorted({k[1] for k in T["prevail"]})
    D.append("Against PREVAIL's own verdicts (rows: PREVAIL, columns: draco-verify):\n")
    D.append(md_table(["PREVAIL \\ draco"] + ov, [[p] + [T["prevail"].get((p, o), 0) for o in ov] for p in pv]))
    D.append("\n## What trace partitioning costs\n")
    D.append("The same corpus run with `--partition=off` (PREVAIL's joins only), against the default (`auto`: a "
             "program the joined analysis rejects is analysed again with trace partitioning):\n")
    D.append(partition_section(partition_cost(d)))
    D.append("\n## Side by side with PREVAIL and the kernel\n")
    D.append(totals_table(rows) + "\n")
    D.append("Per-program ratios (below 1: draco-verify is faster or smaller):\n")
    D.append(ratio_table(rows) + "\n")
    D.append("Every joined row is in `bench/results/side-by-side.tsv`.\n")
    D.append("### The 10 largest programs\n")
    D.append(md_table(["program", "insns", "truth", "draco", "draco_verify()", "its CPU", "process wall", "peak mem",
                       "PREVAIL", "PREVAIL wall", "PREVAIL mem", "kernel", "draco / kernel"],
                      [["%s %s/%s" % (r["file"], r["section"], r["function"]), r["insns"], r["truth"], r["verdict"],
                        fs(r["verify_s"], "ms"), fs(r["verify_cpu_s"], "ms"), fs(r["wall_s"], "ms"), fs(r["peak_mib"], "MiB"),
                        r["prevail_verdict"], fs(r["prevail_wall_s"], "ms"), fs(r["prevail_peak_mib"], "MiB"),
                        fs(r["kernel_s"], "ms"), fr(ratio(r["verify_s"], r["kernel_s"]))] for r in big],
                      ["---", "--:", "---", "---", "--:", "--:", "--:", "--:", "---", "--:", "--:", "--:", "--:"]))
    D.append("\n## Plots\n")
    if plot_files:
        for p in plot_files:
            D.append("![%s](%s)\n" % (os.path.basename(p)[:-4], os.path.basename(p)))
    else:
        D.append(plot_note + "\n")
    D.append("## Deterministic cost (callgrind)\n")
    D.append("Instructions executed by `draco-check FILE SECTION FUNCTION` (ELF loading included) under "
             "`valgrind --tool=callgrind`, for the fixed subset `bench/cost-subset.tsv` (the 10 largest programs, "
             "10 of median size, and `load`: `draco-check --list` of the largest object, which only opens it). These counts do not depend on the machine's load: a change of more than 2% is real.\n")
    D.append(cost_section())
    if not all(ok is True for *_, ok in tg):
        D.append("## Where the time goes\n")
        D.append("The targets above are not all met. What this run says about why:\n")
        D.extend("- " + f for f in findings(d, big))
        D.append("\nThe profiles of the largest program and of opening the largest object (callgrind, "
                 "`bench/results/callgrind/`) say where the instructions go; `draco_zone_*` is the zone (DBM) domain, "
                 "`draco_as_*` the eBPF state, `draco_elf_*` the loader:\n")
        prof = profile_section()
        D.append(prof if prof else "No profile in this run (`scripts/bench-cost.py` writes it).\n")
        slow = sorted([r for r in rows if r["wall_s"] is not None], key=lambda r: -r["wall_s"])[:10]
        D.append("The 10 slowest programs:\n")
        D.append(md_table(["program", "insns", "verdict", "process wall", "draco_verify()", "states", "peak mem",
                           "PREVAIL wall"],
                          [["%s %s/%s" % (r["file"], r["section"], r["function"]), r["insns"], r["verdict"],
                            fs(r["wall_s"], "ms"), fs(r["verify_s"], "ms"), r["states"] or "-", fs(r["peak_mib"], "MiB"),
                            fs(r["prevail_wall_s"], "ms")] for r in slow],
                          ["---", "--:", "---", "--:", "--:", "--:", "--:", "--:"]))
        D.append("")
    ip = inprocess_lines()
    if ip:
        D.append("## The library alone\n")
        D.append("`bench_verify`: every program verified in one process, each file opened once (best of 3). No process "
                 "start-up and no repeated loading; peak memory is the whole run's:\n")
        D.append("```\n" + "\n".join(ip) + "\n```\n")
    fe = frontend_line()
    if fe:
        D.append("## Front end alone\n")
        D.append("`bench_frontend` (load, decode and CFG of every program in one process, best of 5):\n")
        D.append("```\n" + "\n".join(fe) + "\n```\n")
    hs = history_section()
    if hs:
        D.append("## History\n")
        D.append("The last runs of `make bench` (`bench/results/history.tsv`; times are sums over programs, "
                 "Ir the callgrind totals of the fixed subset):\n")
        D.append(hs + "\n")
    D.append("## Reproducing\n")
    D.append("```sh\nmake bench                      # runs everything below and rewrites this file\n"
             "scripts/bench-report.py         # rewrites this file from bench/results/ (no rerun)\n"
             "scripts/bench-cost.py --check   # callgrind costs against bench/cost-baseline.tsv\nBENCH_COST=0 make bench         # everything but callgrind (a few minutes less)\n"
             "draco-check --compare bench/results/previous.tsv bench/results/latest.tsv\n```\n")
    D.append("Baselines: `../shared/corpus/baselines/` (PREVAIL v0.2.6: 105 s in all, peak 266 MiB; Linux 6.18 on "
             "the same 2-CPU VM). `bench/results/latest.txt` is the run's table as `draco-check` printed it.")
    return "\n".join(D) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", default=os.path.join(RESULTS, "latest.tsv"))
    ap.add_argument("--no-doc", action="store_true", help="print the summary only")
    ap.add_argument("--append-history", action="store_true",
                    help="add this run to bench/results/history.tsv (bench/run.sh does, once per run)")
    a = ap.parse_args()
    if not os.path.isdir(BASELINES):
        print("bench-report: %s not found (the shared corpus must sit beside the checkout); skipping" % BASELINES)
        return 77
    if not os.path.exists(a.results):
        print("bench-report: %s not found: run `make bench` first" % a.results, file=sys.stderr)
        return 2
    d = Data(a.results)
    S = summary(d)
    T = truth_check(d)
    rows = side_by_side(d)
    print("\n".join(summary_text(d, S, T, rows)))
    tg, big = targets(d, S, rows)
    print("targets:")
    for lab, goal, now, ok in tg:
        print("  %-50s %-34s now %s%s" % (lab, goal, now, "" if ok is True else "   (CPU time only)" if ok == "cpu" else "   (not yet)"))
    write_side_by_side(rows, os.path.join(RESULTS, "side-by-side.tsv"))
    if a.append_history:
        append_history(d, S)
    if a.no_doc:
        return 0
    files, note = plots(rows, DOCS)
    if note:
        print("bench-report: " + note)
    doc = document(d, S, T, rows, tg, big, files, note, env_info())
    with open(os.path.join(DOCS, "performance.md"), "w") as f:
        f.write(doc)
    print("-> docs/performance.md" + "".join(", docs/" + os.path.basename(p) for p in files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
