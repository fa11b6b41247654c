#!/bin/sh
# SPDX-License-Identifier: MIT
# corpus_list: the ELF loader lists the same (section, function) programs as PREVAIL on every file
# of the ebpf-samples corpus (../shared, relative to the repository root), refuses the files and
# programs PREVAIL refuses at load time, and loads all the others. Exits 77 (skip) when ../shared
# is missing. Pass -v (after BUILD=...) to see every refusal message.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
SHARED=../shared
if [ ! -d "$SHARED/corpus/ebpf-samples" ] || [ ! -f "$SHARED/corpus/baselines/prevail.tsv" ]; then
  echo "corpus_list: SKIP: $SHARED/corpus not found (../shared is absent)"; exit 77
fi
PROG=$BUILD/tests/prog_corpus_list
if [ ! -x "$PROG" ]; then
  make --no-print-directory BUILD="$BUILD" "$PROG" >/dev/null 2>&1 || {
    # the full library may not link yet: link against the elf and util archives only
    make --no-print-directory BUILD="$BUILD" "$BUILD/obj/tests/prog_corpus_list.o" \
      "$BUILD/mod/libelf.a" "$BUILD/mod/libutil.a" >/dev/null &&
    ${CC:-cc} -o "$PROG" "$BUILD/obj/tests/prog_corpus_list.o" "$BUILD/mod/libelf.a" \
      "$BUILD/mod/libutil.a" $SANFLAGS \
      $(pkg-config --libs libelf libbpf 2>/dev/null || echo -lelf -lbpf)
  } || { echo "corpus_list: FAIL: cannot build $PROG"; exit 1; }
fi
exec "$PROG" "$SHARED" "$@"
