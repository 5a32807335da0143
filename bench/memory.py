#!/usr/bin/python3
"""Peak memory of the coordinator (rank 0) on a 10-million-row sweep.

    /usr/bin/python3 bench/memory.py BUILD_DIR [--quick] [--rounds N]

Workload: bollinger, long_flat, costs 1 + 4 bps, window 2..101 x k 0.1..10 (10,000 evenly
spaced values) = 1,000,000 combinations, on 10 symbols x 252 bars: 10,000,000 result rows.
(sma_crossover cannot reach a million sets on a few hundred bars: both of its parameters are
windows, so a million sets need windows, and bars, above 1,000.)

The run is MPMD so that each rank has its own /usr/bin/time and only rank 0 is the coordinator:

    mpiexec -n 1 /usr/bin/time -f %M -o RANK0 quantgrid run SPEC ... \
          : -n 1 /usr/bin/time -f %M -o RANK1 quantgrid run SPEC ... --threads 0

Reports the peak resident set (max RSS, MB = 10^6 bytes) of both ranks, the rows, and the run
file's size, which is deleted afterwards. The figure is the maximum over the rounds (default 2).
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402


def main():
    args = bl.parse_args(__doc__.splitlines()[1])
    if "--rounds" not in sys.argv:
        args.rounds = 1 if args.quick else 2
    n_symbols, bars = 10, 252
    k_count = 1000 if args.quick else 10000
    store_path = bl.store(args, n_symbols, bars)
    spec = bl.write_spec(args, "bench_memory", store_path, "bollinger",
                         {"window": "{from: 2, to: 101, step: 1}", "k": f"{{from: 0.1, to: 10, count: {k_count}}}"})
    out = os.path.join(args.work_dir, "bench_memory.h5")
    rss = [os.path.join(args.work_dir, f"bench_memory.rank{r}.rss") for r in (0, 1)]
    run = [args.quantgrid, "run", spec, "--output", out, "--overwrite", "--no-progress", "--log-level", "warn"]
    cmd = ([bl.MPIEXEC] + bl.MPI_FLAGS + ["-n", "1", "/usr/bin/time", "-f", "%M", "-o", rss[0]] + run
           + ["--threads", "1", ":", "-n", "1", "/usr/bin/time", "-f", "%M", "-o", rss[1]] + run + ["--threads", "0"])

    peaks0, peaks1, stages, sizes = [], [], [], []
    info = None
    try:
        for r in range(args.rounds):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            wall = time.perf_counter() - t0
            if proc.returncode != 0:
                raise bl.BenchError(f"run failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-4000:]}")
            info = bl.read_attrs(out)
            with open(rss[0]) as f0, open(rss[1]) as f1:
                peaks0.append(int(f0.read().split()[-1]) * 1024 / 1e6)   # GNU time %M is in KiB
                peaks1.append(int(f1.read().split()[-1]) * 1024 / 1e6)
            stages.append(info["stage_seconds"])
            sizes.append(os.path.getsize(out))
            bl.log(f"  round {r + 1}: coordinator {peaks0[-1]:.0f} MB, worker {peaks1[-1]:.0f} MB, stage "
                   f"{stages[-1]:.1f} s, run {wall:.1f} s, file {sizes[-1] / 1e6:.0f} MB")
    finally:
        bl.remove(out, *rss)

    rows = info["n_combos"] * info["n_symbols"]
    bl.log(f"memory: bollinger {info['n_combos']:,} combos x {info['n_symbols']} symbols x {bars} bars = "
           f"{rows:,} rows")
    bl.log(f"coordinator (rank 0) peak RSS {max(peaks0):.0f} MB; worker (rank 1, --threads 0) {max(peaks1):.0f} MB;"
           f" run file {max(sizes) / 1e6:.0f} MB ({max(sizes) / rows:.0f} bytes/row) - target: a few hundred MB")
    bl.finish("memory", {
        "strategy": "bollinger", "bars": bars, "combos": info["n_combos"], "symbols": info["n_symbols"],
        "rows": rows, "rounds": args.rounds, "quick": args.quick,
        "coordinator_peak_rss_mb": max(peaks0), "worker_peak_rss_mb": max(peaks1),
        "coordinator_peak_rss_mb_rounds": peaks0, "worker_peak_rss_mb_rounds": peaks1,
        "output_file_mb": max(sizes) / 1e6, "stage_s": stages,
        "command": (f"mpiexec --oversubscribe --bind-to none -x TERM=dumb -n 1 /usr/bin/time -f %M "
                    f"{os.path.relpath(args.quantgrid)} run {os.path.basename(spec)} --threads 1 ... : -n 1 "
                    f"/usr/bin/time -f %M {os.path.relpath(args.quantgrid)} run {os.path.basename(spec)} --threads 0")})


if __name__ == "__main__":
    try:
        main()
    except bl.BenchError as e:
        sys.exit(f"error: {e}")
