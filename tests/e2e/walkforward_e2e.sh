#!/usr/bin/env bash
# End-to-end tests of the walk-forward job kind. Usage: walkforward_e2e.sh QUANTGRID SOURCE_DIR CASE [ARGS]
# Each case exits non-zero with a message on failure. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
MPIRUN=(mpiexec --oversubscribe --bind-to none -x TERM=dumb -x OPENBLAS_NUM_THREADS=1)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb OPENBLAS_NUM_THREADS=1
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says
SPEC_NAMES=(wf_small wf_anchored)

case $CASE in
generate)   # the store: 3 symbols of 1,200 bars
  "$QG" data generate --symbols 3 --bars 1200 --seed 5 --out wf_market.h5
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
identical)  # byte-identical result datasets for 1, 2 and 3 ranks and chunk sizes
  for spec in "${SPEC_NAMES[@]}"; do
    ref=$(digest ${spec}_np1.h5)
    for f in ${spec}_np2_c0.h5 ${spec}_np3_c0.h5 ${spec}_np3_c1.h5; do
      [ "$(digest "$f")" = "$ref" ] || fail "$f differs from the single-process run"
    done
    for attr in dsr pbo dsr_n_eff; do  # the statistics are attributes: compare them too
      a=$(/usr/bin/python3 -c "import h5py; print(repr(h5py.File('${spec}_np1.h5')['overfitting'].attrs['$attr']))")
      b=$(/usr/bin/python3 -c "import h5py; print(repr(h5py.File('${spec}_np3_c1.h5')['overfitting'].attrs['$attr']))")
      [ "$a" = "$b" ] || fail "$spec: $attr differs across rank counts ($a vs $b)"
    done
    echo "$spec: all digests equal: $ref"
  done
  ;;
resume)     # a killed run continues from its journal to the same result
  rm -f resumed.h5 resumed.h5.journal
  "$QG" run "$SPECS/wf_small.yaml" --output resumed.h5 --no-progress --threads 1 2> run.txt &
  pid=$!
  for _ in $(seq 1 400); do [ -s resumed.h5.journal ] && break; sleep 0.01; done
  kill -9 $pid 2> /dev/null || true
  wait $pid 2> /dev/null || true
  "$QG" run "$SPECS/wf_small.yaml" --output resumed.h5 --resume --no-progress
  [ "$(digest resumed.h5)" = "$(digest wf_small_np1.h5)" ] || fail "resumed run differs"
  ;;
results)    # summary, top, tables, export, the Python reader, and approval of the last winner
  "$QG" results summary wf_small_np1.h5 | tee summary.txt
  for needle in "oos_sharpe" "wfe" "dsr" "pbo" "windows (dates"; do
    grep -q "$needle" summary.txt || fail "summary lacks '$needle'"
  done
  "$QG" results tables wf_small_np1.h5 | grep -q "^windows " || fail "main table is not windows"
  "$QG" results top wf_small_np1.h5 -n 3 > top.txt
  [ "$(wc -l < top.txt)" -eq 4 ] || fail "top -n 3"
  "$QG" results export wf_small_np1.h5 --table oos --csv --out oos.csv
  [ "$(head -1 oos.csv)" = "date,equity,naive_net_return,net_return,position,window" ] || fail "oos header: $(head -1 oos.csv)"
  PYTHONPATH=$SRC/results/python /usr/bin/python3 - <<'PY' || fail "python reader"
import quantgrid_results as q
windows, oos = q.load("wf_small_np1.h5"), q.load("wf_small_np1.h5", "oos")
assert list(q.tables("wf_small_np1.h5")) == ["windows", "oos"]
summary = q.attributes("wf_small_np1.h5", "/walkforward/summary")
# 1,200 bars, live from column j0 = 79 (slow <= 80): windows while j0 + 240 + 60 k < 1,199
assert summary["live_start"] == 79 and summary["live_bars"] == 1120, summary
assert len(windows) == 15 and windows["k"].tolist() == list(range(15)), windows
assert len(oos) == 1120 - 240 and oos["window"].is_monotonic_increasing
of = q.overfitting("wf_small_np1.h5")
assert 0 <= of["pbo"] <= 1 and 0 <= of["dsr"] <= 1 and of["splits"] == 70, of
q.plot_walkforward("wf_small_np1.h5", "wf.png")
print("python reader OK")
PY
  rm -rf keys && "$QG" keys generate --out keys/approver > /dev/null
  rm -f approval.json
  "$QG" approve wf_small_np1.h5 --key keys/approver --out approval.json --no-run-record | tee approve.txt
  grep -q "winner of the last window (14)" approve.txt || fail "approve did not pick the last window"
  grep -q '"dsr"' approval.json || fail "the record lacks the DSR"
  last=$(/usr/bin/python3 -c "import h5py; f=h5py.File('wf_small_np1.h5'); print(int(f['walkforward/windows/params/fast'][-1]), int(f['walkforward/windows/params/slow'][-1]))")
  grep -q "fast=$(echo $last | cut -d' ' -f1) slow=$(echo $last | cut -d' ' -f2)" approve.txt || fail "approved params are not the last winner's ($last)"
  ;;
reference)  # every output against an independent NumPy implementation
  /usr/bin/python3 "$SRC/tests/reference/walkforward_reference.py" wf_small_np1.h5
  /usr/bin/python3 "$SRC/tests/reference/walkforward_reference.py" wf_anchored_np1.h5
  ;;
bad-input)  # one clear located error and exit code before anything runs; nothing written
  edit() { sed "$1" "$SPECS/wf_small.yaml" > "$2"; }
  edit 's/pbo_blocks: 8/pbo_blocks: 7/' odd.yaml;          check 1 "odd.yaml:14: overfitting.pbo_blocks: must be an even number" odd.yaml
  edit 's/objective: sharpe/objective: shrape/' obj.yaml;   check 1 "obj.yaml:13: objective: unknown metric 'shrape'" obj.yaml
  edit 's/in_sample: 240/in_sample: 0/' zero.yaml;          check 1 "zero.yaml:12: windows.in_sample: must be a positive number" zero.yaml
  edit 's/in_sample: 240/in_sample: 5000/' long.yaml;       check 2 "need at least" long.yaml
  edit 's/symbols: \[SYN001\]/symbols: all/' all.yaml;       check 2 "exactly one symbol" all.yaml
  ;;
*) fail "unknown case $CASE" ;;
esac
