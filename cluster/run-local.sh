#!/usr/bin/env bash
# Runs a spec on this machine with N ranks (default: 1 coordinator + 2 workers), the way
# the tests and benchmarks do: unbound ranks (mpirun would pin 1-2 ranks to one core each),
# plain log output, root allowed (containers).
# Usage: cluster/run-local.sh [-n N] SPEC [run options]
set -euo pipefail
n=3
if [ "${1:-}" = "-n" ]; then n=$2; shift 2; fi
here=$(cd "$(dirname "$0")/.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1
exec mpirun -n "$n" --oversubscribe --bind-to none -x TERM=dumb -x OPENBLAS_NUM_THREADS \
  "$here/build/quantgrid" run "$@"
