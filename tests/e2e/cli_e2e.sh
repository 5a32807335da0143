#!/usr/bin/env bash
# Exit codes and error lines of every quantgrid command that runs without a live node
# (docs/cli.md, "Exit codes"). Usage: cli_e2e.sh QUANTGRID SOURCE_DIR CASE
# Cases: parse, data, run, run-mpi, results, promotion. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
MPIRUN=(mpiexec --oversubscribe --bind-to none -x TERM=dumb)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says

# one_error_line: err.txt holds exactly one "quantgrid: error:" line.
one_error_line() { [ "$(grep -c '^quantgrid: error: ' err.txt)" -eq 1 ] || { cat err.txt >&2; fail "not one error line"; }; }
# spec_with_data NAME DATA_FILE: small_sweep.yaml reading DATA_FILE, written to NAME.
spec_with_data() { sed "s|file: market.h5|file: $2|" "$SPECS/small_sweep.yaml" > "$1"; }

case $CASE in
parse)   # the command line itself: typos, bad values, help; nothing else runs
  expect 1 "$QG" rnu
  says err.txt "did you mean run?"; one_error_line
  expect 1 "$QG" data imprt x.csv
  says err.txt "did you mean import?"
  expect 1 "$QG" run "$SPECS/small_sweep.yaml" --overwrte
  says err.txt "did you mean --overwrite?"
  expect 1 "$QG" xyzzy
  if grep -q "did you mean" err.txt; then fail "a suggestion for a word that is no typo"; fi
  expect 1 "$QG" run "$SPECS/small_sweep.yaml" --chunk -3
  says err.txt "--chunk"; one_error_line
  expect 1 "$QG" run "$SPECS/small_sweep.yaml" --threads many
  expect 1 "$QG" data generate --symbols 0 --out never.h5
  expect 1 "$QG" run does_not_exist.yaml
  expect 1 "$QG"
  expect 0 "$QG" --help
  says out.txt "run"
  expect 0 "$QG" run --help
  says out.txt "--overwrite"
  says out.txt "FLOAT:NONNEGATIVE=60"   # defaults are shown: --worker-timeout
  says out.txt "TEXT=info"              # --log-level
  expect 0 "$QG" --help
  if grep -qi "training" out.txt; then fail "the help advertises a job kind that does not exist"; fi
  expect 1 "$QG" results equty x.h5
  says err.txt "did you mean equity?"
  expect 1 "$QG" results top "$SPECS/small_sweep.yaml" --wher "a > 1"
  says err.txt "did you mean --where?"
  expect 0 "$QG" --version
  says out.txt "quantgrid"
  [ ! -e never.h5 ] || fail "a store was written after a parse error"
  ;;
data)    # fixture: market.h5 (3 symbols) for the other cases
  rm -f ./*.h5 ./*.h5.journal
  expect 0 "$QG" data generate --symbols 3 --bars 400 --seed 7 --out market.h5
  expect 0 "$QG" data info market.h5
  says out.txt SYN002
  printf 'date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10.5,11,10,10.8,120\n' > ok.csv
  expect 0 "$QG" data import ok.csv --out imported.h5 --symbol ABC
  says out.txt "imported ABC: 2 bars"
  printf 'date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,x,11,10,10.8,120\n' > bad.csv
  expect 2 "$QG" data import bad.csv --out imported.h5 --symbol BAD
  says err.txt "bad.csv:3"; one_error_line
  echo "not a store" > not_a_store.h5
  expect 2 "$QG" data info not_a_store.h5
  expect 1 "$QG" data generate --start 1990-13-01 --out never.h5
  ;;
run)     # quantgrid run alone: 0, 1 for refused outputs and bad specs, 2 for missing data, 3 for failed tasks
  cp "$SPECS/small_sweep.yaml" sweep.yaml
  rm -f ok.h5 ok.h5.journal stray.h5 stray.h5.journal failing.h5
  expect 0 "$QG" run sweep.yaml --output ok.h5 --no-progress --threads 2
  says out.txt "wrote ok.h5"
  expect 1 "$QG" run sweep.yaml --output ok.h5 --no-progress
  says err.txt "--overwrite"; one_error_line
  echo "left by a crash" > stray.h5.journal
  expect 1 "$QG" run sweep.yaml --output stray.h5 --overwrite --no-progress
  says err.txt "--resume"
  expect 1 "$QG" run "$SPECS/bad_key.yaml" --output bad.h5
  says err.txt "bad_key.yaml:9"; one_error_line
  spec_with_data no_data.yaml absent.h5
  expect 2 "$QG" run no_data.yaml --output none.h5 --no-progress
  says err.txt "absent.h5"; one_error_line
  # exit 3 needs a failing task: the test build with fault injection (tests/e2e/quantgrid_faults.cpp)
  QG_FAIL_TASKS=0:1 expect 3 "$(realpath "$4")" run sweep.yaml --output failing.h5 --no-progress --threads 2
  says err.txt "task 1 on rank"
  [ ! -e bad.h5 ] && [ ! -e none.h5 ] || fail "a run file was written by a run that could not start"
  ;;
run-mpi)  # under mpiexec: rank 0's failure reaches every rank; one error line, one exit code
  cp "$SPECS/small_sweep.yaml" sweep.yaml
  spec_with_data no_data.yaml absent.h5
  expect 2 "${MPIRUN[@]}" -n 2 "$QG" run no_data.yaml --output none_np2.h5 --no-progress
  says err.txt "absent.h5"; one_error_line
  expect 1 "${MPIRUN[@]}" -n 2 "$QG" run "$SPECS/bad_key.yaml" --output bad_np2.h5
  one_error_line
  expect 0 "${MPIRUN[@]}" -n 2 "$QG" run sweep.yaml --output ok_np2.h5 --overwrite --no-progress
  says out.txt "wrote ok_np2.h5"
  ;;
results) # needs ok.h5 from the run case
  expect 0 "$QG" results top ok.h5 -n 3
  says out.txt SYN00
  expect 0 "$QG" results summary ok.h5
  says out.txt sma_crossover
  expect 0 "$QG" results export ok.h5 --csv --out ok.csv
  expect 0 "$QG" results digest ok.h5
  expect 2 "$QG" results export ok.h5 --csv --out no_such_dir/ok.csv
  echo "not a run file" > not_a_run.h5
  expect 2 "$QG" results summary not_a_run.h5
  one_error_line
  expect 1 "$QG" results top ok.h5 -n many
  # --where and --group-by: a syntax error names the token (1), an unknown column is a data error (2)
  expect 0 "$QG" results top ok.h5 --where "trades >= 1 and max_drawdown < 1"
  expect 1 "$QG" results top ok.h5 --where "trades >= and"
  says err.txt "found 'and' at character 11"; one_error_line
  expect 2 "$QG" results top ok.h5 --where "trdes > 1"
  says err.txt "unknown metric 'trdes'"
  expect 0 "$QG" results top ok.h5 --group-by params --agg min -n 3
  says out.txt "min over the symbols of each parameter set"
  expect 1 "$QG" results top ok.h5 --group-by symbol
  # digest of several files: whether they match, exit 1 when not
  cp ok.h5 same.h5
  expect 0 "$QG" results digest ok.h5 same.h5
  says out.txt "all 2 match"
  spec_with_data other.yaml market.h5
  sed -i 's/commission_bps: 1.0/commission_bps: 9.0/; s/output: small.h5/output: other.h5/' other.yaml
  "$QG" run other.yaml --overwrite --no-progress > /dev/null 2>&1
  expect 1 "$QG" results digest ok.h5 same.h5 other.h5
  says out.txt "differ: 1 of 3 do not match ok.h5"
  ;;
promotion) # keys, approve, and the client commands with no node listening (4: no reply)
  rm -rf keys rec.json
  expect 0 "$QG" keys generate --out keys/approver
  expect 1 "$QG" keys generate --out keys/approver
  says err.txt "--force"
  expect 0 "$QG" keys generate --out keys/live --curve-only
  expect 1 "$QG" approve ok.h5 --key keys/approver --out rec.json
  expect 0 "$QG" approve ok.h5 --row 0 --key keys/approver --out rec.json
  says out.txt "overfitting: DSR"  # the row's symbol's /overfitting/<symbol> statistics
  grep -q '"dsr":' rec.json && grep -q '"pbo":' rec.json || fail "a sweep record without DSR and PBO evidence"
  expect 1 "$QG" approve ok.h5 --row 0 --key keys/approver --out rec.json
  says err.txt "exists already"
  rm -f rec_where.json
  expect 0 "$QG" approve ok.h5 --best sharpe --where "trades >= 1 and max_drawdown < 1" --key keys/approver \
    --out rec_where.json --no-run-record
  says out.txt "highest sharpe where trades >= 1 and max_drawdown < 1"
  expect 2 "$QG" approve ok.h5 --best sharpe --where "trades > 1e9" --key keys/approver --out never.json
  says err.txt "no row passes --where"
  expect 1 "$QG" approve ok.h5 --best sharpe --where "trades >" --key keys/approver --out never.json
  [ ! -e never.json ] || fail "a record was written for a refused --where"
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  C=(--live "tcp://127.0.0.1:$port" --server-key keys/live --key keys/approver --timeout 0.5)
  expect 4 "$QG" promote rec.json "${C[@]}"
  one_error_line
  expect 4 "$QG" live status "${C[@]}"
  expect 4 "$QG" feed replay market.h5 --to "tcp://127.0.0.1:$port" --wait 0.5
  expect 1 "$QG" live
  echo '{"not": "an audit record"}' > audit.jsonl
  expect 2 "$QG" live audit verify audit.jsonl
  ;;
*) fail "unknown case $CASE" ;;
esac
