#!/bin/sh
# Checks the module dependency matrix of STYLE.md by grepping includes.
bad=0
check() { # dir, forbidden-regex
  hits=$(grep -rnE "#include *\"($2)/" $1 2>/dev/null)
  if [ -n "$hits" ]; then echo "layer violation in $1:"; echo "$hits"; bad=1; fi
}
check domains 'elf|ir|cfg|analysis|check|spec|interact|platform|lib/(elf|ir|cfg|analysis|check|platform)'
check lib/util 'elf|ir|cfg|analysis|check|spec|interact|platform|domains'
check lib/elf 'ir|cfg|analysis|check|spec|interact|platform|domains'
check lib/ir 'cfg|analysis|check|spec|interact|platform|domains'
check lib/cfg 'analysis|check|spec|interact|platform|domains'
check lib/platform 'cfg|analysis|check|spec|interact|domains'
check lib/analysis 'check|spec|interact'
for d in cli bench; do
  # the public header, or a private header of the same folder (cli/batch.h); micro-benchmarks may
  # also include domains/
  hits=$(grep -rnE '#include *"' $d 2>/dev/null | grep -vE '"(dracoverify\.h|draco/[a-z_]+\.h|[a-z_]+\.h)"' | grep -vE '^bench/micro_[a-z_]+\.c:.*"(domains|util)/')
  [ -n "$hits" ] && { echo "$d must include only the public header:"; echo "$hits"; bad=1; }
done
[ $bad = 0 ] && echo "layers: ok"
exit $bad
