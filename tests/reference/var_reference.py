#!/usr/bin/env python3
"""Independent NumPy/SciPy check of a var run file: historical-simulation and parametric
(delta-normal) VaR/ES, stress P&L and backtest exception counts, recomputed from the spec
text stored in the run file and the market store, following docs/var.md.

Usage: var_reference.py RUN.h5 STORE.h5      (exit 1 with a message on any mismatch)
Needs Debian's /usr/bin/python3 (numpy, scipy, h5py, yaml).
"""
import math
import os
import sys

import h5py
import numpy as np
import yaml
from scipy import stats

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results", "python"))
import quantgrid_results as qr  # noqa: E402  (the store layouts live in one place)

TRADING_DAYS = 252.0


def bs(kind, s, k, t, r, vol):
    s = np.asarray(s, dtype=float)
    if t <= 0:
        return np.maximum(s - k, 0) if kind == "call" else np.maximum(k - np.maximum(s, 0), 0)
    s = np.maximum(s, 1e-300)
    d1 = (np.log(s / k) + (r + 0.5 * vol * vol) * t) / (vol * math.sqrt(t))
    d2 = d1 - vol * math.sqrt(t)
    if kind == "call":
        return s * stats.norm.cdf(d1) - k * math.exp(-r * t) * stats.norm.cdf(d2)
    return k * math.exp(-r * t) * stats.norm.cdf(-d2) - s * stats.norm.cdf(-d1)


def empirical(losses, a):
    """VaR = ceil(n a)-th smallest; ES = Acerbi-Tasche weighted tail mean."""
    n = len(losses)
    srt = np.sort(losses)
    var = srt[math.ceil(round(n * a, 9)) - 1]
    m = round(n * (1 - a), 9)
    desc = srt[::-1]
    whole = int(math.floor(m))
    es = (desc[:whole].sum() + (m - whole) * (desc[whole] if m > whole else 0.0)) / m
    return var, es


def main(run_path, store_path):
    run = h5py.File(run_path, "r")
    spec = yaml.safe_load(run.attrs["spec_text"])
    store = h5py.File(store_path, "r")
    positions = spec["portfolio"]["positions"]
    model = spec.get("model", {})
    window = int(model.get("window", 250))
    h = int(spec.get("horizon_days", 1))
    levels = spec.get("confidence", [0.95, 0.99])
    levels = levels if isinstance(levels, list) else [levels]
    rate = float(spec.get("rate", 0.0))
    end = spec["data"].get("end")
    end = int(str(end).replace("-", "")) if end else None

    assets = []
    for p in positions:
        if p["symbol"] not in assets:
            assets.append(p["symbol"])
    # Dates common to every asset, up to data.end.
    series = {}
    for a in assets:
        d, c = qr.store_column(store, a, "date"), qr.store_column(store, a, "close")
        keep = d <= end if end else np.ones(len(d), bool)
        series[a] = dict(zip(d[keep].tolist(), c[keep].tolist()))
    dates = sorted(set.intersection(*(set(s) for s in series.values())))
    closes = np.array([[series[a][d] for a in assets] for d in dates])
    rets = closes[1:] / closes[:-1] - 1
    win = rets[-window:]
    prices = closes[-1]

    mean1 = win.mean(axis=0)
    if model.get("covariance", "sample") == "ewma":
        lam = float(model.get("lambda", 0.94))
        w = lam ** np.arange(window - 1, -1, -1)
        cov = (win * w[:, None]).T @ win / w.sum()
    else:
        cov = np.cov(win, rowvar=False, ddof=1).reshape(len(assets), len(assets))
    delta = float(model.get("shrinkage", 0.0))
    cov = (1 - delta) * cov + delta * np.diag(np.diag(cov))
    cov = cov * h
    mu = h * mean1 if model.get("mean", "zero") == "sample" else np.zeros(len(assets))

    def pnl(y, horizon_years):
        """P&L of each position under simple-return shocks y (rows: scenarios)."""
        out = []
        for p in positions:
            i = assets.index(p["symbol"])
            s = prices[i]
            if "option" not in p:
                out.append(p["quantity"] * s * y[:, i])
            else:
                t = p["expiry_days"] / TRADING_DAYS
                v0 = bs(p["option"], s, p["strike"], t, rate, p["vol"])
                v = bs(p["option"], s * (1 + y[:, i]), p["strike"], t - horizon_years, rate, p["vol"])
                out.append(p["quantity"] * (v - v0))
        return np.array(out).T

    failures = []

    def check(what, got, want, tol):
        if not abs(got - want) <= tol * max(1.0, abs(want)):
            failures.append(f"{what}: run file {got!r}, reference {want!r}")

    summary = run["var/summary"]
    method, conf = summary["method"][()], summary["confidence"][()]
    var_col, es_col = summary["var"][()], summary["es"][()]

    def row(m, a):
        idx = np.where((method == m) & (conf == a))[0]
        return int(idx[0])

    # Historical simulation: the window's return vectors as horizon shocks.
    hist = mu + math.sqrt(h) * (win - mean1)
    hist_loss = -pnl(hist, h / TRADING_DAYS).sum(axis=1)
    for a in levels:
        v, e = empirical(hist_loss, a)
        check(f"historical VaR {a}", var_col[row(1, a)], v, 1e-9)
        check(f"historical ES {a}", es_col[row(1, a)], e, 1e-9)

    # Parametric: delta-normal with the model's distribution.
    d = np.zeros(len(assets))
    for p in positions:
        i = assets.index(p["symbol"])
        s = prices[i]
        if "option" not in p:
            d[i] += p["quantity"] * s
        else:
            t = p["expiry_days"] / TRADING_DAYS
            d1 = (math.log(s / p["strike"]) + (rate + 0.5 * p["vol"] ** 2) * t) / (p["vol"] * math.sqrt(t))
            dl = stats.norm.cdf(d1) - (0 if p["option"] == "call" else 1)
            d[i] += p["quantity"] * dl * s
    sigma = math.sqrt(d @ cov @ d)
    m = mu @ d
    for a in levels:
        if model.get("distribution") == "student_t":
            nu = int(model["nu"])
            sc = math.sqrt((nu - 2) / nu)
            t = stats.t.ppf(a, nu)
            kv, ke = sc * t, sc * stats.t.pdf(t, nu) * (nu + t * t) / ((nu - 1) * (1 - a))
        else:
            z = stats.norm.ppf(a)
            kv, ke = z, stats.norm.pdf(z) / (1 - a)
        check(f"parametric VaR {a}", var_col[row(2, a)], -m + sigma * kv, 1e-8)
        check(f"parametric ES {a}", es_col[row(2, a)], -m + sigma * ke, 1e-8)

    # Stress: named simple returns, others 0, full revaluation over the horizon.
    for k, s in enumerate(spec.get("stress", [])):
        y = np.zeros((1, len(assets)))
        for sym, r in s["shocks"].items():
            if sym in assets:
                y[0, assets.index(sym)] = r
        check(f"stress {s['name']}", run["var/stress/pnl"][k], pnl(y, h / TRADING_DAYS).sum(), 1e-9)

    # Backtest: historical 1-day VaR of today's book over the previous window days.
    if "backtest" in spec:
        bw = int(spec["backtest"]["window"])
        day_loss = -pnl(rets, 1 / TRADING_DAYS).sum(axis=1)
        bt = run["var/backtest"]
        for li, a in enumerate(levels):
            hits = 0
            for t in range(bw, len(day_loss)):
                v, _ = empirical(day_loss[t - bw:t], a)
                hits += day_loss[t] > v
            if int(bt["exceptions"][li]) != hits:
                failures.append(f"backtest exceptions at {a}: run file {int(bt['exceptions'][li])}, reference {hits}")

    if failures:
        print("\n".join(failures))
        return 1
    print(f"{run_path}: historical, parametric, stress and backtest figures match the NumPy reference")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
