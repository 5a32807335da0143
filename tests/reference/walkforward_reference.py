#!/usr/bin/python3
"""Independent NumPy check of a walk-forward run file (`job: walkforward`).

    walkforward_reference.py RUN.h5 [--store STORE.h5]    exit 1 with a message on a mismatch
    walkforward_reference.py --self-test                  vectorised pieces vs plain loops

Recomputes, from the spec text stored in the run file (root attribute `spec_text`) and the
market store it names (root attribute `data_file`, or --store), everything the conventions of
the walk-forward contract define: the live period and the windows, every window's winner, the
stitched and naive out-of-sample series, WFE and parameter stability, PSR/DSR/dsr_n_eff, and
PBO over all C(S, S/2) CSCV splits. Positions come from this file's own NumPy strategy code
(sma_crossover, ema_crossover, momentum), vectorised over blocks of parameter sets; the PBO
splits are vectorised over chunks of splits. No code is shared with the C++ job.

Tolerances (relative to max(1, |value|)): winners (`combo`), window bounds, dates, positions
and `window` must match exactly; pbo and prob_oos_loss too (they are shares of a discrete
count); returns, Sharpe ratios, WFE, DSR/PSR, slopes 1e-9; n_eff and dsr_n_eff 1e-5 (the job
forms the correlation product in single precision: 4e-8 relative seen on 1,120 live bars, and
the error grows with the number of bars).

The self-test checks each vectorised piece against a slow, obviously-correct Python loop on
small random cases, DSR against the worked example of Bailey & Lopez de Prado (2014), and the
comparison itself on a run file written from the loop results (it must pass, and fail once a
winner is altered).
"""
import argparse
import datetime
import itertools
import math
import os
import re
import statistics
import sys
import tempfile

import h5py
import numpy as np
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results", "python"))
import quantgrid_results as qr  # noqa: E402  (the store layouts live in one place)

PRICE_TIE = 1e-10        # strategies: a > b when a - b > 1e-10 |b| (docs/strategies.md)
TIE = 1e-12              # winners and ranks: within 1e-12 max(1, |best|)
ANN = 252.0
EULER = 0.5772156649015329
TOL = 1e-9
TOL_NEFF = 1e-5
MINIMISED = ("max_drawdown", "volatility")
METRICS = ("total_return", "cagr", "sharpe", "sortino", "volatility", "max_drawdown", "calmar",
           "trades", "turnover", "exposure")
STRATEGY_PARAMS = {"sma_crossover": ("fast", "slow"), "ema_crossover": ("fast", "slow"),
                   "momentum": ("lookback",)}
NORMAL = statistics.NormalDist()


class Mismatch(Exception):
    """The run file disagrees with the reference."""


# ---------------------------------------------------------------- the spec
def axis_values(form):
    """One parameter's values (docs/spec-reference.md, "Parameter values")."""
    if isinstance(form, (int, float)):
        return np.array([float(form)])
    if isinstance(form, list):
        return np.array(form, dtype=float)
    if "values" in form:
        return np.array(form["values"], dtype=float)
    lo, hi = float(form["from"]), float(form["to"])
    if "step" in form:
        step = float(form["step"])
        count = int(math.floor((hi - lo) / step + 1e-9 * max(1.0, abs(hi / step)))) + 1
        return lo + step * np.arange(count)
    count = int(form["count"])
    if count == 1:
        return np.array([lo])
    if form.get("log"):
        return np.geomspace(lo, hi, count)
    return np.linspace(lo, hi, count)


def _side(text, cols):
    m = re.fullmatch(r"\s*([\w.]+)\s*(?:([-+*/])\s*([\w.]+)\s*)?", text)
    if not m:
        raise ValueError(f"cannot read constraint side {text!r}")

    def term(t):
        return cols[t] if t in cols else float(t)
    a = term(m.group(1))
    if not m.group(2):
        return a
    b = term(m.group(3))
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[m.group(2)]


def where_mask(constraints, cols):
    ops = {"<=": np.less_equal, ">=": np.greater_equal, "==": np.equal, "!=": np.not_equal,
           "<": np.less, ">": np.greater}
    keep = np.ones(len(next(iter(cols.values()))), dtype=bool)
    for c in constraints or []:
        m = re.fullmatch(r"(.+?)(<=|>=|==|!=|<|>)(.+)", c)
        keep &= ops[m.group(2)](_side(m.group(1), cols), _side(m.group(3), cols))
    return keep


def parameter_sets(strategy):
    """(names, sets (N x P) in grid order: first parameter slowest, filtered by where, axes)."""
    names = STRATEGY_PARAMS[strategy["kind"]]
    axes = []
    for n in names:
        v = axis_values(strategy["params"][n])
        axes.append(np.unique(np.round(v)) if "count" in (strategy["params"][n] or {}) else v)
    mesh = np.meshgrid(*axes, indexing="ij")
    cols = {n: m.ravel() for n, m in zip(names, mesh)}
    keep = where_mask(strategy.get("where"), cols)
    return names, np.stack([cols[n][keep] for n in names], axis=1), axes


def _store_column(f, order, symbol, field):
    """One symbol's column of a market store."""
    return qr.store_column(f, symbol, field)


def _date(v):
    if v is None:
        return None
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.year * 10000 + v.month * 100 + v.day
    return int(str(v).replace("-", ""))


class Problem:
    """Everything the computation needs, read from a spec and a store."""

    def __init__(self, spec, store_path):
        data = spec["data"]
        st = spec["strategy"]
        if st["kind"] not in STRATEGY_PARAMS:
            raise SystemExit(f"error: strategy {st['kind']!r} is not implemented by this reference "
                             f"(implemented: {', '.join(STRATEGY_PARAMS)})")
        if (spec.get("search") or {}).get("method", "grid") != "grid":
            raise SystemExit("error: only search.method grid is implemented by this reference")
        with h5py.File(store_path, "r") as f:
            order = [s.decode() if isinstance(s, bytes) else s for s in f["symbol_order"][()]]
            symbols = order if data.get("symbols", "all") == "all" else list(data["symbols"])
            if len(symbols) != 1:
                raise SystemExit(f"error: a walk-forward needs exactly one symbol, the spec selects {symbols}")
            self.symbol = symbols[0]
            dates = _store_column(f, order, self.symbol, "date").astype(np.int64)
            close = _store_column(f, order, self.symbol, "close").astype(np.float64)
        lo, hi = _date(data.get("start")), _date(data.get("end"))
        keep = np.ones(len(dates), dtype=bool)
        if lo:
            keep &= dates >= lo
        if hi:
            keep &= dates <= hi
        self.dates, self.close = dates[keep], close[keep]
        self.kind = st["kind"]
        self.mode = st.get("mode", "long_flat")
        self.long_short = self.mode == "long_short"
        self.names, self.sets, self.axes = parameter_sets(st)
        costs = spec.get("costs") or {}
        self.cost = (float(costs.get("commission_bps", 0.0)) + float(costs.get("slippage_bps", 0.0))) / 1e4
        w = spec["windows"]
        self.w_is, self.w_oos = int(w["in_sample"]), int(w["out_of_sample"])
        self.anchored = bool(w.get("anchored", False))
        self.objective = spec.get("objective", "sharpe")
        if self.objective not in METRICS:
            raise SystemExit(f"error: objective {self.objective!r} is not implemented by this reference")
        self.pbo_blocks = int((spec.get("overfitting") or {}).get("pbo_blocks", 16))


# ---------------------------------------------------------------- strategies (vectorised)
def first_signal_bar(kind, sets):
    if kind in ("sma_crossover", "ema_crossover"):
        return (np.maximum(sets[:, 0], sets[:, 1]) - 1).astype(np.int64)
    return sets[:, 0].astype(np.int64)              # momentum: lookback


class Signals:
    """Indicator tables of one close series, shared by every block of parameter sets."""

    def __init__(self, kind, close, sets):
        self.kind, self.close = kind, close
        t = close.shape[0]
        if kind in ("sma_crossover", "ema_crossover"):
            windows = np.unique(sets[:, :2].astype(np.int64))
            self.row = np.zeros(int(windows.max()) + 1, dtype=np.int64)
            self.row[windows] = np.arange(windows.shape[0])
            self.table = np.empty((windows.shape[0], t))
            if kind == "sma_crossover":
                prefix = np.concatenate(([0.0], np.cumsum(close)))
                for i, w in enumerate(windows):          # one vector op per distinct window
                    self.table[i, :w - 1] = np.nan
                    self.table[i, w - 1:] = (prefix[w:] - prefix[:t + 1 - w]) / w
            else:
                from scipy.signal import lfilter
                for i, w in enumerate(windows):
                    a = 2.0 / (w + 1.0)
                    self.table[i] = lfilter([a], [1.0, a - 1.0], close, zi=[(1.0 - a) * close[0]])[0]

    def positions(self, sets, long_short):
        """(B x T) positions in {-1, 0, 1} of a block of parameter sets."""
        t = self.close.shape[0]
        start = first_signal_bar(self.kind, sets)
        if self.kind == "momentum":
            lag = sets[:, 0].astype(np.int64)
            idx = np.arange(t)[None, :] - lag[:, None]
            a = np.broadcast_to(self.close, (sets.shape[0], t))
            b = self.close[np.maximum(idx, 0)]
        else:
            a = self.table[self.row[sets[:, 0].astype(np.int64)]]
            b = self.table[self.row[sets[:, 1].astype(np.int64)]]
        live = np.arange(t)[None, :] >= start[:, None]
        with np.errstate(invalid="ignore"):
            up = live & (a - b > PRICE_TIE * np.abs(b))
            down = live & (b - a > PRICE_TIE * np.abs(b))
        pos = up.astype(np.float64)
        if long_short:
            pos -= down
        return pos


def net_returns(pos, ret, cost):
    """Column j: h_j r_{j+1} - k |h_j - h_{j-1}|, h_j = pos[j], h_{-1} = 0; pos is (B x T)."""
    h = pos[:, :-1]
    dh = np.abs(np.diff(h, axis=1, prepend=0.0))
    return h * ret[None, :] - cost * dh


# ---------------------------------------------------------------- statistics
def sharpe_rows(x):
    """Per-bar Sharpe (ddof=1) of each row; 0 where the std is 0."""
    sd = x.std(axis=1, ddof=1)
    mean = x.mean(axis=1)
    return np.divide(mean, sd, out=np.zeros_like(mean), where=sd > 0)


def sharpe_from_sums(s1, s2, m):
    """Per-bar Sharpe from sums: mean = S1/M, var = (S2 - S1 mean)/(M-1) clamped at 0, 0 when var = 0."""
    mean = np.divide(s1, m)
    sd = s1 * mean
    np.subtract(s2, sd, out=sd)
    np.divide(sd, m - 1, out=sd)
    np.maximum(sd, 0.0, out=sd)
    np.sqrt(sd, out=sd)
    flat = sd == 0
    np.divide(mean, sd, out=mean, where=~flat)
    mean[flat] = 0.0
    return mean


def best_index(values, axis=-1):
    """Lowest index within TIE * max(1, |best|) of the maximum (along axis)."""
    mx = values.max(axis=axis, keepdims=True)
    return np.argmax(values >= mx - TIE * np.maximum(1.0, np.abs(mx)), axis=axis)


def range_metrics(net, h, h_before):
    """Sweep metrics over a range of return bars (docs/strategies.md), rows = parameter sets."""
    n = net.shape[1]
    mean = net.mean(axis=1)
    sd = net.std(axis=1, ddof=1)
    equity = np.cumprod(1.0 + net, axis=1)
    final = equity[:, -1]
    cagr = np.where(final > 0, np.power(np.maximum(final, 0.0), ANN / n) - 1.0, -1.0)
    peak = np.maximum.accumulate(np.maximum(equity, 1.0), axis=1)
    mdd = np.maximum((1.0 - equity / peak).max(axis=1), 0.0)
    down = np.sqrt(np.square(np.minimum(net, 0.0)).mean(axis=1))
    dh = np.abs(np.diff(h, axis=1, prepend=h_before[:, None]))
    return {"total_return": final - 1.0, "cagr": cagr,
            "sharpe": np.divide(mean, sd, out=np.zeros_like(mean), where=sd > 0) * math.sqrt(ANN),
            "sortino": np.divide(mean, down, out=np.zeros_like(mean), where=down > 0) * math.sqrt(ANN),
            "volatility": sd * math.sqrt(ANN), "max_drawdown": mdd,
            "calmar": np.divide(cagr, mdd, out=np.zeros_like(cagr), where=mdd > 0),
            "trades": np.count_nonzero(dh, axis=1).astype(float), "turnover": dh.sum(axis=1),
            "exposure": np.count_nonzero(h, axis=1) / n}


def sr0(v, n):
    return math.sqrt(v) * ((1 - EULER) * NORMAL.inv_cdf(1 - 1 / n) + EULER * NORMAL.inv_cdf(1 - 1 / (n * math.e)))


def deflated(sr_star, sr_zero, t, g3, g4):
    return NORMAL.cdf((sr_star - sr_zero) * math.sqrt(t - 1) / math.sqrt(1 - g3 * sr_star + (g4 - 1) / 4 * sr_star ** 2))


def participation_ratio(x):
    """max(2, (tr C)^2 / tr(C^2)) of the correlation matrix of the rows of x, constant rows left out."""
    x = x[x.std(axis=1) > 0]
    z = x - x.mean(axis=1, keepdims=True)
    z /= np.sqrt(np.square(z).sum(axis=1, keepdims=True))
    c = z @ z.T
    return max(2.0, float(z.shape[0]) ** 2 / float(np.square(c).sum()))


def average_rank(values, v):
    """Rank of v among the values of each row (1 = lowest); ties within TIE max(1,|v|) share the average."""
    tol = (TIE * np.maximum(1.0, np.abs(v)))[:, None]
    d = values - v[:, None]
    below = np.count_nonzero(d < -tol, axis=1)
    np.abs(d, out=d)
    ties = np.count_nonzero(d <= tol, axis=1)
    return below + (ties + 1) / 2.0


def pbo(s1, s2, m, chunk=32):
    """CSCV over per-(combination, block) sums s1, s2 (N x S); returns the /overfitting PBO figures.

    A split and its complement swap the IS and OOS halves, so the Sharpe ratios of both halves
    are computed once per pair, for the splits holding block 0 (the first half in lexicographic
    order), and used for both."""
    n, s = s1.shape
    splits = list(itertools.combinations(range(s), s // 2))
    index = {c: i for i, c in enumerate(splits)}
    first = [i for i, c in enumerate(splits) if c[0] == 0]
    partner = np.array([index[tuple(b for b in range(s) if b not in splits[i])] for i in first])
    member = np.zeros((len(first), s))
    for r, i in enumerate(first):
        member[r, list(splits[i])] = 1.0
    half = m * (s // 2)
    tot1, tot2 = s1.sum(axis=1), s2.sum(axis=1)
    lam, is_best, oos_best = (np.empty(len(splits)) for _ in range(3))

    def score(split_ids, is_sr, oos_sr):
        b = best_index(is_sr, axis=1)
        rows = np.arange(b.shape[0])
        v = oos_sr[rows, b]
        w = average_rank(oos_sr, v) / (n + 1.0)
        lam[split_ids] = np.log(w / (1 - w))
        is_best[split_ids], oos_best[split_ids] = is_sr[rows, b], v

    first = np.array(first)
    for a in range(0, len(first), chunk):
        mb = member[a:a + chunk]
        i1, i2 = mb @ s1.T, mb @ s2.T                       # (splits x N): sums over the chosen blocks
        sr_a = sharpe_from_sums(i1, i2, half)
        np.subtract(tot1[None, :], i1, out=i1)
        np.subtract(tot2[None, :], i2, out=i2)
        sr_b = sharpe_from_sums(i1, i2, half)
        score(first[a:a + chunk], sr_a, sr_b)
        score(partner[a:a + chunk], sr_b, sr_a)
    x, y = is_best, oos_best
    dx = x - x.mean()
    slope = float((dx * (y - y.mean())).sum() / np.square(dx).sum()) if np.square(dx).sum() > 0 else 0.0
    return {"pbo": float(np.mean(lam <= 0)), "splits": len(splits), "degradation_slope": slope,
            "prob_oos_loss": float(np.mean(y < 0))}


# ---------------------------------------------------------------- the walk-forward
def windows(j0, n, w_is, w_oos, anchored):
    out, k = [], 0
    while True:
        s = j0 if anchored else j0 + k * w_oos
        e = j0 + w_is + k * w_oos
        if e >= n:
            return out
        out.append((s, e, min(e + w_oos, n)))
        k += 1


def walkforward(p, block=256, every=10):
    """Every output of the run file, as {"windows": {...}, "oos": {...}, "summary": {...}, "overfitting": {...}}."""
    close, sets, cost = p.close, p.sets, p.cost
    ret = close[1:] / close[:-1] - 1.0
    n, n_sets = ret.shape[0], sets.shape[0]
    j0 = int(first_signal_bar(p.kind, sets).max())
    wins = windows(j0, n, p.w_is, p.w_oos, p.anchored)
    if not wins:
        raise SystemExit("error: no window fits the data")
    t_live = n - j0
    g = math.gcd(p.w_is, p.w_oos)
    n_gblocks = (wins[-1][1] - j0) // g                 # every IS window ends on a g-block boundary
    pick = np.zeros((len(wins), n_gblocks))
    for k, (s, e, _) in enumerate(wins):
        pick[k, (s - j0) // g:(e - j0) // g] = 1.0
    s_pbo = p.pbo_blocks
    m_pbo = t_live // s_pbo
    sig = Signals(p.kind, close, sets)

    objective = np.empty((len(wins), n_sets))
    sr_live = np.empty(n_sets)
    b1, b2 = np.empty((n_sets, s_pbo)), np.empty((n_sets, s_pbo))
    sampled = []
    for a in range(0, n_sets, block):
        pos = sig.positions(sets[a:a + block], p.long_short)
        net = net_returns(pos, ret, cost)
        live = net[:, j0:]
        sr_live[a:a + block] = sharpe_rows(live)
        blocks = live[:, :s_pbo * m_pbo].reshape(live.shape[0], s_pbo, m_pbo)
        b1[a:a + block], b2[a:a + block] = blocks.sum(axis=2), np.square(blocks).sum(axis=2)
        sampled.append(live[(np.arange(a, a + live.shape[0]) % every) == 0])
        if p.objective == "sharpe":
            gb = live[:, :n_gblocks * g].reshape(live.shape[0], n_gblocks, g)
            w1, w2 = pick @ gb.sum(axis=2).T, pick @ np.square(gb).sum(axis=2).T
            objective[:, a:a + block] = sharpe_from_sums(w1, w2, g * pick.sum(axis=1, keepdims=True))
        else:
            for k, (s, e, _) in enumerate(wins):
                objective[k, a:a + block] = range_metrics(net[:, s:e], pos[:, s:e], pos[:, s - 1] if s > 0 else
                                                          np.zeros(pos.shape[0]))[p.objective]
    sign = -1.0 if p.objective in MINIMISED else 1.0
    winners = best_index(sign * objective, axis=1)

    # winners' own full-history series
    uniq, inverse = np.unique(winners, return_inverse=True)
    wpos = sig.positions(sets[uniq], p.long_short)
    wnet = net_returns(wpos, ret, cost)
    held, net, naive, window_of = [], [], [], []
    rows = {c: [] for c in ("is_sharpe", "oos_sharpe", "is_ann_return", "oos_ann_return", "wfe")}
    prev = 0.0
    for k, (s, e, o) in enumerate(wins):
        u = inverse[k]
        h = wpos[u, e:o]
        dh = np.abs(np.diff(h, prepend=prev))
        seg = h * ret[e:o] - cost * dh
        prev = h[-1]
        held.append(h)
        net.append(seg)
        naive.append(wnet[u, e:o])
        window_of.append(np.full(o - e, k, dtype=np.int64))
        is_net = wnet[u, s:e]
        rows["is_sharpe"].append(float(sharpe_rows(is_net[None])[0]) * math.sqrt(ANN))
        rows["is_ann_return"].append(ANN * is_net.mean())
        rows["oos_sharpe"].append(float(sharpe_rows(seg[None])[0]) * math.sqrt(ANN) if seg.shape[0] > 1 else 0.0)
        rows["oos_ann_return"].append(ANN * seg.mean())
        rows["wfe"].append(rows["oos_ann_return"][-1] / rows["is_ann_return"][-1]
                           if rows["is_ann_return"][-1] != 0 else math.nan)
    held, net, naive = np.concatenate(held), np.concatenate(net), np.concatenate(naive)
    first_oos = wins[0][1]
    oos_cols = np.arange(first_oos, wins[-1][2])
    wt = {"k": np.arange(len(wins), dtype=np.int64),
          "is_start": p.dates[[s + 1 for s, _, _ in wins]], "is_end": p.dates[[e for _, e, _ in wins]],
          "oos_start": p.dates[[e + 1 for _, e, _ in wins]], "oos_end": p.dates[[o for _, _, o in wins]],
          "combo": winners.astype(np.int64)}
    for i, name in enumerate(p.names):
        wt["params/" + name] = sets[winners, i]
    wt.update({c: np.array(v) for c, v in rows.items()})
    oos = {"date": p.dates[oos_cols + 1], "position": held, "net_return": net, "equity": np.cumprod(1.0 + net),
           "naive_net_return": naive, "window": np.concatenate(window_of)}

    spans = np.array([np.ptp(ax) for ax in p.axes])
    scaled = sets[winners] / np.where(spans > 0, spans, 1.0) * (spans > 0)
    changes = winners[1:] != winners[:-1]
    is_mean = float(np.mean(rows["is_ann_return"]))
    oos_ann = ANN * net.mean()
    summary = {"oos_sharpe": float(sharpe_rows(net[None])[0]) * math.sqrt(ANN), "oos_ann_return": oos_ann,
               "is_ann_return_mean": is_mean, "wfe": oos_ann / is_mean if is_mean != 0 else math.nan,
               "windows": len(wins), "naive_oos_sharpe": float(sharpe_rows(naive[None])[0]) * math.sqrt(ANN),
               "winner_changes": float(changes.mean()) if len(wins) > 1 else 0.0,
               "param_distance": float(np.linalg.norm(np.diff(scaled, axis=0), axis=1).mean()) if len(wins) > 1 else 0.0,
               "live_start": j0, "live_bars": t_live, "in_sample": p.w_is, "out_of_sample": p.w_oos,
               "anchored": int(p.anchored), "objective": p.objective, "strategy": p.kind, "mode": p.mode,
               "symbol": p.symbol, "cost_per_unit": cost}

    best = int(best_index(sr_live))
    bnet = net_returns(sig.positions(sets[best:best + 1], p.long_short), ret, cost)[0, j0:]
    z = bnet - bnet.mean()
    m2 = np.mean(z ** 2)
    g3 = float(np.mean(z ** 3) / m2 ** 1.5) if m2 > 0 else 0.0
    g4 = float(np.mean(z ** 4) / m2 ** 2) if m2 > 0 else 3.0
    sr_star = float(sr_live[best])
    var = float(sr_live.var(ddof=1)) if n_sets > 1 else 0.0
    n_eff = participation_ratio(np.concatenate(sampled))
    sr_zero = sr0(var, n_sets) if n_sets > 1 else 0.0
    over = {"n_trials": n_sets, "psr": deflated(sr_star, 0.0, t_live, g3, g4),
            "dsr": deflated(sr_star, sr_zero, t_live, g3, g4),
            "dsr_n_eff": deflated(sr_star, sr0(var, n_eff), t_live, g3, g4), "n_eff": n_eff, "sr0": sr_zero,
            "best_combo": best, "best_sharpe": sr_star, "skewness": g3, "kurtosis": g4, "pbo_blocks": s_pbo}
    over.update(pbo(b1, b2, m_pbo))
    return {"windows": wt, "oos": oos, "summary": summary, "overfitting": over}


# ---------------------------------------------------------------- comparison with a run file
EXACT_COLUMNS = ("k", "is_start", "is_end", "oos_start", "oos_end", "combo", "date", "position", "window")
EXACT_ATTRS = ("windows", "live_start", "live_bars", "in_sample", "out_of_sample", "anchored", "objective",
               "strategy", "mode", "symbol", "n_trials", "best_combo", "splits", "pbo_blocks", "pbo",
               "prob_oos_loss")


def _close(got, want, tol):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    both_nan = np.isnan(got) & np.isnan(want)
    err = np.where(both_nan, 0.0, np.abs(got - want) / np.maximum(1.0, np.abs(want)))
    err = np.where(np.isnan(err), np.inf, err)
    return err


def compare(run_path, ref):
    """Raises Mismatch on the first difference; returns the worst relative error seen."""
    worst = 0.0
    with h5py.File(run_path, "r") as f:
        for table in ("windows", "oos"):
            g = f["walkforward/" + table]
            for col, want in ref[table].items():
                if col not in g:
                    raise Mismatch(f"/walkforward/{table}/{col} missing from the run file")
                got = g[col][()]
                if got.shape != want.shape:
                    raise Mismatch(f"/walkforward/{table}/{col}: {got.shape[0]} rows, reference {want.shape[0]}")
                if col in EXACT_COLUMNS:
                    bad = np.flatnonzero(got != want)
                    if bad.size:
                        i = bad[0]
                        raise Mismatch(f"/walkforward/{table}/{col} row {i}: file {got[i]!r}, reference {want[i]!r}"
                                       f" ({bad.size} rows differ)")
                    continue
                err = _close(got, want, TOL)
                if err.max(initial=0.0) > TOL:
                    i = int(np.argmax(err))
                    raise Mismatch(f"/walkforward/{table}/{col} row {i}: file {got[i]!r}, reference {want[i]!r}")
                worst = max(worst, float(err.max(initial=0.0)))
        for group, path in (("summary", "walkforward/summary"), ("overfitting", "overfitting")):
            attrs = f[path].attrs
            for key, want in ref[group].items():
                if key not in attrs:
                    raise Mismatch(f"/{path} attribute {key} missing from the run file")
                got = attrs[key]
                got = got.decode() if isinstance(got, bytes) else got
                if key in EXACT_ATTRS or isinstance(want, str):
                    if got != want:
                        raise Mismatch(f"/{path} {key}: file {got!r}, reference {want!r}")
                    continue
                tol = TOL_NEFF if key in ("n_eff", "dsr_n_eff") else TOL
                err = float(_close(got, want, tol))
                if err > tol:
                    raise Mismatch(f"/{path} {key}: file {float(got)!r}, reference {want!r} (relative {err:.2e})")
                worst = max(worst, err)
    return worst


def check_run(run_path, store=None):
    with h5py.File(run_path, "r") as f:
        spec_text = f.attrs["spec_text"]
        data_file = f.attrs.get("data_file")
        kind = f.attrs.get("job_kind")
    spec_text = spec_text.decode() if isinstance(spec_text, bytes) else spec_text
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind != "walkforward":
        raise SystemExit(f"error: {run_path} is a {kind!r} run, not a walkforward one")
    spec = yaml.safe_load(spec_text)
    if store is None:
        store = data_file.decode() if isinstance(data_file, bytes) else data_file
        if not os.path.exists(store):
            store = os.path.join(os.path.dirname(os.path.abspath(run_path)), store)
    ref = walkforward(Problem(spec, store))
    worst = compare(run_path, ref)
    w, o = ref["windows"], ref["overfitting"]
    print(f"{run_path}: {len(w['k'])} windows, {len(ref['oos']['date'])} OOS bars, {o['n_trials']} trials, "
          f"{o['splits']} PBO splits match the NumPy reference (winners and positions exact, worst relative "
          f"error {worst:.1e}); OOS Sharpe {ref['summary']['oos_sharpe']:.4f}, WFE {ref['summary']['wfe']:.4f}, "
          f"DSR {o['dsr']:.4f}, PBO {o['pbo']:.4f}")


# ---------------------------------------------------------------- self-test: plain loops
def loop_sma_positions(close, fast, slow, long_short):
    pos = [0.0] * len(close)
    for t in range(max(fast, slow) - 1, len(close)):
        f = sum(close[t - fast + 1:t + 1]) / fast
        s = sum(close[t - slow + 1:t + 1]) / slow
        if f - s > PRICE_TIE * abs(s):
            pos[t] = 1.0
        elif long_short and s - f > PRICE_TIE * abs(s):
            pos[t] = -1.0
    return pos


def loop_net(close, pos, cost):
    out, prev = [], 0.0
    for j in range(len(close) - 1):
        out.append(pos[j] * (close[j + 1] / close[j] - 1.0) - cost * abs(pos[j] - prev))
        prev = pos[j]
    return out


def loop_sharpe(x):
    if len(x) < 2:
        return 0.0
    sd = statistics.stdev(x)
    return statistics.fmean(x) / sd if sd > 0 else 0.0


def loop_best(values):
    best = max(values)
    return next(i for i, v in enumerate(values) if v >= best - TIE * max(1.0, abs(best)))


def loop_walkforward(close, dates, sets, cost, w_is, w_oos, anchored, s_pbo, long_short, axes):
    """The whole computation with plain loops, for sma_crossover and the sharpe objective."""
    paths = [loop_sma_positions(list(close), int(f), int(s), long_short) for f, s in sets]
    nets = [loop_net(list(close), p, cost) for p in paths]
    n = len(close) - 1
    j0 = max(max(int(f), int(s)) - 1 for f, s in sets)
    wins, k = [], 0
    while True:
        s = j0 if anchored else j0 + k * w_oos
        e = j0 + w_is + k * w_oos
        if e >= n:
            break
        wins.append((s, e, min(e + w_oos, n)))
        k += 1
    winners = [loop_best([loop_sharpe(x[s:e]) for x in nets]) for s, e, _ in wins]
    held, net, naive, wnum, prev = [], [], [], [], 0.0
    is_ann, oos_ann, oos_sr, is_sr = [], [], [], []
    for k, (s, e, o) in enumerate(wins):
        w = winners[k]
        seg = []
        for j in range(e, o):
            h = paths[w][j]
            seg.append(h * (close[j + 1] / close[j] - 1.0) - cost * abs(h - prev))
            prev = h
            held.append(h)
            wnum.append(k)
        net += seg
        naive += nets[w][e:o]
        is_ann.append(ANN * statistics.fmean(nets[w][s:e]))
        is_sr.append(loop_sharpe(nets[w][s:e]) * math.sqrt(ANN))
        oos_ann.append(ANN * statistics.fmean(seg))
        oos_sr.append(loop_sharpe(seg) * math.sqrt(ANN))
    spans = [max(a) - min(a) for a in axes]
    dist = [math.sqrt(sum(((sets[winners[k]][i] - sets[winners[k - 1]][i]) / spans[i]) ** 2
                          for i in range(len(spans)) if spans[i] > 0)) for k in range(1, len(wins))]
    equity, e_ = [], 1.0
    for x in net:
        e_ *= 1.0 + x
        equity.append(e_)
    wt = {"k": np.arange(len(wins)), "is_start": np.array([dates[s + 1] for s, _, _ in wins]),
          "is_end": np.array([dates[e] for _, e, _ in wins]), "oos_start": np.array([dates[e + 1] for _, e, _ in wins]),
          "oos_end": np.array([dates[o] for _, _, o in wins]), "combo": np.array(winners),
          "params/fast": np.array([sets[w][0] for w in winners]), "params/slow": np.array([sets[w][1] for w in winners]),
          "is_sharpe": np.array(is_sr), "oos_sharpe": np.array(oos_sr), "is_ann_return": np.array(is_ann),
          "oos_ann_return": np.array(oos_ann),
          "wfe": np.array([o / i if i != 0 else math.nan for o, i in zip(oos_ann, is_ann)])}
    first = wins[0][1]
    oos = {"date": np.array([dates[j + 1] for j in range(first, wins[-1][2])]), "position": np.array(held),
           "net_return": np.array(net), "equity": np.array(equity), "naive_net_return": np.array(naive),
           "window": np.array(wnum)}
    mean_is = statistics.fmean(is_ann)
    summary = {"oos_sharpe": loop_sharpe(net) * math.sqrt(ANN), "oos_ann_return": ANN * statistics.fmean(net),
               "is_ann_return_mean": mean_is, "wfe": ANN * statistics.fmean(net) / mean_is,
               "windows": len(wins), "naive_oos_sharpe": loop_sharpe(naive) * math.sqrt(ANN),
               "winner_changes": sum(winners[k] != winners[k - 1] for k in range(1, len(wins))) / max(1, len(wins) - 1),
               "param_distance": statistics.fmean(dist) if dist else 0.0, "live_start": j0, "live_bars": n - j0}
    live = [x[j0:] for x in nets]
    return wt, oos, summary, loop_overfitting(live, s_pbo)


def loop_overfitting(live, s_pbo):
    srs = [loop_sharpe(x) for x in live]
    best = loop_best(srs)
    x = live[best]
    t = len(x)
    mu = sum(x) / t
    m2 = sum((v - mu) ** 2 for v in x) / t
    g3 = sum((v - mu) ** 3 for v in x) / t / m2 ** 1.5
    g4 = sum((v - mu) ** 4 for v in x) / t / m2 ** 2
    var = statistics.variance(srs)
    inv = NORMAL.inv_cdf

    def dsr_with(n):
        z0 = math.sqrt(var) * ((1 - EULER) * inv(1 - 1 / n) + EULER * inv(1 - 1 / (n * math.e)))
        num = (srs[best] - z0) * math.sqrt(t - 1)
        return NORMAL.cdf(num / math.sqrt(1 - g3 * srs[best] + (g4 - 1) / 4 * srs[best] ** 2)), z0
    sample = [live[i] for i in range(0, len(live), 10) if len(set(live[i])) > 1]
    corr = [[statistics.correlation(a, b) for b in sample] for a in sample]
    n_eff = max(2.0, len(sample) ** 2 / sum(c * c for row in corr for c in row))
    dsr, z0 = dsr_with(len(live))
    out = {"n_trials": len(live), "psr": NORMAL.cdf(srs[best] * math.sqrt(t - 1) /
                                                    math.sqrt(1 - g3 * srs[best] + (g4 - 1) / 4 * srs[best] ** 2)),
           "dsr": dsr, "sr0": z0, "dsr_n_eff": dsr_with(n_eff)[0], "n_eff": n_eff, "best_combo": best,
           "best_sharpe": srs[best], "skewness": g3, "kurtosis": g4, "pbo_blocks": s_pbo}
    out.update(loop_pbo(live, s_pbo))
    return out


def loop_pbo(live, s):
    m = len(live[0]) // s
    n = len(live)
    lams, xs, ys = [], [], []
    for chosen in itertools.combinations(range(s), s // 2):
        rest = [b for b in range(s) if b not in chosen]
        is_sr = [loop_sharpe([v for b in chosen for v in x[b * m:(b + 1) * m]]) for x in live]
        oos_sr = [loop_sharpe([v for b in rest for v in x[b * m:(b + 1) * m]]) for x in live]
        b = loop_best(is_sr)
        v = oos_sr[b]
        tol = TIE * max(1.0, abs(v))
        below = sum(1 for u in oos_sr if u < v - tol)
        ties = sum(1 for u in oos_sr if abs(u - v) <= tol)
        w = (below + (ties + 1) / 2) / (n + 1)
        lams.append(math.log(w / (1 - w)))
        xs.append(is_sr[b])
        ys.append(v)
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys)) / sum((a - mx) ** 2 for a in xs)
    return {"pbo": sum(1 for v in lams if v <= 0) / len(lams), "splits": len(lams), "degradation_slope": slope,
            "prob_oos_loss": sum(1 for v in ys if v < 0) / len(ys)}


def loop_range_metric(net, held, before, name):
    """One sweep metric over a range of return bars, by plain loops (docs/strategies.md)."""
    n = len(net)
    equity, e, peak, mdd = [], 1.0, 1.0, 0.0
    for x in net:
        e *= 1.0 + x
        peak = max(peak, e)
        mdd = max(mdd, 1.0 - e / peak)
    cagr = e ** (ANN / n) - 1.0 if e > 0 else -1.0
    mean = statistics.fmean(net)
    sd = statistics.stdev(net)
    down = math.sqrt(sum(min(x, 0.0) ** 2 for x in net) / n)
    changes = [abs(h - p) for h, p in zip(held, [before] + list(held[:-1]))]
    return {"total_return": e - 1.0, "cagr": cagr, "sharpe": mean / sd * math.sqrt(ANN) if sd > 0 else 0.0,
            "sortino": mean / down * math.sqrt(ANN) if down > 0 else 0.0, "volatility": sd * math.sqrt(ANN),
            "max_drawdown": mdd, "calmar": cagr / mdd if mdd > 0 else 0.0,
            "trades": float(sum(1 for c in changes if c != 0)), "turnover": float(sum(changes)),
            "exposure": sum(1 for h in held if h != 0) / n}[name]


def loop_winners(close, sets, cost, wins, long_short, objective):
    paths = [loop_sma_positions(list(close), int(f), int(s), long_short) for f, s in sets]
    nets = [loop_net(list(close), p, cost) for p in paths]
    sign = -1.0 if objective in MINIMISED else 1.0
    return [loop_best([sign * loop_range_metric(x[s:e], p[s:e], p[s - 1] if s > 0 else 0.0, objective)
                       for x, p in zip(nets, paths)]) for s, e, _ in wins]


def paper_example():
    """Bailey & Lopez de Prado (2014), section 4: SR0 = 0.1132 per day, DSR = 0.9004."""
    v = 0.5 / 250.0
    z0 = sr0(v, 100)
    d = deflated(2.5 / math.sqrt(250.0), z0, 1250, -3.0, 10.0)
    assert abs(z0 - 0.1132) < 5e-5, z0
    assert abs(d - 0.9004) < 5e-5, d
    print(f"paper example: SR0 = {z0:.4f} per day, DSR = {d:.4f} (paper: 0.1132, 0.9004)")


def write_store(path, dates, close):
    with h5py.File(path, "w") as f:
        f.create_dataset("symbol_order", data=np.array([b"SYN000"]))
        g = f.create_group("symbols/SYN000")
        g["date"] = dates.astype(np.int32)
        for col in ("open", "high", "low", "close"):
            g[col] = close
        g["volume"] = np.zeros_like(close)


def write_run(path, spec_text, store, wt, oos, summary, over):
    with h5py.File(path, "w") as f:
        f.attrs["job_kind"] = "walkforward"
        f.attrs["spec_text"] = spec_text
        f.attrs["data_file"] = store
        for name, cols in (("windows", wt), ("oos", oos)):
            for col, v in cols.items():
                f[f"walkforward/{name}/{col}"] = v
        for path_, attrs in (("walkforward/summary", summary), ("overfitting", over)):
            g = f.require_group(path_)
            for key, v in attrs.items():
                g.attrs[key] = v


def self_test(cases=12, seed=11):
    rng = np.random.default_rng(seed)
    paper_example()
    with tempfile.TemporaryDirectory() as tmp:
        for case in range(cases):
            t = int(rng.integers(90, 160))
            close = 100.0 * np.cumprod(1.0 + rng.normal(0.0004, 0.012, t))
            if case == 0:
                close[40:70] = close[40]                   # a flat stretch: equal SMAs, constant series
            dates = 20000101 + np.arange(t)
            long_short = bool(case % 2)
            w_is, w_oos = int(rng.integers(10, 25)), int(rng.integers(3, 9))
            anchored = case % 3 == 2
            s_pbo = (4, 6)[case % 2]
            spec_text = (f"job: walkforward\nname: t{case}\ndata: {{file: store.h5, symbols: [SYN000]}}\n"
                         f"strategy: {{kind: sma_crossover, mode: {'long_short' if long_short else 'long_flat'}, "
                         f"params: {{fast: {{from: 2, to: 7, step: 1}}, slow: {{values: [5, 8, 12]}}}}, "
                         f"where: [fast < slow]}}\ncosts: {{commission_bps: 1.0, slippage_bps: 4.0}}\n"
                         f"windows: {{in_sample: {w_is}, out_of_sample: {w_oos}, anchored: {str(anchored).lower()}}}\n"
                         f"objective: sharpe\noverfitting: {{pbo_blocks: {s_pbo}}}\n")
            store = os.path.join(tmp, f"store{case}.h5")
            write_store(store, dates, close)
            p = Problem(yaml.safe_load(spec_text), store)
            got = walkforward(p, block=int(rng.integers(1, 9)), every=10)
            want = loop_walkforward(close, dates, p.sets, p.cost, w_is, w_oos, anchored, s_pbo, long_short, p.axes)
            vec_pos = Signals(p.kind, close, p.sets).positions(p.sets, long_short)
            for i, (f_, s_) in enumerate(p.sets):
                assert list(vec_pos[i]) == loop_sma_positions(list(close), int(f_), int(s_), long_short), (case, i)
            run = os.path.join(tmp, f"run{case}.h5")
            wt, oos, summary, over = want
            summary = dict(summary, in_sample=w_is, out_of_sample=w_oos, anchored=int(anchored), objective="sharpe",
                           strategy="sma_crossover", mode=p.mode, symbol="SYN000", cost_per_unit=p.cost)
            write_run(run, spec_text.replace("store.h5", store), store, wt, oos, summary, over)
            compare(run, got)                              # the vectorised result against the loops' file
            with h5py.File(run, "a") as f:                 # and the comparison must catch a wrong winner
                c = f["walkforward/windows/combo"]
                c[0] = (c[0] + 1) % p.sets.shape[0]
            try:
                compare(run, got)
            except Mismatch:
                pass
            else:
                raise AssertionError("an altered winner was not detected")
            p.objective = METRICS[case % len(METRICS)] if case else "max_drawdown"
            other = walkforward(p, block=int(rng.integers(1, 9)))["windows"]["combo"]
            j0 = int(first_signal_bar(p.kind, p.sets).max())
            expect = loop_winners(close, p.sets, p.cost, windows(j0, t - 1, w_is, w_oos, anchored), long_short,
                                  p.objective)
            assert list(other) == expect, (case, p.objective, list(other), expect)
            print(f"case {case}: {t} bars, {p.sets.shape[0]} sets, {len(wt['k'])} windows "
                  f"({'anchored' if anchored else 'rolling'}, {p.mode}), S = {s_pbo}: "
                  f"winners {list(wt['combo'])} match (and by {p.objective}: {expect}); PBO {over['pbo']:.3f}, DSR {over['dsr']:.4f}")
    print("self-test passed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", nargs="?", help="walk-forward run file")
    ap.add_argument("--store", help="market store (default: the run file's data_file attribute)")
    ap.add_argument("--self-test", action="store_true", help="check the vectorised code against plain loops")
    args = ap.parse_args()
    if args.self_test:
        self_test()
        if not args.run:
            return
    if not args.run:
        ap.error("a run file is required (or --self-test)")
    try:
        check_run(args.run, args.store)
    except Mismatch as e:
        sys.exit(f"MISMATCH {args.run}: {e}")


if __name__ == "__main__":
    main()
