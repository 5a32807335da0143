#!/usr/bin/python3
"""Independent reference of the quantgrid strategies and backtest metrics.

Plain, slow Python written from the documented conventions (kernels/include/qg/kernels/
backtest.hpp and the strategy rules), sharing no code with the C++ kernels. Run with a
C++ dump to compare:

    backtest_reference.py --driver build/tests/kernels/kernels_reference_dump --workdir /tmp/x

The driver writes bars.csv and results.csv (positions and metrics from the fast C++ kernels);
this script recomputes both from the bars and fails on any difference: positions must match
exactly, metrics within 1e-9 relative (1e-12 absolute floor).
"""
import argparse
import csv
import math
import os
import subprocess
import sys

import numpy as np

REL_TOL = 1e-10  # price comparisons: a > b only when a - b > REL_TOL * |b|
BARS_PER_YEAR = 252.0
METRICS = ["total_return", "cagr", "sharpe", "sortino", "volatility", "max_drawdown",
           "calmar", "trades", "turnover", "exposure", "win_rate"]


def gt(a, b):
    return a - b > REL_TOL * abs(b)


def lt(a, b):
    return b - a > REL_TOL * abs(b)


# ---- strategies: each returns a list of positions, one per bar ----

def sma_crossover(close, high, low, params, long_short):
    fast, slow = int(round(params[0])), int(round(params[1]))
    pos = [0] * len(close)
    for t in range(max(fast, slow) - 1, len(close)):
        f = sum(close[t - fast + 1:t + 1]) / fast
        s = sum(close[t - slow + 1:t + 1]) / slow
        if gt(f, s):
            pos[t] = 1
        elif long_short and lt(f, s):
            pos[t] = -1
    return pos


def ema_series(close, w):
    alpha = 2.0 / (w + 1.0)
    out = [close[0]]
    for t in range(1, len(close)):
        out.append(alpha * close[t] + (1.0 - alpha) * out[-1])
    return out


def ema_crossover(close, high, low, params, long_short):
    fast, slow = int(round(params[0])), int(round(params[1]))
    ef, es = ema_series(close, fast), ema_series(close, slow)
    pos = [0] * len(close)
    for t in range(max(fast, slow) - 1, len(close)):
        if gt(ef[t], es[t]):
            pos[t] = 1
        elif long_short and lt(ef[t], es[t]):
            pos[t] = -1
    return pos


def bollinger(close, high, low, params, long_short):
    w, k = int(round(params[0])), params[1]
    pos = [0] * len(close)
    p = 0
    for t in range(w - 1, len(close)):
        window = np.array(close[t - w + 1:t + 1])
        m = float(window.mean())
        s = float(np.sqrt(((window - m) ** 2).mean()))
        c = close[t]
        # exits from the current state, then entries from flat
        if p == 1 and not lt(c, m):
            p = 0
        if p == -1 and not gt(c, m):
            p = 0
        if p == 0 and lt(c, m - k * s):
            p = 1
        elif p == 0 and long_short and gt(c, m + k * s):
            p = -1
        pos[t] = p
    return pos


def rsi(close, high, low, params, long_short):
    period, lower, upper = int(round(params[0])), params[1], params[2]
    n = len(close)
    pos = [0] * n
    if period >= n:
        return pos
    gains = [max(close[t] - close[t - 1], 0.0) for t in range(1, n)]
    losses = [max(close[t - 1] - close[t], 0.0) for t in range(1, n)]
    avg_gain = sum(gains[:period]) / period
    avg_loss = sum(losses[:period]) / period
    p = 0
    for t in range(period, n):
        if t > period:
            avg_gain = (avg_gain * (period - 1) + gains[t - 1]) / period
            avg_loss = (avg_loss * (period - 1) + losses[t - 1]) / period
        if avg_loss == 0.0:
            value = 100.0 if avg_gain > 0.0 else 50.0
        else:
            value = 100.0 - 100.0 / (1.0 + avg_gain / avg_loss)
        if lt(value, lower):
            p = 1
        elif gt(value, upper):
            p = -1 if long_short else 0
        pos[t] = p
    return pos


def donchian(close, high, low, params, long_short):
    entry, exit_ = int(round(params[0])), int(round(params[1]))
    pos = [0] * len(close)
    p = 0
    for t in range(max(entry, exit_), len(close)):
        c = close[t]
        if p == 1 and lt(c, min(low[t - exit_:t])):
            p = 0
        if p == -1 and gt(c, max(high[t - exit_:t])):
            p = 0
        if p == 0 and gt(c, max(high[t - entry:t])):
            p = 1
        elif p == 0 and long_short and lt(c, min(low[t - entry:t])):
            p = -1
        pos[t] = p
    return pos


def momentum(close, high, low, params, long_short):
    lookback = int(round(params[0]))
    pos = [0] * len(close)
    for t in range(lookback, len(close)):
        if gt(close[t], close[t - lookback]):
            pos[t] = 1
        elif long_short and lt(close[t], close[t - lookback]):
            pos[t] = -1
    return pos


STRATEGIES = {f.__name__: f for f in [sma_crossover, ema_crossover, bollinger, rsi, donchian, momentum]}


# ---- metrics ----

def metrics(close, pos, cost):
    n_bars = len(close)
    n = n_bars - 1
    held = [0] + [pos[t - 1] for t in range(1, n_bars)]
    ret = [0.0] + [close[t] / close[t - 1] - 1.0 for t in range(1, n_bars)]
    net = [held[t] * ret[t] - cost * abs(held[t] - held[t - 1]) for t in range(1, n_bars)]
    # Ruin: the first bar with net <= -1 loses everything (-1); flat, nothing traded, after it.
    ruin = next((i + 1 for i, x in enumerate(net) if x <= -1.0), None)  # the ruin bar
    if ruin is not None:
        net = net[:ruin - 1] + [-1.0] + [0.0] * (n - ruin)
    last = ruin if ruin is not None else n_bars - 1  # the last bar traded
    equity = [1.0]
    for x in net:
        equity.append(equity[-1] * (1.0 + x))

    out = {}
    out["total_return"] = equity[-1] - 1.0
    out["cagr"] = equity[-1] ** (BARS_PER_YEAR / n) - 1.0 if equity[-1] > 0.0 else -1.0
    mean = sum(net) / n
    if n < 2 or all(x == net[0] for x in net):
        sd = 0.0  # std is exactly 0 for a constant series
    else:
        sd = math.sqrt(sum((x - mean) ** 2 for x in net) / (n - 1))
    out["sharpe"] = mean / sd * math.sqrt(BARS_PER_YEAR) if sd > 0.0 else 0.0
    down = math.sqrt(sum(min(x, 0.0) ** 2 for x in net) / n)
    out["sortino"] = mean / down * math.sqrt(BARS_PER_YEAR) if down > 0.0 else 0.0
    out["volatility"] = sd * math.sqrt(BARS_PER_YEAR)
    peak, mdd = 1.0, 0.0
    for e in equity:
        peak = max(peak, e)
        mdd = max(mdd, 1.0 - e / peak)
    out["max_drawdown"] = mdd
    out["calmar"] = out["cagr"] / mdd if mdd > 0.0 else 0.0
    changes = [t for t in range(1, last + 1) if held[t] != held[t - 1]]
    out["trades"] = float(len(changes))
    out["turnover"] = float(sum(abs(held[t] - held[t - 1]) for t in range(1, last + 1)))
    out["exposure"] = sum(1 for t in range(1, last + 1) if held[t] != 0) / n
    # Round trips: list (entry bar, exit bar) pairs, then judge each closed one.
    trips, entry = [], None
    for t in changes:
        if entry is not None:
            trips.append((entry, t))
            entry = None
        if held[t] != 0:
            entry = t
    ruined_trips = 1 if ruin is not None and entry is not None else 0  # held over the ruin bar: lost
    # Each trip pays its own opening cost (entry bar) and closing cost (exit bar); the held
    # position is constant inside a trip, so its growth is a plain product.
    def trip_growth(e, x):
        h = held[e]
        g = 1.0 + h * (close[e] / close[e - 1] - 1.0) - cost * abs(h)
        for t in range(e + 1, x):
            g *= 1.0 + h * (close[t] / close[t - 1] - 1.0)
        return g * (1.0 - cost * abs(h))
    wins = sum(1 for (e, x) in trips if trip_growth(e, x) > 1.0)
    closed = len(trips) + ruined_trips
    out["win_rate"] = wins / closed if closed else 0.0
    return out


# ---- comparison with the C++ dump ----

def load_bars(path):
    series = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            s = series.setdefault(row["series"], {"high": [], "low": [], "close": []})
            for key in ("high", "low", "close"):
                s[key].append(float(row[key]))
    return series


def compare(bars_path, results_path):
    series = load_bars(bars_path)
    failures, rows = 0, 0
    with open(results_path) as f:
        for row in csv.DictReader(f):
            rows += 1
            s = series[row["series"]]
            params = [float(x) for x in row["params"].split(";")]
            long_short = row["mode"] == "long_short"
            pos = STRATEGIES[row["kind"]](s["close"], s["high"], s["low"], params, long_short)
            expected_path = "".join("+" if p > 0 else "-" if p < 0 else "0" for p in pos)
            label = "%s %s %s %s" % (row["series"], row["kind"], row["mode"], row["params"])
            if expected_path != row["positions"]:
                first = next(i for i, (a, b) in enumerate(zip(expected_path, row["positions"])) if a != b)
                print("FAIL positions %s: first difference at t=%d (python %s, C++ %s)"
                      % (label, first, expected_path[first], row["positions"][first]))
                failures += 1
                continue
            ref = metrics(s["close"], pos, float(row["cost"]))
            for name in METRICS:
                got, want = float(row[name]), ref[name]
                if abs(got - want) > 1e-9 * max(abs(got), abs(want)) + 1e-12:
                    print("FAIL metric %s %s: C++ %.17g python %.17g" % (label, name, got, want))
                    failures += 1
    print("%d rows compared, %d failures" % (rows, failures))
    return failures == 0 and rows > 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driver", help="C++ dump executable to run first")
    parser.add_argument("--workdir", required=True, help="where bars.csv and results.csv are (or go)")
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    if args.driver:
        subprocess.run([args.driver, args.workdir], check=True)
    ok = compare(os.path.join(args.workdir, "bars.csv"), os.path.join(args.workdir, "results.csv"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
