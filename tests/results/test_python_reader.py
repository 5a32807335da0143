"""Checks results/python/quantgrid_results.py against files written by write_results_fixture.

usage: /usr/bin/python3 test_python_reader.py SWEEP.h5 [FUTURE.h5]
"""

import math
import os
import subprocess
import sys
import tempfile

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
    assert meta["schema_version"] == "1.1", meta
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
    print("python reader OK")


if __name__ == "__main__":
    main()
