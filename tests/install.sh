#!/bin/sh
# `make install` into a temporary prefix, then build a consumer of the installed library with
# pkg-config, both shared and static, and verify the bundled example through it.
BUILD=${BUILD:-build}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
make -s --no-print-directory BUILD="$BUILD" install PREFIX="$tmp/prefix" >"$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
cat > "$tmp/user.c" <<'C'
#include <dracoverify.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    draco_object *o;
    draco_error e = {0};
    if (argc < 2 || draco_object_open_file(argv[1], NULL, &e, &o) != DRACO_OK) { puts(e.message); return 2; }
    draco_report *r;
    if (draco_verify(draco_object_program(o, 0), NULL, &e, &r) != DRACO_OK) { puts(e.message); return 2; }
    int v = draco_report_verdict(r);
    draco_report_destroy(r);
    draco_object_destroy(o);
    return v == DRACO_VERDICT_PASS ? 0 : 1;
}
C
cc "$tmp/user.c" $(pkg-config --cflags dracoverify) -L"$tmp/prefix/lib" -ldracoverify -Wl,-rpath,"$tmp/prefix/lib" -o "$tmp/user_shared" || exit 1
cc "$tmp/user.c" $(pkg-config --cflags dracoverify) "$tmp/prefix/lib/libdracoverify.a" $(pkg-config --libs --static dracoverify | sed 's/-ldracoverify//') -o "$tmp/user_static" || exit 1
"$tmp/user_shared" "$BUILD/ebpf/example_xdp.o" || { echo "install: shared consumer did not pass the example"; exit 1; }
"$tmp/user_static" "$BUILD/ebpf/example_xdp.o" || { echo "install: static consumer did not pass the example"; exit 1; }
"$tmp/prefix/bin/draco-check" "$BUILD/ebpf/example_xdp.o" >/dev/null || exit 1
extra=$(nm -D --defined-only "$tmp/prefix/lib/libdracoverify.so" | awk '$2 == "T" && $3 !~ /^draco_/')
[ -z "$extra" ] || { echo "install: the shared library exports non-draco symbols: $extra"; exit 1; }
echo "install: 4 passed, 0 failed (shared and static consumers, installed CLI, exports)"
