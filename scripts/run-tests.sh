#!/bin/sh
# Runs every Check runner given on the command line, then the stand-alone test programs and scripts
# under tests/ (tests/prog_*.c binaries and tests/*.sh), and prints one closing tally.
# Tests that need ../shared say so and skip when it is absent.
BUILD=${BUILD:-build}
pass=0; fail=0; skip=0
only_conf=0
[ "$1" = "--only-conformance" ] && { only_conf=1; shift; }
log=$(mktemp)
count_check() { # parse Check's "NN%: Checks: N, Failures: F, Errors: E"
  line=$(grep -E '^[0-9]+%: Checks: ' "$1" | tail -n 1)
  n=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/'); f=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/'); e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
  [ -n "$n" ] || { fail=$((fail+1)); return; }
  pass=$((pass + n - f - e)); fail=$((fail + f + e))
}
if [ $only_conf = 0 ]; then
  for r in "$@"; do
    echo "== $r"
    "$r" >"$log" 2>&1; rc=$?
    cat "$log"
    count_check "$log"
    [ $rc = 0 ] || grep -qE 'Failures: [1-9]|Errors: [1-9]' "$log" || fail=$((fail+1))
  done
fi
for t in tests/*.sh; do
  [ -f "$t" ] || continue
  case "$t" in */conformance*) ;; *) [ $only_conf = 1 ] && continue;; esac
  echo "== $t"
  BUILD=$BUILD sh "$t" >"$log" 2>&1; rc=$?
  cat "$log"
  if [ $rc = 77 ]; then skip=$((skip+1)); elif [ $rc = 0 ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAILED: $t (exit $rc)"; fi
done
rm -f "$log"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
