#!/usr/bin/python3
"""Market data larger than a rank's memory: peak RSS per rank, bars sent vs read from the store.

    /usr/bin/python3 bench/data_memory.py BUILD_DIR [--quick] [--symbols N] [--bars N] [--cache-mb M]

Workload: an sma_crossover sweep (fast 2..20 step 2 x slow 30..120 step 10, 100 sets, overfitting
off) over every symbol of an N-symbol x B-bar synthetic store (default 400 x 2,520: 44 MB of bars,
about 230 MB of prepared series), under mpiexec -n 3 (rank 0 coordinates, two workers,
--threads 1), MPMD so that each rank has its own /usr/bin/time:

    mpiexec -n 1 /usr/bin/time -f %M -o RANK0 quantgrid run SPEC ... : -n 1 ... RANK1 ... : -n 1 ... RANK2 ...

(a) the bars sent with the job (--data-broadcast-mb 100000), (b) every rank reading its
symbols from the store (--data-broadcast-mb 0 --data-cache-mb M, default 8). Reports each rank's
peak resident set (MB = 10^6 bytes), the wall time of both, and checks that both run files hold
the same datasets (results digest). The fixed overhead of a rank (binary, libraries, MPI, TBB)
is the peak RSS of the 1-symbol run of the same sweep, measured the same way.
"""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402


def peaks(args, spec, out, extra):
    """Peak RSS (MB) of ranks 0, 1, 2 and the wall seconds of one 3-rank run."""
    rss = [os.path.join(args.work_dir, f"data_memory.rank{r}.rss") for r in range(3)]
    run = [args.quantgrid, "run", spec, "--output", out, "--overwrite", "--no-progress", "--log-level", "warn",
           "--threads", "1"] + extra
    cmd = [bl.MPIEXEC] + bl.MPI_FLAGS
    for r in range(3):
        cmd += (["-n", "1", "/usr/bin/time", "-f", "%M", "-o", rss[r]] + run + ([":"] if r < 2 else []))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise bl.BenchError(f"run failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-4000:]}")
    try:
        values = []
        for path in rss:
            with open(path) as f:
                values.append(int(f.read().split()[-1]) * 1024 / 1e6)  # GNU time %M is in KiB
    finally:
        bl.remove(*rss)
    return values, wall


def digest(args, path):
    return subprocess.run([args.quantgrid, "results", "digest", path], check=True, capture_output=True,
                          text=True).stdout.split()[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument("build_dir")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--symbols", type=int, default=None)
    p.add_argument("--bars", type=int, default=2520)
    p.add_argument("--cache-mb", type=int, default=8)
    p.add_argument("--work-dir", default=None)
    args = p.parse_args()
    args.quantgrid = os.path.join(args.build_dir, "quantgrid")
    args.work_dir = os.path.abspath(args.work_dir or os.path.join(args.build_dir, "bench-data"))
    os.makedirs(args.work_dir, exist_ok=True)
    symbols = args.symbols or (100 if args.quick else 400)
    params = {"fast": "{from: 2, to: 20, step: 2}", "slow": "{from: 30, to: 120, step: 10}"}
    big = bl.write_spec(args, "data_memory_big", bl.store(args, symbols, args.bars), "sma_crossover", params)
    one = bl.write_spec(args, "data_memory_one", bl.store(args, 1, args.bars), "sma_crossover", params)
    sent_out, read_out = (os.path.join(args.work_dir, f"data_memory_{k}.h5") for k in ("sent", "read"))
    try:
        base, _ = peaks(args, one, os.path.join(args.work_dir, "data_memory_one.h5"), [])
        sent, sent_wall = peaks(args, big, sent_out, ["--data-broadcast-mb", "100000"])
        read, read_wall = peaks(args, big, read_out, ["--data-broadcast-mb", "0", "--data-cache-mb",
                                                      str(args.cache_mb)])
        same = digest(args, sent_out) == digest(args, read_out)
    finally:
        bl.remove(sent_out, read_out, os.path.join(args.work_dir, "data_memory_one.h5"))
    bars_mb = symbols * args.bars * 44 / 1e6
    bl.log(f"data: {symbols} symbols x {args.bars} bars = {bars_mb:.0f} MB of bars; load {os.getloadavg()[0]:.1f}")
    bl.log(f"fixed overhead (1 symbol): ranks {', '.join(f'{v:.0f}' for v in base)} MB")
    bl.log(f"bars sent:       ranks {', '.join(f'{v:.0f}' for v in sent)} MB, {sent_wall:.1f} s")
    bl.log(f"read from store: ranks {', '.join(f'{v:.0f}' for v in read)} MB, {read_wall:.1f} s "
           f"(cache {args.cache_mb} MiB; worker over overhead: {max(read[1:]) - max(base[1:]):.0f} MB)")
    bl.log(f"same datasets: {same}")
    if not same:
        raise bl.BenchError("the two runs wrote different datasets")
    bl.finish("data_memory", {
        "symbols": symbols, "bars": args.bars, "bars_mb": bars_mb, "cache_mb": args.cache_mb,
        "overhead_rss_mb": base, "sent_rss_mb": sent, "read_rss_mb": read, "sent_wall_s": sent_wall,
        "read_wall_s": read_wall, "same_digest": same, "load": os.getloadavg()[0]})


if __name__ == "__main__":
    main()
