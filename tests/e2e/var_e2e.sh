#!/usr/bin/env bash
# End-to-end tests of the var job kind. Usage: var_e2e.sh QUANTGRID SOURCE_DIR CASE [ARGS]
# Each case exits non-zero with a message on failure. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
MPIRUN=(mpiexec --oversubscribe --bind-to none -x TERM=dumb -x OPENBLAS_NUM_THREADS=1)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb OPENBLAS_NUM_THREADS=1
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says

case $CASE in
generate)   # the store: 5 symbols SYN000..SYN004
  "$QG" data generate --symbols 5 --bars 1500 --seed 3 --out var_market.h5
  ;;
run-np1)    # one process, all cores; and one thread
  for spec in var_small var_linear; do
    "$QG" run "$SPECS/$spec.yaml" --output "${spec}_np1.h5" --overwrite --no-progress
  done
  "$QG" run "$SPECS/var_small.yaml" --output var_small_t1.h5 --overwrite --no-progress --threads 1
  ;;
run-mpi)    # run-mpi N CHUNK
  n=$4; chunk=$5
  for spec in var_small var_linear; do
    "${MPIRUN[@]}" -n "$n" "$QG" run "$SPECS/$spec.yaml" --output "${spec}_np${n}_c${chunk}.h5" --overwrite \
        --chunk "$chunk" --no-progress
  done
  ;;
identical)  # byte-identical result datasets for 1, 2, 3 ranks, chunk sizes and thread counts
  for spec in var_small var_linear; do
    ref=$(digest ${spec}_np1.h5)
    for f in ${spec}_np2_c0.h5 ${spec}_np3_c0.h5 ${spec}_np3_c1.h5 ${spec}_np2_c5.h5; do
      [ "$(digest "$f")" = "$ref" ] || fail "$f differs from the single-process run"
    done
    echo "$spec: all digests equal: $ref"
  done
  [ "$(digest var_small_t1.h5)" = "$(digest var_small_np1.h5)" ] || fail "--threads 1 differs"
  ;;
resume)     # resume QUANTGRID_FAULTS: killed in stage 2 (not journaled), the resumed run recomputes it
  FAULTS=$(realpath "$4")
  rm -f resumed.h5 resumed.h5.journal killed.txt  # a stale log would end the wait below at once
  # every task sleeps 20 ms: stage 2's 24 tasks take about 0.5 s on one thread, the kill comes within 10 ms
  QG_TASK_SLEEP_US=20000 "$FAULTS" run "$SPECS/var_small.yaml" --output resumed.h5 --no-progress --threads 1 \
      2> killed.txt &
  pid=$!
  for _ in $(seq 1 3000); do grep -q "stage 2:" killed.txt && break; sleep 0.01; done
  kill -9 $pid 2> /dev/null || true
  wait $pid 2> /dev/null || true
  grep -q "stage 2:" killed.txt || fail "the run never reached stage 2"
  [ ! -e resumed.h5 ] || fail "the killed run wrote its output"
  [ -s resumed.h5.journal ] || fail "no journal after the kill"
  "$QG" run "$SPECS/var_small.yaml" --output resumed.h5 --resume --no-progress 2> resumed.txt
  grep -q "journal: replayed" resumed.txt || fail "the resumed run did not replay the journal"
  [ "$(digest resumed.h5)" = "$(digest var_small_np1.h5)" ] || fail "resumed run differs"
  ;;
summary)    # the CLI report shows every part
  "$QG" results summary var_small_np1.h5 | tee summary.txt
  for needle in "monte_carlo" "historical" "parametric" "component VaR" "Kupiec p" "crash-1987" "zone"; do
    grep -q "$needle" summary.txt || fail "summary lacks '$needle'"
  done
  "$QG" results export var_small_np1.h5 --group /var/summary --csv --out summary.csv
  [ "$(wc -l < summary.csv)" -eq 10 ] || fail "summary export should have 9 rows + header"
  ;;
tables)     # top, export and the Python reader follow the var kind's tables, summary first
  "$QG" results tables var_small_np1.h5 | tee tables.txt
  [ "$(head -2 tables.txt | tail -1 | cut -d' ' -f1)" = "summary" ] || fail "main table is not summary"
  grep -q "^components " tables.txt || fail "tables lack components"
  "$QG" results top var_small_np1.h5 -n 3 | tee top.txt
  [ "$(wc -l < top.txt)" -eq 4 ] || fail "top -n 3 should print a header and 3 rows"
  "$QG" results export var_small_np1.h5 --csv --out main.csv
  "$QG" results export var_small_np1.h5 --table summary --csv --out summary.csv
  cmp -s main.csv summary.csv || fail "the default export is not the summary table"
  "$QG" results export var_small_np1.h5 --table components --csv --out components.csv
  [ "$(wc -l < components.csv)" -gt 1 ] || fail "components export is empty"
  # rank 1 of top (by var, descending) is the largest VaR of the exported table
  PYTHONPATH=$SRC/results/python /usr/bin/python3 - <<'PY' || fail "python reader on a var run"
import csv
import quantgrid_results as q
rows = list(csv.DictReader(open("summary.csv")))
tables = q.tables("var_small_np1.h5")
assert list(tables)[0] == "summary" and tables["components"] == "/var/components", tables
main = q.load("var_small_np1.h5")
assert len(main) == len(rows) and {"var", "es", "method_name"} <= set(main.columns), main.columns
assert abs(main["var"].max() - max(float(r["var"]) for r in rows)) == 0
comp = q.load("var_small_np1.h5", "components")
assert len(comp) > 0 and "component_var" in comp.columns, comp.columns
print("python reader on var OK")
PY
  best=$(awk 'NR == 2' top.txt)
  max=$(/usr/bin/python3 -c "import csv; print(repr(max(float(r['var']) for r in csv.DictReader(open('summary.csv')))))")
  echo "$best" | grep -q "$(/usr/bin/python3 -c "print('%.6g' % $max)")" || fail "top row is not the largest VaR ($max): $best"
  if "$QG" approve var_small_np1.h5 --best var --key nokey --out a.json 2> approve.err; then fail "approve accepted a var run"; fi
  grep -q "holds nothing to approve" approve.err || fail "approve on a var run: $(cat approve.err)"
  ;;
reference)  # historical and parametric figures against an independent NumPy implementation
  /usr/bin/python3 "$SRC/tests/reference/var_reference.py" var_linear_np1.h5 var_market.h5
  /usr/bin/python3 "$SRC/tests/reference/var_reference.py" var_small_np1.h5 var_market.h5
  ;;
bad-input)  # a located error, a non-zero exit, no run file
  set +e
  "$QG" run "$SPECS/var_bad_window.yaml" --output bad.h5 --overwrite --no-progress 2> bad.txt
  code=$?
  set -e
  cat bad.txt
  [ $code -ne 0 ] || fail "a window longer than the history was accepted"
  grep -q "var_bad_window.yaml:8: model.window: needs 5000 returns" bad.txt || fail "error does not locate model.window"
  [ ! -e bad.h5 ] || fail "a run file was written"
  ;;
*) fail "unknown case $CASE" ;;
esac
