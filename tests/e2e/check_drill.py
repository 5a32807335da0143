"""Checks `quantgrid results equity|trades` for a sweep run: for the chosen rows, the metrics
recomputed from the equity CSV (plain loops over net_return, equity and position, the
definitions of docs/strategies.md) equal the run's stored metrics to 1e-12 (relative to the
value's size, at least absolute), the CSV's columns are consistent with each other and with the
closes, and every round trip of the trades CSV is rebuilt from the position and close columns.
Ruin (docs/strategies.md): the first bar whose net return would be -1 or below shows -1, the
book is flat after it, the exit it forces is no trade, and the trip held over it returns -1.

Usage: check_drill.py RUN.h5 ROW [ROW ...]   (QUANTGRID: the executable; PYTHONPATH: results/python)
Independent of the C++ code except for the CSVs it checks."""
import math
import sys

import numpy as np
import quantgrid_results as q

TOL = 1e-12
BARS_PER_YEAR = 252.0


def close_enough(got, want):
    if math.isnan(want):
        return math.isnan(got)
    return abs(got - want) <= TOL * max(1.0, abs(want))


def sample_std(x):
    if len(x) < 2 or all(v == x[0] for v in x):
        return 0.0
    mean = sum(x) / len(x)
    return math.sqrt(sum((v - mean) ** 2 for v in x) / (len(x) - 1))


def ruin_bar(curve):
    """The first bar with a net return of -1 (ruin), or None."""
    return next((t for t in range(1, len(curve)) if curve["net_return"][t] <= -1.0), None)


def trips_from(position, close, net_r, k, ruined_at=None):
    """Round trips by a plain loop: (entry bar, exit bar or None, side, growth); the trip held
    over the ruin bar has growth 0."""
    trips = []
    for t in range(1, len(position)):
        h = position[t]
        if h == 0 or h == position[t - 1]:
            continue
        growth = 1.0 + h * net_r[t] - k * abs(h)
        e = t + 1
        while e < len(position) and position[e] == h:
            growth *= 1.0 + h * net_r[e]
            e += 1
        if e < len(position):
            growth *= 1.0 - k * abs(h)
        if ruined_at is not None and t <= ruined_at < e:
            growth = 0.0
        trips.append((t, e if e < len(position) else None, h, growth))
    return trips


def metrics_from(curve, closed_returns):
    net = list(curve["net_return"][1:])
    equity = list(curve["equity"])
    pos = [int(v) for v in curve["position"]]
    n = len(net)
    ruined_at = ruin_bar(curve)
    traded = len(pos) if ruined_at is None else ruined_at + 1  # no trade after the ruin bar
    m = {"total_return": equity[-1] - 1.0}
    m["cagr"] = equity[-1] ** (BARS_PER_YEAR / n) - 1.0 if equity[-1] > 0 else -1.0
    mean, sd = sum(net) / n, sample_std(net)
    m["sharpe"] = mean / sd * math.sqrt(BARS_PER_YEAR) if sd > 0 else 0.0
    down = math.sqrt(sum(v * v for v in net if v < 0) / n)
    m["sortino"] = mean / down * math.sqrt(BARS_PER_YEAR) if down > 0 else 0.0
    m["volatility"] = sd * math.sqrt(BARS_PER_YEAR)
    m["max_drawdown"] = max(curve["drawdown"])
    m["calmar"] = m["cagr"] / m["max_drawdown"] if m["max_drawdown"] > 0 else 0.0
    m["trades"] = float(sum(1 for t in range(1, traded) if pos[t] != pos[t - 1]))
    m["turnover"] = float(sum(abs(pos[t] - pos[t - 1]) for t in range(1, traded)))
    m["exposure"] = sum(1 for t in range(1, len(pos)) if pos[t] != 0) / n
    m["win_rate"] = sum(1 for r in closed_returns if r > 0) / len(closed_returns) if closed_returns else 0.0
    return m


def check_curve(curve, k):
    """Columns agree with each other: net from position and close, equity, drawdown, buy and hold."""
    close, pos = list(curve["close"]), [int(v) for v in curve["position"]]
    assert pos[0] == 0 and curve["net_return"][0] == 0 and curve["equity"][0] == 1, "bar 0 is not flat at 1"
    peak, eq, ruined = 1.0, 1.0, False
    for t in range(1, len(close)):
        r = close[t] / close[t - 1] - 1.0
        if ruined:
            assert pos[t] == 0 and curve["net_return"][t] == 0, ("not flat after ruin", t)
        else:
            net = pos[t] * r - k * abs(pos[t] - pos[t - 1])
            ruined = net <= -1.0
            net = -1.0 if ruined else net
            assert abs(curve["net_return"][t] - net) <= 1e-15, ("net_return", t, curve["net_return"][t], net)
        eq *= 1.0 + curve["net_return"][t]
        peak = max(peak, eq)
        assert close_enough(curve["equity"][t], eq), ("equity", t)
        assert close_enough(curve["drawdown"][t], 1.0 - eq / peak), ("drawdown", t)
        assert close_enough(curve["buy_hold_equity"][t], close[t] / close[0]), ("buy_hold_equity", t)


def check_trades(curve, trades, k):
    """Each CSV trip equals the one rebuilt from the curve; returns the closed trips' returns."""
    close = list(curve["close"])
    r = [0.0] + [close[t] / close[t - 1] - 1.0 for t in range(1, len(close))]
    ruined_at = ruin_bar(curve)
    want = trips_from([int(v) for v in curve["position"]], close, r, k, ruined_at)
    assert len(want) == len(trades), ("trip count", len(want), len(trades))
    dates = list(curve["date"])
    for (entry, exit_bar, side, growth), (_, got) in zip(want, trades.iterrows()):
        assert got["entry_date"] == dates[entry - 1] and got["entry_price"] == close[entry - 1], ("entry", got)
        assert got["side"] == ("long" if side > 0 else "short"), ("side", got)
        assert abs(got["return"] - (growth - 1.0)) <= 1e-13, ("return", got["return"], growth - 1.0)
        if exit_bar is None:
            assert math.isnan(got["exit_price"]) and str(got["exit_date"]) == "NaT", ("open trip", got)
            assert close_enough(got["cost"], k * abs(side)), ("cost", got)
        else:
            assert got["exit_date"] == dates[exit_bar - 1] and got["exit_price"] == close[exit_bar - 1], got
            ruined = ruined_at is not None and exit_bar == ruined_at + 1  # no closing cost: nothing left
            assert close_enough(got["cost"], (1 if ruined else 2) * k * abs(side)), ("cost", got)
    # closed trips, and the one ruin ended (a loss even when ruin came on the last bar)
    return [g - 1.0 for (t, e, _, g) in want if e is not None or (ruined_at is not None and t <= ruined_at)]


def main(run, rows):
    table = q.load(run)
    k = q.attributes(run, "/sweep")["cost_per_unit"]
    names = ["total_return", "cagr", "sharpe", "sortino", "volatility", "max_drawdown", "calmar", "trades",
             "turnover", "exposure", "win_rate"]
    for row in rows:
        curve, trades = q.equity(run, row=row), q.trades(run, row=row)
        check_curve(curve, k)
        got = metrics_from(curve, check_trades(curve, trades, k))
        for name in names:
            want = float(table[name][row])
            assert close_enough(got[name], want), f"row {row}: {name} {got[name]!r} != stored {want!r}"
        print(f"row {row}: {len(curve)} bars, {len(trades)} trips, 11 metrics equal the stored row")


if __name__ == "__main__":
    main(sys.argv[1], [int(r) for r in sys.argv[2:]])
