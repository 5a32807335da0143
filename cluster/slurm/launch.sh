# shellcheck shell=bash
# Sourced by the batch scripts of this folder (not run): starts `quantgrid run` with one rank per
# Slurm task and turns Slurm's warning before the time limit into a requeue.
#
#   qg_run [RUN ARGS...]   runs `quantgrid run RUN ARGS --no-progress` on every task of the job,
#                          adding --threads N when the job asked for --cpus-per-task=N, and --resume
#                          when Slurm restarted the job (SLURM_RESTART_COUNT > 0) or QG_RESUME=1
#
# Environment (sbatch passes the submitting shell's environment to the job):
#   QG_HOME      the quantgrid checkout (default: the directory the job was submitted from)
#   QUANTGRID    the binary (default: $QG_HOME/build/quantgrid)
#   QG_LAUNCHER  srun (default: `srun --mpi=pmix`, Open MPI started directly by Slurm) or
#                mpirun (Open MPI's `mpirun` inside the allocation, for a Slurm without PMIx)
#   QG_RESUME    1: always pass --resume (cluster/slurm/resume.sbatch sets it)
#
# The requeue idiom: a script with `#SBATCH --requeue` and `#SBATCH --signal=B:USR1@SECONDS`
# receives SIGUSR1 that many seconds before its time limit. qg_run then asks Slurm to requeue the
# job (`scontrol requeue`); Slurm stops the run, whose finished chunks are in its journal, and
# starts the script again later with SLURM_RESTART_COUNT=1, so the run continues with --resume.

QG_HOME=${QG_HOME:-${SLURM_SUBMIT_DIR:-.}}
QUANTGRID=${QUANTGRID:-$QG_HOME/build/quantgrid}
export OPENBLAS_NUM_THREADS=1
qg_requeued=""

# qg_launcher: sets qg_launch to the command that starts one rank per task of the allocation.
qg_launcher() {
  case ${QG_LAUNCHER:-srun} in
    srun) qg_launch=(srun --mpi=pmix --cpu-bind=none) ;;
    mpirun) qg_launch=(mpirun --bind-to none) ;;
    *) echo "QG_LAUNCHER=$QG_LAUNCHER: expected srun or mpirun" >&2; return 1 ;;
  esac
}

# qg_run_options RUN ARGS...: sets qg_options to what qg_run adds to the caller's options.
qg_run_options() {
  qg_options=(--no-progress)
  if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then
    qg_options+=(--threads "$SLURM_CPUS_PER_TASK")
    export SRUN_CPUS_PER_TASK=$SLURM_CPUS_PER_TASK # srun of Slurm 22.05+ no longer inherits it
  fi
  local arg
  for arg in "$@"; do if [ "$arg" = --resume ]; then return 0; fi; done
  if [ "${QG_RESUME:-0}" = 1 ] || [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then qg_options+=(--resume); fi
}

# qg_requeue: the SIGUSR1 handler: puts the job back in the queue (Slurm then ends this run).
qg_requeue() {
  qg_requeued=yes
  echo "quantgrid job $SLURM_JOB_ID: time limit near, requeueing; the run resumes from its journal" >&2
  scontrol requeue "$SLURM_JOB_ID"
}

# qg_run RUN ARGS...: runs the step in the background so that the signal handler runs at once,
# and returns its exit code.
qg_run() {
  local step code=0
  qg_launcher || return 1
  qg_run_options "$@"
  trap qg_requeue USR1
  echo "quantgrid job ${SLURM_JOB_ID:-?} (restart ${SLURM_RESTART_COUNT:-0}): ${qg_launch[*]} $QUANTGRID run $* ${qg_options[*]}" >&2
  "${qg_launch[@]}" "$QUANTGRID" run "$@" "${qg_options[@]}" &
  step=$!
  wait "$step" || code=$?
  # A handled signal ends `wait` early; wait for the step itself (Slurm stops it when requeueing).
  while [ -n "$qg_requeued" ] && kill -0 "$step" 2> /dev/null; do code=0; wait "$step" || code=$?; done
  return "$code"
}
