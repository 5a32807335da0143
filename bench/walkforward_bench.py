#!/usr/bin/python3
"""Walk-forward job: quantgrid against a NumPy implementation of the same conventions.

    /usr/bin/python3 bench/walkforward_bench.py BUILD_DIR [--quick] [--rounds N]

Workload (the issue's): ttrc-sized data, `quantgrid data generate --symbols 1 --bars 5550
--seed 1`; sma_crossover long_flat, fast 2..100 x slow 10..300 with fast < slow (24,623
combinations), costs 1 + 4 bps; windows in_sample 504, out_of_sample 63, rolling; objective
sharpe; PBO with S = 16 blocks (12,870 splits). With --quick: fast 2..30 x slow 10..120.

* quantgrid: the whole process (`quantgrid run`, start-up, data load, every stage, DSR and
  PBO, the file commit), wall time, as one process with `--threads 1` and `--threads 2`, and
  as `mpiexec -n 3` (a coordinator and 2 workers); the run file's `stage_seconds` too.
* NumPy: tests/reference/walkforward_reference.py computing the same outputs (windows,
  winners, stitched OOS, WFE, DSR/PSR/dsr_n_eff, PBO over every split), vectorised over
  blocks of combinations and chunks of splits, one thread (OPENBLAS_NUM_THREADS=1), timed
  with perf_counter from the closes in memory (store reading and file writing excluded).

Rounds interleave (quantgrid x3 configurations, NumPy, ...), medians are compared, by wall time
and by CPU time (getrusage of the quantgrid processes, process_time of NumPy): on a machine that
other jobs share, wall times stretch with the load while CPU times do not. Before
any timing counts, the quantgrid run files (one process and MPI) are checked against the
NumPy outputs (winners and positions exact; tolerances of walkforward_reference.py); a
difference fails the script. The last line of output is JSON.
"""

import os
import platform
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402  (sets the thread env vars before numpy is imported)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import time  # noqa: E402

import yaml  # noqa: E402

import walkforward_reference as wr  # noqa: E402

BARS = 5550
FAST, SLOW = (2, 100), (10, 300)
QUICK_FAST, QUICK_SLOW = (2, 30), (10, 120)
W_IS, W_OOS, S_PBO = 504, 63, 16


def write_spec(args, store_path, fast, slow):
    out = os.path.join(args.work_dir, "bench_walkforward.h5")
    text = "\n".join([
        "job: walkforward", "name: bench_walkforward",
        f"data: {{file: {store_path}, symbols: [SYN000]}}",
        "strategy:", "  kind: sma_crossover", "  mode: long_flat", "  params:",
        f"    fast: {{from: {fast[0]}, to: {fast[1]}, step: 1}}",
        f"    slow: {{from: {slow[0]}, to: {slow[1]}, step: 1}}",
        "  where: [fast < slow]",
        "search: {method: grid}", "costs: {commission_bps: 1.0, slippage_bps: 4.0}",
        f"windows: {{in_sample: {W_IS}, out_of_sample: {W_OOS}, anchored: false}}",
        "objective: sharpe", f"overfitting: {{pbo_blocks: {S_PBO}}}", "seed: 1", f"output: {out}", ""])
    path = os.path.join(args.work_dir, "bench_walkforward.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path, out, text


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def stage_seconds(args, spec, out, ranks=None):
    """Per-stage seconds from the coordinator's info log (stage 0: the combination pass and the
    N_eff correlation pairs, 1: the best set's moments, the stitched segments and the PBO splits)."""
    cmd = [args.quantgrid, "run", spec, "--output", out, "--overwrite", "--threads", "1", "--log-level", "info"]
    if ranks is not None:
        cmd = [bl.MPIEXEC, "-n", str(ranks)] + bl.MPI_FLAGS + cmd
    if args.wait_quiet:
        bl.wait_for_quiet()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise bl.BenchError(f"quantgrid failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-4000:]}")
    return {int(m.group(1)): float(m.group(2))
            for m in re.finditer(r"stage (\d+): (?:\d+)/(?:\d+) tasks .*?took ([\d.]+)s", proc.stdout)}


def check(run_path, ref, label):
    try:
        worst = wr.compare(run_path, ref)
    except wr.Mismatch as e:
        raise bl.BenchError(f"{label}: the run file disagrees with the NumPy reference: {e}")
    bl.log(f"check {label}: windows, winners, positions, DSR and PBO match the NumPy reference "
           f"(worst relative difference {worst:.1e})")
    return worst


def main():
    args = bl.parse_args(__doc__.splitlines()[1])
    fast, slow = (QUICK_FAST, QUICK_SLOW) if args.quick else (FAST, SLOW)
    store_path = bl.store(args, 1, BARS, seed=1)
    spec, out, text = write_spec(args, store_path, fast, slow)
    problem = wr.Problem(yaml.safe_load(text), store_path)
    n_combos = int(problem.sets.shape[0])
    bl.log(f"walk-forward: sma_crossover long_flat, {BARS} bars, {n_combos} combos, W_is {W_IS}, W_oos {W_OOS}, "
           f"rolling, PBO S = {S_PBO}; {args.rounds} rounds; CPU {cpu_model()}, {os.cpu_count()} cores, "
           f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
           f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'auto')}")

    t0 = time.perf_counter()
    ref = wr.walkforward(problem)
    bl.log(f"NumPy reference (first run) {time.perf_counter() - t0:.2f} s: {ref['summary']['windows']} windows, "
           f"OOS Sharpe {ref['summary']['oos_sharpe']:.4f}, DSR {ref['overfitting']['dsr']:.4f}, "
           f"PBO {ref['overfitting']['pbo']:.4f}")
    configs = (("1 process, --threads 1", dict(threads=1)), ("1 process, --threads 2", dict(threads=2)),
               ("mpiexec -n 3 (2 workers)", dict(ranks=3, threads=1)))
    worst = {}
    for label, kw in configs:                     # warm-up runs; every configuration's file is checked
        bl.run_quantgrid(args, spec, out, **kw)
        worst[label] = check(out, ref, label)

    wall = {label: [] for label, _ in configs}
    stage = {label: [] for label, _ in configs}
    busy = {label: [] for label, _ in configs}
    cpu = {label: [] for label, _ in configs}
    np_t, np_cpu = [], []
    for r in range(args.rounds):
        for label, kw in configs:
            q = bl.run_quantgrid(args, spec, out, **kw)
            wall[label].append(q["wall_seconds"])
            stage[label].append(q["stage_seconds"])
            busy[label].append(q["cpu_seconds"] / q["wall_seconds"])
            cpu[label].append(q["cpu_seconds"])
        if args.wait_quiet:
            bl.wait_for_quiet()
        t0, c0 = time.perf_counter(), time.process_time()
        wr.walkforward(problem)
        np_t.append(time.perf_counter() - t0)
        np_cpu.append(time.process_time() - c0)
        bl.log(f"  round {r + 1}: " + ", ".join(f"{label} {wall[label][-1]:.3f} s" for label, _ in configs)
               + f"; numpy {np_t[-1]:.2f} s")
    stages = {"1 worker": stage_seconds(args, spec, out), "mpiexec -n 3": stage_seconds(args, spec, out, ranks=3)}
    splits = ref["overfitting"]["splits"]
    for label, st in stages.items():
        bl.log(f"stages ({label}): " + ", ".join(f"{k}: {v:.2f} s" for k, v in sorted(st.items()))
               + (f"; stage 1 {splits / st[1]:,.0f} splits/s" if st.get(1) else ""))
    bl.remove(out)

    med = {label: bl.median(v) for label, v in wall.items()}
    np_med = bl.median(np_t)
    one = configs[0][0]
    ratio = np_med / med[one]
    for label, _ in configs:
        bl.log(f"quantgrid {label}: median wall {med[label]:.3f} s ({bl.spread(wall[label])}), "
               f"stage {bl.median(stage[label]):.3f} s, {bl.median(busy[label]):.2f} cores busy")
    bl.log(f"numpy (1 thread):     median {np_med:.2f} s ({bl.spread(np_t)})")
    bl.log(f"ratio numpy / quantgrid whole process, one core = {ratio:.1f}x (aim >= 20x per core); "
           f"2 cores: {med[configs[1][0]]:.3f} s (target < 1 s)")
    # CPU seconds do not grow when other jobs share the cores (wall seconds do): the per-core
    # ratio by CPU time is the figure to trust on a busy machine.
    cpu_med = {label: bl.median(v) for label, v in cpu.items()}
    np_cpu_med = bl.median(np_cpu)
    ratio_cpu = np_cpu_med / cpu_med[one]
    bl.log("CPU seconds (median): quantgrid " + ", ".join(f"{label} {cpu_med[label]:.2f} s" for label, _ in configs)
           + f"; numpy {np_cpu_med:.2f} s; ratio by CPU time, one core = {ratio_cpu:.1f}x")
    bl.finish("walkforward", {
        "bars": BARS, "combos": n_combos, "in_sample": W_IS, "out_of_sample": W_OOS, "pbo_blocks": S_PBO,
        "splits": ref["overfitting"]["splits"], "windows": ref["summary"]["windows"], "rounds": args.rounds,
        "quick": args.quick, "cpu": cpu_model(), "cores": os.cpu_count(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "quantgrid_wall_s": wall, "quantgrid_stage_s": stage, "quantgrid_cores_busy": busy, "numpy_s": np_t,
        "quantgrid_cpu_s": cpu, "numpy_cpu_s": np_cpu, "ratio_per_core_cpu": ratio_cpu,
        "quantgrid_1thread_wall_median_s": med[configs[0][0]], "quantgrid_2threads_wall_median_s": med[configs[1][0]],
        "quantgrid_mpi3_wall_median_s": med[configs[2][0]], "numpy_median_s": np_med, "ratio_per_core": ratio,
        "check_max_rel_diff": worst, "oos_sharpe": ref["summary"]["oos_sharpe"], "dsr": ref["overfitting"]["dsr"],
        "pbo": ref["overfitting"]["pbo"], "stage_seconds_by_log": stages,
        "pbo_splits_per_s": {k: splits / v[1] for k, v in stages.items() if v.get(1)}, "command": bl.command_line(args, spec, threads=1)})


if __name__ == "__main__":
    try:
        main()
    except bl.BenchError as e:
        sys.exit(f"error: {e}")
