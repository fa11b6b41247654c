#!/bin/sh
# SPDX-License-Identifier: MIT
# kernel_diff: differential check of the project's eBPF test programs against the running
# kernel's verifier. It validates the test programs themselves: the kernel must accept every
# $BUILD/ebpf/ok_*.o and reject every $BUILD/ebpf/bad_*.o (tests/ebpf_verdicts.sh then holds
# draco-check to the same expectations).
#
# Loader: ../shared/tools/kverify (beside the checkout; $KVERIFY overrides, and kverify.c is
# compiled into a temporary directory when only the source is there), else
# `bpftool prog load` into /sys/fs/bpf with an immediate unpin. Nothing is attached.
#
# Two privilege levels:
#   privileged    full root. Every ok_* must be accepted here, and every bad_* rejected.
#   unprivileged  root without CAP_SYS_ADMIN and CAP_PERFMON (setpriv; keeps CAP_BPF and
#                 CAP_NET_ADMIN). Only here does the kernel enforce the no-pointer-leak and
#                 no-uninitialised-stack rules that draco applies to networking programs. A bad_*
#                 whose source has a line starting with "// kernel: unprivileged" is judged by
#                 this load instead (the kernel accepts it from a CAP_PERFMON loader). Other
#                 programs are loaded here too when their type allows it; that result is only
#                 printed, because without CAP_PERFMON the kernel also applies Spectre v1
#                 hardening that rejects some safe programs.
#
# Exit: 0 all agree; 1 a disagreement; 77 skip (not root, no loader, or the kernel refused a load
# for a reason unrelated to verification, e.g. EPERM before the verifier ran -- printed).
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
me=kernel_diff

if [ "$(id -u)" != 0 ]; then
  echo "$me: SKIP: needs root to load programs into the kernel"; exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kernel_diff.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# ---- choose the loader ----
loader=
if [ -n "$KVERIFY" ] && [ -x "$KVERIFY" ]; then
  loader=kverify
elif [ -x "$SHARED/tools/kverify/kverify" ] && [ -f "$SHARED/tools/kverify/kverify" ]; then
  KVERIFY=$SHARED/tools/kverify/kverify; loader=kverify
elif [ -f "$SHARED/tools/kverify/kverify.c" ]; then
  if ${CC:-cc} -O2 -w -o "$tmp/kverify" "$SHARED/tools/kverify/kverify.c" -lbpf -lelf >"$tmp/cc.log" 2>&1; then
    KVERIFY=$tmp/kverify; loader=kverify
  else
    echo "$me: note: could not build $SHARED/tools/kverify/kverify.c:"; sed 's/^/  /' "$tmp/cc.log" | tail -n 5
  fi
fi
if [ -z "$loader" ]; then
  if command -v bpftool >/dev/null 2>&1; then
    if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ]; then
      loader=bpftool
    else
      echo "$me: SKIP: kverify unavailable and /sys/fs/bpf is not a mounted bpffs (needed by bpftool)"; exit 77
    fi
  else
    echo "$me: SKIP: neither $SHARED/tools/kverify nor bpftool is available"; exit 77
  fi
fi
have_setpriv=0
command -v setpriv >/dev/null 2>&1 && have_setpriv=1

# ---- the programs (compiled by `make tests`; built here if missing) ----
srcs=$(ls tests/ebpf/ok_*.c tests/ebpf/bad_*.c 2>/dev/null | LC_ALL=C sort)
[ -n "$srcs" ] || { echo "$me: FAIL: no tests/ebpf/ok_*.c or bad_*.c"; exit 1; }
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

# the last line of a verifier log that states a reason (not a statistic or a state dump)
verifier_message() {
  grep -v -E '^(libbpf: *$|processed [0-9]|verification time|stack depth|(cur|old) state:|====|libbpf: )' | grep -v '^ *$' | tail -n 1
}

# load OBJ MODE -> prints "outcome<TAB>errno<TAB>type<TAB>reason" for each program of OBJ;
# outcome is accepted, rejected or load-error.
load() {
  obj=$1; mode=$2
  wrap=
  if [ "$mode" = unprivileged ]; then
    wrap="setpriv --bounding-set=-sys_admin,-perfmon"
  fi
  if [ $loader = kverify ]; then
    # shellcheck disable=SC2086
    $wrap "$KVERIFY" -r 1 -t 120 -l "$tmp/logs" "$obj" >"$tmp/out" 2>"$tmp/err"
    if [ ! -s "$tmp/out" ]; then
      printf 'load-error\t-\t-\tkverify printed nothing: %s\n' "$(tail -n 1 "$tmp/err")"; return
    fi
    awk -F'\t' '{
      o = $5 == "accepted" ? "accepted" : $5 == "rejected-by-verifier" ? "rejected" : "load-error"
      r = $8; if (o == "load-error") r = $5 ": " $11 ": " $8
      printf "%s\t%s\t%s\t%s\t%s\n", o, $12, $4, r, $26 }' "$tmp/out" |
    while IFS="$(printf '\t')" read -r o e t r log; do
      case $r in "old state:"*|"cur state:"*)
        # the state dump after "infinite loop detected": show the message instead
        [ -f "$log" ] && r=$(verifier_message <"$log") ;;
      esac
      printf '%s\t%s\t%s\t%s\n' "$o" "$e" "$t" "$r"
    done
  else
    pin=/sys/fs/bpf/draco_kernel_diff_$$
    # shellcheck disable=SC2086
    if $wrap bpftool prog load "$obj" "$pin" >"$tmp/out" 2>&1; then
      rm -f "$pin"
      printf 'accepted\t0\t-\t-\n'
    else
      rm -f "$pin"
      if grep -q 'BEGIN PROG LOAD LOG' "$tmp/out" &&
         sed -n '/BEGIN PROG LOAD LOG/,/END PROG LOAD LOG/p' "$tmp/out" | grep -qv 'PROG LOAD LOG'; then
        r=$(sed -n '/BEGIN PROG LOAD LOG/,/END PROG LOAD LOG/p' "$tmp/out" | grep -v 'PROG LOAD LOG' |
            verifier_message)
        printf 'rejected\t-\t-\t%s\n' "$r"
      else
        printf 'load-error\t-\t-\t%s\n' "$(grep -v '^ *$' "$tmp/out" | tail -n 1)"
      fi
    fi
  fi
}

# judge OBJ MODE EXPECT -> sets res (agree|DISAGREE|load-error) and why
judge() {
  load "$1" "$2" >"$tmp/rows"
  res=agree; why=
  [ -s "$tmp/rows" ] || { res=load-error; why="no result"; return; }
  while IFS="$(printf '\t')" read -r outcome errno ptype reason; do
    case $outcome in
      load-error) [ "$res" = DISAGREE ] || { res=load-error; why="$reason (errno $errno)"; } ;;
      accepted) if [ "$3" = reject ]; then res=DISAGREE; why="accepted ($ptype)"; fi ;;
      rejected) if [ "$3" = accept ]; then res=DISAGREE; why="rejected ($ptype): $reason"; else why=$reason; fi ;;
    esac
  done <"$tmp/rows"
}

echo "$me: loader $loader${KVERIFY:+ ($KVERIFY)}; unprivileged loads with setpriv: $([ $have_setpriv = 1 ] && echo yes || echo 'no (setpriv missing)')"
n_ok=0; n_bad=0; agree=0; disagree=0; refused=0; refused_list=
for s in $srcs; do
  name=$(basename "$s" .c)
  obj=$BUILD/ebpf/$name.o
  case $name in ok_*) expect=accept; n_ok=$((n_ok + 1)) ;; *) expect=reject; n_bad=$((n_bad + 1)) ;; esac
  mode=privileged
  if [ $expect = reject ] && grep -q '^// kernel: unprivileged' "$s"; then mode=unprivileged; fi
  if [ $mode = unprivileged ] && [ $have_setpriv = 0 ]; then
    res=load-error; why="setpriv is needed for an unprivileged load"
  else
    judge "$obj" $mode $expect
  fi
  case $res in
    agree) agree=$((agree + 1)); printf '  agree     %-34s %-12s %s%s\n' "$name" "$mode" \
             "$([ $expect = accept ] && echo accepted || echo rejected)" "${why:+: $why}" ;;
    DISAGREE) disagree=$((disagree + 1))
             if [ $expect = reject ]; then
               printf '  DISAGREE  %-34s %-12s !!! the kernel ACCEPTS this bad_* program: %s\n' "$name" "$mode" "$why"
             else
               printf '  DISAGREE  %-34s %-12s the kernel rejects this ok_* program: %s\n' "$name" "$mode" "$why"
             fi ;;
    *) refused=$((refused + 1)); refused_list="$refused_list $name"
       printf '  REFUSED   %-34s %-12s load failed before verification: %s\n' "$name" "$mode" "$why" ;;
  esac
  # an ok_* program loaded without CAP_PERFMON too, for information only
  if [ $have_setpriv = 1 ] && [ $expect = accept ]; then
    load "$obj" unprivileged >"$tmp/rows2"
    while IFS="$(printf '\t')" read -r outcome errno ptype reason; do
      case $outcome in
        rejected) printf '            %-34s (note: rejected without CAP_PERFMON: %s)\n' "$name" "$reason" ;;
      esac
    done <"$tmp/rows2"
  fi
done

echo "$me: $((n_ok + n_bad)) programs ($n_ok ok_*, $n_bad bad_*): $agree agree, $disagree disagree, $refused not loadable"
if [ $disagree != 0 ]; then
  echo "$me: FAIL: the kernel's verifier disagrees with $disagree test program(s); fix the program, not the expectation"
  exit 1
fi
if [ $refused != 0 ]; then
  echo "$me: SKIP: the kernel refused to load$refused_list for reasons unrelated to verification"
  exit 77
fi
echo "$me: PASS"
exit 0
