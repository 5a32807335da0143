"""The installed quantgrid package (tests/e2e/python_package_e2e.sh): quantgrid.run on a spec
dict (one process and two ranks) and on spec files of the var and walkforward kinds, and
quantgrid.load's tables checked against the plain reader (quantgrid_results) and the specs.

Usage: check_python_package.py SOURCE_DIR   (run in a folder with market.h5, var_market.h5, wf_market.h5)"""
import os
import sys

import numpy as np
import pandas as pd
import quantgrid
import quantgrid_results as qr

SRC = sys.argv[1]
SPEC = {
    "job": "sweep", "name": "pkg", "data": {"file": "market.h5", "symbols": "all"},
    "strategy": {"kind": "sma_crossover", "mode": "long_short",
                 "params": {"fast": {"values": [3, 5, 8]}, "slow": {"values": [20, 30]}}},
    "costs": {"commission_bps": 1.0, "slippage_bps": 2.0}, "rank_by": "sharpe", "output": "pkg.h5",
}

# ---- a sweep from a dict: 3 x 2 parameter sets on 3 symbols, integers back as integers ----
run = quantgrid.run(SPEC)
assert list(run) == ["sweep"], list(run)
sweep = run.main
assert len(sweep) == 18, len(sweep)
assert sweep["fast"].dtype == np.int64 and sweep["slow"].dtype == np.int64, sweep.dtypes
assert sorted(set(sweep["fast"])) == [3, 5, 8] and sorted(set(sweep["slow"])) == [20, 30]
assert set(sweep["symbol"]) == {"SYN000", "SYN001", "SYN002"}
plain = qr.load("pkg.h5")
assert np.array_equal(sweep["sharpe"].to_numpy(), plain["sharpe"].to_numpy(), equal_nan=True)
assert run.provenance["job_kind"] == "sweep"

# ---- the same under mpirun with 2 ranks: identical results ----
mpi = quantgrid.run(SPEC, ranks=2, output="pkg_np2.h5")
pd.testing.assert_frame_equal(mpi.main, sweep)

# ---- a var run (load_table used to fail on it): every table, the main one first ----
var = quantgrid.run(os.path.join(SRC, "tests/e2e/specs/var_small.yaml"), output="var.h5")
assert list(var)[0] == "summary" and {"components", "backtest", "stress"} <= set(var), list(var)
assert set(var) == set(qr.tables("var.h5")), (list(var), qr.tables("var.h5"))
backtest = var["backtest"]
if "date" in backtest:
    assert np.issubdtype(backtest["date"].dtype, np.datetime64), backtest.dtypes

# ---- a walk-forward run: dates as datetime64 ----
wf = quantgrid.run(os.path.join(SRC, "tests/e2e/specs/wf_small.yaml"), output="wf.h5")
windows, oos = wf["windows"], wf["oos"]
for column in ("is_start", "is_end", "oos_start", "oos_end"):
    assert np.issubdtype(windows[column].dtype, np.datetime64), (column, windows.dtypes)
assert np.issubdtype(oos["date"].dtype, np.datetime64)
raw = qr.load("wf.h5", "oos")["date"].to_numpy()
assert list(oos["date"].dt.strftime("%Y%m%d").astype(np.int64)) == list(raw.astype(np.int64))
assert windows["fast"].dtype == np.int64

# ---- errors come back as RuntimeError with quantgrid's message ----
try:
    quantgrid.run(dict(SPEC, strategy=dict(SPEC["strategy"], kind="no_such_strategy")), output="bad.h5")
    raise AssertionError("a bad spec ran")
except RuntimeError as error:
    assert "no_such_strategy" in str(error), error
print("python package OK")
