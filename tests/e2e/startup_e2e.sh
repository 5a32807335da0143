#!/usr/bin/env bash
# End-to-end tests of what the quantgrid process loads at start-up: Open MPI only under an MPI
# launcher, through the MPI module (quantgrid_mpi.so, qg/cluster/mpi_module.hpp); ZeroMQ only for
# the live-link commands, through the live module (quantgrid_live.so, coordinator/app/
# live_module.hpp); and never the shared HDF5's network chain (libcurl) when HDF5 is linked
# statically. What a process loads is
# read from the dynamic loader's own log (LD_DEBUG=files: one `file=NAME` line per object mapped).
# Usage: startup_e2e.sh QUANTGRID SOURCE_DIR CASE [ARGS...]. Run from the test's folder.
#   generate                     fixture: a small store and the spec of a 1-task run
#   no-mpi STATIC_HDF5           a run without a launcher loads neither Open MPI, ZeroMQ nor a module
#   mpi-module                   under mpiexec -n 2 each rank loads the module and Open MPI; same digest
#   live-module                  `keys generate` loads the live module and ZeroMQ, and writes the keys
#   missing-module               a binary without its modules: a run is fine alone, one clear error
#                                under mpiexec, and one for a live-link command
#   installed CMAKE BUILD_DIR    the runtime component installs the modules where the binary finds them
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
  if grep -E "libzmq|libgssapi|libkrb5" needed.txt; then fail "quantgrid links ZeroMQ or its chain"; fi
  rm -f ld.*
  LD_DEBUG=files LD_DEBUG_OUTPUT=$PWD/ld "$QG" run one_task.yaml --output np1.h5 --overwrite --no-progress
  logs=$(quantgrid_logs ld)
  [ "$(echo "$logs" | wc -w)" -eq 1 ] || fail "expected the log of one quantgrid process, got: $logs"
  [ -n "$(loaded ld 'libtbb\.so')" ] || fail "the loader log does not show libtbb: LD_DEBUG not in effect?"
  for lib in 'libmpi\.so' 'libopen-pal' 'libboost_mpi' 'quantgrid_mpi\.so' 'libzmq' 'libgssapi' 'quantgrid_live\.so'; do
    [ -z "$(loaded ld "$lib")" ] || fail "a run without a launcher loaded $lib"
  done
  if [ "$static" = 1 ]; then
    for lib in 'libhdf5' 'libcurl' 'libgnutls' 'libssh' 'libldap' 'libcrypto'; do
      [ -z "$(loaded ld "$lib")" ] || fail "a run with a static HDF5 loaded $lib"
    done
  fi
  echo "ok: no Open MPI, no ZeroMQ, no module in a run without a launcher"
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
live-module)
  rm -rf ld.* live_keys
  LD_DEBUG=files LD_DEBUG_OUTPUT=$PWD/ld "$QG" keys generate --out live_keys/approver > keys.txt
  log=$(quantgrid_logs ld)
  grep -q -E "file=$(dirname "$QG")/quantgrid_live\.so .*dynamically loaded by $QG" $log ||
    fail "keys generate did not load $(dirname "$QG")/quantgrid_live.so"
  [ -n "$(loaded ld 'libzmq\.so')" ] || fail "keys generate did not load libzmq"
  for f in sign.sec sign.pub curve.sec curve.pub; do
    says keys.txt "wrote live_keys/approver.$f"
    [ -s "live_keys/approver.$f" ] || fail "live_keys/approver.$f not written"
  done
  [ "$(wc -c < live_keys/approver.curve.pub)" -eq 41 ] || fail "not a Z85 CURVE key: $(cat live_keys/approver.curve.pub)"
  echo "ok: keys generate loaded the live module and ZeroMQ"
  ;;
missing-module)
  rm -rf lone lone_keys && mkdir lone && cp "$QG" lone/quantgrid
  expect 4 lone/quantgrid keys generate --out lone_keys/approver
  says err.txt "quantgrid: error: the live commands' module quantgrid_live.so is missing: neither $PWD/lone/quantgrid_live.so nor"
  [ ! -e lone_keys ] || fail "keys were written without the live module"
  expect 0 lone/quantgrid run one_task.yaml --output lone.h5 --overwrite --no-progress
  expect 4 "${MPIRUN[@]}" -n 1 lone/quantgrid run one_task.yaml --output lone_mpi.h5 --overwrite --no-progress
  says err.txt "quantgrid: error: started by an MPI launcher (OMPI_COMM_WORLD_SIZE is set), but the MPI module"
  says err.txt "quantgrid_mpi.so is missing: neither $PWD/lone/quantgrid_mpi.so nor"
  [ ! -e lone_mpi.h5 ] || fail "a run file was written without the MPI module"
  ;;
installed)
  cmake=$4 build=$5
  rm -rf prefix installed_keys
  "$cmake" --install "$build" --prefix "$PWD/prefix" --component runtime > install.log
  [ -x prefix/bin/quantgrid ] || fail "bin/quantgrid not installed"
  module=$(find prefix -name quantgrid_mpi.so)
  [ -n "$module" ] || fail "quantgrid_mpi.so not installed"
  [ "$(dirname "$module")" != prefix/bin ] || fail "the module was installed beside the binary"
  [ -f "$(dirname "$module")/quantgrid_live.so" ] || fail "quantgrid_live.so not installed beside $module"
  prefix/bin/quantgrid keys generate --out installed_keys/node --curve-only > /dev/null
  [ -s installed_keys/node.curve.pub ] || fail "the installed binary's live module wrote no key"
  "${MPIRUN[@]}" -n 2 prefix/bin/quantgrid run one_task.yaml --output installed.h5 --overwrite --no-progress
  [ "$(digest installed.h5)" = "$(digest np1.h5)" ] || fail "the installed binary's results differ"
  echo "ok: installed $module and quantgrid_live.so; the installed binary runs under mpiexec and loads both"
  ;;
*) fail "unknown case $CASE" ;;
esac
