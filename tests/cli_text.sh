#!/bin/sh
# draco-check on assembly text (.s): a checked packet read passes, an unchecked one is rejected
# with its instruction, text without --type is refused, a syntax error names its line, and
# --all-failures reports the failure that follows another one on the same path.
BUILD=${BUILD:-build}
DC=$BUILD/draco-check
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/ok.s" <<'ASM'
<start>:
  r0 = 0
  r2 = *(u32 *)(r1 + 4)
  r1 = *(u32 *)(r1 + 0)
  r3 = r1
  r3 += 14
  if r3 > r2 goto <out>
  r0 = *(u8 *)(r1 + 12)
<out>:
  exit
ASM
cat > "$tmp/bad.s" <<'ASM'
<start>:
  r2 = *(u32 *)(r1 + 4)
  r1 = *(u32 *)(r1 + 0)
  r0 = *(u8 *)(r1 + 12)
  exit
ASM
cat > "$tmp/two.s" <<'ASM'
<start>:
  r2 = *(u32 *)(r1 + 4)
  r1 = *(u32 *)(r1 + 0)
  r0 = *(u8 *)(r1 + 12)
  r0 = *(u8 *)(r1 + 40)
  exit
ASM
printf '<start>:\n  r0 = 0\n  r0 +== 1\n  exit\n' > "$tmp/syntax.s"
fail=0
out=$("$DC" --type xdp "$tmp/ok.s"); rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^PASS xdp/main' || { echo "ok.s: expected PASS, got rc=$rc: $out"; fail=1; }
out=$("$DC" --type xdp "$tmp/bad.s"); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q 'packet_size' || { echo "bad.s: expected FAIL on packet_size, got rc=$rc: $out"; fail=1; }
err=$("$DC" "$tmp/bad.s" 2>&1 >/dev/null); rc=$?
[ $rc = 2 ] && echo "$err" | grep -q 'needs a program type' || { echo "no --type: expected exit 2, got rc=$rc: $err"; fail=1; }
err=$("$DC" --type xdp "$tmp/syntax.s" 2>&1 >/dev/null); rc=$?
[ $rc = 2 ] && echo "$err" | grep -q '3' || { echo "syntax.s: expected exit 2 naming line 3, got rc=$rc: $err"; fail=1; }
for opt in "" "--partition=off"; do
  n=$("$DC" --type xdp $opt "$tmp/two.s" | grep -c 'packet_size')
  [ "$n" = 1 ] || { echo "two.s $opt: expected 1 diagnostic (the path stops at its first failure), got $n"; fail=1; }
  n=$("$DC" --type xdp $opt --all-failures "$tmp/two.s" | grep -c 'packet_size')
  [ "$n" = 2 ] || { echo "two.s $opt --all-failures: expected 2 diagnostics, got $n"; fail=1; }
done
[ $fail = 0 ] && echo "cli_text: 8 passed, 0 failed"
exit $fail
