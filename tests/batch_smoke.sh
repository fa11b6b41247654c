#!/bin/sh
# SPDX-License-Identifier: MIT
# batch_smoke: draco-check's batch mode (--jobs, --format, -o, --compare) on the project's own eBPF
# programs ($BUILD/ebpf/*.o, built by `make tests`). Builds nothing and needs nothing from ../shared.
# Checks: one result per program listed by --list; the table, CSV, TSV and JSON agree; exit codes;
# a missing file is an error record, not a crash; --compare sees no change between two formats of
# one run and sees a verdict change that is introduced on purpose.
# Exit: 0 pass, 1 fail, 77 skip (draco-check or the eBPF objects not built).
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
DC=$BUILD/draco-check
me=batch_smoke
objs=$(ls "$BUILD"/ebpf/*.o 2>/dev/null | LC_ALL=C sort)
if [ ! -x "$DC" ] || [ -z "$objs" ]; then
  echo "$me: SKIP: $DC or $BUILD/ebpf/*.o not built"
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/batch_smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() { echo "$me: FAIL: $*"; fail=1; }

# how many programs there are, by the single-file --list mode
expected=0
for o in $objs; do
  n=$("$DC" --list "$o" | grep -c '^section=')
  expected=$((expected + n))
done

"$DC" --jobs 2 --timeout 120 -o "$tmp/r.csv" $objs > "$tmp/table.txt" 2> "$tmp/err.txt"
rc=$?
case $rc in 0|1|2) ;; *) bad "batch run exited $rc"; cat "$tmp/err.txt";; esac
grep -q '^File  *Program  *Verdict' "$tmp/table.txt" || bad "no table header"
grep -q "^$expected programs:" "$tmp/table.txt" || bad "table summary does not count $expected programs"
rows=$(($(wc -l < "$tmp/r.csv") - 1))
[ "$rows" = "$expected" ] || bad "CSV has $rows rows, expected $expected"
head -n 1 "$tmp/r.csv" | grep -q '^file,section,function,type,verdict,insns,wall_s,cpu_s,peak_rss_kib,states' ||
  bad "CSV header: $(head -n 1 "$tmp/r.csv")"
if grep -q ',crash,\|,internal,' "$tmp/r.csv"; then bad "a worker crashed:"; grep ',crash,\|,internal,' "$tmp/r.csv"; fi
# peak memory and CPU time are measured for every program
awk -F, 'NR > 1 && ($9 == "" || $9 <= 0) { exit 1 }' "$tmp/r.csv" || bad "a program has no peak memory"

# the same run in the other formats (stdout), one job: the verdicts must not depend on -j
"$DC" --jobs 1 --format json $objs > "$tmp/r.json" 2>/dev/null
"$DC" --batch --format tsv $objs > "$tmp/r.tsv" 2>/dev/null
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["programs"]) == int(sys.argv[2]), len(d["programs"])' \
    "$tmp/r.json" "$expected" || bad "JSON does not parse or has the wrong number of programs"
fi
"$DC" --compare "$tmp/r.csv" "$tmp/r.json" > "$tmp/cmp1.txt"
rc=$?
[ $rc = 0 ] || { bad "--compare of one run in two formats exited $rc"; cat "$tmp/cmp1.txt"; }
grep -q '^verdicts: 0 changed' "$tmp/cmp1.txt" || bad "--compare: $(grep '^verdicts' "$tmp/cmp1.txt")"
"$DC" --compare "$tmp/r.tsv" "$tmp/r.csv" > /dev/null || bad "--compare TSV vs CSV saw a change"

# a verdict flipped on purpose must show, with exit 1
awk -F, 'BEGIN { OFS = "," } NR == 2 { $5 = ($5 == "pass" ? "fail" : "pass") } { print }' "$tmp/r.csv" > "$tmp/flip.csv"
"$DC" --compare "$tmp/r.csv" "$tmp/flip.csv" > "$tmp/cmp2.txt"
rc=$?
[ $rc = 1 ] || bad "--compare with one flipped verdict exited $rc, expected 1"
grep -q '^verdicts: 1 changed' "$tmp/cmp2.txt" || bad "--compare did not report the flipped verdict"
"$DC" --compare --format csv "$tmp/r.csv" "$tmp/flip.csv" | head -n 1 | grep -q '^file,section,function,insns,verdict_a,verdict_b' ||
  bad "--compare --format csv header"

# a missing file is one error record and exit 2 (unless something worse happened)
"$DC" --jobs 1 -q -o "$tmp/m.csv" "$tmp/does-not-exist.o" $(echo "$objs" | head -n 1)
rc=$?
[ $rc = 2 ] || bad "missing file: exit $rc, expected 2"
grep -q 'does-not-exist.o,,,,error,' "$tmp/m.csv" || bad "missing file has no error record"

# a worker past --timeout is killed and recorded as such (a deadline no worker can meet)
one=$(echo "$objs" | head -n 1)
"$DC" --jobs 1 --timeout 0.000001 -q -o "$tmp/t.csv" "$one"
rc=$?
[ $rc = 2 ] || bad "--timeout: exit $rc, expected 2"
grep -q ',timeout,' "$tmp/t.csv" || bad "--timeout: no timeout record: $(tail -n 1 "$tmp/t.csv")"

# usage errors
"$DC" --compare "$tmp/r.csv" > /dev/null 2>&1; [ $? = 64 ] || bad "--compare with one file is not a usage error"
"$DC" --jobs 2 --list $objs > /dev/null 2>&1; [ $? = 64 ] || bad "--jobs with --list is not a usage error"
"$DC" --format yaml $objs > /dev/null 2>&1; [ $? = 64 ] || bad "--format yaml is not a usage error"
"$DC" --jobs 2 --sort bogus $objs > /dev/null 2>&1; [ $? = 64 ] || bad "--sort bogus is not a usage error"
# --sort insns: largest first
"$DC" --jobs 2 --sort insns --format csv $objs 2>/dev/null | awk -F, 'NR > 2 && $6 > prev { exit 1 } NR > 1 { prev = $6 }' ||
  bad "--sort insns is not in decreasing order"

if [ $fail = 0 ]; then
  echo "$me: ok ($expected programs, $(grep -c ',pass,' "$tmp/r.csv") pass)"
fi
exit $fail
