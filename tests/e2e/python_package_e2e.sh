#!/usr/bin/env bash
# results/python as a package: installed offline into a venv made with --system-site-packages
# (Debian's numpy, pandas, h5py), then tests/e2e/check_python_package.py runs jobs through it.
# Usage: python_package_e2e.sh QUANTGRID SOURCE_DIR. Run from the test's working dir.
set -euo pipefail
QG=$(realpath "$1"); SRC=$(realpath "$2")
export QUANTGRID=$QG TERM=dumb
rm -rf venv build_pkg ./*.h5
/usr/bin/python3 -m venv --system-site-packages venv
# pip builds in a copy of the tree, so the source folder gets no build/ or egg-info.
cp -r "$SRC/results/python" build_pkg
venv/bin/pip install --quiet --no-index --no-build-isolation ./build_pkg
cd /tmp && "$OLDPWD/venv/bin/python" -c "import quantgrid, sys; assert 'site-packages' in quantgrid.__file__, quantgrid.__file__"
cd "$OLDPWD"
"$QG" data generate --symbols 3 --bars 400 --seed 7 --out market.h5 > /dev/null
"$QG" data generate --symbols 5 --bars 1500 --seed 3 --out var_market.h5 > /dev/null
"$QG" data generate --symbols 3 --bars 1200 --seed 5 --out wf_market.h5 > /dev/null
venv/bin/python "$SRC/tests/e2e/check_python_package.py" "$SRC"
