#!/usr/bin/python3
"""Dispatch rate: chunk round trips per second with one tiny task per chunk (--chunk 1).

    /usr/bin/python3 bench/dispatch.py BUILD_DIR [--quick] [--rounds N] [--symbols N]

Workload: momentum, lookback 1..8 (8 combinations, so one task per symbol), on a store of
20,000 symbols x 40 bars: 20,000 tasks of 8 x 40 bar-evaluations (about a microsecond of
compute) whose result is 8 records (832 bytes). Every task travels alone (`--chunk 1`), so
the stage time is the cost of the round trips: request, send, compute, result, reduce.

Configurations, interleaved, median of `tasks / stage_seconds`:
* mpiexec -n 2 (1 worker), mpiexec -n 3 (2 workers; 3 ranks on 2 cores), --threads 1;
* one process (in-process transport), --threads 1.

Each run's start (reading the 20,000 symbols, the broadcast, each rank building its series) is
excluded from the stage time: rank 0 starts stage 0 once every worker has built the job. A run
takes about 0.5-2 s in all on the 2-core reference VM.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

BARS = 40
LOOKBACK = 8


def main():
    def extra(p):
        p.add_argument("--symbols", type=int, default=None, help="symbols = tasks (default 20000, 2000 with --quick)")
        p.add_argument("--diagnose", action="store_true",
                       help="also run mpiexec -n 2 with --mca mpi_yield_when_idle 1 (see docs/performance.md)")
    args = bl.parse_args(__doc__.splitlines()[1], extra)
    if args.rounds == 5 and "--rounds" not in sys.argv:
        args.rounds = 3          # 3 rounds of 3 layouts keep `make bench` short
    n_symbols = args.symbols or (2000 if args.quick else 20000)
    store_path = bl.store(args, n_symbols, BARS)
    spec = bl.write_spec(args, "bench_dispatch", store_path, "momentum",
                         {"lookback": f"{{from: 1, to: {LOOKBACK}, step: 1}}"})
    out = os.path.join(args.work_dir, "bench_dispatch.h5")
    configs = [("mpiexec -n 2 (1 worker)", dict(ranks=2, threads=1, chunk=1)),
               ("mpiexec -n 3 (2 workers)", dict(ranks=3, threads=1, chunk=1)),
               ("1 process (in-process)", dict(ranks=None, threads=1, chunk=1))]
    if args.diagnose:
        configs.append(("mpiexec -n 2, yield_when_idle", dict(ranks=2, threads=1, chunk=1,
                                                             mpi_extra=["--mca", "mpi_yield_when_idle", "1"])))
    tasks = n_symbols   # ceil(8 / 128) = 1 block per symbol
    bl.log(f"dispatch: momentum lookback 1..{LOOKBACK} on {n_symbols} symbols x {BARS} bars = {tasks} tasks,"
           f" --chunk 1; {args.rounds} interleaved rounds")

    rates = {name: [] for name, _ in configs}
    for r in range(args.rounds):
        line = []
        for name, cfg in configs:
            q = bl.run_quantgrid(args, spec, out, **cfg)
            if q["n_symbols"] * -(-q["n_combos"] // 128) != tasks or q["failed_tasks"]:
                raise bl.BenchError(f"{name}: unexpected task count or failed tasks")
            rates[name].append(tasks / q["stage_seconds"])
            line.append(f"{name} {rates[name][-1]:,.0f}/s (stage {q['stage_seconds']:.3f} s,"
                        f" run {q['wall_seconds']:.1f} s)")
        bl.log(f"  round {r + 1}: " + "; ".join(line))
    bl.remove(out)

    med = {name: bl.median(v) for name, v in rates.items()}
    for name, _ in configs:
        bl.log(f"{name:26s} median {med[name]:>10,.0f} round trips/s ({bl.spread(rates[name])})")
    bl.log("target >= 100,000/s; raw Boost.MPI work queue on this machine: 3-8e5/s (platform notes, section 3)")
    n2, n3, n1 = (med[name] for name, _ in configs[:3])
    bl.finish("dispatch", {
        "strategy": "momentum", "bars": BARS, "combos": LOOKBACK, "symbols": n_symbols, "tasks": tasks,
        "rounds": args.rounds, "quick": args.quick, "rates_per_s": rates,
        "mpi_np2_per_s": n2, "mpi_np3_per_s": n3, "in_process_per_s": n1, "median_per_s": med,
        "commands": {name: bl.command_line(args, spec, ranks=cfg["ranks"], threads=1, chunk=1)
                     for name, cfg in configs[:3]}})


if __name__ == "__main__":
    try:
        main()
    except bl.BenchError as e:
        sys.exit(f"error: {e}")
