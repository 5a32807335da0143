#!/usr/bin/python3
"""Parallel efficiency of MPI workers: 1 worker against 2 workers on the same sweep.

    /usr/bin/python3 bench/scaling.py BUILD_DIR [--quick] [--rounds N] [--symbols N]

Workload: sma_crossover, long_flat, costs 1 + 4 bps, fast 2..101 x slow 10..300 with
fast < slow (24,822 combinations) on 24 symbols x 2,520 bars (5-10 s on one worker).

Configurations, one round each in turn (interleaved), median `stage_seconds` of each:
* 1 worker:  mpiexec -n 2 ... --threads 1   (rank 0 coordinates, rank 1 works)
* 2 workers: mpiexec -n 3 ... --threads 1   (3 ranks on 2 cores; rank 0 sleeps with back-off)
* one process, every core: quantgrid run ... --threads 0 (no mpiexec), for comparison.

Parallel efficiency = T(1 worker) / (2 x T(2 workers)).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

BARS = 2520


def main():
    def extra(p):
        p.add_argument("--symbols", type=int, default=None, help="symbols (default 24, 4 with --quick)")
    args = bl.parse_args(__doc__.splitlines()[1], extra)
    n_symbols = args.symbols or (4 if args.quick else 24)
    slow_to = 120 if args.quick else 300
    store_path = bl.store(args, n_symbols, BARS)
    spec = bl.write_spec(args, "bench_scaling", store_path, "sma_crossover",
                         {"fast": "{from: 2, to: 101, step: 1}", "slow": f"{{from: 10, to: {slow_to}, step: 1}}"},
                         where=["fast < slow"])
    out = os.path.join(args.work_dir, "bench_scaling.h5")
    configs = [("1 worker", dict(ranks=2, threads=1)),
               ("2 workers", dict(ranks=3, threads=1)),
               ("1 process, all cores", dict(ranks=None, threads=0))]

    warm = bl.run_quantgrid(args, spec, out, ranks=2, threads=1)   # warms the page cache and checks the spec
    evals = warm["n_combos"] * warm["n_symbols"] * BARS
    tasks = warm["n_symbols"] * -(-warm["n_combos"] // 128)
    bl.log(f"scaling: {warm['n_symbols']} symbols x {BARS} bars x {warm['n_combos']} combos = {tasks} tasks, "
           f"{evals / 1e9:.2f} G bar-evaluations; {args.rounds} interleaved rounds")

    times = {name: [] for name, _ in configs}
    for r in range(args.rounds):
        line = []
        for name, cfg in configs:
            q = bl.run_quantgrid(args, spec, out, **cfg)
            if q["failed_tasks"]:
                raise bl.BenchError(f"{name}: {q['failed_tasks']} failed tasks")
            times[name].append(q["stage_seconds"])
            line.append(f"{name} {q['stage_seconds']:.3f} s (idle {q['idle_cores_before']:.1f})")
        bl.log(f"  round {r + 1}: " + ", ".join(line))
    bl.remove(out)

    t1, t2, tp = (bl.median(times[name]) for name, _ in configs)
    eff = t1 / (2 * t2)
    for name, _ in configs:
        t = bl.median(times[name])
        bl.log(f"{name:22s} median stage {t:.3f} s ({bl.spread(times[name])}), {evals / t / 1e6:.1f} M bar-evals/s")
    bl.log(f"speed-up 2 workers / 1 worker = {t1 / t2:.2f}x, parallel efficiency = {eff * 100:.1f}% (target >= 90%)")
    bl.log(f"one process on all cores: {t1 / tp:.2f}x the 1-worker rate, {t1 / (2 * tp) * 100:.1f}% efficiency")
    bl.finish("scaling", {
        "strategy": "sma_crossover", "bars": BARS, "combos": warm["n_combos"], "symbols": warm["n_symbols"],
        "tasks": tasks, "bar_evals": evals, "rounds": args.rounds, "quick": args.quick,
        "stage_s": times, "t_1worker_s": t1, "t_2workers_s": t2, "t_1process_all_cores_s": tp,
        "speedup_2workers": t1 / t2, "parallel_efficiency": eff, "speedup_1process_all_cores": t1 / tp,
        "efficiency_1process_all_cores": t1 / (2 * tp),
        "commands": {"1 worker": bl.command_line(args, spec, ranks=2, threads=1),
                     "2 workers": bl.command_line(args, spec, ranks=3, threads=1),
                     "1 process, all cores": bl.command_line(args, spec, threads=0)}})


if __name__ == "__main__":
    try:
        main()
    except bl.BenchError as e:
        sys.exit(f"error: {e}")
