#!/usr/bin/env bash
# End-to-end tests of the var job kind. Usage: var_e2e.sh QUANTGRID SOURCE_DIR CASE [ARGS]
# Each case exits non-zero with a message on failure. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
MPIRUN=(mpiexec --oversubscribe --bind-to none -x TERM=dumb -x OPENBLAS_NUM_THREADS=1)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb OPENBLAS_NUM_THREADS=1
fail() { echo "FAIL: $*" >&2; exit 1; }
digest() { "$QG" results digest "$1" | cut -d' ' -f1; }

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
summary)    # the CLI report shows every part
  "$QG" results summary var_small_np1.h5 | tee summary.txt
  for needle in "monte_carlo" "historical" "parametric" "component VaR" "Kupiec p" "crash-1987" "zone"; do
    grep -q "$needle" summary.txt || fail "summary lacks '$needle'"
  done
  "$QG" results export var_small_np1.h5 --group /var/summary --csv --out summary.csv
  [ "$(wc -l < summary.csv)" -eq 10 ] || fail "summary export should have 9 rows + header"
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
