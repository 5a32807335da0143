#!/usr/bin/python3
"""Start-up, the columnar store and whole-process parallel efficiency (issue 10, targets 2-3).

    /usr/bin/python3 bench/store_startup.py BUILD_DIR [--quick] [--rounds N]

Measured, each as the whole `quantgrid run` process (wall clock, median of interleaved rounds):
* one task: 1 symbol x 300 bars, one sma_crossover parameter set, default logging, run file
  written, no MPI launcher (target <= 50 ms);
* many small symbols: a sweep over all symbols of a 20,000-symbol x 40-bar store
  (sma_crossover, 20 parameter sets; target <= 2 s);
* parallel efficiency on 2 cores of the 8-symbol x 2,520-bar sma_crossover sweep (fast 2..101 x
  slow 10..300, fast < slow): T(1 core) / (2 x T(2 cores)), where "1 core" is the same command
  pinned to CPU 0 with `taskset -c 0` (every thread and rank of it on one core), for the
  embedded default (one process, all cores) and under mpiexec (-n 3 --threads 1: rank 0
  coordinates, two workers; the launcher's start-up is in both). target >= 90%.
  `--threads 1` without pinning is also timed: it is not a one-core baseline (rank 0's thread
  runs on the other core), so it is reported, not used.
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402


def wall(cmd, env=None):
    """Whole-process wall seconds of a command that must succeed."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise bl.BenchError(f"failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return seconds


def run_cmd(args, spec, out, threads, ranks=None):
    cmd = [args.quantgrid, "run", spec, "--output", out, "--overwrite", "--no-progress", "--threads", str(threads)]
    if ranks:
        cmd = [bl.MPIEXEC, "-n", str(ranks)] + bl.MPI_FLAGS + cmd
    return cmd


def no_launcher_env():
    env = dict(os.environ)
    for name in ("OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_FD", "SLURM_PROCID"):
        env.pop(name, None)
    return env


def main():
    args = bl.parse_args(__doc__.splitlines()[1])
    many = 2000 if args.quick else 20000
    one_store = bl.store(args, 1, 300)
    many_store = bl.store(args, many, 40)
    eight_store = bl.store(args, 8, 2520)
    one = bl.write_spec(args, "bench_one_task", one_store, "sma_crossover",
                        {"fast": "{from: 5, to: 5, step: 1}", "slow": "{from: 20, to: 20, step: 1}"})
    small = bl.write_spec(args, "bench_many_symbols", many_store, "sma_crossover",
                          {"fast": "{from: 2, to: 5, step: 1}", "slow": "{from: 10, to: 30, step: 5}"})
    slow_to = 120 if args.quick else 300
    sweep = bl.write_spec(args, "bench_eight", eight_store, "sma_crossover",
                          {"fast": "{from: 2, to: 101, step: 1}", "slow": f"{{from: 10, to: {slow_to}, step: 1}}"},
                          where=["fast < slow"])
    out = os.path.join(args.work_dir, "bench_store_startup.h5")
    env = no_launcher_env()
    one_core = ["taskset", "-c", "0"]
    configs = {
        "one task": (run_cmd(args, one, out, 0), env),
        f"{many} symbols x 40 bars": (run_cmd(args, small, out, 0), env),
        "8 symbols, --threads 1 (not pinned)": (run_cmd(args, sweep, out, 1), env),
        "8 symbols, one process, 1 core": (one_core + run_cmd(args, sweep, out, 0), env),
        "8 symbols, one process, 2 cores": (run_cmd(args, sweep, out, 0), env),
        "8 symbols, mpiexec -n 3 --threads 1, 1 core": (one_core + run_cmd(args, sweep, out, 1, ranks=3), None),
        "8 symbols, mpiexec -n 3 --threads 1, 2 cores": (run_cmd(args, sweep, out, 1, ranks=3), None),
    }
    for cmd, e in configs.values():
        wall(cmd, e)  # warm the page cache
    times = {name: [] for name in configs}
    one_task_rounds = 20
    for r in range(args.rounds):
        bl.wait_for_quiet()
        for name, (cmd, e) in configs.items():
            reps = one_task_rounds if name == "one task" else 1
            times[name] += [wall(cmd, e) for _ in range(reps)]
        bl.log(f"  round {r + 1}: " + ", ".join(f"{n} {times[n][-1]:.3f} s" for n in configs))
    bl.remove(out)
    med = {name: bl.median(v) for name, v in times.items()}
    t1 = med["8 symbols, one process, 1 core"]
    t1_mpi = med["8 symbols, mpiexec -n 3 --threads 1, 1 core"]
    figures = {
        "one_task_s": med["one task"],
        "many_symbols": many,
        "many_symbols_s": med[f"{many} symbols x 40 bars"],
        "eight_1thread_unpinned_s": med["8 symbols, --threads 1 (not pinned)"],
        "eight_1process_1core_s": t1,
        "eight_1process_2cores_s": med["8 symbols, one process, 2 cores"],
        "eight_mpi3_1core_s": t1_mpi,
        "eight_mpi3_2cores_s": med["8 symbols, mpiexec -n 3 --threads 1, 2 cores"],
        "efficiency_1process": t1 / (2 * med["8 symbols, one process, 2 cores"]),
        "efficiency_mpi": t1_mpi / (2 * med["8 symbols, mpiexec -n 3 --threads 1, 2 cores"]),
        "spreads": {name: bl.spread(v) for name, v in times.items()},
    }
    for name, value in med.items():
        bl.log(f"{name}: median {value:.3f} s ({bl.spread(times[name])})")
    bl.finish("store_startup", figures)


if __name__ == "__main__":
    main()
