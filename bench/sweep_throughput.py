#!/usr/bin/python3
"""Sweep throughput per core: quantgrid against a strong vectorized NumPy sweep of each strategy kind.

    /usr/bin/python3 bench/sweep_throughput.py BUILD_DIR [--kind KIND|all] [--quick] [--rounds N] [--core N]

Workloads (long_flat, costs 1 + 4 bps, 2,520 daily bars per symbol, synthetic store):

| kind          | grid                                                     | combos | symbols |
|---------------|----------------------------------------------------------|--------|---------|
| sma_crossover | fast 2..101 x slow 10..300, fast < slow                  | 24,822 | 8       |
| ema_crossover | the same grid                                            | 24,822 | 8       |
| donchian      | entry 10..300 x exit 5..100, exit < entry                | 23,750 | 8       |
| bollinger     | window 5..200 x k 0.5..3.0 step 0.1                      | 5,096  | 40      |
| rsi           | period 2..101 x lower 10..45 x upper 55..90 (steps of 5) | 6,400  | 32      |
| momentum      | lookback 1..2,000                                        | 2,000  | 100     |

The unit is bar-evaluations: bars x combinations x symbols.

* The whole process, this script and everything it starts, is pinned to one core (`--core`, default 0;
  os.sched_setaffinity, inherited like `taskset -c 0`).
* quantgrid: one process, `--threads 1`; timed as the whole process (wall clock of `quantgrid run`:
  start-up, data loading, the sweep and the run file) and as its stage (`stage_seconds`).
* NumPy: the strongest vectorized form written here, single-threaded, timed with perf_counter from the
  bars already in memory: per symbol every indicator window is built once (prefix sums, lfilter
  recursions, sliding windows), then each block of combinations is one 2-D (combos x bars) float64
  computation: for the crossovers, each fast window against all its slow windows at once; the stateful
  rules (rsi, bollinger, donchian) as entry/exit event masks whose last event is carried forward with
  `maximum.accumulate` over event indices. Metrics from cumulative sums and products (total_return,
  cagr, sharpe, sortino, volatility, max_drawdown, calmar, trades, turnover, exposure: every metric
  but win_rate). No Python loop over bars or combinations; loops run over distinct windows and blocks.

Rounds alternate (quantgrid, NumPy, quantgrid, ...); the medians are compared. Before timing, NumPy's
metrics are checked against the quantgrid run file on a sample of rows; a difference above 1e-9
(relative to max(1, |value|)) fails the script, so the baseline is known to compute the same thing.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402  (sets the thread env vars before numpy is imported)

import time  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402
from scipy.signal import lfilter  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "python"))
import quantgrid_results as qr  # noqa: E402

BARS = 2520
COST = (1.0 + 4.0) / 1e4
REL_TOL = 1e-10        # the kernels' tie tolerance for "a > b" (docs/strategies.md)
ANN = np.sqrt(252.0)
CHECK_TOL = 1e-9
WINDOW_PARAMS = ("fast", "slow", "entry", "exit", "window", "period", "lookback")   # integers, used as indices

# kind -> spec params, where-clauses, symbols; and the quick variant
KINDS = {
    "sma_crossover": ({"fast": "{from: 2, to: 101, step: 1}", "slow": "{from: 10, to: 300, step: 1}"},
                      ["fast < slow"], 8,
                      {"fast": "{from: 2, to: 31, step: 1}", "slow": "{from: 10, to: 120, step: 1}"}),
    "ema_crossover": ({"fast": "{from: 2, to: 101, step: 1}", "slow": "{from: 10, to: 300, step: 1}"},
                      ["fast < slow"], 8,
                      {"fast": "{from: 2, to: 31, step: 1}", "slow": "{from: 10, to: 120, step: 1}"}),
    "donchian": ({"entry": "{from: 10, to: 300, step: 1}", "exit": "{from: 5, to: 100, step: 1}"},
                 ["exit < entry"], 8,
                 {"entry": "{from: 10, to: 60, step: 1}", "exit": "{from: 5, to: 40, step: 1}"}),
    "bollinger": ({"window": "{from: 5, to: 200, step: 1}", "k": "{from: 0.5, to: 3.0, step: 0.1}"},
                  None, 40,
                  {"window": "{from: 5, to: 60, step: 1}", "k": "{from: 0.5, to: 3.0, step: 0.25}"}),
    "rsi": ({"period": "{from: 2, to: 101, step: 1}", "lower": "{from: 10, to: 45, step: 5}",
             "upper": "{from: 55, to: 90, step: 5}"}, None, 32,
            {"period": "{from: 2, to: 31, step: 1}", "lower": "{from: 10, to: 45, step: 5}",
             "upper": "{from: 55, to: 90, step: 5}"}),
    "momentum": ({"lookback": "{from: 1, to: 2000, step: 1}"}, None, 100,
                 {"lookback": "{from: 1, to: 500, step: 1}"}),
}


def load_bars(store_path, n):
    """(close, high, low) of the first n symbols of the store, in its symbol order."""
    with h5py.File(store_path, "r") as f:
        names = [s.decode() if isinstance(s, bytes) else s for s in f["symbol_order"][()]][:n]
        return [tuple(qr.store_column(f, s, field) for field in ("close", "high", "low")) for s in names]


# ---------------------------------------------------------------- metrics of position blocks
def greater(a, b):
    return a - b > REL_TOL * np.abs(b)


def less(a, b):
    return b - a > REL_TOL * np.abs(b)


def metrics(pos, ret, cost):
    """Metrics of a (sets, bars) block of positions decided at each close (h[t] = pos[t-1])."""
    n = pos.shape[1] - 1
    held = pos[:, :-1]
    dh = np.abs(np.diff(held, axis=1, prepend=0.0))
    net = held * ret[None, 1:]
    net -= cost * dh
    total = net.sum(axis=1)
    mean = total / n
    var = (np.einsum("ij,ij->i", net, net) - total * mean) / (n - 1)
    sd = np.sqrt(np.maximum(var, 0.0))
    sharpe = np.divide(mean, sd, out=np.zeros_like(mean), where=sd > 0) * ANN
    neg = np.minimum(net, 0.0)
    down = np.sqrt(np.einsum("ij,ij->i", neg, neg) / n)
    sortino = np.divide(mean, down, out=np.zeros_like(mean), where=down > 0) * ANN
    net += 1.0
    equity = np.cumprod(net, axis=1, out=net)
    final = equity[:, -1].copy()
    peak = np.maximum.accumulate(equity, axis=1)
    np.maximum(peak, 1.0, out=peak)             # E[0] = 1 is the first peak
    np.divide(equity, peak, out=peak)
    max_dd = np.maximum(1.0 - peak.min(axis=1), 0.0)
    cagr = np.where(final > 0, np.power(np.maximum(final, 0.0), 252.0 / n) - 1.0, -1.0)
    calmar = np.divide(cagr, max_dd, out=np.zeros_like(cagr), where=max_dd > 0)
    return {"total_return": final - 1.0, "cagr": cagr, "sharpe": sharpe, "sortino": sortino,
            "volatility": sd * ANN, "max_drawdown": max_dd, "calmar": calmar,
            "trades": np.count_nonzero(dh, axis=1).astype(np.float64), "turnover": dh.sum(axis=1),
            "exposure": np.count_nonzero(held, axis=1) / n}


def latch(on, off):
    """Positions of a set/reset rule: 1 from an `on` bar, 0 from an `off` bar (on wins), held between."""
    events = on | off
    idx = np.where(events, np.arange(on.shape[1])[None, :], 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    return np.take_along_axis(on, idx, axis=1).astype(np.float64)   # column 0 never holds an event


def by_blocks(n_sets, block, fn):
    """fn(slice) -> metrics dict for every block of `block` consecutive sets, concatenated."""
    parts = [fn(slice(j, min(j + block, n_sets))) for j in range(0, n_sets, block)]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def by_first_param(first, fn):
    """fn(slice) for each run of equal values of the first parameter (the grid's slowest one)."""
    cuts = np.flatnonzero(np.diff(first)) + 1
    bounds = np.concatenate(([0], cuts, [first.shape[0]]))
    parts = [fn(slice(a, b)) for a, b in zip(bounds[:-1], bounds[1:])]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


# ---------------------------------------------------------------- indicator tables (per symbol)
def sma_table(close, max_window):
    """Row w = SMA_w (0 before it is defined), (P[t+1] - P[t+1-w]) / w from one prefix sum."""
    n = close.shape[0]
    prefix = np.concatenate(([0.0], np.cumsum(close)))
    table = np.zeros((max_window + 1, n))
    for w in range(1, max_window + 1):
        table[w, w - 1:] = (prefix[w:] - prefix[:n + 1 - w]) * (1.0 / w)
    return table


def ema_table(close, max_window):
    """Row w = EMA_w, alpha = 2/(w+1), EMA[0] = close[0], by lfilter's recursion."""
    table = np.zeros((max_window + 1, close.shape[0]))
    for w in range(1, max_window + 1):
        a = 2.0 / (w + 1.0)
        table[w] = lfilter([a], [1.0, -(1.0 - a)], close, zi=[(1.0 - a) * close[0]])[0]
    return table


def rsi_table(close, periods):
    """Row p = Wilder's RSI of period p (50 before it is defined)."""
    d = np.diff(close)
    gain, loss = np.maximum(d, 0.0), np.maximum(-d, 0.0)
    table = np.full((int(periods.max()) + 1, close.shape[0]), 50.0)
    for p in np.unique(periods):
        p = int(p)
        if p >= close.shape[0]:
            continue
        k = (p - 1.0) / p
        ag = lfilter([1.0 / p], [1.0, -k], gain[p:], zi=[k * gain[:p].mean()])[0]
        al = lfilter([1.0 / p], [1.0, -k], loss[p:], zi=[k * loss[:p].mean()])[0]
        ag = np.concatenate(([gain[:p].mean()], ag))
        al = np.concatenate(([loss[:p].mean()], al))
        rs = np.divide(ag, al, out=np.zeros_like(ag), where=al > 0)
        table[p, p:] = np.where(al > 0, 100.0 - 100.0 / (1.0 + rs), np.where(ag > 0, 100.0, 50.0))
    return table


def band_tables(close, windows):
    """Rows w = rolling mean and population std of close over w bars (0 before defined)."""
    n = close.shape[0]
    mean = np.zeros((int(windows.max()) + 1, n))
    sd = np.zeros_like(mean)
    for w in np.unique(windows):
        w = int(w)
        view = sliding_window_view(close, w)
        mean[w, w - 1:] = view.mean(axis=1)
        sd[w, w - 1:] = view.std(axis=1)
    return mean, sd


def channel_tables(high, low, windows):
    """Rows w = max(high[t-w..t-1]) and min(low[t-w..t-1]) (0 before t = w)."""
    n = high.shape[0]
    upper = np.zeros((int(windows.max()) + 1, n))
    lower = np.zeros_like(upper)
    for w in np.unique(windows):
        w = int(w)
        upper[w, w:] = sliding_window_view(high, w)[:-1].max(axis=1)
        lower[w, w:] = sliding_window_view(low, w)[:-1].min(axis=1)
    return upper, lower


# ---------------------------------------------------------------- the NumPy sweeps, per kind
def crossover_sweep(table, ret, fast, slow, cost):
    """Each fast window against all its slow windows at once: one (slows, bars) array."""
    t = np.arange(table.shape[1])[None, :]

    def run(s):
        a, b = table[fast[s.start]][None, :], table[slow[s]]
        start = np.maximum(fast[s], slow[s]) - 1
        return metrics((greater(a, b) & (t >= start[:, None])).astype(np.float64), ret, cost)
    return by_first_param(fast, run)


def sweep_symbol(kind, bars, p, cost, block):
    """Metrics of every set of `p` (name -> values) on one symbol (close, high, low)."""
    close, high, low = bars
    ret = np.zeros_like(close)
    ret[1:] = close[1:] / close[:-1] - 1.0
    t = np.arange(close.shape[0])[None, :]
    if kind == "sma_crossover":
        return crossover_sweep(sma_table(close, int(max(p["fast"].max(), p["slow"].max()))), ret, p["fast"],
                               p["slow"], cost)
    if kind == "ema_crossover":
        return crossover_sweep(ema_table(close, int(max(p["fast"].max(), p["slow"].max()))), ret, p["fast"],
                               p["slow"], cost)
    if kind == "momentum":
        lb = p["lookback"]

        def run(s):
            then = close[np.maximum(t - lb[s, None], 0)]
            return metrics((greater(close[None, :], then) & (t >= lb[s, None])).astype(np.float64), ret, cost)
        return by_blocks(lb.shape[0], block, run)
    if kind == "rsi":
        table, per = rsi_table(close, p["period"]), p["period"]

        def run(s):
            v, on_time = table[per[s]], t >= per[s, None]
            on = less(v, p["lower"][s, None]) & on_time
            return metrics(latch(on, greater(v, p["upper"][s, None]) & on_time), ret, cost)
        return by_blocks(per.shape[0], block, run)
    if kind == "bollinger":
        (mean, sd), w = band_tables(close, p["window"]), p["window"]

        def run(s):
            m, on_time = mean[w[s]], t >= w[s, None] - 1
            on = less(close[None, :], m - p["k"][s, None] * sd[w[s]]) & on_time
            return metrics(latch(on, ~less(close[None, :], m) & on_time), ret, cost)
        return by_first_param(w, run)
    if kind == "donchian":
        (upper, lower), en, ex = channel_tables(high, low, np.concatenate((p["entry"], p["exit"]))), p["entry"], p["exit"]

        def run(s):
            on_time = t >= np.maximum(en[s], ex[s])[:, None]
            on = greater(close[None, :], upper[en[s.start]][None, :]) & on_time
            return metrics(latch(on, less(close[None, :], lower[ex[s]]) & on_time), ret, cost)
        return by_first_param(en, run)
    raise bl.BenchError(f"no NumPy sweep for {kind}")


def numpy_sweep(kind, symbols, p, block, cost=COST):
    """{metric: (symbols, combos)} over the given symbols' bars."""
    per = [sweep_symbol(kind, b, p, cost, block) for b in symbols]
    return {k: np.stack([m[k] for m in per]) for k in per[0]}


# ---------------------------------------------------------------- checks and timing
def read_grid(run_path):
    """The parameter sets of a run file, in combo order: {name: values}."""
    with h5py.File(run_path, "r") as f:
        g = f["sweep"]
        combo = g["combo"][()]
        first = np.flatnonzero(g["symbol"][()] == 0)
        order = first[np.argsort(combo[first])]
        grid = {name: g[f"params/{name}"][()][order] for name in g["params"]}
    return {k: v.astype(np.int64) if k in WINDOW_PARAMS else v for k, v in grid.items()}


def check_against_run(run_path, np_metrics, n_symbols, sample=4000, seed=3):
    """NumPy's metrics (symbols 0..n_symbols-1) must equal the run file's within 1e-9 on a sample of rows."""
    with h5py.File(run_path, "r") as f:
        g = f["sweep"]
        combo, sym = g["combo"][()], g["symbol"][()]
        rng = np.random.default_rng(seed)
        candidates = np.flatnonzero(sym < n_symbols)
        rows = np.sort(rng.choice(candidates, size=min(sample, candidates.shape[0]), replace=False))
        worst = {}
        for name, values in np_metrics.items():
            got = g[f"metrics/{name}"][()][rows]
            want = values[sym[rows], combo[rows]]
            err = np.abs(got - want) / np.maximum(1.0, np.abs(want))
            worst[name] = float(err.max())
    bad = {k: v for k, v in worst.items() if not v <= CHECK_TOL}
    if bad:
        raise bl.BenchError(f"NumPy and quantgrid disagree beyond {CHECK_TOL}: {bad}")
    return worst, int(rows.shape[0])


def bench_kind(args, kind):
    full, where, n_symbols, quick = KINDS[kind]
    params = quick if args.quick else full
    n_symbols = args.symbols or (max(1, n_symbols // 4) if args.quick else n_symbols)
    store_path = bl.store(args, n_symbols, BARS)
    spec = bl.write_spec(args, f"bench_sweep_{kind}", store_path, kind, params, where=where)
    out = os.path.join(args.work_dir, f"bench_sweep_{kind}.h5")
    first = bl.run_quantgrid(args, spec, out, threads=1)   # warm-up run; its file gives the grid and the check
    grid = read_grid(out)
    n_combos = first["n_combos"]
    n_np = max(1, min(args.numpy_symbols, n_symbols))
    symbols = load_bars(store_path, n_np)
    evals, np_evals = BARS * n_combos * n_symbols, BARS * n_combos * n_np
    bl.log(f"{kind}: long_flat, {n_symbols} symbols x {BARS} bars x {n_combos} combos = {evals / 1e9:.3f} G"
           f" bar-evaluations per quantgrid round, NumPy {n_np} symbol(s); {args.rounds} rounds, core {args.core}")
    worst, n_checked = check_against_run(out, numpy_sweep(kind, symbols, grid, args.numpy_block), n_np)
    bl.log(f"  check: {n_checked} rows, max relative difference "
           + ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items())) + f" (limit {CHECK_TOL})")
    qg_t, qg_w, np_t = [], [], []
    for r in range(args.rounds):
        q = bl.run_quantgrid(args, spec, out, threads=1)
        qg_t.append(q["stage_seconds"])
        qg_w.append(q["wall_seconds"])
        t0 = time.perf_counter()
        numpy_sweep(kind, symbols, grid, args.numpy_block)
        np_t.append(time.perf_counter() - t0)
        bl.log(f"  round {r + 1}: quantgrid process {qg_w[-1]:.3f} s ({evals / qg_w[-1] / 1e6:.1f} M/s), stage"
               f" {qg_t[-1]:.3f} s ({evals / qg_t[-1] / 1e6:.1f} M/s); numpy {np_t[-1]:.3f} s"
               f" ({np_evals / np_t[-1] / 1e6:.2f} M/s); idle cores before {q['idle_cores_before']:.1f}")
    bl.remove(out)
    proc_rate, stage_rate = evals / bl.median(qg_w), evals / bl.median(qg_t)
    np_rate = np_evals / bl.median(np_t)
    bl.log(f"  {kind}: quantgrid process {proc_rate / 1e6:.1f} M/s ({bl.spread(qg_w)} s), stage"
           f" {stage_rate / 1e6:.1f} M/s; numpy {np_rate / 1e6:.2f} M/s ({bl.spread(np_t)} s);"
           f" ratio process {proc_rate / np_rate:.1f}x, stage {stage_rate / np_rate:.1f}x")
    return {"kind": kind, "combos": n_combos, "symbols": n_symbols, "numpy_symbols": n_np,
            "bar_evals_per_round": evals, "quantgrid_process_s": qg_w, "quantgrid_stage_s": qg_t,
            "numpy_s": np_t, "quantgrid_process_bar_evals_per_s": proc_rate,
            "quantgrid_stage_bar_evals_per_s": stage_rate, "numpy_bar_evals_per_s": np_rate,
            "ratio_process": proc_rate / np_rate, "ratio_stage": stage_rate / np_rate,
            "check_max_rel_diff": worst, "check_rows": n_checked, "command": bl.command_line(args, spec, threads=1)}


def main():
    def extra(p):
        p.add_argument("--kind", default="sma_crossover", help="strategy kind, or 'all' (default sma_crossover)")
        p.add_argument("--symbols", type=int, default=None, help="symbols quantgrid sweeps (default: per kind)")
        p.add_argument("--numpy-symbols", type=int, default=1,
                       help="symbols the NumPy side sweeps per round (default 1; the rate is per bar-evaluation)")
        p.add_argument("--numpy-block", type=int, default=256, help="NumPy block of sets for the unsorted kinds")
        p.add_argument("--core", type=int, default=0, help="the one core everything runs on (default 0)")
    args = bl.parse_args(__doc__.splitlines()[1], extra)
    os.sched_setaffinity(0, {args.core})   # inherited by every quantgrid process started below
    kinds = list(KINDS) if args.kind == "all" else [args.kind]
    if any(k not in KINDS for k in kinds):
        raise bl.BenchError(f"unknown kind {args.kind}; one of {', '.join(KINDS)} or all")
    results = [bench_kind(args, k) for k in kinds]
    for r in results:
        target = 20.0 if r["kind"] == "sma_crossover" else 10.0
        bl.log(f"{r['kind']:14s} numpy {r['numpy_bar_evals_per_s'] / 1e6:7.2f} M/s  quantgrid process"
               f" {r['quantgrid_process_bar_evals_per_s'] / 1e6:7.1f} M/s ({r['ratio_process']:5.1f}x)  stage"
               f" {r['quantgrid_stage_bar_evals_per_s'] / 1e6:7.1f} M/s ({r['ratio_stage']:5.1f}x)  target {target:.0f}x")
    first = results[0]   # flat keys of the first kind, as scripts/run-bench.sh reads them (ratio: whole process)
    bl.finish("sweep_throughput", {"mode": "long_flat", "bars": BARS, "rounds": args.rounds, "quick": args.quick,
                                   "core": args.core, "kinds": results, "strategy": first["kind"],
                                   "combos": first["combos"], "symbols": first["symbols"],
                                   "quantgrid_bar_evals_per_s_per_core": first["quantgrid_process_bar_evals_per_s"],
                                   "numpy_bar_evals_per_s_per_core": first["numpy_bar_evals_per_s"],
                                   "ratio": first["ratio_process"]})


if __name__ == "__main__":
    try:
        main()
    except bl.BenchError as e:
        sys.exit(f"error: {e}")
