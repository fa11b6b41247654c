#!/bin/sh
# House rules from STYLE.md checked mechanically: module layering and no writable global state.
BUILD=${BUILD:-build}
sh scripts/check-layers.sh || exit 1
sh scripts/check-globals.sh "$BUILD/libdracoverify.a" || exit 1
