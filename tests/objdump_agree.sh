#!/bin/sh
# SPDX-License-Identifier: MIT
# objdump_agree: the IR decoder/printer agrees with llvm-objdump -d on every instruction of every
# executable section of the ebpf-samples corpus (../shared/corpus/ebpf-samples, relative to the
# repository root). Exits 77 (skip) when llvm-objdump or ../shared is missing.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
CORPUS=../shared/corpus/ebpf-samples
OBJDUMP=${LLVM_OBJDUMP:-llvm-objdump}
if ! command -v "$OBJDUMP" >/dev/null 2>&1; then
  echo "objdump_agree: SKIP: $OBJDUMP not found"; exit 77
fi
if [ ! -d "$CORPUS" ]; then
  echo "objdump_agree: SKIP: $CORPUS not found (../shared is absent)"; exit 77
fi
PROG=$BUILD/tests/prog_objdump
if [ ! -x "$PROG" ]; then
  make --no-print-directory BUILD="$BUILD" "$PROG" >/dev/null 2>&1 || {
    # the full library may not link yet: link against the ir, elf and util archives only
    make --no-print-directory BUILD="$BUILD" "$BUILD/obj/tests/prog_objdump.o" \
      "$BUILD/mod/libir.a" "$BUILD/mod/libelf.a" "$BUILD/mod/libutil.a" >/dev/null &&
    ${CC:-cc} -o "$PROG" "$BUILD/obj/tests/prog_objdump.o" "$BUILD/mod/libir.a" \
      "$BUILD/mod/libelf.a" "$BUILD/mod/libutil.a" \
      $(pkg-config --libs libelf libbpf gmp 2>/dev/null || echo -lelf -lbpf -lgmp)
  } || { echo "objdump_agree: FAIL: cannot build $PROG"; exit 1; }
fi
files=$(find "$CORPUS" -type f | LC_ALL=C sort)
[ -n "$files" ] || { echo "objdump_agree: SKIP: $CORPUS is empty"; exit 77; }
# shellcheck disable=SC2086
"$PROG" --objdump "$OBJDUMP" $files
