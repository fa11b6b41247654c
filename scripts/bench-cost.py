#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bench-cost: deterministic cost of draco-check on a fixed subset of the corpus.

Runs `draco-check FILE SECTION FUNCTION` under `valgrind --tool=callgrind` for every program of
bench/cost-subset.tsv (the 10 largest programs and 10 typical ones of ../shared/corpus) and records
the instructions executed (callgrind's Ir). Unlike wall time, Ir does not move when the machine is
busy, so a regression of a few percent shows. Writes:

  bench/results/cost.tsv            group, file, section, function, insns, exit, ir
  bench/results/profile.txt         callgrind_annotate of the largest program (where the cost goes)
  bench/results/callgrind/*.out     the raw profiles (open with callgrind_annotate or kcachegrind)

and compares with bench/cost-baseline.tsv when present (--update-baseline rewrites it from this run).
Exit status: 0, or 1 with --check when a program costs more than --tolerance (default 2%) over the
baseline; 77 when ../shared or valgrind is missing (nothing measured).

Usage: scripts/bench-cost.py [--build build] [--jobs N] [--check] [--tolerance PCT] [--update-baseline]
                            [--only GROUP]   (one group, results under bench/results/only-GROUP/)
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
CORPUS = os.path.join(SHARED, "corpus", "ebpf-samples")
RESULTS = os.path.join(ROOT, "bench", "results")


def read_tsv(path):
    rows = []
    header = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            rows.append(dict(zip(header, fields)))
    return rows


def key(r):
    return (r["file"], r["section"], r["function"])


# inclusive cost of the phases, by function name (deterministic like the total)
PHASES = (("ir_open", "draco_object_open_file"), ("ir_verify", "draco_verify"),
          ("ir_check_run", "draco_check_run"), ("ir_fixpoint", "draco_fixpoint_run"))


def phase_costs(out):
    """{column: inclusive Ir} of the PHASES functions in one callgrind profile."""
    res = {}
    if not shutil.which("callgrind_annotate") or not os.path.exists(out):
        return res
    p = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in p.stdout.splitlines():
        m = re.match(r"^\s*([\d,]+) \(.*?\)\s+(\S+)", line)
        if not m:
            continue
        fn = m.group(2).rsplit(":", 1)[-1]
        for col, name in PHASES:
            if fn == name:
                res[col] = max(res.get(col, 0), int(m.group(1).replace(",", "")))
    return res


def run_one(i, r, exe, outdir, timeout):
    out = os.path.join(outdir, "%02d.out" % i)
    what = ["--list", r["file"]] if r["group"] == "load" else [r["file"], r["section"], r["function"]]
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, exe] + what
    try:
        p = subprocess.run(cmd, cwd=CORPUS, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout, text=True)
        code = p.returncode
    except subprocess.TimeoutExpired:
        return i, "timeout", None, out
    ir = None
    # callgrind prints "Collected : N" on stderr; the profile's "summary:"/"totals:" line agrees
    m = re.search(r"Collected\s*:\s*(\d+)", p.stderr)
    if m:
        ir = int(m.group(1))
    elif os.path.exists(out):
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    ir = int(line.split()[1])
    return i, str(code), ir, out, phase_costs(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per program under valgrind")
    ap.add_argument("--check", action="store_true", help="exit 1 when a cost grew beyond --tolerance")
    ap.add_argument("--tolerance", type=float, default=2.0, help="percent (default 2)")
    ap.add_argument("--update-baseline", action="store_true")
    ap.add_argument("--only", metavar="GROUP", help="measure one group (largest, typical, load); writes nothing")
    a = ap.parse_args()

    if not os.path.isdir(CORPUS):
        print("bench-cost: %s not found (the shared corpus must sit beside the checkout); skipping" % CORPUS)
        return 77
    if not shutil.which("valgrind"):
        print("bench-cost: valgrind not installed (scripts/bench-deps.sh installs it); skipping")
        return 77
    exe = os.path.join(ROOT, a.build, "draco-check")
    if not os.access(exe, os.X_OK):
        print("bench-cost: %s not built (make BUILD=%s)" % (exe, a.build), file=sys.stderr)
        return 2
    subset = read_tsv(os.path.join(ROOT, "bench", "cost-subset.tsv"))
    if a.only:
        subset = [r for r in subset if r["group"] == a.only]
        global RESULTS
        RESULTS = os.path.join(RESULTS, "only-" + a.only)
        a.update_baseline = False
    outdir = os.path.join(RESULTS, "callgrind")
    os.makedirs(outdir, exist_ok=True)
    print("== deterministic cost: %d programs under callgrind, %d at a time" % (len(subset), a.jobs))
    res = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        futs = [ex.submit(run_one, i, r, exe, outdir, a.timeout) for i, r in enumerate(subset)]
        for fu in concurrent.futures.as_completed(futs):
            i, code, ir, out, ph = fu.result()
            res[i] = (code, ir, out, ph)
            r = subset[i]
            print("  %-8s %-48s %14s Ir" % (r["group"], "%s %s/%s" % key(r),
                                           "{:,}".format(ir) if ir is not None else "-"), flush=True)
    path = os.path.join(RESULTS, "cost.tsv")
    with open(path, "w") as f:
        f.write("group\tfile\tsection\tfunction\tinsns\texit\tir\t" + "\t".join(c for c, _ in PHASES) + "\n")
        for i, r in enumerate(subset):
            code, ir, _, ph = res[i]
            f.write("\t".join([r["group"], r["file"], r["section"], r["function"], r["insns"], code,
                               str(ir) if ir is not None else ""] + [str(ph.get(c, "")) for c, _ in PHASES]) + "\n")
    totals = {}
    for i, r in enumerate(subset):
        if res[i][1] is not None:
            totals[r["group"]] = totals.get(r["group"], 0) + res[i][1]
    for g, t in sorted(totals.items()):
        print("  total %-8s %s Ir" % (g, "{:,}".format(t)))
    print("  -> %s" % os.path.relpath(path, ROOT))

    # where the cost goes: the largest program that was measured, and the load probe
    measured = [i for i, r in enumerate(subset) if r["group"] == "largest" and res[i][1] is not None][:1] + \
        [i for i, r in enumerate(subset) if r["group"] == "load" and res[i][1] is not None][:1]
    if measured and shutil.which("callgrind_annotate"):
        prof = os.path.join(RESULTS, "profile.txt")
        with open(prof, "w") as f:
            for i in measured:
                if subset[i]["group"] == "load":
                    f.write("\n# draco-check --list %s (opening the object only): callgrind, %s Ir\n" % (
                        subset[i]["file"], "{:,}".format(res[i][1])))
                else:
                    f.write("# %s %s/%s (%s insns): callgrind, %s Ir\n" % (key(subset[i]) + (subset[i]["insns"], "{:,}".format(res[i][1]))))
                for incl in (("no", "yes") if subset[i]["group"] != "load" else ("yes",)):
                    p = subprocess.run(["callgrind_annotate", "--inclusive=" + incl, "--threshold=99", res[i][2]],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                    lines, seen = [], set()
                    for l in p.stdout.splitlines():
                        if not re.match(r"^\s*[\d,]+ \(", l):
                            continue
                        l = re.sub(r"\s+\[[^\]]*\]$", "", l.rstrip()).replace(ROOT + "/", "")
                        name = l.split(")", 1)[1].strip()
                        # start-up frames say nothing; inlined copies repeat a name
                        if name in seen or "???" in name or "libc_start" in name or "(below main)" in name:
                            continue
                        seen.add(name)
                        lines.append(l)
                    f.write("\n## %s cost, top functions\n" % ("inclusive" if incl == "yes" else "exclusive"))
                    f.write("\n".join(lines[:25 if subset[i]["group"] != "load" else 15]) + "\n")
        print("  -> %s" % os.path.relpath(prof, ROOT))

    base_path = os.path.join(ROOT, "bench", "cost-baseline.tsv")
    rc = 0
    if os.path.exists(base_path):
        base = {key(r): r for r in read_tsv(base_path)}
        worse = []
        print("== against bench/cost-baseline.tsv (tolerance %.1f%%)" % a.tolerance)
        for i, r in enumerate(subset):
            b = base.get(key(r))
            ir = res[i][1]
            if not b or not b.get("ir") or ir is None:
                continue
            d = (ir - int(b["ir"])) / int(b["ir"]) * 100.0
            flag = ""
            if d > a.tolerance:
                flag = "  REGRESSION"
                worse.append(r)
            elif d < -a.tolerance:
                flag = "  better"
            print("  %-56s %+7.2f%%%s" % ("%s %s/%s" % key(r), d, flag))
        if worse and a.check:
            rc = 1
    if a.update_baseline:
        with open(path) as src, open(base_path, "w") as dst:
            dst.write("# SPDX-License-Identifier: MIT\n# Callgrind baseline of scripts/bench-cost.py (copied from "
                      "bench/results/cost.tsv of the run named in\n# docs/performance.md). Refresh with "
                      "`scripts/bench-cost.py --update-baseline` when a cost change is intended.\n")
            dst.write(src.read())
        print("  baseline updated: bench/cost-baseline.tsv")
    return rc


if __name__ == "__main__":
    sys.exit(main())
