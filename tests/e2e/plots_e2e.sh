#!/usr/bin/env bash
# Report figures and the neighbourhood view: `quantgrid results plot` (heatmap, equity, var) and
# `results neighbours` on small sweeps (a grid with holes, a three-parameter grid, a random
# search) and a var run at 1 and 3 ranks; tests/e2e/check_plots.py checks what the figures show
# and the smoothing against independent computations. The PNGs stay here to be looked at.
# Usage: plots_e2e.sh QUANTGRID SOURCE_DIR. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2")
export QUANTGRID=$QG PYTHONPATH=$SRC/results/python TERM=dumb OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says

rm -rf ./*.h5 ./*.png ./*.yaml ./*.txt ./*.err
"$QG" data generate --symbols 3 --bars 800 --seed 5 --out market.h5 > /dev/null

# sweep NAME KIND PARAMS SEARCH [WHERE]: a sweep over every symbol, to NAME.h5.
sweep() {
  cat > "$1.yaml" <<YAML
job: sweep
name: plots-$1
data: {file: market.h5, symbols: all}
strategy:
  kind: $2
  mode: long_flat
  params: $3
  ${5:-}
search: $4
costs: {commission_bps: 1.0, slippage_bps: 2.0}
rank_by: sharpe
output: $1.h5
YAML
  "$QG" run "$1.yaml" --no-progress --log-level warn > /dev/null
}
sweep grid2 sma_crossover "{fast: {from: 2, to: 30, step: 1}, slow: {from: 5, to: 80, step: 3}}" "{method: grid}" \
  "where: [fast < slow]"
sweep grid3 rsi "{period: {from: 5, to: 17, step: 2}, lower: {from: 20, to: 40, step: 5}, upper: {from: 60, to: 80, step: 10}}" \
  "{method: grid}"
sweep random rsi "{period: {from: 5, to: 30, step: 1}, lower: {from: 10, to: 40, step: 5}, upper: {from: 60, to: 90, step: 5}}" \
  "{method: random, samples: 150, seed: 3}"

cp "$SRC/tests/e2e/specs/var_small.yaml" var.yaml  # reads var_market.h5
"$QG" data generate --symbols 5 --bars 1500 --seed 3 --out var_market.h5 > /dev/null
"$QG" run var.yaml --output var_np1.h5 --no-progress --log-level warn > /dev/null
mpiexec --oversubscribe --bind-to none -x TERM=dumb -x OPENBLAS_NUM_THREADS=1 -n 3 \
  "$QG" run var.yaml --output var_np3.h5 --no-progress --log-level warn > /dev/null
[ "$("$QG" results digest var_np1.h5 | cut -d' ' -f1)" = "$("$QG" results digest var_np3.h5 | cut -d' ' -f1)" ] ||
  fail "the var run's digest (with its P&L histogram) differs between 1 and 3 ranks"

/usr/bin/python3 "$SRC/tests/e2e/check_plots.py" grid2.h5 grid3.h5 random.h5 var_np1.h5 var_np3.h5

# The command line: each kind writes its PNG; the default metric is the run's rank_by.
"$QG" results plot grid2.h5 --out cli_heatmap.png | tee plot.txt
says plot.txt "wrote cli_heatmap.png"
"$QG" results plot grid3.h5 --kind heatmap --by max_drawdown --ascending --agg median --out cli_heatmap3.png > /dev/null
"$QG" results plot grid2.h5 --kind equity --out cli_equity.png > /dev/null
"$QG" results plot var_np1.h5 --kind var --out cli_var.png > /dev/null
for png in cli_heatmap cli_heatmap3 cli_equity cli_var; do
  /usr/bin/python3 - "$png.png" <<'PY' || fail "$png.png is not a PNG of at most 2500 px a side"
import struct, sys
head = open(sys.argv[1], "rb").read(24)
w, h = struct.unpack(">II", head[16:24])
assert head[:8] == b"\x89PNG\r\n\x1a\n" and 0 < w <= 2500 and 0 < h <= 2500, (w, h)
PY
done
expect 1 "$QG" results plot grid2.h5 --kind var --out wrong.png
says err.txt "needs a var run; this is a sweep run"
[ ! -e wrong.png ] || fail "a refused plot left wrong.png"
sweep one momentum "{lookback: {values: [5, 20, 60]}}" "{method: grid}"
expect 2 "$QG" results plot one.h5 --out one.png
says err.txt "a heatmap needs two parameters; the run has lookback"

# results neighbours: the first row is the Python helper's best smoothed row.
"$QG" results neighbours grid3.h5 -n 3 --radius 1 | tee neighbours.txt
[ "$(wc -l < neighbours.txt)" -eq 5 ] || fail "neighbours -n 3 should print 2 header lines and 3 rows"
best=$(/usr/bin/python3 -c "import quantgrid as q; print(q.neighbours('grid3.h5', 'sharpe', 1)['row'].iloc[0])")
[ "$(awk 'NR == 3 {print $2}' neighbours.txt)" = "$best" ] || fail "neighbours' first row is not row $best"
echo "plots e2e OK"
