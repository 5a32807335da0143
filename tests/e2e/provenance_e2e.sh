#!/usr/bin/env bash
# Provenance: `quantgrid --version` has the documented format (docs/operations.md, "Provenance"), and
# a run file's root attributes carry the same version, commit and target.
# Usage: provenance_e2e.sh QUANTGRID SOURCE_DIR. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says

line=$("$QG" --version)
echo "quantgrid --version: $line"
re='^quantgrid ([0-9]+\.[0-9]+\.[0-9]+) \(commit ([0-9a-f]{12}(-dirty)?|unknown); target ((native|generic) \([^()]+\))\)$'
[[ $line =~ $re ]] || fail "--version line '$line' does not match $re"
version=${BASH_REMATCH[1]} commit=${BASH_REMATCH[2]} target=${BASH_REMATCH[4]}

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

# A run file records the same three.
rm -f market.h5 prov.h5 prov.h5.journal
"$QG" data generate --symbols 2 --bars 300 --seed 5 --out market.h5 > /dev/null
cp "$SRC/tests/e2e/specs/small_sweep.yaml" prov.yaml
"$QG" run prov.yaml --output prov.h5 --no-progress --threads 1 > /dev/null
/usr/bin/python3 - prov.h5 "$version" "$commit" "$target" << 'PY'
import sys
import h5py

path, version, commit, target = sys.argv[1:]
with h5py.File(path, "r") as f:
    got = {k: f.attrs[k] for k in ("tool_version", "git_commit", "build_target")}
got = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in got.items()}
want = {"tool_version": version, "git_commit": commit, "build_target": target}
assert got == want, f"run file provenance {got} != --version {want}"
print("ok: run file provenance matches --version:", got)
PY
