#!/usr/bin/env python3
"""Monte Carlo VaR throughput: quantgrid against a NumPy implementation of the same simulation.

Usage: bench/var/var_bench.py BUILD_DIR [--quick] [--big] [--target-only] [--rounds N] [--baseline QUANTGRID]

For a 100-asset and a 500-asset linear book and a 100-asset book with options, it runs
`quantgrid run --threads 1` in one process and reads the root attribute `stage_seconds` (from
the first task to the last reduce: the one simulation pass, the reruns and the tail regeneration, see docs/var.md),
then runs the NumPy version of the same simulation (Philox normals via numpy's Generator,
blocks of 4,096 inside batches of 65,536, Y = Z L^T through numpy's matmul on OpenBLAS,
Black-Scholes with scipy.special.ndtr, per-batch top-k by np.partition) on one thread, and
prints scenarios per second per core for both. It also measures this machine's DGEMM peak
(numpy matmul of 2000 x 2000, one thread), runs BUILD_DIR/bench/var/var_kernels for the share
of the peak the block's DGEMM, the previous DTRMM and the simulator's packed triangular product
reach, and with --big runs 10^8 scenarios of a 500-asset linear book under mpiexec -n 3 and reports the
peak RSS of every rank.

The target case (issue 10): full revaluation of 500 assets and 50 options over 10^6 scenarios
(2^18 with --quick): the whole `quantgrid run` process in its embedded default (one process,
every core) against numpy_run on 2 OpenBLAS threads (its own process, the simulation timed);
--rounds N takes medians of N interleaved rounds, and --baseline runs another quantgrid binary
(e.g. the previous build) in each round too, with the CPU time (user + system) of every process.

OPENBLAS_NUM_THREADS=1 (quantgrid sets its own in code) and, on a CPU with AVX-512,
OPENBLAS_CORETYPE=SkylakeX are set for both sides. The latter replaces a value inherited from the
environment (a machine that exports OPENBLAS_CORETYPE=Haswell would hand NumPy 256-bit kernels,
about 0.6x the DGEMM rate of its AVX-512 ones: not the strongest NumPy); the JSON names the kernels
NumPy's OpenBLAS ran (`numpy_openblas_core`, from threadpoolctl when installed). The last line of
output is JSON.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
# One OpenBLAS thread per process, MPI as root, and OpenBLAS's AVX-512 kernels on a CPU with
# AVX-512 whatever the environment exports: set before numpy is imported (benchlib).
import benchlib  # noqa: E402,F401

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results", "python"))

try:
    import h5py  # noqa: E402
    import numpy as np  # noqa: E402
    from scipy.special import ndtr  # noqa: E402
    import quantgrid_results as qr  # noqa: E402  (reads both store layouts)
except ImportError:  # the pyenv python3 on PATH lacks them; Debian's interpreter has them
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

BATCH = 65536
BLOCK = 4096


# ---- setup ----

def store(qg, work, n_symbols, bars):
    path = os.path.join(work, f"var_bench_{n_symbols}.h5")
    if not os.path.exists(path):
        subprocess.run([qg, "data", "generate", "--symbols", str(n_symbols), "--bars", str(bars), "--seed", "5",
                        "--out", path], check=True, stdout=subprocess.DEVNULL)
    return path


def book_spec(name, data, n_assets, n_options, window, scenarios, levels):
    lines = [f"job: var", f"name: {name}", f"data: {{file: {data}, symbols: all}}", "portfolio:", "  positions:"]
    for a in range(n_assets):
        lines.append(f"    - {{symbol: SYN{a:03d}, quantity: {(a % 7) - 3 or 1}}}")
    for o in range(n_options):
        a = (o * 5) % n_assets
        lines.append(f"    - {{option: {'call' if o % 2 else 'put'}, symbol: SYN{a:03d}, strike: 100, "
                     f"expiry_days: 60, vol: 0.25, quantity: 5}}")
    lines += [f"model: {{window: {window}, covariance: sample, distribution: normal, shrinkage: 0.05}}",
              f"confidence: {levels}", f"scenarios: {scenarios}", f"batch: {BATCH}", "seed: 3"]
    return "\n".join(lines) + "\n"


def run_quantgrid(qg, work, spec_text, name, threads=1):
    spec = os.path.join(work, name + ".yaml")
    out = os.path.join(work, name + ".h5")
    with open(spec, "w") as f:
        f.write(spec_text)
    subprocess.run([qg, "run", spec, "--output", out, "--overwrite", "--no-progress", "--threads", str(threads),
                    "--log-level", "warn"], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(out, "r") as f:
        return float(f.attrs["stage_seconds"])


def model_inputs(data_path, n_assets, window):
    """The same inputs quantgrid builds: last prices, shrunk sample covariance, its Cholesky factor."""
    with h5py.File(data_path, "r") as f:
        closes = np.array([qr.store_column(f, f"SYN{a:03d}", "close") for a in range(n_assets)]).T
    rets = closes[1:] / closes[:-1] - 1
    cov = np.cov(rets[-window:], rowvar=False)
    cov = 0.95 * cov + 0.05 * np.diag(np.diag(cov))
    return closes[-1], np.linalg.cholesky(cov)


# ---- the NumPy implementation ----

def bs(call, s, k, t, vol):
    s = np.maximum(s, 1e-300)
    d1 = (np.log(s / k) + 0.5 * vol * vol * t) / (vol * math.sqrt(t))
    d2 = d1 - vol * math.sqrt(t)
    return s * ndtr(d1) - k * ndtr(d2) if call else k * ndtr(-d2) - s * ndtr(-d1)


def numpy_run(prices, chol, n_assets, n_options, scenarios, a_min):
    """Single pass: simulate every batch block by block, revalue, keep each batch's top k."""
    qty = np.array([(a % 7) - 3 or 1 for a in range(n_assets)], dtype=float)
    exposure = qty * prices
    v = chol.T @ exposure  # the linear fast path, as in quantgrid
    opts = [((o * 5) % n_assets, o % 2 == 1) for o in range(n_options)]
    t0, t1 = 60 / 252, 59 / 252
    v0 = [bs(call, prices[a], 100.0, t0, 0.25) for a, call in opts]
    rng = np.random.Generator(np.random.Philox(3))
    tails = []
    for first in range(0, scenarios, BATCH):
        n_b = min(BATCH, scenarios - first)
        losses = np.empty(n_b)
        for b0 in range(0, n_b, BLOCK):
            m = min(BLOCK, n_b - b0)
            z = rng.standard_normal((m, n_assets))
            if not opts:
                losses[b0:b0 + m] = -(z @ v)
                continue
            y = z @ chol.T
            pnl = y @ exposure
            for (a, call), base in zip(opts, v0):
                pnl += 5 * (bs(call, prices[a] * (1 + y[:, a]), 100.0, t1, 0.25) - base)
            losses[b0:b0 + m] = -pnl
        k = int(math.floor(n_b * (1 - a_min))) + 1
        tails.append(np.partition(losses, n_b - k)[n_b - k:])
    return np.sort(np.concatenate(tails))[::-1]


def timed_numpy(*args):
    t = time.perf_counter()
    numpy_run(*args)
    return time.perf_counter() - t


def openblas_core():
    """The kernels NumPy's OpenBLAS runs in this process ("SkylakeX", "Haswell", ...), or "unknown"."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown"
    cores = [i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"]
    return cores[0] if cores else "unknown"


def dgemm_peak():
    a = np.random.default_rng(1).standard_normal((2000, 2000))
    a @ a
    best = min(_time(lambda: a @ a) for _ in range(5))
    return 2 * 2000 ** 3 / best / 1e9


def _time(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


# ---- report ----

def kernel_split(build):
    exe = os.path.join(build, "bench", "var", "var_kernels")
    if not os.path.exists(exe):
        return {}
    out = subprocess.run([exe, "100", "500"], check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines()[1:]:
        name, impl, _, rows_, _, seconds, gflops = line.split(",")
        rows[f"{name}_{impl}"] = {"seconds": float(seconds), "gflops": float(gflops), "rows": int(rows_)}
    return rows


def big_run(qg, work, data, assets=500):
    """10^8 scenarios of a linear book on `assets` assets under mpiexec -n 3: wall time and each
    rank's peak RSS (rank 0 is the coordinator). With 500 positions the tail's per-position rows
    would take 20 GB, so `incremental_var: auto` leaves them on the workers (docs/var.md)."""
    spec = book_spec("var_1e8", data, assets, 0, 500, 100_000_000, "[0.95, 0.975, 0.99]")
    path = os.path.join(work, "var_1e8.yaml")
    with open(path, "w") as f:
        f.write(spec)
    run = [qg, "run", path, "--output", os.path.join(work, "var_1e8.h5"), "--overwrite", "--no-progress",
           "--log-level", "warn"]
    timed = "exec /usr/bin/time -f \"rank-$OMPI_COMM_WORLD_RANK-rss-kb %M\" \"$@\""
    cmd = ["mpiexec", "--oversubscribe", "--bind-to", "none", "-x", "OPENBLAS_NUM_THREADS", "-x", "OPENBLAS_CORETYPE",
           "-n", "3", "sh", "-c", timed, "sh"] + run
    t = time.perf_counter()
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    rss = {int(r): round(int(kb) / 1024, 1) for r, kb in re.findall(r"rank-(\d+)-rss-kb (\d+)", res.stderr + res.stdout)}
    return {"assets": assets, "wall_seconds": round(wall, 2),
            "coordinator_peak_rss_mib": rss.get(0), "worker_peak_rss_mib": [rss[r] for r in sorted(rss) if r != 0]}


def _timed_child(cmd, env):
    """Wall seconds and CPU seconds (user + system) of one child process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def target_run(qg, work, scenarios, rounds=1, baseline=None):
    """Full revaluation, 500 assets + 50 options: quantgrid's whole process against NumPy on 2 threads.

    Each round runs `baseline` (another quantgrid binary, when given), then `qg`, then NumPy, so
    all see the same load; the figures are medians over the rounds, with the load averages seen."""
    data = store(qg, work, 500, 800)
    spec = os.path.join(work, "var_target.yaml")
    with open(spec, "w") as f:
        f.write(book_spec("var_target", data, 500, 50, 750, scenarios, "[0.95, 0.99]"))
    env = dict(os.environ)
    env.pop("OPENBLAS_NUM_THREADS", None)
    np_env = dict(env, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    code = ("import sys, time; sys.path.insert(0, %r); import var_bench as b; "
            "p, c = b.model_inputs(%r, 500, 750); t = time.perf_counter(); b.numpy_run(p, c, 500, 50, %d, 0.95); "
            "print(time.perf_counter() - t)") % (os.path.dirname(os.path.abspath(__file__)), data, scenarios)
    binaries = ([("baseline", baseline)] if baseline else []) + [("quantgrid", qg)]
    runs = {name: [] for name, _ in binaries}
    runs["numpy"], loads = [], []
    for _ in range(rounds):
        for name, exe in binaries:
            out = os.path.join(work, f"var_target_{name}.h5")
            wall, cpu, _ = _timed_child([exe, "run", spec, "--output", out, "--overwrite", "--no-progress",
                                         "--log-level", "warn"], env)
            runs[name].append((wall, cpu))
        _, cpu, out = _timed_child([sys.executable, "-c", code], np_env)
        runs["numpy"].append((float(out.split()[-1]), cpu))
        loads.append(round(os.getloadavg()[0], 2))

    def med(name, i):
        return round(statistics.median(r[i] for r in runs[name]), 2)

    qg_seconds, np_seconds = med("quantgrid", 0), med("numpy", 0)
    result = {"scenarios": scenarios, "rounds": rounds, "quantgrid_process_seconds": qg_seconds,
              "quantgrid_process_cpu_seconds": med("quantgrid", 1), "numpy_2_threads_seconds": np_seconds,
              "numpy_process_cpu_seconds": med("numpy", 1), "ratio": round(qg_seconds / np_seconds, 3),
              "numpy_openblas_core": openblas_core(), "load_average_after_each_round": loads}
    if baseline:
        result.update({"baseline_process_seconds": med("baseline", 0),
                       "baseline_process_cpu_seconds": med("baseline", 1),
                       "baseline_ratio": round(med("baseline", 0) / np_seconds, 3)})
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("--quick", action="store_true", help="fewer scenarios (a smoke run)")
    ap.add_argument("--big", action="store_true", help="also run 10^8 scenarios under mpiexec -n 3")
    ap.add_argument("--target-only", action="store_true", help="only the full-revaluation target case")
    ap.add_argument("--rounds", type=int, default=1, help="target case: rounds to take the median of")
    ap.add_argument("--baseline", default=None,
                    help="target case: another quantgrid binary to run in each round before this one")
    ap.add_argument("--work-dir", default=None)
    args = ap.parse_args()
    qg = os.path.join(os.path.abspath(args.build), "quantgrid")
    work = args.work_dir or os.path.join(os.path.abspath(args.build), "bench-data")
    os.makedirs(work, exist_ok=True)
    scale = 1 if args.quick else 4
    cases = [("linear_100", 100, 0, 800, 750, 2 ** 18 * scale), ("linear_500", 500, 0, 800, 750, 2 ** 16 * scale),
             ("options_100", 100, 50, 800, 750, 2 ** 17 * scale)]
    if args.target_only:
        results = {"target_full_500": target_run(qg, work, 2 ** 18 if args.quick else 1_000_000, args.rounds,
                                                 args.baseline and os.path.abspath(args.baseline))}
        print(f"full revaluation, 500 assets + 50 options: {results['target_full_500']} (target ratio <= 1/3)")
        print(json.dumps(results))
        return
    results = {"dgemm_peak_gflops": round(dgemm_peak(), 1), "numpy_openblas_core": openblas_core(), "cases": {}}
    print(f"DGEMM peak (numpy matmul 2000x2000, 1 thread): {results['dgemm_peak_gflops']} GFLOP/s")
    for name, n, n_opt, bars, window, scen in cases:
        data = store(qg, work, max(n, 100), bars)
        seconds = run_quantgrid(qg, work, book_spec(name, data, n, n_opt, window, scen, "[0.95, 0.99]"), name)
        prices, chol = model_inputs(data, n, window)
        np_seconds = timed_numpy(prices, chol, n, n_opt, scen, 0.95)
        qg_rate, np_rate = scen / seconds, scen / np_seconds
        results["cases"][name] = {"scenarios": scen, "quantgrid_seconds": round(seconds, 3),
                                  "numpy_seconds": round(np_seconds, 3),
                                  "quantgrid_scen_per_s": round(qg_rate), "numpy_scen_per_s": round(np_rate),
                                  "speedup": round(qg_rate / np_rate, 2)}
        print(f"{name:12s} {scen:9d} scenarios: quantgrid {qg_rate:12,.0f}/s (whole plan)  "
              f"numpy {np_rate:12,.0f}/s (one pass)  x{qg_rate / np_rate:.2f}")
    results["target_full_500"] = target_run(qg, work, 2 ** 18 if args.quick else 1_000_000, args.rounds,
                                            args.baseline and os.path.abspath(args.baseline))
    print(f"full revaluation, 500 assets + 50 options: {results['target_full_500']} (target ratio <= 1/3)")
    split = kernel_split(args.build)
    for n in (100, 500):
        g = split.get(f"var_dgemm_n{n}")
        if g:
            blk = split[f"var_full_block_n{n}"]["seconds"]
            share = g["gflops"] / results["dgemm_peak_gflops"]
            results[f"block_dgemm_n{n}"] = {"gflops": g["gflops"], "share_of_peak": round(share, 2),
                                            "share_of_block_time": round(g["seconds"] / blk, 2)}
            print(f"block DGEMM 4096x{n}x{n}: {g['gflops']:.1f} GFLOP/s = {share:.0%} of peak, "
                  f"{g['seconds'] / blk:.0%} of the full-revaluation block time")
        # The triangular products: the DTRMM the simulator ran before and the packed product it
        # runs now (useful flops only, the triangle), each one's time next to the DGEMM's.
        for key, label in (("correlate", "DTRMM (the previous Z L^T)"),
                           ("packed", "packed product (the simulator's Z L^T)")):
            c = split.get(f"var_{key}_n{n}")
            if not c:
                continue
            name = "dtrmm" if key == "correlate" else "packed"
            results[f"block_{name}_n{n}"] = {"gflops": c["gflops"],
                                             "share_of_peak": round(c["gflops"] / results["dgemm_peak_gflops"], 2),
                                             "time_vs_dgemm": round(c["seconds"] / g["seconds"], 2) if g else None}
            print(f"block {label}: {c['gflops']:.1f} GFLOP/s of useful flops, "
                  f"{c['seconds'] / g['seconds']:.2f}x the DGEMM's time" if g else "")
    if args.big:
        results["big_1e8"] = big_run(qg, work, store(qg, work, 500, 800))
        print(f"10^8 scenarios, 500-asset linear book, mpiexec -n 3: {results['big_1e8']} (coordinator < 1 GB)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
