#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""precision-table: regenerates the table of the 73 "PREVAIL-rejected safe" programs in
docs/precision.md (between the BEGIN/END markers) from three runs of prog_corpus_verify:
--partition=off (the joined analysis: its first diagnostic is the fact a join lost), the default
(auto), and the default with -R (privileged: the kernel's rules for a root loader).

The "why" column of a program still rejected keeps the key (R1, R2, ...) the document already gives
it; the keys are explained in the table above the markers. A program newly rejected gets "?".

Usage: scripts/precision-table.py [--build DIR]     (needs ../shared beside the checkout)
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
DOC = os.path.join(ROOT, "docs", "precision.md")
BEGIN, END = "<!-- BEGIN the 73 (scripts/precision-table.py) -->", "<!-- END the 73 -->"


def run(binary, *args):
    p = subprocess.run([binary, SHARED, "-v", "-m", "0"] + list(args), capture_output=True, text=True)
    if p.returncode not in (0, 3):
        sys.exit("precision-table: %s %s failed (%d): %s" % (binary, " ".join(args), p.returncode, p.stderr[-500:]))
    rows = {}
    for line in p.stdout.splitlines():
        c = line.split("\t")
        if len(c) < 7 or not c[3].startswith("truth="):
            continue
        if c[3] != "truth=safe" or c[4] != "prevail=fail":
            continue
        rows[(c[0], c[1], c[2])] = (c[5][len("ours="):], c[7] if len(c) > 7 else "")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    a = ap.parse_args()
    binary = os.path.join(ROOT, a.build, "tests", "prog_corpus_verify")
    if not os.path.isdir(SHARED):
        print("precision-table: %s not found; skipping" % SHARED)
        return 77
    if not os.access(binary, os.X_OK):
        sys.exit("precision-table: %s missing (make %s/tests/prog_corpus_verify)" % (binary, a.build))
    off, auto, root = run(binary, "-P", "off"), run(binary), run(binary, "-R")
    doc = open(DOC).read()
    if BEGIN not in doc or END not in doc:
        sys.exit("precision-table: markers not found in docs/precision.md")
    head, rest = doc.split(BEGIN, 1)
    old, tail = rest.split(END, 1)
    why = {}
    for line in old.splitlines():
        c = [x.strip() for x in line.split("|")]
        if len(c) > 8 and c[1].isdigit():
            why[(c[2].strip("`"), c[3].strip("`"), c[4].strip("`"))] = c[-2]
    out = ["| # | file | section | function | default (auto) | with `--privileged` | joined analysis (off) said | why still rejected |",
           "|---|---|---|---|---|---|---|---|"]
    n_auto = n_root = 0
    for i, k in enumerate(sorted(auto), 1):
        va, vr = auto[k][0], root.get(k, ("?", ""))[0]
        n_auto += va == "pass"
        n_root += vr == "pass"
        msg = off.get(k, ("", ""))[1]
        if off.get(k, ("",))[0] == "pass":
            msg = "(accepted without partitioning too)"
        w = "" if va == "pass" else (why.get(k) or "?")
        cell = lambda v: "**accepted**" if v == "pass" else "rejected"
        out.append("| %d | `%s` | `%s` | `%s` | %s | %s | %s | %s |" % (
            i, k[0], k[1], k[2], cell(va), cell(vr), msg.replace("|", "\\|"), w))
    out.append("")
    out.append("Accepted: %d of %d by default, %d with `--privileged`." % (n_auto, len(auto), n_root))
    open(DOC, "w").write(head + BEGIN + "\n" + "\n".join(out) + "\n" + END + tail)
    print("precision-table: %d of %d accepted by default, %d with --privileged -> docs/precision.md" % (
        n_auto, len(auto), n_root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
