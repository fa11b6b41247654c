#!/bin/sh
# SPDX-License-Identifier: MIT
# `make bench`: the benchmarks of draco-verify on ../shared/corpus/ebpf-samples.
#
#  1. front end: load + decode + CFG of every program in one process (bench_frontend), and
#     the library alone: every program verified in one process, each file opened once (bench_verify)
#  2. corpus run: every program verified in its own process, one at a time, with
#     `draco-check --jobs 1` -> bench/results/latest.tsv (+ latest.txt, the table), then the same
#     with --partition=off -> latest-off.tsv (what trace partitioning costs; also in-process, step 1)
#  3. what changed since the previous run (draco-check --compare previous.tsv latest.tsv)
#  4. deterministic cost: callgrind instruction counts on bench/cost-subset.tsv (scripts/bench-cost.py)
#  5. summary against the ground truth and the PREVAIL / kernel baselines, plots and
#     docs/performance.md (scripts/bench-report.py), and one line of totals in bench/results/history.tsv
#
# Environment: BUILD (build dir, default build), BENCH_TIMEOUT (seconds per program, default 300),
# BENCH_COST=0 skips step 4, BENCH_JOBS (default 1: one program at a time, as the baselines).
# Skips with a message when ../shared is absent.
BUILD=${BUILD:-build}
ROOT=$(pwd)
SHARED=../shared
CORPUS=$SHARED/corpus/ebpf-samples
if [ ! -d "$CORPUS" ]; then
  echo "bench: $CORPUS not found (the shared corpus must sit beside the checkout); skipping"
  exit 0
fi
if [ ! -x "$BUILD/draco-check" ] || [ ! -x "$BUILD/bench/bench_frontend" ] || [ ! -x "$BUILD/bench/bench_verify" ]; then
  echo "bench: $BUILD/draco-check or $BUILD/bench/bench_{frontend,verify} missing (run: make bench)" >&2
  exit 2
fi
mkdir -p bench/results
sh scripts/bench-deps.sh

# the conditions of the run, for docs/performance.md
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- lib domains include 2>/dev/null || echo ' + local changes')"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "nproc=$(nproc)"
  echo "kernel=Linux $(uname -r)"
  echo "loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > bench/results/env.txt

files=$(cd "$CORPUS" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)

echo "== front end: load + decode + CFG of every program (bench/results/frontend.tsv)"
(cd "$CORPUS" && "$ROOT/$BUILD/bench/bench_frontend" -r 5 $files) > bench/results/frontend.tsv || exit 1
grep '^#' bench/results/frontend.tsv
echo "== library alone: every program verified in one process (bench/results/inprocess.tsv)"
(cd "$CORPUS" && "$ROOT/$BUILD/bench/bench_verify" -r 3 $files) > bench/results/inprocess.tsv || exit 1
grep '^#' bench/results/inprocess.tsv
echo "== the same without partitioning, --partition=off (bench/results/inprocess-off.tsv)"
(cd "$CORPUS" && "$ROOT/$BUILD/bench/bench_verify" -r 3 -P off $files) > bench/results/inprocess-off.tsv || exit 1
grep '^#' bench/results/inprocess-off.tsv
echo "== ... and with every path analysed to its end, --partition=off --all-failures (bench/results/inprocess-off-all.tsv)"
(cd "$CORPUS" && "$ROOT/$BUILD/bench/bench_verify" -r 3 -P off -A $files) > bench/results/inprocess-off-all.tsv || exit 1
grep '^#' bench/results/inprocess-off-all.tsv

echo "== corpus run: one process per program, ${BENCH_JOBS:-1} at a time (bench/results/latest.tsv)"
if ! nm "$BUILD/libdracoverify.a" 2>/dev/null | grep -q ' T draco_check_run'; then
  echo "bench: the verification engine is not in $BUILD (no draco_check_run): every program will be an error"
fi
[ -f bench/results/latest.tsv ] && cp bench/results/latest.tsv bench/results/previous.tsv
(cd "$CORPUS" && "$ROOT/$BUILD/draco-check" --jobs "${BENCH_JOBS:-1}" --timeout "${BENCH_TIMEOUT:-300}" --memory-limit 8192 \
    -o "$ROOT/bench/results/latest.tsv" $files) > bench/results/latest.txt
rc=$?
if [ $rc -ge 64 ] || [ ! -s bench/results/latest.tsv ]; then
  echo "bench: draco-check failed (exit $rc)" >&2
  exit 1
fi
grep -E '^[0-9]+ programs:|^time:|^peak memory:' bench/results/latest.txt
echo "== corpus run without partitioning, --partition=off (bench/results/latest-off.tsv)"
(cd "$CORPUS" && "$ROOT/$BUILD/draco-check" --jobs "${BENCH_JOBS:-1}" --timeout "${BENCH_TIMEOUT:-300}" --memory-limit 8192 \
    --partition=off -o "$ROOT/bench/results/latest-off.tsv" $files) > bench/results/latest-off.txt
rc=$?
if [ $rc -ge 64 ] || [ ! -s bench/results/latest-off.tsv ]; then
  echo "bench: draco-check --partition=off failed (exit $rc)" >&2
  exit 1
fi
grep -E '^time:' bench/results/latest-off.txt
echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> bench/results/env.txt

if [ -f bench/results/previous.tsv ]; then
  echo "== since the previous run (draco-check --compare previous.tsv latest.tsv)"
  "$BUILD/draco-check" --compare bench/results/previous.tsv bench/results/latest.tsv | sed -n '1,40p'
fi

if [ "${BENCH_COST:-1}" != 0 ]; then
  python3 scripts/bench-cost.py --build "$BUILD"
fi

echo "== report"
python3 scripts/bench-report.py --append-history
