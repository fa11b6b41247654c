#!/bin/sh
# Fails if the library holds writable static/global or thread-local data (STYLE.md: no global state).
# Looks at the section of every defined data symbol: .data*, .bss*, .tdata*, .tbss* and COMMON are
# writable. .data.rel.ro* is not: with -fPIC, const tables that hold pointers live there, and the
# dynamic loader makes it read-only after relocation (RELRO), which is why `nm` prints 'd' for them.
lib=${1:-build/libdracoverify.a}
[ -f "$lib" ] || { echo "check-globals: $lib not found (build first)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && ar x "$OLDPWD/$lib" 2>/dev/null || ar x "$lib")
bad=0
for o in "$tmp"/*.o; do
  # symbol table: Num Value Size Type Bind Vis Ndx Name ; map Ndx to section names
  readelf -SW "$o" | awk '/^ *\[ *[0-9]+\]/ { gsub(/\[|\]/, ""); print $1, $2 }' > "$tmp/secs"
  readelf -sW "$o" | awk '$4 == "OBJECT" || $4 == "TLS" || $7 == "COM" { print $7, $8 }' |
  while read -r ndx name; do
    if [ "$ndx" = COM ]; then echo "$(basename "$o"): $name (common)"; continue; fi
    sec=$(awk -v n="$ndx" '$1 == n { print $2 }' "$tmp/secs")
    case "$sec" in
      .data.rel.ro*) ;;
      .data*|.bss*|.tdata*|.tbss*) echo "$(basename "$o"): $name in $sec" ;;
    esac
  done
done > "$tmp/report"
if [ -s "$tmp/report" ]; then
  echo "check-globals: writable static or thread-local data in $lib:"; cat "$tmp/report"; bad=1
else
  echo "globals: ok (no writable static or thread-local data in $(basename "$lib"))"
fi
exit $bad
