#!/usr/bin/env bash
# End-to-end: a trained model from research to the live node. Usage: model_live_e2e.sh QUANTGRID WORK_DIR
# train -> approve --best (a `model` record) -> promote -> feed replay of the training store ->
# the node's P&L and final position equal those of the signal rule applied offline (NumPy) to the
# stored model's predictions on the same bars; a CV-score guardrail refuses with its reason.
set -euo pipefail
QG=$1
WORK=$2
PYDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../results/python" && pwd)  # quantgrid_results: reads both store layouts
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
source "$(dirname "${BASH_SOURCE[0]}")/live_lib.sh"  # NODE_PID, cleanup on exit, fail, free_port

"$QG" data generate --symbols 1 --bars 600 --seed 4 --out market.h5 > /dev/null
cat > train.yaml <<SPEC
job: train
name: model-live-e2e
data: {file: market.h5, symbols: all}
features:
  - {kind: lagged_returns, lags: 3}
  - {kind: volatility, window: 5}
target: next_return
model: {kind: ridge, params: {alpha: [0.1, 10, 1000]}}
cv: {kind: time_series, n_splits: 3}
scoring: mse
output: train.h5
seed: 1
SPEC
"$QG" run train.yaml --output train.h5 --overwrite --no-progress 2> /dev/null > /dev/null
"$QG" keys generate --out keys/approver > /dev/null
"$QG" keys generate --out keys/live --curve-only > /dev/null

# ---- a train run has one candidate, its chosen set: --row and another metric are refused ----
set +e
"$QG" approve train.h5 --row 1 --key keys/approver --out approvals/row.json > row.out 2>&1; rc1=$?
"$QG" approve train.h5 --best r2 --key keys/approver --out approvals/r2.json > r2.out 2>&1; rc2=$?
"$QG" approve train.h5 --best --signal long_short --long-above 0 --short-below 0.1 --key keys/approver \
    --out approvals/crossed.json > crossed.out 2>&1; rc3=$?
set -e
[[ $rc1 != 0 ]] && grep -q "a train run has one candidate, its chosen set" row.out || fail "--row: $(cat row.out)"
[[ $rc2 != 0 ]] && grep -q "the chosen set was selected by mse, not r2" r2.out || fail "--best r2: $(cat r2.out)"
[[ $rc3 != 0 ]] && grep -q "short-below <= --long-above" crossed.out || fail "crossed thresholds: $(cat crossed.out)"
[[ ! -e approvals/row.json && ! -e approvals/r2.json && ! -e approvals/crossed.json ]] || fail "a refused approval wrote a record"

"$QG" approve train.h5 --best --signal long_short --key keys/approver --version 1 --out approvals/m1.json > approve.out
grep -q "^approved model ridge (long_short) on " approve.out || fail "approve output: $(cat approve.out)"
/usr/bin/python3 - <<'PY' || fail "the model record"
import json, h5py, numpy as np
r = json.load(open("approvals/m1.json"))
a, e = r["artifact"], r["evidence"]
f = h5py.File("train.h5", "r")
m = f["train/model"]
assert a["type"] == "model" and a["model"] == "ridge", a
assert a["features"] == [{"kind": "lagged_returns", "lags": 3}, {"kind": "volatility", "window": 5}], a["features"]
assert a["feature_names"] == ["ret_lag_1", "ret_lag_2", "ret_lag_3", "vol_5"]
assert np.array_equal(a["scaler"]["mean"], m["scaler_mean"][()]) and np.array_equal(a["scaler"]["scale"], m["scaler_scale"][()])
assert np.array_equal(a["coef"], m["coef_standardized"][()]) and a["intercept"] == m["intercept_standardized"][0]
assert a["signal"] == {"rule": "long_short", "on": "prediction", "long_above": 0, "short_below": 0}, a["signal"]
s = f["train/summary"].attrs
assert e["cv"]["scoring"] == "mse" and e["cv"]["loss"] is True and e["cv"]["score"] == s["best_mean_mse"]
cv = f["train/cv"]
chosen = cv["param_index"][()] == s["best_param_index"]
assert e["cv"]["fold_scores"] == list(cv["mse"][()][chosen])
assert e["data_sha256"] == f.attrs["data_sha256"]
PY

CONTROL=tcp://127.0.0.1:$(free_port); FEED=tcp://127.0.0.1:$(free_port); EVENTS=tcp://127.0.0.1:$(free_port)
write_config() {
cat > node.yaml <<CFG
node:
  control: $CONTROL
  feed: $FEED
  events: $EVENTS
  state_dir: state
  server_key: keys/live
  allowed_clients: [keys/approver]
  approvers:
    - {id: approver, public_key: keys/approver}
guardrails: {min_cv_score: $1, max_position: 1, max_daily_loss: 1.0}
limits: {fsync: false, poll_ms: 20}
CFG
}
start_node() {
  "$QG" live --config node.yaml --run-for 240 > node.out 2> node.log &
  NODE_PID=$!
  for _ in $(seq 50); do "$QG" live status "${C[@]}" > /dev/null 2>&1 && break; sleep 0.2; done
  "$QG" live status "${C[@]}" > /dev/null || fail "node does not answer"
}
C=(--live "$CONTROL" --server-key keys/live --key keys/approver --timeout 3)

# ---- a CV-score guardrail below the run's mse (a loss: the bound is a maximum) refuses it ----
write_config 1e-9
start_node
set +e
"$QG" promote approvals/m1.json "${C[@]}" > refused.out; rc=$?
set -e
[[ $rc == 5 ]] && grep -q "REJECTED (guardrail): cv mse .* exceeds guardrails.min_cv_score" refused.out ||
  fail "min_cv_score: rc=$rc $(cat refused.out)"
kill "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true; NODE_PID=
rm -rf state

# ---- accepted, fed the training store, trading the model's signal ----
write_config 1.0
start_node
"$QG" promote approvals/m1.json "${C[@]}" | grep -q "^accepted" || fail "promotion refused"
SYMBOL=$(/usr/bin/python3 -c 'import json; print(json.load(open("approvals/m1.json"))["artifact"]["symbols"][0])')
"$QG" feed replay market.h5 --symbols "$SYMBOL" --speed 0 --to "$FEED" 2> /dev/null | grep -q "sent 600 bars" || fail "feed replay"
for _ in $(seq 100); do
  "$QG" live status "${C[@]}" --json | grep -q '"bars": 600' && break; sleep 0.2
done
"$QG" live status "${C[@]}" --json > status.json
PYTHONPATH="$PYDIR" /usr/bin/python3 - "$SYMBOL" <<'PY' || fail "positions and P&L against the offline rule"
import json, sys, h5py, numpy as np
import quantgrid_results as qr
sym = sys.argv[1]
s = json.load(open("status.json"))["status"]
assert s["bars"] == 600 and s["feed_rejections"] == 0, s
assert s["active"]["strategy"] == "model:ridge" and s["active"]["mode"] == "long_short", s["active"]
a = json.load(open("approvals/m1.json"))["artifact"]
c = qr.store_column(h5py.File("market.h5", "r"), sym, "close")
n = len(c)
r = np.full(n, np.nan); r[1:] = c[1:] / c[:-1] - 1
x = np.full((n, 4), np.nan)
for k in range(1, 4): x[k:, k - 1] = r[1:n - k + 1]        # ret_lag_k = r_{t-k+1}, defined from t = k
for t in range(5, n): x[t, 3] = np.std(r[t - 4:t + 1], ddof=1)  # vol_5 over r_{t-4..t}
pred = a["intercept"] + ((x - a["scaler"]["mean"]) / a["scaler"]["scale"]) @ np.array(a["coef"])
pos = np.where(pred > 0, 1.0, np.where(pred < 0, -1.0, 0.0))
pos[np.isnan(pred)] = 0.0
net = np.zeros(n); net[1:] = pos[:-1] * r[1:]        # cost_per_unit 0
assert (pos != 0).sum() > 100 and (pos > 0).any() and (pos < 0).any(), "the rule hardly trades"
assert s["positions"][sym]["position"] == pos[-1], (s["positions"][sym], pos[-1])
assert abs(s["pnl"] - net.sum()) < 1e-9, (s["pnl"], net.sum())
assert abs(s["equity"] - np.prod(1 + net)) < 1e-9, (s["equity"], np.prod(1 + net))
PY
echo "model live e2e OK"
