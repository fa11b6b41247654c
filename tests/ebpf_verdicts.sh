#!/bin/sh
# SPDX-License-Identifier: MIT
# ebpf_verdicts: draco-check's verdict on the project's own eBPF C test programs
# (tests/ebpf/*.c, compiled by `make tests` into $BUILD/ebpf/*.o). Needs nothing from ../shared.
#
# Convention -- the expectation is the file-name prefix:
#   ok_*.c   must be proven safe: every entry program in the object gets verdict "pass";
#   bad_*.c  must be rejected: no entry program in the object gets "pass". Verdict "fail" is the
#            expected outcome; "error" (the tool gave up) also counts as not accepted, but is
#            printed. A bad_* program that passes is the worst failure and is printed loudly.
# Each entry program is verified on its own (draco-check FILE SECTION FUNCTION); functions in
# .text are bpf2bpf callees, which draco-check also lists, and are skipped.
# Other files in tests/ebpf (e.g. example_xdp.c) are not checked here.
# Each file's second line says what it exercises and, for bad_*, the exact unsafe operation.
# A source line "// also: OPTIONS => pass|fail" adds a run of `draco-check OPTIONS` with that
# expected verdict (e.g. "// also: --no-division-by-zero => fail" on a division that is safe only
# under the default x/0 = 0 semantics, or "// also: --no-termination => pass" on a bad_* program
# whose only fault is an unbounded loop). tests/kernel_diff.sh checks
# the same expectations against the running kernel's verifier, which validates the programs.
#
# Exit: 0 all as expected; 1 any disagreement or when draco-check cannot be built.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
me=ebpf_verdicts
DC=$BUILD/draco-check
TIMEOUT=${EBPF_VERDICTS_TIMEOUT:-120} # seconds per program

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ebpf_verdicts.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

srcs=$(ls tests/ebpf/ok_*.c tests/ebpf/bad_*.c 2>/dev/null | LC_ALL=C sort)
[ -n "$srcs" ] || { echo "$me: FAIL: no tests/ebpf/ok_*.c or bad_*.c"; exit 1; }

# build what is missing (make tests normally has done it)
if [ ! -x "$DC" ]; then
  make --no-print-directory BUILD="$BUILD" "$DC" >"$tmp/make.log" 2>&1 || {
    tail -n 5 "$tmp/make.log"
    echo "$me: FAIL: $DC cannot be built (see above)"; exit 1
  }
fi
missing=
for s in $srcs; do
  o=$BUILD/ebpf/$(basename "$s" .c).o
  [ -f "$o" ] && [ "$o" -nt "$s" ] || missing="$missing $o"
done
if [ -n "$missing" ]; then
  # shellcheck disable=SC2086
  make --no-print-directory BUILD="$BUILD" $missing >"$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log"; echo "$me: FAIL: cannot compile the eBPF test programs"; exit 1; }
fi

run_dc() { # run_dc OPTIONS... OBJ -> $tmp/out, $tmp/err, rc
  if command -v timeout >/dev/null 2>&1; then
    timeout "$TIMEOUT" "$DC" --json "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  else
    "$DC" --json "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  fi
  rc=$?
}

# check OBJ EXPECT(pass|fail) OPTIONS... -> verifies each entry program of OBJ on its own and
# prints one line; returns 0 if as expected. Only entry programs count: functions in .text are
# bpf2bpf callees, which draco-check also lists but which are never entry points.
check() {
  obj=$1; expect=$2; shift 2
  label="$(basename "$obj" .o)${*:+ $*}"
  run_dc --list "$obj"
  grep -o '"section":"[^"]*"' "$tmp/out" | sed 's/^"section":"//; s/"$//' >"$tmp/sections"
  grep -o '"function":"[^"]*"' "$tmp/out" | sed 's/^"function":"//; s/"$//' >"$tmp/functions"
  paste "$tmp/sections" "$tmp/functions" | awk -F'\t' '$1 != ".text"' >"$tmp/entries"
  n=0; n_pass=0; n_err=0; verdicts=; msg=; rcs=
  while IFS="$(printf '\t')" read -r sec fn; do
    run_dc "$@" "$obj" "$sec" "$fn"
    v=$(grep -o '"verdict":"[a-z]*"' "$tmp/out" | head -n 1 | sed 's/^"verdict":"//; s/"$//')
    [ -n "$v" ] || v=none
    [ $rc = 124 ] && v=timeout
    n=$((n + 1)); verdicts="$verdicts$v "; rcs="$rcs$rc "
    case $v in pass) n_pass=$((n_pass + 1)) ;; fail) ;; *) n_err=$((n_err + 1)) ;; esac
    if [ $v != pass ] && [ -z "$msg" ]; then
      # the first diagnostic (or error) message, for the log
      msg=$(grep -o '"message":"\([^"\\]\|\\.\)*"' "$tmp/out" | head -n 1 | sed 's/^"message":"//; s/"$//')
      [ -n "$msg" ] || msg=$(grep -v '^ *$' "$tmp/err" | head -n 1)
      [ $rc = 124 ] && msg="timed out after ${TIMEOUT}s"
    fi
  done <"$tmp/entries"
  if [ $n = 0 ]; then
    msg=$(grep -v '^ *$' "$tmp/err" | head -n 1)
    printf '  ERROR     %-44s no entry program listed: %s\n' "$label" "$msg"
    [ "$expect" = fail ] && { errors=$((errors + 1)); return 0; }
    return 1
  fi
  if [ "$expect" = pass ]; then
    if [ $n_pass = $n ]; then
      printf '  ok        %-44s pass\n' "$label"; return 0
    fi
    printf '  WRONG     %-44s expected pass, got: %s(exit %s) %s\n' "$label" "$verdicts" "${rcs% }" "$msg"
    return 1
  fi
  if [ $n_pass != 0 ]; then
    printf '  !!!!!!!!  %-44s UNSAFE PROGRAM ACCEPTED: verdicts %s(exit %s)\n' "$label" "$verdicts" "${rcs% }"
    unsafe_accepted="$unsafe_accepted $label"
    return 1
  fi
  if [ $n_err != 0 ]; then
    printf '  ok        %-44s not accepted, but by an ERROR (%s, exit %s): %s\n' "$label" "${verdicts% }" "${rcs% }" "$msg"
    errors=$((errors + 1))
  else
    printf '  ok        %-44s fail: %s\n' "$label" "$msg"
  fi
  return 0
}

good=0; bad=0; errors=0; unsafe_accepted=; wrong=
ok_total=0; ok_good=0; bad_total=0; bad_good=0
for s in $srcs; do
  name=$(basename "$s" .c)
  obj=$BUILD/ebpf/$name.o
  case $name in ok_*) expect=pass ;; *) expect=fail ;; esac
  sed -n 2p "$s" | grep -q '^// \(ok\|bad\): ' ||
    echo "  note: $s: line 2 should be the one-line '// ok: ...' / '// bad: ... Unsafe: ...' description"
  if check "$obj" $expect; then r=1; else r=0; wrong="$wrong $name"; fi
  case $name in
    ok_*) ok_total=$((ok_total + 1)); ok_good=$((ok_good + r)) ;;
    *) bad_total=$((bad_total + 1)); bad_good=$((bad_good + r)) ;;
  esac
  # variants: "// also: OPTIONS => pass|fail"
  sed -n 's#^// also: *\(.*[^ ]\) *=> *\(pass\|fail\) *$#\2 \1#p' "$s" >"$tmp/also"
  while read -r vexpect vopts; do
    # shellcheck disable=SC2086
    if check "$obj" "$vexpect" $vopts; then good=$((good + 1)); else bad=$((bad + 1)); wrong="$wrong $name($vopts)"; fi
  done <"$tmp/also"
done

by_error=; [ $errors = 0 ] || by_error=" ($errors of them by an error)"
echo "$me: ok_*: $ok_good/$ok_total proven safe; bad_*: $bad_good/$bad_total rejected$by_error; option variants: $good as expected, $bad not"
if [ -n "$unsafe_accepted" ]; then
  echo "$me: FAIL: !!! draco-check ACCEPTED UNSAFE PROGRAMS:$unsafe_accepted !!!"
fi
if [ -n "$wrong" ]; then
  echo "$me: FAIL: not as expected:$wrong"
  exit 1
fi
echo "$me: PASS"
exit 0
