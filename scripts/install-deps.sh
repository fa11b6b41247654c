#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages draco-verify needs, only when something is missing.
# Used by `make demo` and `make check`; safe to run repeatedly.
set -e
PKGS="libelf-dev libbpf-dev libgmp-dev check libyaml-dev clang llvm pkg-config make gcc"
missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
