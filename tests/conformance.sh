#!/bin/sh
# SPDX-License-Identifier: MIT
# conformance: runs PREVAIL's YAML test suite (../shared/conformance/prevail-yaml, relative to the
# repository root) through $BUILD/tests/prog_conformance and prints its per-file table and the
# closing "N passed, M failed" line. Fails when fewer than 95% of the cases have equal failing
# labels or fewer than 90% have an equivalent post-state (docs/conformance.md lists every
# remaining disagreement). Exits 77 (skip) when ../shared is absent.
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
DIR=../shared/conformance/prevail-yaml
if [ ! -d "$DIR" ]; then
  echo "conformance: SKIP: $DIR not found (../shared is absent)"; exit 77
fi
PROG=$BUILD/tests/prog_conformance
if [ ! -x "$PROG" ]; then
  make --no-print-directory BUILD="$BUILD" "$PROG" >/dev/null 2>&1 ||
    { echo "conformance: FAIL: cannot build $PROG"; exit 1; }
fi
files=$(find "$DIR" -name '*.yaml' ! -name 'test-schema.yaml' | LC_ALL=C sort)
[ -n "$files" ] || { echo "conformance: SKIP: no YAML files in $DIR"; exit 77; }
# shellcheck disable=SC2086
"$PROG" ${CONFORMANCE_FLAGS:-} $files
