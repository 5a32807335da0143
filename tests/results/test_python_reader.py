"""Checks results/python/quantgrid_results.py against files written by write_results_fixture.

usage: /usr/bin/python3 test_python_reader.py SWEEP.h5 [FUTURE.h5 [WALKFORWARD.h5]]
With QG_KEEP_PLOT=DIR the walk-forward plot is also kept as DIR/wf.png, to look at.
"""

import math
import os
import subprocess
import sys
import tempfile
from statistics import NormalDist

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_DIR = os.path.join(HERE, "..", "..", "results", "python")
sys.path.insert(0, MODULE_DIR)

import quantgrid_results as qr  # noqa: E402


def check_load_main_table(path):
    df = qr.load(path)
    assert list(df.columns) == ["combo", "symbol", "fast", "slow", "ret", "sharpe"], list(df.columns)
    assert len(df) == 8, len(df)
    assert list(df["symbol"].unique()) == ["AAPL", "MSFT"]
    row = df[(df["combo"] == 2) & (df["symbol"] == "MSFT")].iloc[0]
    assert row["fast"] == 5 and row["slow"] == 40, row
    assert abs(row["sharpe"] - 0.7) < 1e-12 and abs(row["ret"] - 0.03) < 1e-12, row
    assert math.isnan(df[(df["combo"] == 3) & (df["symbol"] == "MSFT")]["sharpe"].iloc[0])
    # the same table by name and by group path
    assert qr.load(path, "sweep").equals(df) and qr.load(path, "/sweep").equals(df)


def check_tables(path):
    assert qr.tables(path) == {"sweep": "/sweep"}, qr.tables(path)
    try:
        qr.load(path, "components")
    except KeyError as error:
        assert "no table 'components'" in str(error) and "tables: sweep" in str(error), error
    else:
        raise AssertionError("an unknown table was accepted")
    cli = subprocess.run([sys.executable, os.path.join(MODULE_DIR, "quantgrid_results.py"), "tables", path],
                         capture_output=True, text=True)
    assert cli.returncode == 0 and cli.stdout == "sweep\t/sweep\n", (cli.returncode, cli.stdout, cli.stderr)


def check_provenance(path):
    meta = qr.provenance(path)
    assert meta["schema_version"] == "1.2", meta
    assert meta["job_kind"] == "sweep" and meta["seed"] == 42 and meta["ranks"] == 4, meta
    assert meta["git_commit"] == "abc123def456", meta


def check_top(path):
    best = qr.top(path, "sharpe", n=3)
    assert list(best["sharpe"].round(12)) == [0.7, 0.6, 0.5], best
    worst = qr.top(path, "sharpe", n=0, ascending=True)
    assert math.isnan(worst["sharpe"].iloc[-1])


def check_heatmap(path):
    with tempfile.TemporaryDirectory() as tmp:
        for symbol in (None, "AAPL"):
            out = os.path.join(tmp, f"heat_{symbol}.png")
            assert qr.heatmap(path, "sharpe", "fast", "slow", symbol=symbol, out_png=out) == out
            with open(out, "rb") as f:
                assert f.read(8) == b"\x89PNG\r\n\x1a\n", "not a PNG"
        cli = subprocess.run([sys.executable, os.path.join(MODULE_DIR, "quantgrid_results.py"), "heatmap", path,
                              "--metric", "ret", "--x", "fast", "--y", "slow", "--out", os.path.join(tmp, "c.png")],
                             capture_output=True, text=True)
        assert cli.returncode == 0 and os.path.getsize(os.path.join(tmp, "c.png")) > 0, cli.stderr


def check_cli_top(path):
    cli = subprocess.run([sys.executable, os.path.join(MODULE_DIR, "quantgrid_results.py"), "top", path,
                          "--metric", "sharpe", "-n", "2"], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert "MSFT" in cli.stdout and "sharpe" in cli.stdout, cli.stdout


def check_newer_schema_refused(path):
    try:
        qr.load(path)
    except qr.SchemaError as error:
        assert "schema version 2.0 is newer" in str(error) and path in str(error), error
    else:
        raise AssertionError("schema 2.0 was accepted")
    cli = subprocess.run([sys.executable, os.path.join(MODULE_DIR, "quantgrid_results.py"), "top", path,
                          "--metric", "sharpe"], capture_output=True, text=True)
    assert cli.returncode == 2 and "upgrade quantgrid" in cli.stderr, (cli.returncode, cli.stderr)


# ---- the walk-forward fixture (tests/results/walkforward_fixture.hpp) ----
# Expected values are recomputed here from the fixture's closed forms: business days from
# 2018-01-02 (pandas), live start j0 = 249, 252 in-sample and 50 out-of-sample return bars,
# 6 windows, column j = return bar j + 1, costs 0.0005 per unit of position change.
WF_J0, WF_IS, WF_OOS, WF_WINDOWS, WF_COST = 249, 252, 50, 6, 0.0005


def wf_bar_dates():
    """YYYYMMDD of bars 0 .. n (n = 801 return bars)."""
    days = pd.bdate_range("2018-01-02", periods=WF_J0 + WF_IS + WF_WINDOWS * WF_OOS + 1)
    return days.strftime("%Y%m%d").astype(np.int64).to_numpy()


def wf_expected_oos():
    """date, position, net_return, naive_net_return and window of the 300 stitched rows."""
    j = np.arange(WF_J0 + WF_IS, WF_J0 + WF_IS + WF_WINDOWS * WF_OOS)
    k = (j - WF_J0 - WF_IS) // WF_OOS
    r = 0.0008 + 0.011 * np.sin(0.618034 * j * j + j)
    h = np.where(np.sin(0.05 * j + k) > -0.3, 1.0, 0.0)
    net = h * r - WF_COST * np.abs(h - np.concatenate([[0.0], h[:-1]]))
    first = np.arange(len(j)) % WF_OOS == 0
    naive = np.where(first, h * r, net)
    return wf_bar_dates()[j + 1], h, net, naive, k


def annual_sharpe(x):
    return np.mean(x) / np.std(x, ddof=1) * math.sqrt(252)


def check_walkforward_tables(path):
    assert qr.tables(path) == {"windows": "/walkforward/windows", "oos": "/walkforward/oos"}, qr.tables(path)
    windows = qr.load(path)  # the main table
    assert list(windows.columns[:3]) == ["combo", "fast", "slow"], list(windows.columns)
    assert set(windows.columns) == {"combo", "fast", "slow", "k", "is_start", "is_end", "oos_start", "oos_end",
                                    "is_sharpe", "oos_sharpe", "is_ann_return", "oos_ann_return", "wfe"}
    assert qr.load(path, "windows").equals(windows) and qr.load(path, "/walkforward/windows").equals(windows)
    assert list(windows["k"]) == list(range(WF_WINDOWS))
    # winners (fast, slow) and their grid index fast_index * 5 + slow_index over
    # fast {5, 10, 15, 20} x slow {50, ..., 250}
    assert list(windows["fast"]) == [10, 10, 20, 20, 15, 20] and list(windows["slow"]) == [50, 50, 100, 150, 100, 150]
    assert list(windows["combo"]) == [5, 5, 16, 17, 11, 17], list(windows["combo"])
    assert list(windows["is_ann_return"]) == [0.182, 0.151, 0.204, 0.167, 0.139, 0.176]
    dates = wf_bar_dates()
    for k in range(WF_WINDOWS):
        s = WF_J0 + k * WF_OOS
        e = s + WF_IS  # IS = columns [s, e), OOS = [e, e + 50); column j is dated by bar j + 1
        row = windows.iloc[k]
        assert (row["is_start"], row["is_end"], row["oos_start"], row["oos_end"]) == \
            (dates[s + 1], dates[e], dates[e + 1], dates[e + WF_OOS]), (k, row)
    # bars 250 and 801 by a plain weekday count from 2018-01-02
    assert windows["is_start"].iloc[0] == 20181218 and windows["oos_end"].iloc[-1] == 20210127, windows


def check_walkforward_oos(path):
    oos, windows = qr.load(path, "oos"), qr.load(path)
    date, position, net, naive, window = wf_expected_oos()
    assert len(oos) == 300 and set(oos.columns) == {"date", "position", "net_return", "equity",
                                                    "naive_net_return", "window"}, oos.columns
    assert (oos["date"].to_numpy() == date).all() and (oos["window"].to_numpy() == window).all()
    assert (oos["position"].to_numpy() == position).all()
    assert np.allclose(oos["net_return"], net, rtol=0, atol=1e-12)
    assert np.allclose(oos["naive_net_return"], naive, rtol=0, atol=1e-12)
    assert np.allclose(oos["equity"], np.cumprod(1 + net), rtol=1e-12, atol=0)
    for k in range(WF_WINDOWS):
        segment = net[window == k]
        row = windows.iloc[k]
        assert abs(row["oos_sharpe"] - annual_sharpe(segment)) < 1e-9, (k, row)
        assert abs(row["oos_ann_return"] - 252 * segment.mean()) < 1e-12, (k, row)
        assert abs(row["wfe"] - 252 * segment.mean() / row["is_ann_return"]) < 1e-9, (k, row)


def check_walkforward_attributes(path):
    summary = qr.attributes(path, "/walkforward/summary")
    _, _, net, naive, _ = wf_expected_oos()
    is_mean = np.mean([0.182, 0.151, 0.204, 0.167, 0.139, 0.176])
    assert abs(summary["oos_sharpe"] - annual_sharpe(net)) < 1e-9, summary
    assert abs(summary["naive_oos_sharpe"] - annual_sharpe(naive)) < 1e-9, summary
    assert abs(summary["wfe"] - 252 * net.mean() / is_mean) < 1e-9, summary
    # winners change at k = 2, 3, 4, 5; distances over the axis ranges 15 (fast) and 200 (slow)
    assert abs(summary["winner_changes"] - 0.8) < 1e-15, summary
    steps = [(0, 0), (10 / 15, 50 / 200), (0, 50 / 200), (-5 / 15, -50 / 200), (5 / 15, 50 / 200)]
    assert abs(summary["param_distance"] - np.mean([math.hypot(*s) for s in steps])) < 1e-12, summary
    assert summary["windows"] == 6 and summary["live_start"] == 249 and summary["live_bars"] == 552, summary
    assert (summary["objective"], summary["strategy"], summary["symbol"]) == ("sharpe", "sma_crossover", "SYN000")
    assert qr.attributes(path, "/")["job_kind"] == "walkforward"
    try:
        qr.attributes(path, "/walkforward/nothing")
    except KeyError as error:
        assert "no group '/walkforward/nothing'" in str(error), error
    else:
        raise AssertionError("a missing group was accepted")


def check_overfitting(walkforward, sweep):
    stats = qr.overfitting(walkforward)
    assert stats == {"n_trials": 20, "psr": 0.953, "dsr": 0.601, "dsr_n_eff": 0.753, "n_eff": 6.3, "sr0": 0.061,
                     "best_combo": 8, "best_sharpe": 0.072, "skewness": -0.21, "kurtosis": 5.4, "pbo": 0.34,
                     "splits": 12870, "pbo_blocks": 16, "degradation_slope": -0.62, "prob_oos_loss": 0.29}, stats
    assert qr.overfitting(sweep) == {}
    # the fixture's figures are those of the DSR formula (Bailey & Lopez de Prado 2014), to 3 digits
    phi, sr, t = NormalDist(), stats["best_sharpe"], 552
    spread = math.sqrt(1 - stats["skewness"] * sr + (stats["kurtosis"] - 1) / 4 * sr * sr)
    assert abs(stats["psr"] - phi.cdf(sr * math.sqrt(t - 1) / spread)) < 5e-4
    assert abs(stats["dsr"] - phi.cdf((sr - stats["sr0"]) * math.sqrt(t - 1) / spread)) < 5e-4
    assert stats["splits"] == math.comb(16, 8)


def check_plot_walkforward(walkforward, sweep, keep=None):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(keep or tmp, "wf.png")
        assert qr.plot_walkforward(walkforward, out) == out
        with open(out, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", "not a PNG"
        cli_out = os.path.join(tmp, "cli.png")
        cli = subprocess.run([sys.executable, os.path.join(MODULE_DIR, "quantgrid_results.py"), "plot-walkforward",
                              walkforward, "--out", cli_out], capture_output=True, text=True)
        assert cli.returncode == 0 and cli.stdout == cli_out + "\n" and os.path.getsize(cli_out) > 0, cli.stderr
        cli = subprocess.run([sys.executable, os.path.join(MODULE_DIR, "quantgrid_results.py"), "plot-walkforward",
                              sweep, "--out", os.path.join(tmp, "no.png")], capture_output=True, text=True)
        assert cli.returncode == 2 and "no table 'oos'" in cli.stderr, (cli.returncode, cli.stderr)


def main():
    sweep = sys.argv[1]
    check_load_main_table(sweep)
    check_tables(sweep)
    check_provenance(sweep)
    check_top(sweep)
    check_heatmap(sweep)
    check_cli_top(sweep)
    if len(sys.argv) > 2:
        check_newer_schema_refused(sys.argv[2])
    if len(sys.argv) > 3:
        walkforward = sys.argv[3]
        check_walkforward_tables(walkforward)
        check_walkforward_oos(walkforward)
        check_walkforward_attributes(walkforward)
        check_overfitting(walkforward, sweep)
        check_plot_walkforward(walkforward, sweep, os.environ.get("QG_KEEP_PLOT"))
    print("python reader OK")


if __name__ == "__main__":
    main()
