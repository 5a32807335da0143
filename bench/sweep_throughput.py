#!/usr/bin/python3
"""Sweep throughput per core: quantgrid against a vectorized NumPy implementation.

    /usr/bin/python3 bench/sweep_throughput.py BUILD_DIR [--quick] [--rounds N] [--symbols N]

Workload: sma_crossover, long_flat, costs 1 + 4 bps, on 2,520 daily bars per symbol, grid
fast 2..101 x slow 10..300 with fast < slow (24,822 combinations), on every symbol of a
synthetic store. The unit is bar-evaluations: bars x combinations x symbols.

* quantgrid: one process, `--threads 1` (one worker thread on one core); time = the run file's
  `stage_seconds`.
* NumPy: the same sweep, vectorized over blocks of combinations with 2-D (combos x bars)
  float64 arrays, single-threaded (OPENBLAS_NUM_THREADS=1), timed with perf_counter; it starts
  from the closes already in memory, like the quantgrid stage does.

Rounds alternate (quantgrid, NumPy, quantgrid, ...); the medians are compared. Before timing,
NumPy's total_return and sharpe (and the other metrics it computes) are checked against the
quantgrid run file for a sample of (combo, symbol) rows; a difference above 1e-9 fails the script.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402  (sets the thread env vars before numpy is imported)

import time  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402

BARS = 2520
COST = (1.0 + 4.0) / 1e4
REL_TOL = 1e-10        # the kernels' tie tolerance for "a > b" (docs/strategies.md)
ANN = np.sqrt(252.0)
CHECK_TOL = 1e-9
FAST = (2, 101)
SLOW = (10, 300)


def grid(fast=FAST, slow=SLOW):
    """The spec's grid in quantgrid's order: fast slowest, filtered by fast < slow."""
    f, s = np.meshgrid(np.arange(fast[0], fast[1] + 1), np.arange(slow[0], slow[1] + 1), indexing="ij")
    keep = f < s
    return f[keep].astype(np.int64), s[keep].astype(np.int64)


def load_closes(store_path):
    with h5py.File(store_path, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["symbol_order"][()]]
        if "bars" in f:  # store layout 2.x: one dataset per field, row offsets per symbol
            off, close = f["bars/offset"][()], f["bars/close"][()]
            return [close[off[i]:off[i + 1]] for i in range(len(names))]
        return [f[f"symbols/{n}/close"][()] for n in names]


# ---------------------------------------------------------------- the NumPy implementation
def sma_table(close, max_window):
    """Row w = SMA_w over the closes (0 before it is defined), from one cumulative sum."""
    n = close.shape[0]
    prefix = np.concatenate(([0.0], np.cumsum(close)))
    table = np.zeros((max_window + 1, n))
    for w in range(1, max_window + 1):
        table[w, w - 1:] = (prefix[w:] - prefix[:n + 1 - w]) * (1.0 / w)
    return table


def sweep_block(table, ret, fast, slow, cost):
    """Metrics of one block of (fast, slow) sets on one symbol; arrays are (sets, bars)."""
    n_bars = table.shape[1]
    n = n_bars - 1
    a = table[fast]                                  # SMA_fast, one row per set
    b = table[slow]
    start = np.maximum(fast, slow) - 1               # first bar where both are defined
    defined = np.arange(n_bars)[None, :] >= start[:, None]
    pos = ((a - b > REL_TOL * np.abs(b)) & defined).astype(np.float64)   # long_flat: 1 or 0
    held = pos[:, :-1]                               # h[t] = pos[t-1], t = 1..T-1
    dh = np.abs(np.diff(pos[:, :-1], axis=1, prepend=0.0))   # |h[t] - h[t-1]|, h[0] = 0
    net = held * ret[None, 1:] - cost * dh

    mean = net.sum(axis=1) / n
    sd = net.std(axis=1, ddof=1)
    sharpe = np.divide(mean, sd, out=np.zeros_like(mean), where=sd > 0) * ANN
    down = np.sqrt(np.square(np.minimum(net, 0.0)).sum(axis=1) / n)
    sortino = np.divide(mean, down, out=np.zeros_like(mean), where=down > 0) * ANN

    equity = np.cumprod(1.0 + net, axis=1)
    final = equity[:, -1]
    total_return = final - 1.0
    cagr = np.where(final > 0, np.power(np.maximum(final, 0.0), 252.0 / n) - 1.0, -1.0)
    peak = np.maximum.accumulate(np.maximum(equity, 1.0), axis=1)   # E[0] = 1 is the first peak
    max_dd = np.maximum((1.0 - equity / peak).max(axis=1), 0.0)
    calmar = np.divide(cagr, max_dd, out=np.zeros_like(cagr), where=max_dd > 0)
    return {"total_return": total_return, "cagr": cagr, "sharpe": sharpe, "sortino": sortino,
            "volatility": sd * ANN, "max_drawdown": max_dd, "calmar": calmar,
            "trades": np.count_nonzero(dh, axis=1).astype(np.float64), "turnover": dh.sum(axis=1),
            "exposure": np.count_nonzero(held, axis=1) / n}


def numpy_sweep(closes, fast, slow, block, cost=COST):
    """The whole sweep: every symbol, every block; returns {metric: (symbols, combos)}."""
    n_sets = fast.shape[0]
    out = None
    for si, close in enumerate(closes):
        ret = np.empty_like(close)
        ret[0] = 0.0
        ret[1:] = close[1:] / close[:-1] - 1.0
        table = sma_table(close, int(max(fast.max(), slow.max())))
        for j in range(0, n_sets, block):
            m = sweep_block(table, ret, fast[j:j + block], slow[j:j + block], cost)
            if out is None:
                out = {k: np.empty((len(closes), n_sets)) for k in m}
            for k, v in m.items():
                out[k][si, j:j + block] = v
    return out


# ---------------------------------------------------------------- checks and timing
def check_against_run(run_path, np_metrics, fast, slow, n_symbols, sample=4000, seed=3):
    """NumPy's metrics (symbols 0..n_symbols-1) must equal the run file's within 1e-9 on a sample of rows."""
    with h5py.File(run_path, "r") as f:
        g = f["sweep"]
        combo = g["combo"][()]
        sym = g["symbol"][()]
        pf = g["params/fast"][()]
        ps = g["params/slow"][()]
        rng = np.random.default_rng(seed)
        candidates = np.flatnonzero(sym < n_symbols)
        rows = np.sort(rng.choice(candidates, size=min(sample, candidates.shape[0]), replace=False))
        if not (np.array_equal(pf[rows], fast[combo[rows]]) and np.array_equal(ps[rows], slow[combo[rows]])):
            raise bl.BenchError("parameter grid of the run file differs from the NumPy grid")
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


def pick_block(closes, fast, slow, candidates):
    """The NumPy block size that runs fastest here (so NumPy gets its best setting)."""
    sub = closes[:1]
    n = min(4096, fast.shape[0])
    best = None
    for b in candidates:
        t0 = time.perf_counter()
        numpy_sweep(sub, fast[:n], slow[:n], b)
        dt = time.perf_counter() - t0
        bl.log(f"  numpy block {b:4d}: {n * BARS / dt / 1e6:7.1f} M bar-evals/s")
        if best is None or dt < best[1]:
            best = (b, dt)
    return best[0]


def main():
    def extra(p):
        p.add_argument("--symbols", type=int, default=None, help="symbols in the store (default 4, 1 with --quick)")
        p.add_argument("--numpy-symbols", type=int, default=1,
                       help="symbols the NumPy side sweeps per round (default 1; the rate is per bar-evaluation)")
        p.add_argument("--numpy-block", type=int, default=0, help="NumPy block size (default: fastest of 64..1024)")
    args = bl.parse_args(__doc__.splitlines()[1], extra)
    n_symbols = args.symbols or (1 if args.quick else 4)
    fast_rng, slow_rng = ((2, 31), (10, 120)) if args.quick else (FAST, SLOW)
    fast, slow = grid(fast_rng, slow_rng)
    n_combos = int(fast.shape[0])

    store_path = bl.store(args, n_symbols, BARS)
    spec = bl.write_spec(args, "bench_throughput", store_path, "sma_crossover",
                         {"fast": f"{{from: {fast_rng[0]}, to: {fast_rng[1]}, step: 1}}",
                          "slow": f"{{from: {slow_rng[0]}, to: {slow_rng[1]}, step: 1}}"},
                         where=["fast < slow"])
    out = os.path.join(args.work_dir, "bench_throughput.h5")
    closes = load_closes(store_path)
    n_np = max(1, min(args.numpy_symbols, n_symbols))
    evals = BARS * n_combos * n_symbols
    bl.log(f"sweep throughput: sma_crossover long_flat, {n_symbols} symbols x {BARS} bars x {n_combos} combos"
           f" = {evals / 1e9:.3f} G bar-evaluations per round, {args.rounds} rounds")

    first = bl.run_quantgrid(args, spec, out, threads=1)   # warm-up run; its file is checked below
    if first["n_combos"] != n_combos:
        raise bl.BenchError(f"run file has {first['n_combos']} combos, NumPy grid {n_combos}")
    block = args.numpy_block or pick_block(closes, fast, slow, (64, 128, 256, 512, 1024))
    np_closes = closes[:n_np]
    np_evals = BARS * n_combos * n_np

    qg_t, np_t, cpu = [], [], []
    worst, n_checked = None, 0
    for r in range(args.rounds):
        q = bl.run_quantgrid(args, spec, out, threads=1)
        qg_t.append(q["stage_seconds"])
        cpu.append(q["cpu_seconds"] / q["wall_seconds"])
        t0 = time.perf_counter()
        ref = numpy_sweep(np_closes, fast, slow, block)
        np_t.append(time.perf_counter() - t0)
        if worst is None:   # NumPy must reproduce quantgrid before its time means anything
            worst, n_checked = check_against_run(out, ref, fast, slow, n_np)
            bl.log(f"check: {n_checked} rows, max relative difference "
                   + ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items())) + f" (limit {CHECK_TOL})")
        del ref
        bl.log(f"  round {r + 1}: quantgrid stage {qg_t[-1]:.3f} s ({evals / qg_t[-1] / 1e6:.1f} M/s, "
               f"process {q['wall_seconds']:.2f} s wall, {cpu[-1]:.2f} cores busy), "
               f"numpy {np_t[-1]:.3f} s ({np_evals / np_t[-1] / 1e6:.2f} M/s), idle cores before {q['idle_cores_before']:.1f}")
    bl.remove(out)

    qg_rate = evals / bl.median(qg_t)
    np_rate = np_evals / bl.median(np_t)
    ratio = qg_rate / np_rate
    bl.log(f"quantgrid: {qg_rate / 1e6:.1f} M bar-evals/s per core (median stage {bl.median(qg_t):.3f} s,"
           f" {bl.spread(qg_t)})")
    bl.log(f"numpy:     {np_rate / 1e6:.2f} M bar-evals/s per core (median {bl.median(np_t):.3f} s,"
           f" {bl.spread(np_t)}, block {block})")
    bl.log(f"ratio quantgrid / numpy = {ratio:.1f}x (target >= 20x, aim 50x)")
    bl.finish("sweep_throughput", {
        "strategy": "sma_crossover", "mode": "long_flat", "bars": BARS, "combos": n_combos, "symbols": n_symbols,
        "numpy_symbols": n_np, "bar_evals_per_round": evals, "numpy_bar_evals_per_round": np_evals, "rounds": args.rounds, "quick": args.quick,
        "quantgrid_stage_s": qg_t, "numpy_s": np_t, "numpy_block": block,
        "quantgrid_bar_evals_per_s_per_core": qg_rate, "numpy_bar_evals_per_s_per_core": np_rate,
        "ratio": ratio, "quantgrid_process_cores_busy": bl.median(cpu), "check_max_rel_diff": worst,
        "check_rows": n_checked, "command": bl.command_line(args, spec, threads=1)})


if __name__ == "__main__":
    try:
        main()
    except bl.BenchError as e:
        sys.exit(f"error: {e}")
