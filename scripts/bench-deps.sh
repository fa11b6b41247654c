#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the optional tools of `make bench` when missing: gnuplot-nox (plots in
# docs/performance.md) and valgrind (deterministic cost, callgrind). Safe to run repeatedly.
# Never fails the benchmark: without them the report says which part it left out.
PKGS="gnuplot-nox valgrind"
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bench-deps: no apt-get; install$missing yourself for plots and callgrind costs" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "bench-deps: need root (or sudo) to install:$missing; continuing without" >&2; exit 0; fi
fi
echo "bench-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
  { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; } ||
  echo "bench-deps: could not install$missing; continuing without" >&2
exit 0
