#!/usr/bin/env bash
# Installs the kernels component of a quantgrid build into a scratch prefix, then configures,
# builds and runs tests/install/consumer against it with find_package(quantgrid).
# Usage: install_consumer.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
cmake=$1 build=$2 source=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" --component kernels > "$work/install.log"
for f in lib/cmake/quantgrid/quantgridConfig.cmake lib/cmake/quantgrid/quantgridTargets.cmake \
         include/qg/kernels/backtest.hpp include/qg/core/error.hpp; do
  [ -f "$work/prefix/$f" ] || { echo "FAIL: $f not installed" >&2; exit 1; }
done
if [ -e "$work/prefix/bin/quantgrid" ]; then
  echo "FAIL: the kernels component installed the executable" >&2
  exit 1
fi
"$cmake" -S "$source/tests/install/consumer" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
"$cmake" --build "$work/build" > "$work/build.log"
"$work/build/consumer"
echo "ok: find_package(quantgrid) and quantgrid::kernels from an installed prefix"
