#!/usr/bin/env bash
# Drill-down into sweep rows: `quantgrid results equity|trades` for every strategy kind, checked
# by tests/e2e/check_drill.py against the run's stored metrics, plus the command's errors.
# Usage: drill_e2e.sh QUANTGRID SOURCE_DIR. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2")
export QUANTGRID=$QG PYTHONPATH=$SRC/results/python TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says

rm -rf ./*.h5 ./*.csv ./*.png ./*.yaml
"$QG" data generate --symbols 2 --bars 500 --seed 5 --out market.h5 > /dev/null

# spec KIND MODE PARAMS: a small sweep of KIND over both symbols from 1990-03-01, to KIND.h5.
spec() {
  cat > "$1.yaml" <<YAML
job: sweep
name: drill-$1
data: {file: market.h5, symbols: all, start: 1990-03-01}
strategy:
  kind: $1
  mode: $2
  params: $3
costs: {commission_bps: 2.0, slippage_bps: 3.0}
rank_by: sharpe
output: $1.h5
YAML
}
spec sma_crossover long_short "{fast: {values: [3, 5, 10]}, slow: {values: [20, 40]}}"
spec ema_crossover long_flat "{fast: {values: [3, 8]}, slow: {values: [15, 30]}}"
spec bollinger long_short "{window: {values: [10, 20]}, k: {values: [1.0, 2.0]}}"
spec rsi long_flat "{period: {values: [5, 14]}, lower: {values: [30]}, upper: {values: [60, 70]}}"
spec donchian long_short "{entry: {values: [20, 40]}, exit: {values: [5, 10]}}"
spec momentum long_short "{lookback: {values: [5, 20, 60]}}"

for kind in sma_crossover ema_crossover bollinger rsi donchian momentum; do
  "$QG" run "$kind.yaml" --no-progress --log-level warn > /dev/null
  rows=$(/usr/bin/python3 -c "import quantgrid_results as q; n=len(q.load('$kind.h5')); print(0, n // 2, n - 1)")
  echo "== $kind: rows $rows"
  /usr/bin/python3 "$SRC/tests/e2e/check_drill.py" "$kind.h5" $rows
done

# --best picks the row approve --best would: the largest sharpe.
best=$(/usr/bin/python3 -c "import quantgrid_results as q; print(int(q.load('sma_crossover.h5')['sharpe'].idxmax()))")
expect 0 "$QG" results equity sma_crossover.h5 --best sharpe --csv best.csv
expect 0 "$QG" results equity sma_crossover.h5 --row "$best" --csv row.csv
cmp best.csv row.csv || fail "--best sharpe is not row $best"
expect 0 "$QG" results trades sma_crossover.h5 --row "$best"
says out.txt "entry_date,exit_date,side,entry_price,exit_price,return,cost"
expect 0 "$QG" results equity sma_crossover.h5 --row 0 --png equity.png
[ "$(stat -c %s equity.png)" -gt 10000 ] || fail "equity.png is too small to be a plot"
[ ! -e equity.png.csv ] || fail "the plot's scratch CSV was left behind"

# errors: neither or both selectors (1), a row out of range (2), not a sweep run (2)
expect 1 "$QG" results equity sma_crossover.h5
expect 1 "$QG" results equity sma_crossover.h5 --row 1 --best sharpe
expect 2 "$QG" results trades sma_crossover.h5 --row 100000
says err.txt "out of range"
expect 2 "$QG" results equity sma_crossover.h5 --best no_such_metric
cp market.h5 store_copy.h5
"$QG" data generate --symbols 2 --bars 500 --seed 6 --out market.h5 > /dev/null 2>&1 || {
  rm -f market.h5; "$QG" data generate --symbols 2 --bars 500 --seed 6 --out market.h5 > /dev/null; }
expect 2 "$QG" results equity sma_crossover.h5 --row 0
says err.txt "changed since"

# Ruin (docs/strategies.md): a falling series with one bad tick (x3 for a day, then back) ruins
# the shorts held over it. The stored metrics say so (total_return -1, max_drawdown 1), the
# equity CSV is flat at 0 from the tick on, and check_drill.py recomputes every row.
/usr/bin/python3 - > ruin.csv <<'PY'
import datetime
d, c = datetime.date(2001, 1, 1), 100.0
print("date,open,high,low,close")
for t in range(120):
    c *= 0.995
    close = c * 3 if t == 90 else c
    print(f"{(d + datetime.timedelta(days=t)).isoformat()},{close},{close},{close},{close}")
PY
"$QG" data import ruin.csv --out ruin_store.h5 --symbol BADTICK > /dev/null
cat > ruin.yaml <<YAML
job: sweep
name: ruin
data: {file: ruin_store.h5, symbols: all}
strategy: {kind: momentum, mode: long_short, params: {lookback: {values: [3, 5, 10, 20]}}}
costs: {commission_bps: 2.0, slippage_bps: 3.0}
rank_by: sharpe
output: ruin.h5
YAML
"$QG" run ruin.yaml --no-progress --log-level warn > /dev/null
/usr/bin/python3 - <<'PY' || fail "ruined rows do not report ruin"
import quantgrid_results as q
t = q.load("ruin.h5")
assert len(t) == 4, len(t)
# every lookback is short on the falling series when the tick comes: all four rows are ruined
assert (t["total_return"] == -1).all() and (t["max_drawdown"] == 1).all(), t[["total_return", "max_drawdown"]]
assert (t["cagr"] == -1).all() and (t["calmar"] == -1).all(), t[["cagr", "calmar"]]
e = q.equity("ruin.h5", row=0)
ruin = int((e["net_return"] == -1).idxmax())
assert (e["equity"][ruin:] == 0).all() and (e["position"][ruin + 1:] == 0).all(), e.iloc[ruin - 2:ruin + 3]
print("ruin: all rows ruined at bar", ruin)
PY
/usr/bin/python3 "$SRC/tests/e2e/check_drill.py" ruin.h5 0 1 2 3
echo "drill-down OK"
