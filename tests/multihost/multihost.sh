#!/usr/bin/env bash
# quantgrid across three "hosts" made of Linux network namespaces (root only; exit 77 = skipped
# where namespaces, veth links or a bridge cannot be made). Usage: multihost.sh QUANTGRID SOURCE_DIR
# (run from an empty working folder).
#
# Three namespaces joined by veth links to a bridge (in a fourth namespace), each with an address
# on a private /24 picked here; Open MPI's mpirun runs in host 1 and reaches hosts 2 and 3 through
# an rsh agent that enters their namespace (netns_rsh.sh), with a hostfile of addresses; ranks
# talk over the TCP BTL only. Checks:
#   1. a sweep, a VaR job and a walk-forward job across the hosts give the same result digest as
#      one process, every worker host did tasks, and every pair of ranks used the TCP BTL;
#   2. host 3's link cut mid-run ends the run within a bounded time (TCP keepalive of Open MPI's
#      out-of-band channel: KEEPALIVE below) with Open MPI's "lost communication" error, the
#      journal is kept (and grew after the cut: the coordinator went on with the healthy worker),
#      and --resume on the two healthy hosts completes it with the same digest;
#   3. with --enable-recovery, host 3's link cut mid-run: its chunk is re-issued and the run
#      completes with the same digest (judged by the file: the survivors may hang in
#      MPI_Finalize after a lost rank, docs/operations.md).
# Every process started in the namespaces is killed and the namespaces deleted on exit.
set -euo pipefail
QG=$(realpath "$1")
SRC=$(realpath "$2")
HERE=$SRC/tests/multihost
SPECS=$SRC/tests/e2e/specs
# shellcheck source=tests/e2e/lib.sh
source "$SRC/tests/e2e/lib.sh"   # fail
# shellcheck source=tests/multihost/netns_lib.sh
source "$HERE/netns_lib.sh"      # skip, netns_*
command -v mpirun > /dev/null || skip "mpirun (Open MPI) is not installed"
command -v unshare > /dev/null || skip "unshare (util-linux) is not installed"
netns_usable
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb OPENBLAS_NUM_THREADS=1
trap netns_down EXIT
trap 'exit 130' INT TERM  # the EXIT trap cleans up

# Open MPI's out-of-band (mpirun <-> orted) TCP keepalive: a host that stops answering is declared
# lost after about TIME + INTVL x PROBES seconds (defaults 300 + 20 x 9, i.e. 8 minutes).
KEEPALIVE=(--mca oob_tcp_keepalive_time 2 --mca oob_tcp_keepalive_intvl 1 --mca oob_tcp_keepalive_probes 3)
LOSS_BOUND_S=30  # the cut-link run must end within this (expected: ~5 s of keepalive + shutdown)
GRACE_S=10       # after "done in" with a lost host, how long mpirun may take to exit

digest() { "$QG" results digest "$1" | cut -d' ' -f1; }
now() { echo "$EPOCHREALTIME"; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# on_hosts HOSTFILE N ARGS...: `quantgrid run ARGS` with N ranks, mpirun in host 1.
on_hosts() {
  local hostfile=$1 n=$2
  shift 2
  # shellcheck disable=SC2086  # MPIRUN_EXTRA: options, one a word
  netns_exec_host 1 mpirun --hostfile "$hostfile" -n "$n" --bind-to none -x TERM -x OPENBLAS_NUM_THREADS \
    --mca plm_rsh_agent "$HERE/netns_rsh.sh $PREFIX" \
    --mca btl tcp,self --mca btl_tcp_if_include "$NET.0/24" --mca oob_tcp_if_include "$NET.0/24" \
    "${KEEPALIVE[@]}" ${MPIRUN_EXTRA:-} "$QG" run "$@"
}

# ---- the hosts ----
netns_reap_stale
netns_pick_subnet
netns_up 3
printf '%s slots=1\n' "$NET.1" "$NET.2" "$NET.3" > hosts
printf '%s slots=1\n' "$NET.1" "$NET.2" > healthy_hosts
echo "hosts: $PREFIX-h1..h3 at $NET.1..3 on bridge $BRIDGE_NS/br0"
rm -f ./*.h5 ./*.h5.journal ./*.h5.lock ./*.h5.tmp-*
"$QG" data generate --symbols 4 --bars 800 --seed 11 --out market.h5 > /dev/null
"$QG" data generate --symbols 5 --bars 1500 --seed 3 --out var_market.h5 > /dev/null
"$QG" data generate --symbols 3 --bars 1200 --seed 5 --out wf_market.h5 > /dev/null
"$QG" data generate --symbols 6 --bars 2520 --seed 12 --out market_long.h5 > /dev/null

# ---- helpers of the checks ----
# check_tcp_only LOG N: every rank i (on host i+1) reached every other rank over the TCP BTL, and
# no BTL but tcp (between ranks) and self (to itself) was used (btl_base_verbose's bml lines).
check_tcp_only() {
  local log=$1 n=$2 i j
  grep "mca: bml: Using" "$log" > btl.txt || fail "$log has no BTL selection lines (btl_base_verbose)"
  cat btl.txt
  if grep -v -e "Using tcp btl" -e "Using self btl" btl.txt; then fail "a BTL other than tcp or self was used"; fi
  for i in $(seq 0 $((n - 1))); do
    for j in $(seq 0 $((n - 1))); do
      [ "$i" -ne "$j" ] || continue
      grep -q "^\[$PREFIX-h$((i + 1)):[0-9]*\] mca: bml: Using tcp btl for send to \[\[[0-9]*,1\],$j\]" btl.txt ||
        fail "rank $i (host $PREFIX-h$((i + 1))) did not use the TCP BTL to reach rank $j"
    done
  done
  echo "ok: every pair of the $n ranks used the TCP BTL, each rank in its own host namespace"
}

# check_workers_worked LOG N: every worker rank 1..N-1 ran at least one task (--log-level debug).
check_workers_worked() {
  local log=$1 n=$2 r
  for r in $(seq 1 $((n - 1))); do
    grep -q "\[rank $r/$n\] \[worker\] \[debug\] worker: [0-9]* chunks, [1-9][0-9]* tasks" "$log" ||
      { cat "$log"; fail "worker rank $r (host $PREFIX-h$((r + 1))) ran no task"; }
  done
}

# same_as_one_process NAME SPEC: SPEC run on the three hosts has one process's digest.
same_as_one_process() {
  local name=$1 spec=$2 one hosts
  "$QG" run "$spec" --output "${name}_one.h5" --overwrite --no-progress 2> "${name}_one.log" ||
    { cat "${name}_one.log"; fail "$name: the single-process run failed"; }
  MPIRUN_EXTRA=${3:-} on_hosts hosts 3 "$spec" --output "${name}_hosts.h5" --overwrite --no-progress --chunk 1 \
    --log-level debug > "${name}_hosts.log" 2>&1 || { cat "${name}_hosts.log"; fail "$name: the run on 3 hosts failed"; }
  check_workers_worked "${name}_hosts.log" 3
  one=$(digest "${name}_one.h5")
  hosts=$(digest "${name}_hosts.h5")
  [ "$one" = "$hosts" ] || fail "$name: 3 hosts give digest $hosts, one process $one"
  echo "ok: $name on 3 hosts = one process: $one"
}

# wait_for_journal JOURNAL BYTES PID: until JOURNAL holds BYTES (some chunks are done); fails if
# the run PID ends first or nothing comes within 120 s.
wait_for_journal() {
  local i
  for i in $(seq 1 2400); do
    [ -f "$1" ] && [ "$(stat -c %s "$1")" -gt "$2" ] && return 0
    kill -0 "$3" 2> /dev/null || fail "the run ended before its journal reached $2 bytes"
    sleep 0.05
  done
  fail "the run's journal did not reach $2 bytes within 120 s"
}

# wait_until_exit PID SECONDS: 0 when PID ended within SECONDS, 1 when it still runs.
wait_until_exit() {
  local i
  for i in $(seq 1 $(($2 * 10))); do
    kill -0 "$1" 2> /dev/null || return 0
    sleep 0.1
  done
  kill -0 "$1" 2> /dev/null && return 1 || return 0
}

# start_and_cut OUTPUT LOG [mpirun options]: the host-loss sweep on 3 hosts in the background
# (LAUNCHER), host 3's link cut once some chunks are journaled (CUT_AT: the time of the cut).
start_and_cut() {
  local output=$1 log=$2
  shift 2
  rm -f "$output" "$output.journal"
  MPIRUN_EXTRA="$*" on_hosts hosts 3 "$HERE/host_loss_sweep.yaml" --output "$output" --no-progress --chunk 10 \
    --worker-timeout "${WORKER_TIMEOUT:-60}" > "$log" 2>&1 &
  LAUNCHER=$!
  wait_for_journal "$output.journal" 20000 "$LAUNCHER"
  netns_link 3 down
  CUT_AT=$(now)
  JOURNAL_AT_CUT=$(stat -c %s "$output.journal")
  echo "cut host 3's link ($BRIDGE_NS/h3 down) with $JOURNAL_AT_CUT journal bytes written"
}

# ---- 1. the same results on three hosts as in one process; the TCP BTL between hosts ----
same_as_one_process sweep "$SPECS/small_sweep.yaml" "--mca btl_base_verbose 30"
check_tcp_only sweep_hosts.log 3
same_as_one_process var "$SPECS/var_small.yaml"
same_as_one_process walkforward "$SPECS/wf_small.yaml"

# ---- 2. a host's link cut: a clear error within a bounded time, then --resume ----
"$QG" run "$HERE/host_loss_sweep.yaml" --output loss_one.h5 --overwrite --no-progress 2> loss_one.log ||
  { cat loss_one.log; fail "the single-process run of host_loss_sweep.yaml failed"; }
reference=$(digest loss_one.h5)
start_and_cut cut.h5 cut.log
wait_until_exit "$LAUNCHER" "$LOSS_BOUND_S" ||
  { cat cut.log; fail "the run still goes $LOSS_BOUND_S s after host 3's link was cut"; }
took=$(seconds_since "$CUT_AT")
set +e; wait "$LAUNCHER"; code=$?; set -e
cat cut.log
[ "$code" -ne 0 ] || fail "the run with a lost host exited 0"
grep -q "ORTE has lost communication with a remote daemon" cut.log || fail "no lost-host error in the run's output"
grep -q "Remote daemon: .* on node $NET.3" cut.log || fail "the error does not name host 3 ($NET.3)"
echo "ok: the run ended $took s after the cut (bound $LOSS_BOUND_S s) with exit $code and Open MPI's lost-host error"
[ ! -e cut.h5 ] || fail "a run file appeared at its final path after the lost host"
[ -f cut.h5.journal ] || fail "no journal kept after the lost host"
# Until Open MPI ended the run, the coordinator went on with the healthy worker (a result of the
# lost host cut off half-way must not hold it up).
[ "$(stat -c %s cut.h5.journal)" -gt "$JOURNAL_AT_CUT" ] ||
  fail "the journal did not grow after the cut: the coordinator stopped with the lost host"
# The coordinator's host is healthy: resume there (its claim on cut.h5 is then provably stale) on
# the two healthy hosts.
on_hosts healthy_hosts 2 "$HERE/host_loss_sweep.yaml" --output cut.h5 --resume --no-progress > resume.log 2>&1 ||
  { cat resume.log; fail "--resume on the healthy hosts failed"; }
cat resume.log
grep -q "journal: replayed [1-9][0-9]* tasks" resume.log || fail "--resume replayed nothing from the journal"
grep -q "took over the claim of process" resume.log || fail "--resume did not take over the lost run's claim"
[ "$(digest cut.h5)" = "$reference" ] || fail "resumed run: digest $(digest cut.h5), one process $reference"
[ ! -e cut.h5.journal ] || fail "journal left behind after the resumed run completed"
ls cut.h5.tmp-* 2> /dev/null && fail "the lost run's temporary file was left behind"
echo "ok: --resume on the healthy hosts = one process: $reference"

# ---- 3. --enable-recovery: the lost host's chunk is re-issued and the run completes ----
netns_kill_processes  # what is left of the first run on the cut-off host 3
netns_link_restore 3
WORKER_TIMEOUT=1 start_and_cut recovered.h5 recover.log --enable-recovery
for _ in $(seq 1 1200); do  # the run itself: at most 120 s
  grep -q "done in" recover.log && break
  kill -0 "$LAUNCHER" 2> /dev/null || break
  sleep 0.1
done
if ! wait_until_exit "$LAUNCHER" "$GRACE_S"; then
  echo "note: mpirun still running $GRACE_S s after the run finished (MPI_Finalize after a lost rank); stopping it"
  netns_kill_processes
fi
set +e; wait "$LAUNCHER"; set -e
cat recover.log
grep -q "presumed lost, handing out again" recover.log || fail "no chunk of the lost host was re-issued"
grep -q "done in" recover.log || fail "the run with --enable-recovery did not finish after the lost host"
[ -f recovered.h5 ] || fail "no run file after the recovered run"
[ "$(digest recovered.h5)" = "$reference" ] || fail "recovered run: digest $(digest recovered.h5), one process $reference"
echo "ok: with --enable-recovery the run survived the lost host: $reference"
echo "all multihost checks passed"
