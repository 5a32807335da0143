#!/usr/bin/env bash
# End-to-end tests of the quantgrid binary. Usage: e2e.sh QUANTGRID SOURCE_DIR CASE
# Each case exits non-zero with a message on failure. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
MPIRUN=(mpiexec --oversubscribe --bind-to none -x TERM=dumb)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says
# The digest covers datasets; a sweep's /overfitting is attributes only: every attribute below
# it, exactly (repr of the stored values), one line each.
overfitting() {
  /usr/bin/python3 - "$1" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    if "overfitting" not in f:
        sys.exit("no /overfitting in " + sys.argv[1])
    def show(name, obj):
        for key in sorted(obj.attrs):
            print(name, key, repr(obj.attrs[key]))
    show("overfitting", f["overfitting"])
    f["overfitting"].visititems(show)
PY
}

case $CASE in
generate)   # fixtures: two synthetic stores (and no run file left from an earlier build)
  rm -f ./*.h5 ./*.h5.journal
  "$QG" data generate --symbols 4 --bars 800 --seed 11 --out market.h5
  "$QG" data generate --symbols 6 --bars 2520 --seed 12 --out market_long.h5
  "$QG" data generate --symbols 24 --bars 2520 --seed 13 --out market_wide.h5
  "$QG" data info market.h5 | grep -q SYN003 || fail "data info does not list SYN003"
  ;;
run-np1)    # the embedded default: no mpirun, one process on all cores
  "$QG" run "$SPECS/small_sweep.yaml" --output np1.h5 --overwrite --no-progress
  cp np1.h5 small_sweep_np1.h5
  ;;
run-mpi)    # mpiexec with N ranks and a chunk size (0: guided): run-mpi N CHUNK
  n=$4; chunk=$5
  for spec in small_sweep many_tasks; do
    "${MPIRUN[@]}" -n "$n" "$QG" run "$SPECS/$spec.yaml" --output "${spec}_np${n}_c${chunk}.h5" --overwrite \
        --chunk "$chunk" --no-progress
  done
  ;;
identical)  # every run above produced byte-identical result datasets
  "$QG" run "$SPECS/many_tasks.yaml" --output many_tasks_np1.h5 --overwrite --no-progress --threads 1
  for spec in small_sweep many_tasks; do
    ref=$(digest ${spec}_np1.h5)
    for f in ${spec}_np2_c0.h5 ${spec}_np3_c0.h5 ${spec}_np3_c1.h5 ${spec}_np2_c7.h5; do
      [ "$(digest "$f")" = "$ref" ] || fail "$f differs from the single-process run"
      [ "$(overfitting "$f")" = "$(overfitting ${spec}_np1.h5)" ] || fail "$f: /overfitting differs"
    done
    [[ "$(overfitting ${spec}_np1.h5)" == *" dsr "* ]] || fail "${spec}_np1.h5: no DSR under /overfitting"
    echo "$spec: all digests equal: $ref"
  done
  ;;
from-store) # every rank reads its symbols from the store, larger than the 1 MiB cache (which holds
            # one prepared symbol): the same results as with the bars sent, 1 and 3 ranks, guided and chunk 1
  [ "$(stat -c %s market_wide.h5)" -gt 1048576 ] || fail "market_wide.h5 is not larger than the cache"
  "$QG" run "$SPECS/store_sweep.yaml" --output store_sent.h5 --overwrite --no-progress
  "$QG" run "$SPECS/store_sweep.yaml" --output store_np1.h5 --overwrite --no-progress \
      --data-broadcast-mb 0 --data-cache-mb 1 2> store_np1.txt
  says store_np1.txt "are read by each rank from the store"
  for chunk in 0 1; do
    "${MPIRUN[@]}" -n 3 "$QG" run "$SPECS/store_sweep.yaml" --output "store_np3_c$chunk.h5" --overwrite \
        --no-progress --chunk "$chunk" --data-broadcast-mb 0 --data-cache-mb 1
  done
  ref=$(digest store_sent.h5)
  for f in store_np1.h5 store_np3_c0.h5 store_np3_c1.h5; do
    [ "$(digest "$f")" = "$ref" ] || fail "$f differs from the run with the bars sent"
    [ "$(overfitting "$f")" = "$(overfitting store_sent.h5)" ] || fail "$f: /overfitting differs"
  done
  echo "store_sweep: all digests equal: $ref"
  ;;
store-changed) # a worker that sees another file at the store's path stops the run with a clear
               # error (its own mount namespace: root and unshare; exit 77, a skip, otherwise)
  if [ "$(id -u)" != 0 ] || ! unshare -m true 2> /dev/null; then echo "needs root and unshare -m"; exit 77; fi
  cp market_wide.h5 other_store.h5 && touch -d 2001-01-01 other_store.h5
  run=("$QG" run "$SPECS/store_sweep.yaml" --output changed.h5 --overwrite --no-progress --data-broadcast-mb 0)
  set +e
  timeout 120 mpiexec --oversubscribe --bind-to none -n 1 "${run[@]}" : -n 1 \
      unshare -m sh -c "mount --bind other_store.h5 \"\$PWD/market_wide.h5\" && exec \"\$@\"" sh "${run[@]}" \
      > changed.txt 2>&1
  code=$?; set -e
  [ "$code" -ne 0 ] && [ "$code" -ne 124 ] || { cat changed.txt; fail "exit $code: the run went on or hung"; }
  says changed.txt "is not the market-data store the coordinator opened"
  [ ! -e changed.h5 ] || fail "a run file was written over a changed store"
  ;;
recover)    # mpirun --enable-recovery: a killed worker's chunk is re-issued, the run completes
  # Repeated (RECOVER_RUNS, default 4): after a lost rank the survivors used to hang in
  # MPI_Finalize in about one run in four. Every run must exit 0 within 60 s of its "done" line.
  # Run 1 is the long sweep with its overfitting statistics; the others skip those (their
  # stages take most of the time and the hang came after the file was written).
  [ -f long_ref.h5 ] || "$QG" run "$SPECS/long_sweep.yaml" --output long_ref.h5 --overwrite --no-progress
  { cat "$SPECS/long_sweep.yaml"; echo "overfitting: false"; } > recover_light.yaml
  "$QG" run recover_light.yaml --output light_ref.h5 --overwrite --no-progress 2> /dev/null
  for run in $(seq 1 "${RECOVER_RUNS:-4}"); do
    if [ "$run" -eq 1 ]; then spec=$SPECS/long_sweep.yaml ref=long_ref.h5; else spec=recover_light.yaml ref=light_ref.h5; fi
    rm -f recovered.h5 recovered.h5.journal
    # A rank killed while it sends a result larger than the shared-memory eager limit leaves
    # rank 0 blocked in MPI_Recv for the rest of it (docs/operations.md, an open problem). Here
    # every stage-0 result is sent eagerly: chunks of one task (about 13 kB) under a 32 kB limit.
    OMPI_MCA_btl_vader_eager_limit=32768 \
      "${MPIRUN[@]}" --enable-recovery -n 3 "$QG" run "$spec" --output recovered.h5 --no-progress \
        --worker-timeout 1 --chunk 1 2> recover.txt &
    launcher=$!
    for _ in $(seq 1 600); do
      [ -f recovered.h5.journal ] && [ "$(stat -c %s recovered.h5.journal)" -gt 200000 ] && break
      sleep 0.05
    done
    for pid in $(pgrep -f "quantgrid run $spec --output recovered.h5"); do
      rank=$(tr '\0' '\n' < /proc/$pid/environ 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
      [ "$rank" = 2 ] && kill -9 "$pid"
    done
    # Wait for "done" (at most 900 s on a loaded machine), then at most 60 s for mpirun to exit.
    finished=0
    for _ in $(seq 1 9000); do
      kill -0 $launcher 2>/dev/null || break
      if grep -q "done in" recover.txt; then
        finished=1
        for _ in $(seq 1 600); do kill -0 $launcher 2>/dev/null || break; sleep 0.1; done
        break
      fi
      sleep 0.1
    done
    if kill -0 $launcher 2>/dev/null; then
      kill $launcher 2>/dev/null || true
      pkill -9 -f "quantgrid run $spec --output recovered.h5" || true
      cat recover.txt
      [ $finished -eq 1 ] || fail "run $run: not finished after 900 s"
      fail "run $run: mpirun still running 60 s after the run finished (a rank hung after the lost worker)"
    fi
    set +e; wait $launcher; code=$?; set -e
    cat recover.txt
    [ $code -eq 0 ] || fail "run $run: the run did not survive the lost worker (exit $code)"
    grep -q "done in" recover.txt || fail "run $run: the recovered run did not finish"
    grep -q "presumed lost" recover.txt || fail "run $run: no chunk was re-issued (was the worker killed?)"
    grep -q "leaving without MPI_Finalize" recover.txt || fail "run $run: the survivors did not skip MPI_Finalize"
    [ "$(digest recovered.h5)" = "$(digest "$ref")" ] || fail "run $run: recovered run differs from an uninterrupted one"
    if [ "$run" -eq 1 ]; then
      [ "$(overfitting recovered.h5)" = "$(overfitting long_ref.h5)" ] || fail "run 1: recovered run's /overfitting differs"
    fi
    echo "run $run: exit 0; recovered run equals the uninterrupted run"
  done
  ;;
results-cli)
  "$QG" results top np1.h5 --by sharpe -n 5 | tee top.txt
  [ "$(grep -c SYN00 top.txt)" -eq 5 ] || fail "top -n 5 did not print 5 rows"
  "$QG" results summary np1.h5 | grep -q sma_crossover || fail "summary lacks the strategy"
  "$QG" results export np1.h5 --csv --out np1.csv
  rows=$(($(wc -l < np1.csv) - 1))
  # 4 symbols x combos: fast 2..30, slow 5,8,..,80 with fast < slow (counted by the checker)
  expected=$(/usr/bin/python3 -c "print(4*sum(1 for f in range(2,31) for s in range(5,81,3) if f<s))")
  [ "$rows" -eq "$expected" ] || fail "export has $rows rows, expected $expected"
  ;;
numpy-reference)   # every row against an independent NumPy implementation of the conventions
  /usr/bin/python3 "$SRC/tests/e2e/check_sweep_numpy.py" np1.h5 market.h5
  ;;
python-reader)
  PYTHONPATH=$SRC/results/python /usr/bin/python3 - <<'PY'
import quantgrid_results as q
df = q.load("np1.h5")
assert {"combo", "symbol", "fast", "slow", "sharpe"} <= set(df.columns), df.columns
assert df["symbol"].nunique() == 4
q.heatmap("np1.h5", "sharpe", "fast", "slow", out_png="heatmap.png")
import os
assert os.path.getsize("heatmap.png") > 1000
print("python reader OK:", len(df), "rows")
PY
  ;;
task-failure)   # a task that throws: reported, the rest completes, exit code 3
  set +e
  FAULTS=$(realpath "$4")  # the command line built with fault injection (tests/e2e/quantgrid_faults.cpp)
  QG_FAIL_TASKS=0:3 "$QG" run "$SPECS/small_sweep.yaml" --output clean.h5 --overwrite --no-progress \
    || fail "the production binary must not inject failures"
  QG_FAIL_TASKS=0:3 "$FAULTS" run "$SPECS/small_sweep.yaml" --output failing.h5 --overwrite --no-progress 2> err.txt
  code=$?
  set -e
  cat err.txt
  [ $code -eq 3 ] || fail "exit code $code, expected 3"
  grep -q "task 3 on rank" err.txt || fail "no failure line naming task 3"
  [ -f failing.h5 ] || fail "no run file after a task failure"
  "$QG" results summary failing.h5 | grep -q "injected failure" || fail "summary does not list the failure"
  ;;
bad-spec)   # one clear error naming file, line and key; exit code 1; nothing written
  set +e
  "$QG" run "$SPECS/bad_key.yaml" 2> err.txt
  code=$?
  set -e
  cat err.txt
  [ $code -eq 1 ] || fail "exit code $code, expected 1"
  grep -q "bad_key.yaml:9" err.txt || fail "error does not name bad_key.yaml:9"
  grep -q "stpe" err.txt || fail "error does not name the unknown key"
  [ ! -e bad.h5 ] || fail "a run file was written for a bad spec"
  ;;
kill-resume)   # SIGKILL a rank mid-run, resume, compare: kill-resume worker|coordinator
  who=$4
  rm -f long.h5 long.h5.journal
  "${MPIRUN[@]}" -n 3 "$QG" run "$SPECS/long_sweep.yaml" --output long.h5 --no-progress &
  launcher=$!
  for _ in $(seq 1 600); do   # wait until some chunks are journaled
    [ -f long.h5.journal ] && [ "$(stat -c %s long.h5.journal)" -gt 200000 ] && break
    sleep 0.05
  done
  victim=""
  for pid in $(pgrep -f "quantgrid run $SPECS/long_sweep.yaml"); do
    rank=$(tr '\0' '\n' < /proc/$pid/environ 2>/dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
    if { [ "$who" = coordinator ] && [ "$rank" = 0 ]; } || { [ "$who" = worker ] && [ "$rank" = 2 ]; }; then
      victim=$pid
    fi
  done
  [ -n "$victim" ] || fail "no $who rank to kill"
  kill -9 "$victim"
  set +e; wait $launcher; code=$?; set -e
  [ $code -ne 0 ] || fail "the killed run exited 0 (it finished before the kill?)"
  [ ! -e long.h5 ] || fail "a run file appeared at its final path after a crash"
  [ -f long.h5.journal ] || fail "no journal after a crash"
  "${MPIRUN[@]}" -n 3 "$QG" run "$SPECS/long_sweep.yaml" --output long.h5 --resume --no-progress 2> resume.txt
  grep -q "replayed" resume.txt || fail "resume did not replay the journal"
  [ -f long_ref.h5 ] || "$QG" run "$SPECS/long_sweep.yaml" --output long_ref.h5 --overwrite --no-progress
  [ "$(digest long.h5)" = "$(digest long_ref.h5)" ] || fail "resumed run differs from an uninterrupted one"
  [ "$(overfitting long.h5)" = "$(overfitting long_ref.h5)" ] || fail "resumed run's /overfitting differs"
  [ ! -e long.h5.journal ] || fail "journal left behind after a complete run"
  echo "resumed run equals the uninterrupted run"
  ;;
*) fail "unknown case $CASE" ;;
esac
