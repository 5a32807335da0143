#!/usr/bin/env bash
# The sweep kernels of every CPU target this machine runs (QG_KERNEL_TARGET) on the example sweeps
# (every strategy; grid, random and Sobol searches) and a walk-forward: x86-64-v3 and x86-64-v4
# do the same arithmetic, so their result digests must be identical; a target the CPU or the build
# lacks is skipped with a message. x86-64-v2 (built when QG_ARCH is) has no FMA, so its digests
# may differ: its numbers are compared with x86-64-v3's to 1e-9 instead.
# Usage: kernel_targets_e2e.sh QUANTGRID SOURCE_DIR. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2")
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail

rm -rf data runs wf_market.h5 && mkdir -p data runs
"$QG" data generate --symbols 2 --bars 2520 --seed 1 --out data/market.h5 > /dev/null
ln -s data/market.h5 wf_market.h5  # what wf_small.yaml reads
specs=("$SRC"/jobs/examples/*_sweep.yaml "$SRC/tests/e2e/specs/wf_small.yaml")

# run_all TARGET: runs every spec with the kernels of TARGET; digests in digests_TARGET.txt.
run_all() {
  local target=$1 spec name
  : > "digests_$target.txt"
  for spec in "${specs[@]}"; do
    name=$(basename "$spec" .yaml)
    QG_KERNEL_TARGET=$target "$QG" run "$spec" --output "runs/${name}_$target.h5" --overwrite --no-progress \
      --log-level warn --threads 1 > /dev/null
    printf '%s  %s\n' "$("$QG" results digest "runs/${name}_$target.h5" | cut -d' ' -f1)" "$name" >> "digests_$target.txt"
  done
}

ran=()
for target in x86-64-v2 x86-64-v3 x86-64-v4; do
  if QG_KERNEL_TARGET=$target "$QG" --version | grep -q 'kernels error'; then
    echo "skipped: $target: $(QG_KERNEL_TARGET=$target "$QG" --version | sed -e 's/.*kernels error: //' -e 's/)$//')"
    continue
  fi
  run_all "$target"
  ran+=("$target")
  echo "ok: $target ran ${#specs[@]} specs"
done
[[ " ${ran[*]} " == *" x86-64-v3 "* ]] || { echo "skipped: this CPU runs no x86-64-v3 kernels"; exit 0; }
if [[ " ${ran[*]} " == *" x86-64-v4 "* ]]; then
  diff digests_x86-64-v3.txt digests_x86-64-v4.txt || fail "x86-64-v3 and x86-64-v4 digests differ"
  echo "ok: x86-64-v3 and x86-64-v4 digests identical"
fi
[[ " ${ran[*]} " == *" x86-64-v2 "* ]] || exit 0
/usr/bin/python3 - runs << 'PY'
import glob, sys
import h5py
import numpy as np

worst = 0.0
for v2 in sorted(glob.glob(sys.argv[1] + "/*_x86-64-v2.h5")):
    v3 = v2.replace("x86-64-v2", "x86-64-v3")
    with h5py.File(v2, "r") as a, h5py.File(v3, "r") as b:
        def visit(name, obj):
            global worst
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f":
                x, y = obj[()], b[name][()]
                assert x.shape == y.shape, (v2, name)
                ok = np.isclose(x, y, rtol=1e-9, atol=1e-12) | (np.isnan(x) & np.isnan(y))
                assert ok.all(), f"{v2}:{name}: x86-64-v2 and x86-64-v3 differ beyond 1e-9"
                both = np.isfinite(x) & np.isfinite(y)
                if both.any():
                    worst = max(worst, float(np.max(np.abs(x[both] - y[both]) / np.maximum(np.abs(y[both]), 1e-300))))
        a.visititems(visit)
print(f"ok: x86-64-v2 metrics within 1e-9 of x86-64-v3 (largest relative difference {worst:.3g})")
PY
