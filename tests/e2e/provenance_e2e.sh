#!/usr/bin/env bash
# Provenance: `quantgrid --version` has the documented format (docs/operations.md, "Provenance"), and
# a run file's root attributes carry the same version, commit, target and kernel target; the kernel
# target is the best this CPU runs unless QG_KERNEL_TARGET names another.
# Usage: provenance_e2e.sh QUANTGRID SOURCE_DIR. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says

line=$("$QG" --version)
echo "quantgrid --version: $line"
re='^quantgrid ([0-9]+\.[0-9]+\.[0-9]+) \(commit ([0-9a-f]{12}(-dirty)?|unknown); target ((native|x86-64(-v[234])?) \([^()]+\)); kernels (x86-64-v[234])\)$'
[[ $line =~ $re ]] || fail "--version line '$line' does not match $re"
version=${BASH_REMATCH[1]} commit=${BASH_REMATCH[2]} target=${BASH_REMATCH[4]} kernels=${BASH_REMATCH[7]}

# The version is the one in CMakeLists.txt's project() line.
want_version=$(sed -n 's/^project(quantgrid VERSION \([0-9.]*\) .*/\1/p' "$SRC/CMakeLists.txt")
[ "$version" = "$want_version" ] || fail "version $version, CMakeLists.txt says $want_version"
# The commit names a commit of this checkout (whether it is the current HEAD depends on when the
# binary was built; the -dirty mark itself is checked by git_commit_e2e.sh).
if git -C "$SRC" rev-parse --git-dir > /dev/null 2>&1; then
  git -C "$SRC" cat-file -e "${commit%-dirty}^{commit}" || fail "commit $commit is not a commit of $SRC"
fi
# A native build on a machine with AVX2 (or AVX-512) was compiled for it: /proc/cpuinfo says which.
if [[ $target == native* ]] && [ -r /proc/cpuinfo ]; then
  if grep -qw avx512f /proc/cpuinfo; then [[ $target == *AVX512F* ]] || fail "target $target on an AVX-512 CPU"
  elif grep -qw avx2 /proc/cpuinfo; then [[ $target == *"AVX2"* ]] || fail "target $target on an AVX2 CPU"; fi
  if grep -qw fma /proc/cpuinfo; then [[ $target == *FMA* ]] || fail "target $target on an FMA CPU"; fi
fi

# The kernels run the best target the CPU has (psABI levels: v4 needs these AVX-512 parts, v3 AVX2,
# FMA, BMI2), and QG_KERNEL_TARGET chooses another or fails, naming it, when the CPU lacks it.
if [ -r /proc/cpuinfo ]; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
  if has avx512f avx512bw avx512cd avx512dq avx512vl; then best=x86-64-v4
  elif has avx2 fma bmi2; then best=x86-64-v3
  else best=x86-64-v2; fi
  [ "$kernels" = "$best" ] || fail "kernels $kernels on a CPU whose best target is $best"
fi
# x86-64-v3 is in every build (v2 only in QG_ARCH=x86-64-v2 builds); forced, --version names it.
forced=x86-64-v3
[ "$kernels" != x86-64-v2 ] || forced=x86-64-v2
QG_KERNEL_TARGET=$forced "$QG" --version | grep -q "; kernels $forced)\$" || fail "QG_KERNEL_TARGET=$forced not in --version"
QG_KERNEL_TARGET=x86-64-v9 "$QG" --version | grep -q 'kernels error: QG_KERNEL_TARGET=x86-64-v9: not a kernel target' ||
  fail "an unknown QG_KERNEL_TARGET is not reported by --version"

# A run file records the same four.
rm -f market.h5 prov.h5 prov.h5.journal
"$QG" data generate --symbols 2 --bars 300 --seed 5 --out market.h5 > /dev/null
cp "$SRC/tests/e2e/specs/small_sweep.yaml" prov.yaml
"$QG" run prov.yaml --output prov.h5 --no-progress --threads 1 > /dev/null
check_provenance() {  # check_provenance FILE KERNELS
  /usr/bin/python3 - "$1" "$version" "$commit" "$target" "$2" << 'PY'
import sys
import h5py

path, version, commit, target, kernels = sys.argv[1:]
keys = ("tool_version", "git_commit", "build_target", "kernel_target")
with h5py.File(path, "r") as f:
    got = {k: f.attrs[k] for k in keys}
got = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in got.items()}
want = dict(zip(keys, (version, commit, target, kernels)))
assert got == want, f"run file provenance {got} != --version {want}"
print("ok: run file provenance matches --version:", got)
PY
}
check_provenance prov.h5 "$kernels"
rm -f prov2.h5 prov2.h5.journal
QG_KERNEL_TARGET=$forced "$QG" run prov.yaml --output prov2.h5 --no-progress --threads 1 > /dev/null
check_provenance prov2.h5 "$forced"
if [ "$kernels" != x86-64-v4 ]; then  # a target the CPU lacks is refused before anything runs
  rm -f prov3.h5 prov3.h5.journal
  if QG_KERNEL_TARGET=x86-64-v4 "$QG" run prov.yaml --output prov3.h5 --no-progress --threads 1 > out3.txt 2>&1; then
    fail "QG_KERNEL_TARGET=x86-64-v4 ran on a CPU without AVX-512"
  fi
  grep -q 'QG_KERNEL_TARGET=x86-64-v4: this CPU cannot run it' out3.txt || fail "no reason given: $(cat out3.txt)"
  echo "ok: QG_KERNEL_TARGET=x86-64-v4 refused here: $(grep -m1 QG_KERNEL_TARGET out3.txt)"
fi
