#!/usr/bin/env bash
# Hostile conditions (docs/operations.md, "Single writer" to "Hostile specs"): two writers of
# one output, what --overwrite may replace, full disks and broken outputs, alias bombs and huge
# specs, the small misuses (dates past 9999, negative counts, malformed QG_FAIL_TASKS), and
# per-dataset digests (results verify) after a value is changed in place, and readers that
# leave a pipe early (`| head -1`).
# Usage: harden_e2e.sh QUANTGRID SOURCE_DIR CASE [QUANTGRID_FAULTS]. Run from the test's folder.
# Exit 77 (a ctest skip) where the case needs what the machine does not allow (mount as root).
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
SPECS=$SRC/tests/e2e/specs
PY=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # fail, expect, says
# same_run A B: equal datasets (results digest) and equal attributes but the clock's.
same_run() {
  [ "$(digest "$1")" == "$(digest "$2")" ] || fail "$1 and $2 hold different datasets"
  $PY - "$1" "$2" <<'PYEOF' || fail "$1 and $2 differ in their attributes"
import sys, h5py
clock = {"start_time", "end_time", "elapsed_seconds", "stage_seconds"}
def attrs(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.update({name + "@" + k: str(v) for k, v in obj.attrs.items()}))
        out.update({"/@" + k: str(v) for k, v in f.attrs.items() if k not in clock})
    return out
a, b = attrs(sys.argv[1]), attrs(sys.argv[2])
diff = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
sys.exit(f"differ: {sorted(diff)}" if diff else 0)
PYEOF
}
# A sweep long enough (a few seconds) to still be running when a second writer starts.
medium_spec() { sed 's|file: market_long.h5|file: market.h5|; s|to: 60, step: 1|to: 40, step: 1|' "$SPECS/long_sweep.yaml" > "$1"; }
no_debris() { ! ls "$1".lock* "$1".tmp* > /dev/null 2>&1 || fail "claim or temporary files left beside $1: $(ls "$1".*)"; }

case $CASE in
generate)  # fixture: market.h5 and a reference run of each spec
  rm -rf ./*.h5 ./*.h5.* full
  "$QG" data generate --symbols 4 --bars 800 --seed 11 --out market.h5
  cp "$SPECS/small_sweep.yaml" small.yaml; medium_spec medium.yaml
  "$QG" run small.yaml --output ref_small.h5 --no-progress
  "$QG" run medium.yaml --output ref_medium.h5 --no-progress
  ;;
two-writers)  # one output, two runs: exactly one writes it, and writes exactly a single run's file
  for locking in TRUE FALSE; do
    export HDF5_USE_FILE_LOCKING=$locking
    rm -f both.h5*
    "$QG" run medium.yaml --output both.h5 --no-progress > a.out 2> a.err & a=$!
    for _ in $(seq 200); do [ -e both.h5.lock ] && break; sleep 0.05; done
    [ -e both.h5.lock ] || fail "the first run never claimed both.h5"
    expect 2 "$QG" run medium.yaml --output both.h5 --no-progress
    says err.txt "both.h5 is in use by process $a on host $(hostname) since "
    wait $a || { cat a.err; fail "the first writer failed"; }
    same_run both.h5 ref_medium.h5; no_debris both.h5
    # started at the same moment: one wins; the other is refused (in use, or finds the file done)
    rm -f both.h5*
    "$QG" run medium.yaml --output both.h5 --no-progress > a.out 2> a.err & a=$!
    "$QG" run medium.yaml --output both.h5 --no-progress > b.out 2> b.err & b=$!
    set +e; wait $a; ca=$?; wait $b; cb=$?; set -e
    [ $((ca == 0)) -ne $((cb == 0)) ] || fail "exit codes $ca and $cb: not exactly one writer ($(cat a.err b.err))"
    loser=$([ "$ca" -eq 0 ] && echo b || echo a)
    grep -qE "is in use by process|already exists" $loser.err || fail "loser said: $(cat $loser.err)"
    same_run both.h5 ref_medium.h5; no_debris both.h5
  done
  ;;
stale-claim)  # a claim left by a killed run is taken over, with a message
  rm -f stale.h5*
  "$QG" run medium.yaml --output stale.h5 --no-progress > /dev/null 2>&1 & victim=$!
  for _ in $(seq 200); do [ -e stale.h5.lock ] && break; sleep 0.05; done
  kill -9 $victim; wait $victim || true
  [ -e stale.h5.lock ] || fail "the killed run left no claim to take over"
  expect 0 "$QG" run medium.yaml --output stale.h5 --resume --no-progress
  says err.txt "took over the claim of process $victim"
  same_run stale.h5 ref_medium.h5; no_debris stale.h5
  printf 'pid 1\nhost elsewhere.example\nsince 2026-01-01T00:00:00Z\n' > other.h5.lock
  expect 2 "$QG" run small.yaml --output other.h5 --no-progress
  says err.txt "other.h5 is in use by process 1 on host elsewhere.example since 2026-01-01T00:00:00Z"
  [ ! -e other.h5 ] && [ ! -e other.h5.journal ] || fail "the loser wrote something"
  ;;
overwrite)  # --overwrite replaces a run file, and nothing else
  cp ref_small.h5 victim.h5
  expect 0 "$QG" run small.yaml --output victim.h5 --overwrite --no-progress
  same_run victim.h5 ref_small.h5
  cp market.h5 market_copy.h5; sha=$(sha256sum market.h5)
  expect 1 "$QG" run small.yaml --output market.h5 --overwrite --no-progress
  says err.txt "market.h5: is the job's market-data store"
  [ "$(sha256sum market.h5)" == "$sha" ] || fail "the store changed"
  cp small.yaml spec_out.yaml; sed -i 's|output: small.h5|output: spec_out.yaml|' spec_out.yaml
  expect 1 "$QG" run spec_out.yaml --overwrite --no-progress
  says err.txt "spec_out.yaml: is the job's spec"
  rm -f fifo; mkfifo fifo
  expect 1 "$QG" run small.yaml --output fifo --overwrite --no-progress
  says err.txt "is not a regular file"
  mkdir -p adir
  expect 1 "$QG" run small.yaml --output adir --overwrite --resume --no-progress
  says err.txt "is not a regular file"
  expect 1 "$QG" run small.yaml --output /dev/null --overwrite --no-progress
  says err.txt "is not a regular file"
  [ ! -e /dev/null.lock ] || fail "a claim was made beside /dev/null"
  echo "precious notes" > notes.txt
  expect 1 "$QG" run small.yaml --output notes.txt --overwrite --no-progress
  says err.txt "notes.txt: is not a quantgrid run file"
  [ "$(cat notes.txt)" == "precious notes" ] || fail "notes.txt was replaced"
  ;;
enospc)  # a full disk: exit 2 with a clear message (no crash at exit), journal kept, --resume finishes
  mkdir -p full
  if ! mount -t tmpfs -o size=96k tmpfs full 2> /dev/null; then
    echo "SKIP: cannot mount a tmpfs here (needs root and mount rights)"; exit 77
  fi
  trap 'umount full 2>/dev/null || true' EXIT
  # 96 kB: the journal fills the disk; 400 kB: the journal fits and the run file does not
  for size in 96k 400k; do
    rm -rf full/*; mount -o remount,size=$size full
    expect 2 "$QG" run small.yaml --output full/run.h5 --no-progress
    says err.txt "No space left on device"
    [ "$(grep -c '^quantgrid: error: ' err.txt)" -eq 1 ] || fail "not one error line"
    tail -n 1 err.txt | grep -q '^quantgrid: error: .*No space left on device' || fail "the error is not one last line"
    [ -e full/run.h5.journal ] || fail "the journal was not kept"
    [ ! -e full/run.h5 ] && ! ls full/run.h5.tmp* full/run.h5.lock* > /dev/null 2>&1 || fail "debris: $(ls full)"
    mount -o remount,size=16m full
    expect 0 "$QG" run small.yaml --output full/run.h5 --resume --no-progress
    same_run full/run.h5 ref_small.h5; no_debris full/run.h5
    [ ! -e full/run.h5.journal ] || fail "the journal outlived the finished run"
  done
  # results to a full output: exit 2, and with --out no partial file
  for cmd in "export ref_small.h5 --csv" "top ref_small.h5" "summary ref_small.h5" "tables ref_small.h5" "digest ref_small.h5"; do
    # shellcheck disable=SC2086
    set +e; "$QG" results $cmd > /dev/full 2> err.txt; code=$?; set -e
    [ $code -eq 2 ] || fail "results $cmd > /dev/full: exit $code"
    says err.txt "standard output: write failed: No space left on device"
  done
  rm -rf full/*; mount -o remount,size=32k full
  expect 2 "$QG" results export ref_small.h5 --csv --out full/export.csv
  says err.txt "No space left on device"
  [ -z "$(ls full)" ] || fail "a partial export was left: $(ls full)"
  ;;
hostile-spec)  # an alias bomb fails fast at its line; a huge spec is refused by its size
  $PY - <<'PYEOF'
lines = ['job: sweep', 'name: bomb', 'a0: &a0 [x, x, x, x, x, x, x, x, x]']
for i in range(1, 10):
    lines.append(f'a{i}: &a{i} [' + ', '.join([f'*a{i-1}'] * 9) + ']')
text = '\n'.join(lines) + '\n'
open('bomb.yaml', 'w').write(text)
print(len(text), 'bytes')
PYEOF
  start=$(date +%s)
  expect 1 timeout 20 "$QG" run bomb.yaml --output bomb.h5 --no-progress
  [ $(( $(date +%s) - start )) -le 5 ] || fail "the alias bomb took $(( $(date +%s) - start )) s"
  says err.txt "bomb.yaml:"; says err.txt "aliases expand the spec beyond 100000 nodes"
  { cat small.yaml; printf '# %.0s' $(seq 1); head -c 1100000 /dev/zero | tr '\0' 'x'; echo; } > huge.yaml
  expect 1 "$QG" run huge.yaml --output huge.h5 --no-progress
  says err.txt "huge.yaml: spec: is 1048577 bytes; a spec may have at most 1048576"
  [ ! -e bomb.h5 ] && [ ! -e huge.h5 ] || fail "a refused spec wrote a run file"
  ;;
small)  # clear errors for values that used to wrap or pass silently
  expect 1 "$QG" data generate --start 9999-12-31 --bars 10 --out never.h5
  says err.txt "run past 9999-12-31"
  expect 0 "$QG" data generate --start 9999-12-17 --bars 10 --symbols 1 --out edge.h5   # Dec 17..31: 11 business days
  expect 1 "$QG" data generate --start 9999-12-17 --bars 12 --symbols 1 --out never.h5
  expect 1 "$QG" data generate --seed -1 --out never.h5
  says err.txt "--seed: must be >= 0 (got -1)"   # the rule, not the largest double
  expect 1 "$QG" results top ref_small.h5 -n -5
  says err.txt "-n: must be >= 0 (got -5)"
  expect 0 "$QG" results top ref_small.h5 -n 0   # 0: every row
  [ ! -e never.h5 ] || fail "a store was written"
  for bad in "x" "0:" ":3" "0:1x" "0:-1" "0:1,,0:2" "0:1,"; do
    QG_FAIL_TASKS=$bad expect 1 "$(realpath "$4")" run small.yaml --output faults.h5 --no-progress
    says err.txt "QG_FAIL_TASKS"
  done
  # a damaged record in the middle of a journal is named as such on resume (chunks of 10 tasks:
  # records of about 130 kB, so byte 300000 lies in the third and several follow it)
  rm -f mid.h5*
  "$QG" run medium.yaml --output mid.h5 --chunk 10 --no-progress > /dev/null 2>&1 & victim=$!
  for _ in $(seq 1200); do
    [ -e mid.h5.journal ] && [ "$(stat -c %s mid.h5.journal)" -gt 1200000 ] && break; sleep 0.05
  done
  kill -9 $victim; wait $victim || true
  size=$(stat -c %s mid.h5.journal); [ "$size" -gt 1200000 ] || fail "journal only $size bytes"
  printf '\xff\xff\xff\xff' | dd of=mid.h5.journal bs=1 seek=300000 conv=notrunc 2> /dev/null
  expect 0 "$QG" run medium.yaml --output mid.h5 --chunk 10 --resume --no-progress
  says err.txt "is damaged; dropped it and everything after it"
  same_run mid.h5 ref_medium.h5
  ;;
verify)  # per-dataset digests: a value changed in place is named; files without digests pass unless --strict
  rm -f v.h5 old.h5; cp ref_small.h5 v.h5
  n=$($PY -c 'import sys, h5py; n = []; h5py.File(sys.argv[1], "r").visititems(lambda k, o: n.append(1) if isinstance(o, h5py.Dataset) else None); print(len(n))' v.h5)
  expect 0 "$QG" results verify v.h5
  says out.txt "ok v.h5 ($n datasets)"
  before=$(digest v.h5)
  $PY - v.h5 <<'PYEOF'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    stored = f["sweep/metrics/sharpe"].attrs["sha256"]
    f["sweep/metrics/sharpe"][0] += 1
    assert f["sweep/metrics/sharpe"].attrs["sha256"] == stored
PYEOF
  expect 1 "$QG" results verify v.h5
  says out.txt "v.h5: /sweep/metrics/sharpe: contents do not match the stored digest"
  says out.txt "FAILED v.h5 (1 of $n datasets)"
  expect 1 "$QG" results digest v.h5
  says out.txt "v.h5: /sweep/metrics/sharpe: contents do not match the stored digest"
  [ "$(head -1 out.txt | cut -d' ' -f1)" != "$before" ] || fail "the changed value left the digest as it was"
  # as written by an older quantgrid: no sha256 attributes at all
  cp ref_small.h5 old.h5
  $PY -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r+"); f.visititems(lambda k, o: o.attrs.__delitem__("sha256") if isinstance(o, h5py.Dataset) else None)' old.h5
  expect 0 "$QG" results verify old.h5
  says out.txt "old.h5: no stored digests (written by an older quantgrid)"
  expect 1 "$QG" results verify --strict old.h5
  expect 0 "$QG" results digest old.h5 ref_small.h5
  says out.txt "all 2 match: identical results"
  # one dataset stripped of its digest in a file that has the others: named, exit 1
  cp ref_small.h5 old.h5
  $PY -c 'import sys, h5py; f = h5py.File(sys.argv[1], "r+"); del f["sweep/combo"].attrs["sha256"]' old.h5
  expect 1 "$QG" results verify old.h5
  says out.txt "old.h5: /sweep/combo: no stored digest"
  says out.txt "FAILED old.h5 (1 of $n datasets)"
  expect 0 "$QG" results digest old.h5
  ;;
broken-pipe)  # `| head -1`: the reader leaves early; quantgrid ends quietly with 141, as SIGPIPE makes it
  # One check per command with output larger than a pipe's buffer (64 KiB), with SIGPIPE at its
  # default and ignored (as some launchers leave it: write() then fails with EPIPE instead).
  rows=$("$QG" results export ref_medium.h5 --csv | wc -c)
  [ "$rows" -gt 200000 ] || fail "ref_medium.h5 exports only $rows bytes: too little to fill a pipe"
  for disposition in default ignored; do
    for cmd in "results top ref_medium.h5 -n 0" "results export ref_medium.h5 --csv" \
               "results top ref_medium.h5 --group-by params -n 0" "results equity ref_medium.h5 --row 0"; do
      set +e
      if [ $disposition = ignored ]; then (trap '' PIPE; $QG $cmd 2> err.txt | head -1 > first.txt; exit "${PIPESTATUS[0]}")
      else "$QG" $cmd 2> err.txt | head -1 > first.txt; (exit "${PIPESTATUS[0]}"); fi
      code=$?; set -e
      [ "$code" -eq 141 ] || { cat err.txt; fail "SIGPIPE $disposition: exit $code, expected 141: $cmd"; }
      [ ! -s err.txt ] || { cat err.txt; fail "SIGPIPE $disposition: $cmd wrote to stderr"; }
      [ -s first.txt ] || fail "SIGPIPE $disposition: $cmd printed nothing before the pipe closed"
      echo "ok: SIGPIPE $disposition: 141 and quiet: $cmd"
    done
  done
  # a full output still ends 0 and a real write error is still reported (exit 2)
  expect 0 "$QG" results export ref_medium.h5 --csv
  set +e; "$QG" results export ref_medium.h5 --csv > /dev/full 2> err.txt; code=$?; set -e
  [ "$code" -eq 2 ] || fail "/dev/full: exit $code, expected 2"
  says err.txt "write failed: No space left on device"
  ;;
*) fail "unknown case $CASE" ;;
esac
