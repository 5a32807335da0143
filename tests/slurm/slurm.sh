#!/usr/bin/env bash
# The Slurm batch scripts (cluster/slurm/) on a real one-node Slurm started by this script.
# Usage: slurm.sh QUANTGRID SOURCE_DIR   (root only; run from a scratch folder, which receives the
# job logs and run files). Exit 77 (skip) with a reason when it cannot run here: not root, or
# slurm-wlm/munge missing and not installable, or the daemons do not start.
#
# Installs Debian's slurm-wlm and munge when missing (apt-get, non-interactive), writes a munge key
# and slurm.conf (tests/slurm/slurm.conf.in: this host, `nproc` CPUs, no cgroups, free ports, every
# file in a private folder), starts munged, slurmctld and slurmd, and checks, each run file against
# a one-process run of the same spec (`quantgrid results digest`):
#   sweep    sweep.sbatch on 2 tasks (srun --mpi=pmix: a coordinator and a worker)
#   mpirun   the same with QG_LAUNCHER=mpirun (Open MPI's mpirun inside the allocation)
#   cancel   a job cancelled mid-run (scancel) leaves a journal; resume.sbatch completes the run
#            (on one task, where the first job had two)
#   requeue  SIGUSR1 to a running job's batch shell (what --signal=B:USR1@300 sends before the time
#            limit) requeues it, and the restarted job resumes from the journal
#   array    sweep-array.sbatch with --array=1-2 over a list of two specs
# Every job, daemon and temporary file is removed on exit, also on failure.
set -euo pipefail
QG=$(realpath "$1")
SRC=$(realpath "$2")
SPECS=$SRC/tests/e2e/specs
HERE=$SRC/tests/slurm
source "$SRC/tests/e2e/lib.sh" # fail
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
export QG_HOME=$SRC QUANTGRID=$QG

skip() {
  echo "SKIP: $*"
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root: installs slurm-wlm and munge, starts munged, slurmctld and slurmd"

# ---- packages ----
installed() { dpkg-query -W -f='${Status}' "$1" 2> /dev/null | grep -q "ok installed"; }

install_packages() {
  local missing=() p
  for p in slurm-wlm munge; do installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get > /dev/null || skip "${missing[*]} not installed and no apt-get to install them"
  echo "installing ${missing[*]}"
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=60 install --no-install-recommends "${missing[@]}")
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" > apt.log 2>&1; then
    { apt-get -q -o DPkg::Lock::Timeout=60 update && DEBIAN_FRONTEND=noninteractive "${apt[@]}"; } >> apt.log 2>&1 ||
      { tail -n 5 apt.log; skip "cannot install ${missing[*]} (see apt.log)"; }
  fi
}

# ---- daemons ----
DIR="" MUNGED="" CTLD="" SLURMD=""
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# write_config: the private folder, its munge key and slurm.conf; exports SLURM_CONF for the clients.
write_config() {
  DIR=$(mktemp -d /tmp/qg-slurm.XXXXXX)
  chmod 711 "$DIR" # munged wants its socket's folder reachable by everyone
  mkdir -m 755 "$DIR/munge" && mkdir "$DIR/state" "$DIR/spool"
  head -c 1024 /dev/urandom > "$DIR/munge/munge.key" && chmod 600 "$DIR/munge/munge.key"
  sed -e "s|@HOST@|$(hostname -s)|g" -e "s|@CPUS@|$(nproc)|g" -e "s|@DIR@|$DIR|g" \
    -e "s|@CTLD_PORT@|$(free_port)|g" -e "s|@SLURMD_PORT@|$(free_port)|g" "$HERE/slurm.conf.in" > "$DIR/slurm.conf"
  export SLURM_CONF=$DIR/slurm.conf
}

# daemon NAME COMMAND...: starts a daemon in the foreground of a background job, marked with
# QG_SLURM_TEST so that cleanup finds it and everything it starts; sets the variable NAME to its pid.
daemon() {
  local name=$1
  shift
  QG_SLURM_TEST=$DIR "$@" > "$DIR/$name.out" 2>&1 &
  printf -v "$name" '%s' "$!"
}

# Every wait ends by LAST_SECOND (from the start), so the script fails and cleans up before ctest's
# time-out would kill it without cleanup.
LAST_SECOND=${QG_SLURM_TEST_SECONDS:-270}

# wait_for SECONDS COMMAND...: until COMMAND (a quiet one) succeeds; returns 1 when the time is up.
wait_for() {
  local deadline=$((SECONDS + $1))
  [ "$deadline" -le "$LAST_SECOND" ] || deadline=$LAST_SECOND
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

node_idle() { [ "$(sinfo -h -o %T 2> /dev/null)" = idle ]; }

start_daemons() {
  local m=$DIR/munge
  daemon MUNGED munged -F --socket="$m/munge.socket" --key-file="$m/munge.key" --pid-file="$m/munged.pid" \
    --seed-file="$m/munged.seed" --log-file="$m/munged.log"
  wait_for 10 test -S "$m/munge.socket" || { show_logs; skip "munged does not start"; }
  daemon CTLD slurmctld -D -f "$SLURM_CONF"
  daemon SLURMD slurmd -D -f "$SLURM_CONF"
  wait_for 60 node_idle || { show_logs; skip "slurmctld/slurmd do not start or the node never becomes idle"; }
  sinfo
}

show_logs() {
  local f
  for f in "$DIR"/*.out "$DIR"/*.log; do
    [ -f "$f" ] && { echo "---- $f"; tail -n 20 "$f"; }
  done
}

# ---- cleanup: jobs, daemons, anything they started, the private folder ----
stop_pid() {
  [ -n "$1" ] || return 0
  kill "$1" 2> /dev/null || return 0
  wait_for 10 eval "! kill -0 $1 2> /dev/null" || kill -9 "$1" 2> /dev/null
  wait "$1" 2> /dev/null || true
}

# kill_marked: SIGKILL to every process carrying this test's QG_SLURM_TEST (job steps, slurmstepd).
kill_marked() {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    grep -qzxF "QG_SLURM_TEST=$DIR" "$environ" 2> /dev/null && kill -9 "$pid" 2> /dev/null
  done
  return 0
}

no_jobs() { [ -z "$(squeue -h -o %i 2> /dev/null)" ]; }

cleanup() {
  set +e
  [ -n "$DIR" ] || return 0
  LAST_SECOND=$((SECONDS + 40)) # the waits below, even after a time-out
  if [ -n "$CTLD" ]; then
    scancel --quiet --user=root 2> /dev/null
    wait_for 20 no_jobs
  fi
  stop_pid "$SLURMD"
  stop_pid "$CTLD"
  stop_pid "$MUNGED"
  kill_marked
  rm -rf "$DIR"
}
trap 'code=$?; cleanup; exit $code' EXIT

# ---- jobs ----
OVERCOMMIT=()
[ "$(nproc)" -ge 2 ] || OVERCOMMIT=(--overcommit) # two tasks on a one-CPU node

# submit SBATCH_OPTIONS... SCRIPT ARGS...: sbatch with a small allocation (two ranks: a coordinator
# and a worker, unless the options, which come later, say otherwise); prints the job id.
submit() {
  QG_SLURM_TEST=$DIR sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 "${OVERCOMMIT[@]}" \
    --time=10 "$@"
}

state() { scontrol -o show job "$1" 2> /dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }

# finished JOB: the job reached a final state.
finished() {
  case $(state "$1") in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED) return 0 ;;
    *) return 1 ;;
  esac
}

# expect_state JOB STATE LOG SECONDS: waits for the job to finish, in STATE; shows its log if not.
expect_state() {
  wait_for "$4" finished "$1" || { show_job "$1" "$3"; fail "job $1 still $(state "$1") after $4 s"; }
  [ "$(state "$1")" = "$2" ] || { show_job "$1" "$3"; fail "job $1 ended $(state "$1"), expected $2"; }
  echo "ok: job $1 $2"
}

show_job() {
  scontrol show job "$1" >&2
  [ -f "$2" ] && tail -n 30 "$2" >&2
  show_logs >&2
}

digest() { "$QG" results digest "$1" | cut -d' ' -f1; }

same_as() { # RUN REFERENCE
  [ -f "$1" ] || fail "no run file $1"
  [ "$(digest "$1")" = "$(digest "$2")" ] || fail "$1 differs from the one-process run $2"
  echo "ok: $1 equals the one-process run"
}

# journal_started JOURNAL JOB: the job runs and its journal holds a few chunks (about 270 kB each).
journal_started() {
  finished "$2" && { show_job "$2" ""; fail "job $2 ended before it could be interrupted"; }
  [ -f "$1" ] && [ "$(stat -c %s "$1")" -gt 1000000 ]
}

# replayed LOG: how many tasks the run took from its journal (its `done in ...` line).
replayed() { sed -n 's/.*tasks (\([0-9]*\) from the journal).*/\1/p' "$1" | tail -n 1; }

# resumed_partly LOG: the run replayed some tasks from its journal, not all.
resumed_partly() {
  local n total
  n=$(replayed "$1")
  total=$(sed -n 's/.*done in [^:]*: \([0-9]*\) tasks.*/\1/p' "$1" | tail -n 1)
  if [ -z "$n" ] || [ "$n" -eq 0 ] || [ "$n" -ge "$total" ]; then
    cat "$1"
    fail "$1: replayed '$n' of '$total' tasks"
  fi
  echo "ok: resumed with $n of $total tasks from the journal"
}

references() {
  "$QG" data generate --symbols 4 --bars 800 --seed 11 --out market.h5 > /dev/null
  "$QG" data generate --symbols 6 --bars 2520 --seed 12 --out market_long.h5 > /dev/null
  {
    "$QG" run "$SPECS/small_sweep.yaml" --output small_ref.h5 --no-progress
    "$QG" run "$SPECS/many_tasks.yaml" --output many_ref.h5 --no-progress
    "$QG" run "$HERE/cancel_sweep.yaml" --output cancel_ref.h5 --no-progress
  } 2> references.txt
}

case_sweep() {
  local job
  job=$(submit --output=sweep-%j.log "$SRC/cluster/slurm/sweep.sbatch" "$SPECS/small_sweep.yaml" --output sweep.h5)
  expect_state "$job" COMPLETED "sweep-$job.log" 120
  says "sweep-$job.log" "srun --mpi=pmix"
  says "sweep-$job.log" "--threads 1"
  says "sweep-$job.log" "[rank 0/2] [coordinator]"
  same_as sweep.h5 small_ref.h5
}

case_mpirun() {
  local job
  job=$(QG_LAUNCHER=mpirun submit --output=mpirun-%j.log "$SRC/cluster/slurm/sweep.sbatch" "$SPECS/small_sweep.yaml" \
    --output mpirun.h5)
  expect_state "$job" COMPLETED "mpirun-$job.log" 120
  says "mpirun-$job.log" "mpirun --bind-to none"
  says "mpirun-$job.log" "[rank 0/2] [coordinator]"
  same_as mpirun.h5 small_ref.h5
}

case_cancel() {
  local job run=(--output cancel.h5 --chunk 20)
  job=$(submit --output=cancel-%j.log "$SRC/cluster/slurm/sweep.sbatch" "$HERE/cancel_sweep.yaml" "${run[@]}")
  wait_for 120 journal_started cancel.h5.journal "$job" || fail "job $job wrote no journal in 120 s"
  scancel "$job"
  expect_state "$job" CANCELLED "cancel-$job.log" 60
  [ ! -e cancel.h5 ] || fail "a cancelled job left a run file"
  [ -f cancel.h5.journal ] || fail "a cancelled job left no journal"
  # resumed on other resources: one task (one process, no worker ranks) where the first job had two
  job=$(submit --ntasks-per-node=1 --output=resume-%j.log "$SRC/cluster/slurm/resume.sbatch" \
    "$HERE/cancel_sweep.yaml" "${run[@]}")
  expect_state "$job" COMPLETED "resume-$job.log" 180
  says "resume-$job.log" "[rank 0/1] [coordinator]"
  resumed_partly "resume-$job.log"
  same_as cancel.h5 cancel_ref.h5
  [ ! -e cancel.h5.journal ] || fail "journal left behind after a complete run"
}

# requeued JOB: Slurm put the job back in the queue after one start.
requeued() { scontrol -o show job "$1" | grep -q 'JobState=PENDING .*Restarts=1 '; }

case_requeue() {
  local job
  job=$(submit --output=requeue-%j.log "$SRC/cluster/slurm/sweep.sbatch" "$HERE/cancel_sweep.yaml" \
    --output requeue.h5 --chunk 20)
  wait_for 120 journal_started requeue.h5.journal "$job" || fail "job $job wrote no journal in 120 s"
  scancel --batch --signal=USR1 "$job" # what --signal=B:USR1@300 sends 300 s before the time limit
  wait_for 60 requeued "$job" || { show_job "$job" "requeue-$job.log"; fail "job $job was not requeued"; }
  scontrol update JobId="$job" StartTime=now # a requeued job waits 2 minutes before it may start again
  expect_state "$job" COMPLETED "requeue-$job.log" 180
  says "requeue-$job.log" "time limit near, requeueing"
  says "requeue-$job.log" "(restart 1)"
  resumed_partly "requeue-$job.log"
  same_as requeue.h5 cancel_ref.h5
}

case_array() {
  local job
  printf '%s\n' "# two specs" "$SPECS/small_sweep.yaml --output array-1.h5" "" \
    "$SPECS/many_tasks.yaml --output array-2.h5" > specs.list
  job=$(submit --array=1-2 --output=array-%A_%a.log "$SRC/cluster/slurm/sweep-array.sbatch" specs.list)
  expect_state "${job}_1" COMPLETED "array-${job}_1.log" 120
  expect_state "${job}_2" COMPLETED "array-${job}_2.log" 120
  same_as array-1.h5 small_ref.h5
  same_as array-2.h5 many_ref.h5
}

rm -f ./*.h5 ./*.journal ./*.lock ./*.log
install_packages
write_config
start_daemons
references
for c in sweep mpirun cancel requeue array; do
  echo "== $c"
  "case_$c"
done
echo "all Slurm cases passed"
