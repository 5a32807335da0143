#!/usr/bin/env bash
# End-to-end tests of what the quantgrid process loads at start-up: Open MPI only under an MPI
# launcher, through the MPI module (quantgrid_mpi.so, qg/cluster/mpi_module.hpp), and never the
# shared HDF5's network chain (libcurl) when HDF5 is linked statically. What a process loads is
# read from the dynamic loader's own log (LD_DEBUG=files: one `file=NAME` line per object mapped).
# Usage: startup_e2e.sh QUANTGRID SOURCE_DIR CASE [ARGS...]. Run from the test's folder.
#   generate                     fixture: a small store and the spec of a 1-task run
#   no-mpi STATIC_HDF5           a run without a launcher loads neither Open MPI nor the module
#   mpi-module                   under mpiexec -n 2 each rank loads the module and Open MPI; same digest
#   missing-module               a binary without its module: fine alone, one clear error under mpiexec
#   installed CMAKE BUILD_DIR    the runtime component installs the module where the binary finds it
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2"); CASE=$3
MPIRUN=(mpiexec --oversubscribe --bind-to none -x TERM=dumb)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TERM=dumb
source "$SRC/tests/e2e/lib.sh"  # fail, expect, says, digest

# loaded LOG_PREFIX PATTERN: the LD_DEBUG logs (one per process) that record mapping PATTERN.
loaded() { grep -l -E "file=[^ ]*$2" "$1".* 2> /dev/null || true; }
# quantgrid_logs LOG_PREFIX: the logs of quantgrid processes (not of mpiexec and its daemons).
quantgrid_logs() { grep -l -F "file=libsodium.so" "$1".* 2> /dev/null || true; }

case $CASE in
generate)
  rm -rf ./*.h5 ./*.journal ld.* lone prefix
  "$QG" data generate --symbols 2 --bars 300 --seed 5 --out market.h5 > /dev/null
  cat > one_task.yaml <<'YAML'
job: sweep
name: startup-one-task
data: {file: market.h5, symbols: [SYN000]}
strategy:
  kind: sma_crossover
  mode: long_short
  params: {fast: {from: 5, to: 5, step: 1}, slow: {from: 20, to: 20, step: 1}}
search: {method: grid}
rank_by: sharpe
output: one_task.h5
seed: 1
YAML
  ;;
no-mpi)  # STATIC_HDF5: 1 when HDF5 is linked statically (QG_STATIC_HDF5)
  static=$4
  readelf -d "$QG" | grep NEEDED > needed.txt
  says needed.txt "libc.so"  # the listing itself works
  if grep -E "libmpi|libboost_mpi|libopen-" needed.txt; then fail "quantgrid links Open MPI"; fi
  rm -f ld.*
  LD_DEBUG=files LD_DEBUG_OUTPUT=$PWD/ld "$QG" run one_task.yaml --output np1.h5 --overwrite --no-progress
  logs=$(quantgrid_logs ld)
  [ "$(echo "$logs" | wc -w)" -eq 1 ] || fail "expected the log of one quantgrid process, got: $logs"
  [ -n "$(loaded ld 'libtbb\.so')" ] || fail "the loader log does not show libtbb: LD_DEBUG not in effect?"
  for lib in 'libmpi\.so' 'libopen-pal' 'libboost_mpi' 'quantgrid_mpi\.so'; do
    [ -z "$(loaded ld "$lib")" ] || fail "a run without a launcher loaded $lib"
  done
  if [ "$static" = 1 ]; then
    for lib in 'libhdf5' 'libcurl' 'libgnutls' 'libssh' 'libldap' 'libcrypto'; do
      [ -z "$(loaded ld "$lib")" ] || fail "a run with a static HDF5 loaded $lib"
    done
  fi
  echo "ok: no Open MPI, no MPI module in a run without a launcher"
  ;;
mpi-module)
  rm -f ld.*
  LD_DEBUG=files LD_DEBUG_OUTPUT=$PWD/ld "${MPIRUN[@]}" -n 2 "$QG" run one_task.yaml --output np2.h5 --overwrite \
    --no-progress
  ranks=$(quantgrid_logs ld)
  [ "$(echo "$ranks" | wc -w)" -eq 2 ] || fail "expected the logs of 2 quantgrid ranks, got: $ranks"
  for log in $ranks; do
    grep -q -E "file=$(dirname "$QG")/quantgrid_mpi\.so .*dynamically loaded by $QG" "$log" ||
      fail "$log: the rank did not load $(dirname "$QG")/quantgrid_mpi.so"
    grep -q -E "file=libmpi\.so" "$log" || fail "$log: the rank did not load libmpi"
  done
  [ "$(digest np2.h5)" = "$(digest np1.h5)" ] || fail "np2.h5 differs from the run without a launcher"
  echo "ok: both ranks loaded the MPI module and Open MPI; the results match"
  ;;
missing-module)
  rm -rf lone && mkdir lone && cp "$QG" lone/quantgrid
  expect 0 lone/quantgrid run one_task.yaml --output lone.h5 --overwrite --no-progress
  expect 4 "${MPIRUN[@]}" -n 1 lone/quantgrid run one_task.yaml --output lone_mpi.h5 --overwrite --no-progress
  says err.txt "quantgrid: error: started by an MPI launcher (OMPI_COMM_WORLD_SIZE is set), but the MPI module"
  says err.txt "quantgrid_mpi.so is missing: neither $PWD/lone/quantgrid_mpi.so nor"
  [ ! -e lone_mpi.h5 ] || fail "a run file was written without the MPI module"
  ;;
installed)
  cmake=$4 build=$5
  rm -rf prefix
  "$cmake" --install "$build" --prefix "$PWD/prefix" --component runtime > install.log
  [ -x prefix/bin/quantgrid ] || fail "bin/quantgrid not installed"
  module=$(find prefix -name quantgrid_mpi.so)
  [ -n "$module" ] || fail "quantgrid_mpi.so not installed"
  [ "$(dirname "$module")" != prefix/bin ] || fail "the module was installed beside the binary"
  "${MPIRUN[@]}" -n 2 prefix/bin/quantgrid run one_task.yaml --output installed.h5 --overwrite --no-progress
  [ "$(digest installed.h5)" = "$(digest np1.h5)" ] || fail "the installed binary's results differ"
  echo "ok: installed $module; the installed binary runs under mpiexec"
  ;;
*) fail "unknown case $CASE" ;;
esac
