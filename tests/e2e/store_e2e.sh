#!/usr/bin/env bash
# The market store and start-up, end to end (docs/hdf5-schema.md, docs/operations.md).
# Usage: store_e2e.sh QUANTGRID SOURCE_DIR CASE. Cases:
#   startup     a run started without an MPI launcher initialises no MPI and writes its file
#   claim       a held store is refused naming the holder; a killed writer's claim is taken over;
#               two imports into one store at once: exactly one wins, the store stays readable
#   reimport    an existing symbol is refused, --append adds new dates only, --replace replaces
#   upgrade     a store of the 1.0 layout runs as before, `data upgrade` converts it, same results
#   close-only  a wide (closes only) import is recorded; donchian refuses it, sma runs
#   invariants  a store with a decreasing date (written by another tool) is refused naming symbol and row
#   hostile-csv an overlong line and a bad symbol name are refused with short messages
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
PY=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says
# spec KIND DATA OUT: a small sweep of KIND over DATA.
spec() {
  case $1 in
    sma) sed "s|file: market.h5|file: $2|; s|output: small.h5|output: $3|" "$SPECS/small_sweep.yaml" ;;
    donchian) cat <<YAML
job: sweep
name: e2e-donchian
data: {file: $2, symbols: all}
strategy:
  kind: donchian
  mode: long_short
  params:
    entry: {from: 10, to: 20, step: 5}
    exit: {from: 5, to: 5, step: 1}
search: {method: grid}
costs: {commission_bps: 1.0, slippage_bps: 2.0}
rank_by: sharpe
output: $3
YAML
    ;;
  esac
}
# long_csv FILE SYMBOL ROWS: a long-layout CSV of ROWS business-ish days for SYMBOL.
long_csv() {
  "$PY" - "$@" <<'PYEOF'
import sys, datetime
path, sym, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = datetime.date(1950, 1, 2)
with open(path, "w") as f:
    f.write("date,symbol,open,high,low,close,volume\n")
    for i in range(rows):
        c = 100 + (i % 50)
        f.write(f"{d.isoformat()},{sym},{c},{c + 1},{c - 1},{c + 0.5},{i}\n")
        d += datetime.timedelta(days=1)
PYEOF
}

case $CASE in
startup)
  rm -rf tmp && mkdir tmp
  "$QG" data generate --symbols 1 --bars 300 --out one.h5 > /dev/null
  cat > one.yaml <<YAML
job: sweep
name: one-task
data: {file: one.h5, symbols: all}
strategy:
  kind: sma_crossover
  mode: long_short
  params: {fast: {from: 5, to: 5, step: 1}, slow: {from: 20, to: 20, step: 1}}
search: {method: grid}
costs: {commission_bps: 1.0, slippage_bps: 2.0}
rank_by: sharpe
output: one_run.h5
YAML
  # Open MPI puts a singleton's session directory under TMPDIR: none may appear.
  env -u OMPI_COMM_WORLD_SIZE -u PMIX_RANK -u PMI_RANK -u SLURM_PROCID TMPDIR="$PWD/tmp" \
    "$QG" run one.yaml --overwrite --no-progress > out.txt 2> err.txt || { cat err.txt; fail "run failed"; }
  says out.txt "wrote one_run.h5"
  says err.txt "[rank 0/1]"
  [ -z "$(ls -A tmp)" ] || { ls -laR tmp; fail "MPI was initialised without a launcher (session files in TMPDIR)"; }
  "$QG" results digest one_run.h5 > /dev/null
  # Under mpiexec, MPI is initialised: two ranks, same results.
  mpiexec --oversubscribe --bind-to none -n 2 "$QG" run one.yaml --output one_mpi.h5 --overwrite --no-progress \
    > out.txt 2> err.txt || { cat err.txt; fail "mpiexec run failed"; }
  says err.txt "/2]"
  [ "$(digest one_run.h5)" = "$(digest one_mpi.h5)" ] || fail "results differ under mpiexec"
  ;;
claim)
  rm -f s.h5 s.h5.lock s.h5.tmp-*
  long_csv big.csv BIG 200000
  # A live holder: refused with who holds it, nothing written.
  sleep 30 & holder=$!
  printf 'pid %s\nhost %s\nsince 2026-12-01T10:00:00Z\n' "$holder" "$(hostname)" > s.h5.lock
  expect 2 "$QG" data import big.csv --out s.h5
  says err.txt "in use by process $holder on host $(hostname) since 2026-12-01T10:00:00Z"
  [ ! -e s.h5 ] || fail "a store was written by the refused import"
  kill "$holder"; wait "$holder" 2>/dev/null || true
  rm -f s.h5.lock
  # A writer killed mid-import leaves its claim and temporary files (s.h5.tmp-HOST-PID and its
  # .scratch): the next import on this host takes the claim over, deletes them, and succeeds.
  "$QG" data import big.csv --out s.h5 > /dev/null 2>&1 & victim=$!
  for _ in $(seq 100); do [ -e s.h5.lock ] && break; sleep 0.02; done
  kill -9 "$victim"; wait "$victim" 2>/dev/null || true
  if [ -e s.h5.lock ]; then
    expect 0 "$QG" data import big.csv --out s.h5
    [ -z "$(ls s.h5.tmp-* s.h5.lock* 2>/dev/null)" ] || { ls; fail "the dead writer's files were left"; }
    rm -f s.h5
  fi
  # Two at once, same symbol, several rounds: exactly one exits 0 (the other is refused by the
  # claim or finds the symbol imported), and the store holds the rows once.
  for round in 1 2 3; do
    rm -f s.h5
    set +e
    "$QG" data import big.csv --out s.h5 > a.out 2> a.err & a=$!
    "$QG" data import big.csv --out s.h5 > b.out 2> b.err & b=$!
    wait $a; ca=$?; wait $b; cb=$?
    set -e
    echo "round $round: exit codes $ca $cb"
    [ $((ca == 0)) -ne $((cb == 0)) ] || { cat a.err b.err; fail "round $round: exit codes $ca and $cb"; }
    [ $((ca + cb)) -eq 2 ] || { cat a.err b.err; fail "round $round: the loser did not exit 2"; }
    grep -qE "in use by process|already in the store" a.err b.err || fail "round $round: no reason for the loser"
    "$QG" data info s.h5 > info.txt
    says info.txt "BIG"
    says info.txt "200000"
    [ -z "$(ls s.h5.tmp-* s.h5.lock* 2>/dev/null)" ] || fail "round $round: temporary or lock files left"
  done
  ;;
reimport)
  rm -f s.h5
  printf 'date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n2020-01-03,10.5,11,10,10.8,120\n' > SPY.csv
  expect 0 "$QG" data import SPY.csv --out s.h5
  before=$(sha256sum s.h5)
  expect 2 "$QG" data import SPY.csv --out s.h5
  says err.txt "symbol 'SPY' is already in the store (2 bars, 2020-01-02 to 2020-01-03); pass --append"
  [ "$(sha256sum s.h5)" = "$before" ] || fail "a refused import changed the store"
  printf 'date,open,high,low,close,volume\n2020-01-03,1,1,1,1,1\n2020-01-06,11,12,10,11.5,90\n' > SPY.csv
  expect 0 "$QG" data import SPY.csv --out s.h5 --append
  says out.txt "imported SPY: 1 bars, 20200106 to 20200106 (appended to the store's bars; 1 rows at or before its last date left out)"
  expect 0 "$QG" data info s.h5
  says out.txt "1 symbols, 3 bars"
  expect 0 "$QG" data import SPY.csv --out s.h5 --replace
  says out.txt "(replaced the store's bars)"
  expect 0 "$QG" data info s.h5
  says out.txt "1 symbols, 2 bars"
  expect 1 "$QG" data import SPY.csv --out s.h5 --replace --append
  ;;
upgrade)
  rm -f new.h5 old.h5
  "$QG" data generate --symbols 3 --bars 400 --seed 7 --out new.h5 > /dev/null
  # The same bars in the 1.0 layout (one group per symbol), as earlier quantgrid wrote them.
  "$PY" - new.h5 old.h5 <<'PYEOF'
import sys, h5py, numpy as np
src, dst = sys.argv[1], sys.argv[2]
with h5py.File(src, "r") as s, h5py.File(dst, "w") as d:
    d.attrs["kind"] = "quantgrid-market-store"; d.attrs["schema_version"] = "1.0"
    d.attrs["schema_major"] = np.int64(1); d.attrs["schema_minor"] = np.int64(0)
    names = [n.decode() if isinstance(n, bytes) else n for n in s["symbol_order"][()]]
    off = s["bars/offset"][()]
    for i, n in enumerate(names):
        for f in ("date", "open", "high", "low", "close", "volume"):
            d[f"symbols/{n}/{f}"] = s[f"bars/{f}"][off[i]:off[i + 1]]
    d.create_dataset("symbol_order", data=names, dtype=h5py.string_dtype("utf-8"))
PYEOF
  spec sma new.h5 new_run.h5 > new.yaml
  spec sma old.h5 old_run.h5 > old.yaml
  expect 0 "$QG" run new.yaml --overwrite --no-progress --threads 2
  expect 0 "$QG" run old.yaml --overwrite --no-progress --threads 2
  [ "$(digest new_run.h5)" = "$(digest old_run.h5)" ] || fail "1.0 store gives other results"
  expect 0 "$QG" data upgrade old.h5
  says out.txt "upgraded from layout 1.0 to 2.0"
  expect 0 "$QG" run old.yaml --overwrite --no-progress --threads 2
  [ "$(digest new_run.h5)" = "$(digest old_run.h5)" ] || fail "upgraded store differs"
  [ "$(sha256sum < old.h5)" = "$(sha256sum < new.h5)" ] || fail "upgraded store is not byte-identical to a new one"
  expect 0 "$QG" data upgrade old.h5
  says out.txt "already in the current layout (2.0)"
  ;;
close-only)
  rm -f c.h5
  "$PY" - <<'PYEOF'
import datetime
d = datetime.date(2015, 1, 1)
with open("closes.csv", "w") as f:
    f.write("date,AAA,BBB\n")
    for i in range(300):
        f.write(f"{(d + datetime.timedelta(days=i)).isoformat()},{100 + (i * 7) % 13},{50 + (i * 5) % 11}\n")
PYEOF
  expect 0 "$QG" data import closes.csv --out c.h5
  says out.txt "imported AAA: 300 bars, 20150101 to 20151027 [closes only]"
  expect 0 "$QG" data info c.h5
  says out.txt "closes only (open, high, low repeat the close): AAA, BBB"
  spec donchian c.h5 d.h5 > d.yaml
  expect 2 "$QG" run d.yaml --overwrite --no-progress
  says err.txt "symbol 'AAA' has closes only (imported from a wide CSV); donchian needs real high and low prices"
  [ ! -e d.h5 ] || fail "a donchian run file was written from closes only"
  # walk-forward reads the same prices: refused the same way
  spec donchian c.h5 w.h5 | sed "s|job: sweep|job: walkforward|; s|symbols: all|symbols: [AAA]|; /^rank_by:/d" > w.yaml
  printf 'windows: {in_sample: 100, out_of_sample: 50}\nobjective: sharpe\n' >> w.yaml
  expect 2 "$QG" run w.yaml --overwrite --no-progress
  says err.txt "symbol 'AAA' has closes only (imported from a wide CSV); donchian needs real high and low prices"
  [ ! -e w.h5 ] || fail "a donchian walk-forward run file was written from closes only"
  spec sma c.h5 closes_run.h5 > s.yaml
  expect 0 "$QG" run s.yaml --overwrite --no-progress
  ;;
invariants)
  rm -f bad.h5
  "$QG" data generate --symbols 2 --bars 300 --out bad.h5 > /dev/null
  "$PY" - bad.h5 <<'PYEOF'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    off = f["bars/offset"][()]
    f["bars/date"][off[1] + 7] = f["bars/date"][off[1] + 5]   # SYN001, row 7 goes back
PYEOF
  spec sma bad.h5 bad_run.h5 > bad.yaml
  expect 2 "$QG" run bad.yaml --overwrite --no-progress
  says err.txt "symbol 'SYN001', row 7: date"
  says err.txt "(dates must be strictly increasing)"
  ;;
hostile-csv)
  rm -f h.h5
  "$PY" -c "
import sys
with open('wide_field.csv', 'w') as f:
    f.write('date,open,high,low,close\n2020-01-02,1,2,1,' + '9' * 20_000_000 + '\n')
with open('bad_name.csv', 'wb') as f:
    f.write(b'date,symbol,open,high,low,close\n2020-01-02,AB\xff,1,2,1,1\n')
"
  expect 2 "$QG" data import wide_field.csv --out h.h5
  says err.txt "wide_field.csv:2: line is longer than 1048576 bytes"
  [ "$(wc -c < err.txt)" -lt 400 ] || fail "the overlong line was echoed ($(wc -c < err.txt) bytes)"
  expect 2 "$QG" data import bad_name.csv --out h.h5
  says err.txt "bad_name.csv:2: symbol name 'AB?' is not valid UTF-8 (byte 2)"
  [ ! -e h.h5 ] || fail "a store was written"
  ;;
*) fail "unknown case $CASE" ;;
esac
echo "PASS: $CASE"
