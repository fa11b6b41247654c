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


def run_one(i, r, exe, outdir, timeout):
    out = os.path.join(outdir, "%02d.out" % i)
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           exe, r["file"], r["section"], r["function"]]
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
    return i, str(code), ir, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per program under valgrind")
    ap.add_argument("--check", action="store_true", help="exit 1 when a cost grew beyond --tolerance")
    ap.add_argument("--tolerance", type=float, default=2.0, help="percent (default 2)")
    ap.add_argument("--update-baseline", action="store_true")
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
    outdir = os.path.join(RESULTS, "callgrind")
    os.makedirs(outdir, exist_ok=True)
    print("== deterministic cost: %d programs under callgrind, %d at a time" % (len(subset), a.jobs))
    res = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        futs = [ex.submit(run_one, i, r, exe, outdir, a.timeout) for i, r in enumerate(subset)]
        for fu in concurrent.futures.as_completed(futs):
            i, code, ir, out = fu.result()
            res[i] = (code, ir, out)
            r = subset[i]
            print("  %-8s %-48s %14s Ir" % (r["group"], "%s %s/%s" % key(r),
                                           "{:,}".format(ir) if ir is not None else "-"), flush=True)
    path = os.path.join(RESULTS, "cost.tsv")
    with open(path, "w") as f:
        f.write("group\tfile\tsection\tfunction\tinsns\texit\tir\n")
        for i, r in enumerate(subset):
            code, ir, _ = res[i]
            f.write("\t".join([r["group"], r["file"], r["section"], r["function"], r["insns"], code,
                               str(ir) if ir is not None else ""]) + "\n")
    totals = {}
    for i, r in enumerate(subset):
        if res[i][1] is not None:
            totals[r["group"]] = totals.get(r["group"], 0) + res[i][1]
    for g, t in sorted(totals.items()):
        print("  total %-8s %s Ir" % (g, "{:,}".format(t)))
    print("  -> %s" % os.path.relpath(path, ROOT))

    # where the cost goes: the largest program that was measured
    measured = [i for i, r in enumerate(subset) if r["group"] == "largest" and res[i][1] is not None]
    if measured and shutil.which("callgrind_annotate"):
        i = measured[0]
        prof = os.path.join(RESULTS, "profile.txt")
        with open(prof, "w") as f:
            f.write("# %s %s/%s (%s insns): callgrind, %s Ir\n" % (key(subset[i]) + (subset[i]["insns"], "{:,}".format(res[i][1]))))
            for incl in ("no", "yes"):
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
                f.write("\n".join(lines[:25]) + "\n")
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
        shutil.copyfile(path, base_path)
        print("  baseline updated: bench/cost-baseline.tsv")
    return rc


if __name__ == "__main__":
    sys.exit(main())
