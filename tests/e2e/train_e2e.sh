#!/usr/bin/env bash
# End-to-end tests of the train job kind. Usage: train_e2e.sh QUANTGRID SOURCE_DIR CASE [ARGS]
# Each case exits non-zero with a message on failure. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
MPIRUN=(mpiexec --oversubscribe --bind-to none -x TERM=dumb -x OPENBLAS_NUM_THREADS=1)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb OPENBLAS_NUM_THREADS=1
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says
SPEC_NAMES=(train_ridge train_logistic train_cpcv)

case $CASE in
generate)   # the store: 2 symbols of 1,500 bars
  "$QG" data generate --symbols 2 --bars 1500 --seed 9 --out train_market.h5
  ;;
run-np1)
  for spec in "${SPEC_NAMES[@]}"; do
    "$QG" run "$SPECS/$spec.yaml" --output "${spec}_np1.h5" --overwrite --no-progress
  done
  ;;
run-mpi)    # run-mpi N CHUNK
  n=$4; chunk=$5
  for spec in "${SPEC_NAMES[@]}"; do
    "${MPIRUN[@]}" -n "$n" "$QG" run "$SPECS/$spec.yaml" --output "${spec}_np${n}_c${chunk}.h5" --overwrite \
        --chunk "$chunk" --no-progress
  done
  ;;
identical)  # byte-identical result datasets and summary attributes for 1, 2 and 3 ranks and chunk sizes
  for spec in "${SPEC_NAMES[@]}"; do
    ref=$(digest ${spec}_np1.h5)
    for f in ${spec}_np2_c0.h5 ${spec}_np3_c0.h5 ${spec}_np3_c1.h5; do
      [ "$(digest "$f")" = "$ref" ] || fail "$f differs from the single-process run"
    done
    a=$(/usr/bin/python3 -c "import h5py; print(sorted((k, repr(v)) for k, v in h5py.File('${spec}_np1.h5')['train/summary'].attrs.items()))")
    b=$(/usr/bin/python3 -c "import h5py; print(sorted((k, repr(v)) for k, v in h5py.File('${spec}_np3_c1.h5')['train/summary'].attrs.items()))")
    [ "$a" = "$b" ] || fail "$spec: /train/summary differs across rank counts"
    echo "$spec: all digests equal: $ref"
  done
  ;;
data-parallel)  # fit: {data_parallel: true}: the same bits at 1, 2, 3 ranks; the model equals the plain fit's
  for n in 1 2 3; do
    "${MPIRUN[@]}" -n "$n" "$QG" run "$SPECS/train_logistic_dp.yaml" --output "dp_np$n.h5" --overwrite --no-progress
  done
  ref=$(digest dp_np1.h5)
  for n in 2 3; do [ "$(digest dp_np$n.h5)" = "$ref" ] || fail "dp_np$n.h5 differs from dp_np1.h5"; done
  /usr/bin/python3 - dp_np3.h5 train_logistic_np1.h5 <<'EOF' || fail "the data-parallel model differs from the plain fit"
import sys, h5py, numpy as np
dp, plain = (h5py.File(f)["train/model"] for f in sys.argv[1:3])
for key in ("coef_raw", "coef_standardized", "scaler_mean", "scaler_scale"):
    a, b = dp[key][()], plain[key][()]
    rel = np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)))
    print(f"{key}: max relative difference {rel:.2e}")
    assert rel <= 1e-10, key
EOF
  echo "data-parallel: all digests equal: $ref"
  ;;
resume)     # a killed run continues from its journal to the same result
  rm -f resumed.h5 resumed.h5.journal
  "$QG" run "$SPECS/train_cpcv.yaml" --output resumed.h5 --no-progress --threads 1 2> run.txt &
  pid=$!
  for _ in $(seq 1 400); do [ -s resumed.h5.journal ] && break; sleep 0.01; done
  kill -9 $pid 2> /dev/null || true
  wait $pid 2> /dev/null || true
  "$QG" run "$SPECS/train_cpcv.yaml" --output resumed.h5 --resume --no-progress
  [ "$(digest resumed.h5)" = "$(digest train_cpcv_np1.h5)" ] || fail "resumed run differs"
  ;;
results)    # summary, top, tables, export
  "$QG" results summary train_ridge_np1.h5 | tee summary.txt
  for needle in "cross-validation (per hyper-parameter set over 5 folds" "mean_mse" "chosen: alpha=" "oos_mse" \
      "ensemble (6 block-bootstrap members"; do
    grep -q "$needle" summary.txt || fail "summary lacks '$needle'"
  done
  "$QG" results tables train_ridge_np1.h5 | tee tables.txt
  grep -q "^cv " tables.txt || fail "main table is not cv"
  for t in best model oos ensemble; do grep -q "^$t " tables.txt || fail "no $t table listed"; done
  "$QG" results top train_ridge_np1.h5 -n 3 > top.txt
  [ "$(wc -l < top.txt)" -eq 4 ] || fail "top -n 3"
  "$QG" results export train_ridge_np1.h5 --table model --csv --out model.csv
  [ "$(head -1 model.csv)" = "coef_raw,coef_standardized,intercept_raw,intercept_standardized,scaler_mean,scaler_scale,feature_names" ] \
      || fail "model header: $(head -1 model.csv)"
  [ "$(wc -l < model.csv)" -eq 14 ] || fail "model rows"
  "$QG" results export train_cpcv_np1.h5 --table paths --csv --out paths.csv
  [ "$(wc -l < paths.csv)" -eq 6 ] || fail "cpcv paths: $(cat paths.csv)"
  PYTHONPATH=$SRC/results/python /usr/bin/python3 - <<'PY' || fail "python reader"
import quantgrid_results as q
assert list(q.tables("train_ridge_np1.h5")) == ["cv", "best", "model", "oos", "ensemble"]
cv, model = q.load("train_ridge_np1.h5"), q.load("train_ridge_np1.h5", "model")
assert len(cv) == 9 * 5 and sorted(cv["fold"].unique()) == list(range(5)), cv
assert len(model) == 13 and model["feature_names"].tolist()[:2] == ["ret_lag_1", "ret_lag_2"], model
assert len(q.load("train_ridge_np1.h5", "ensemble")) == 6 * 13
for run in ("train_ridge_np1.h5", "train_logistic_np1.h5", "train_cpcv_np1.h5"):
    q.plot_train(run, run.replace(".h5", ".png"))
print("python reader OK")
PY
  for run in train_ridge_np1 train_logistic_np1 train_cpcv_np1; do [ -s $run.png ] || fail "no plot of $run"; done
  # a train run offers one candidate (its chosen set; approval itself: model_live_e2e.sh)
  set +e; "$QG" approve train_ridge_np1.h5 --row 0 --key none --out a.json --no-run-record 2> approve.txt; code=$?; set -e
  [ $code -eq 1 ] && grep -q "give --best, not --row" approve.txt || { cat approve.txt; fail "approve --row of a train run"; }
  ;;
sklearn)    # the run files against pandas and scikit-learn's GridSearchCV
  /usr/bin/python3 "$SRC/tests/e2e/check_train_sklearn.py" train_ridge_np1.h5
  /usr/bin/python3 "$SRC/tests/e2e/check_train_sklearn.py" train_logistic_np1.h5
  ;;
bad-input)  # one clear located error and exit code before anything runs; nothing written
  edit() { sed "$1" "$SPECS/train_ridge.yaml" > "$2"; }
  edit 's/count: 9, log: true/count: 9, log: maybe/' log.yaml;  check 1 "log.yaml:13: model.params.alpha.log: must be true or false" log.yaml
  edit 's/lags: 10/lags: 0/' lags.yaml;                         check 1 "lags.yaml:8: features\[0\].lags: must be an integer from 1" lags.yaml
  edit 's/scoring: mse/scoring: accuracy/' score.yaml;           check 1 "score.yaml:15: scoring: 'accuracy' does not score a ridge model" score.yaml
  edit 's/kind: rsi, period: 14/kind: rsi, window: 14/' rsi.yaml; check 1 "rsi.yaml:11: features\[3\].window: unknown key" rsi.yaml
  edit 's/target: next_return/target: next_down/' target.yaml;   check 1 "target.yaml:12: target: unknown target 'next_down'" target.yaml
  edit 's/n_splits: 5, gap: 2/n_splits: 5, gap: 1400/' gap.yaml;  check 2 "the cross-validation does not fit" gap.yaml
  edit 's/symbols: \[SYN001\]/symbols: all/' all.yaml;          check 2 "exactly one symbol" all.yaml
  edit 's/members: 6/members: 0/' members.yaml;                 check 1 "members.yaml:16: ensemble.members: must be from 1 to 10000" members.yaml
  edit 's/block_size: 40/block_size: 5000/' block.yaml;         check 2 "ensemble.block_size 5000 is longer than the samples" block.yaml
  ;;
*) fail "unknown case $CASE" ;;
esac
