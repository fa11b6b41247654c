#!/bin/sh
# Runs the benchmarks under bench/ against ../shared/corpus (skips with a message when absent).
BUILD=${BUILD:-build}
CORPUS=../shared/corpus/ebpf-samples
if [ ! -d "$CORPUS" ]; then
  echo "bench: $CORPUS not found (the shared corpus must sit beside the checkout); skipping"
  exit 0
fi
mkdir -p bench/results
files=$(find "$CORPUS" -type f | sort)
echo "== front end: load + decode + CFG of every program (bench/results/frontend.tsv)"
"$BUILD/bench/bench_frontend" -r 5 $files > bench/results/frontend.tsv || exit 1
grep '^#' bench/results/frontend.tsv
