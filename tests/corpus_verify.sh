#!/bin/sh
# SPDX-License-Identifier: MIT
# corpus_verify: verifies every program of ../shared/corpus/ebpf-samples with draco_check_run and
# prints the tally against corpus.tsv `truth`. Fails (non-zero) if any unsafe or malformed program
# is accepted, or if fewer than the floor below of the PREVAIL-rejected safe programs (truth safe,
# PREVAIL fail: 73) are accepted. Skips (exit 77) when the shared corpus is absent.
# Usage: tests/corpus_verify.sh [extra args for prog_corpus_verify, e.g. -v or -f FILE]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
shared="$here/../shared"
build="${BUILD:-build}"
if [ ! -f "$shared/corpus/baselines/corpus.tsv" ]; then
    echo "SKIP: $shared/corpus not found (the shared corpus is needed)"
    exit 77
fi
bin="$here/$build/tests/prog_corpus_verify"
if [ ! -x "$bin" ]; then
    make -C "$here" --no-print-directory BUILD="$build" "$build/tests/prog_corpus_verify" >/dev/null || exit 2
fi
# -m: the floor of "PREVAIL-rejected safe accepted N/73" reached with the default policy
# (partition=auto); fewer fails the test (exit 3). Later -m arguments override it.
exec "$bin" "$shared" -m 63 "$@"
