"""Checks every row of an sma_crossover sweep run file against an independent NumPy
implementation of the documented conventions (docs/strategies.md).

Usage: check_sweep_numpy.py RUN.h5 STORE.h5

Independent of the C++ code: moving averages by np.convolve (not prefix sums), positions
and metrics by plain NumPy array operations and a Python loop for round trips."""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results", "python"))
import quantgrid_results as qr  # noqa: E402  (the store layouts live in one place)

TIE = 1e-10


def store_close(store, name):
    """A symbol's closes from a market store."""
    return qr.store_column(store, name, "close")


def sma(c, w):
    out = np.full(len(c), np.nan)
    out[w - 1:] = np.convolve(c, np.ones(w) / w, mode="valid")
    return out


def positions(c, fast, slow, long_short):
    f, s = sma(c, fast), sma(c, slow)
    pos = np.zeros(len(c))
    defined = np.arange(len(c)) >= max(fast, slow) - 1
    up = defined & (f - s > TIE * np.abs(s))
    down = defined & (s - f > TIE * np.abs(s))
    pos[up] = 1.0
    if long_short:
        pos[down] = -1.0
    return pos


def metrics(c, pos, k):
    r = c[1:] / c[:-1] - 1.0
    h = pos[:-1]                          # held over bars 1..T-1
    h_prev = np.concatenate([[0.0], h[:-1]])
    dh = np.abs(h - h_prev)
    net = h * r - k * dh
    n = len(net)
    equity = np.cumprod(1.0 + net)
    total = equity[-1] - 1.0
    cagr = (1.0 + total) ** (252.0 / n) - 1.0
    std = net.std(ddof=1)
    sharpe = net.mean() / std * np.sqrt(252.0) if std > 0 else 0.0
    down = np.sqrt(np.mean(np.minimum(net, 0.0) ** 2))
    sortino = net.mean() / down * np.sqrt(252.0) if down > 0 else 0.0
    e = np.concatenate([[1.0], equity])
    mdd = np.max(1.0 - e / np.maximum.accumulate(e))
    calmar = cagr / mdd if mdd > 0 else 0.0
    # round trips: each pays its own opening cost (entry bar) and closing cost (exit bar)
    wins = closed = 0
    growth = None
    prev = 0.0
    for i in range(n):          # bar i+1 of the series
        cur = h[i]
        if cur != prev:
            if prev != 0.0:
                closed += 1
                wins += growth * (1.0 - k * abs(prev)) > 1.0
            growth = 1.0 + cur * r[i] - k * abs(cur) if cur != 0.0 else None
        elif cur != 0.0:
            growth *= 1.0 + cur * r[i]
        prev = cur
    return {
        "total_return": total, "cagr": cagr, "sharpe": sharpe, "sortino": sortino,
        "volatility": std * np.sqrt(252.0), "max_drawdown": mdd, "calmar": calmar,
        "trades": float(np.count_nonzero(dh)), "turnover": dh.sum(),
        "exposure": np.count_nonzero(h) / n, "win_rate": wins / closed if closed else 0.0,
    }


def main(run_path, store_path):
    with h5py.File(run_path, "r") as run, h5py.File(store_path, "r") as store:
        g = run["sweep"]
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        assert attrs["strategy"] == "sma_crossover", attrs
        long_short = attrs["mode"] == "long_short"
        k = float(attrs["cost_per_unit"])
        names = [s.decode() if isinstance(s, bytes) else s for s in g["symbols"][:]]
        sym = g["symbol"][:]
        fast = g["params/fast"][:].astype(int)
        slow = g["params/slow"][:].astype(int)
        got = {m: g["metrics/" + m][:] for m in g["metrics"]}
        closes = {n: store_close(store, n) for n in names}
    worst = 0.0
    for i in range(len(sym)):
        c = closes[names[sym[i]]]
        want = metrics(c, positions(c, fast[i], slow[i], long_short), k)
        for m, v in want.items():
            err = abs(got[m][i] - v) / max(1.0, abs(v))
            worst = max(worst, err)
            if err > 1e-9:
                sys.exit(f"row {i} ({names[sym[i]]}, fast={fast[i]}, slow={slow[i]}): {m} = {got[m][i]!r}, "
                         f"NumPy reference {v!r}")
    print(f"{len(sym)} rows match the NumPy reference (worst relative error {worst:.2e})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
