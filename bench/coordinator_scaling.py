#!/usr/bin/python3
"""How far the coordinator scales: dispatch rate, reduce throughput, job broadcast.

    /usr/bin/python3 bench/coordinator_scaling.py BUILD_DIR [--quick] [--rounds N] [--parts dispatch,reduce,broadcast,queue]
                                                  [--workers 1,2,4,8,16,32] [--task-us 0,200,2000]

Every run is `mpiexec -n K --oversubscribe --bind-to none` with K-1 workers, so on a 2-core
machine up to 32 workers share the cores with rank 0. Rank 0's figures come from its debug log
(`--log-level debug`): the line "stage S: rank 0 service: ..." (coordinator/src/service_meter.cpp:
chunks, tasks, values, seconds spent decoding, journaling, reducing and sending, per-chunk and
per-task cost, the workers' seconds per task) and each rank's "job broadcast: ... steady clock A to B".

* dispatch: momentum, lookback 1..8 (8 combinations: one task per symbol, 8 records of 13
  values), on stores of 40 bars, run by BUILD_DIR/tests/e2e/quantgrid_faults with
  QG_TASK_SLEEP_US=t: each task sleeps t microseconds, so the workers leave the cores to rank 0
  and behave like workers with cores of their own; rank 0's dispatch rate is what limits the run.
  Configurations: workers x task duration x chunking (--chunk 1, and the default guided chunks).
  Measured efficiency = tasks * (worker seconds per task) / (workers * stage seconds).
* reduce: bollinger, window 2..101 x k 0.1..10 (count 5,000): 500,000 rows on one symbol of 252
  bars, 1 and 2 workers, default chunks: rank 0's reduce and journal seconds per row.
* broadcast: momentum on stores of 10, 100 and 500 symbols x 2,520 bars (about 1, 11 and 55 MB
  of market data), K = 2..33 ranks: from rank 0 entering the broadcast to the last rank leaving
  it (one steady clock on one host).
* queue: the dispatch target of issue 10: the momentum tasks without sleep, one per chunk
  (`--chunk 1`), with 2 and 3 ranks, each round beside the raw Boost.MPI work queue
  (BUILD_DIR/bench/mpi_queue/bench_mpi_queue, 832-byte replies); tasks per second and the ratio.

The model (docs/performance.md, "How far the coordinator scales") is fitted from the dispatch
runs and its predictions are printed beside the measurements, then extrapolated to 64, 256 and
1,024 ranks.
"""

import math
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

DISPATCH_BARS = 40
BROADCAST_BARS = 2520
TASK_STORES = (400, 1000, 2000, 4000)  # tasks (= symbols) of the dispatch stores
SERVICE = re.compile(
    r"stage (\d+): rank 0 service: (\d+) chunks, (\d+) tasks, (\d+) values; busy ([\d.e+-]+)s: decode ([\d.e+-]+)s, "
    r"journal ([\d.e+-]+)s, reduce ([\d.e+-]+)s, send ([\d.e+-]+)s; per chunk ([\d.e+-]+) us \+ per task "
    r"([\d.e+-]+) us; worker ([\d.e+-]+) us per task; round trip ([\d.e+-]+) us")
BROADCAST = re.compile(r"\[rank (\d+)/\d+\].*job broadcast: (\d+) symbols, (\d+) bars, spec (\d+) bytes; "
                       r"steady clock ([\d.]+)s to ([\d.]+)s")


def run(args, binary, spec, output, ranks, chunk=None, env=None):
    """One `mpiexec -n ranks` run at debug level: the run file's attributes, rank 0's service line
    and every rank's broadcast times."""
    cmd = [bl.MPIEXEC, "-n", str(ranks)] + bl.MPI_FLAGS + [binary, "run", spec, "--output", output, "--overwrite",
                                                          "--threads", "1", "--no-progress", "--log-level", "debug"]
    if chunk is not None:
        cmd += ["--chunk", str(chunk)]
    load = bl.loadavg()
    if args.wait_quiet:
        bl.wait_for_quiet(max_wait=10)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=dict(os.environ, **(env or {})))
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise bl.BenchError(f"failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-4000:]}")
    info = bl.read_attrs(output)
    info.update(wall_seconds=wall, load_before=load)
    m = SERVICE.search(proc.stdout)
    if m:
        keys = ("stage", "chunks", "tasks", "values", "busy_s", "decode_s", "journal_s", "reduce_s", "send_s",
                "per_chunk_us", "per_task_us", "worker_us_per_task", "round_trip_us")
        info.update({k: (int(v) if i < 4 else float(v)) for i, (k, v) in enumerate(zip(keys, m.groups()))})
    casts = [(int(r), int(sy), int(b), float(a), float(z)) for r, sy, b, _, a, z in BROADCAST.findall(proc.stdout)]
    if casts:
        start = [a for r, _, _, a, _ in casts if r == 0]
        info["broadcast_s"] = max(z for _, _, _, _, z in casts) - start[0] if start else float("nan")
        info["bars"] = casts[0][2]
    return info


def dispatch_spec(args, n_symbols):
    store = bl.store(args, n_symbols, DISPATCH_BARS)
    return bl.write_spec(args, f"bench_cs_dispatch_{n_symbols}", store, "momentum",
                         {"lookback": "{from: 1, to: 8, step: 1}"})


def pick_tasks(workers, task_us, target_s):
    """The smallest store whose ideal stage (tasks * t / workers) lasts target_s, or the largest."""
    t = max(task_us, 1) * 1e-6
    for n in TASK_STORES:
        if n * t / workers >= target_s:
            return n
    return TASK_STORES[-1]


def measure_dispatch(args):
    faults = os.path.join(args.build_dir, "tests", "e2e", "quantgrid_faults")
    if not os.access(faults, os.X_OK):
        raise bl.BenchError(f"{faults} not built (cmake --build {args.build_dir} --target quantgrid_faults)")
    out = os.path.join(args.work_dir, "bench_cs_dispatch.h5")
    rows = []
    for r in range(args.rounds):
        for task_us in args.task_us:
            for workers in args.workers:
                n = pick_tasks(workers, task_us, 0.3 if args.quick else 0.5)
                spec = dispatch_spec(args, n)
                for chunk in (1, None):
                    q = run(args, faults, spec, out, workers + 1, chunk, env={"QG_TASK_SLEEP_US": str(task_us)})
                    q.update(round=r, workers=workers, task_us=task_us, chunk=chunk or 0)
                    q["measured_eff"] = q["tasks"] * q["worker_us_per_task"] * 1e-6 / (workers * q["stage_seconds"])
                    rows.append(q)
                    bl.log(f"  dispatch t={task_us:>5} us N={workers:>2} chunk={'guided' if not chunk else chunk:>6}:"
                           f" {q['tasks']} tasks in {q['chunks']} chunks, stage {q['stage_seconds']:.3f} s,"
                           f" {q['chunks'] / q['stage_seconds']:,.0f} chunks/s, {q['tasks'] / q['stage_seconds']:,.0f}"
                           f" tasks/s; rank 0 {q['per_chunk_us']:.1f} us/chunk + {q['per_task_us']:.2f} us/task,"
                           f" worker {q['worker_us_per_task']:.0f} us/task; efficiency {q['measured_eff'] * 100:.0f}%"
                           f" (load {q['load_before']:.1f})")
    bl.remove(out)
    return rows


def fit_model(rows):
    """Constants of the model, medians of rank 0's own meter over the dispatch runs: the fixed cost
    per chunk s0 and the cost per task u (every run), and the round trip l a worker waits between
    chunks beyond rank 0's service (runs with sleeping tasks where rank 0 is not saturated)."""
    s0 = bl.median([q["per_chunk_us"] * 1e-6 for q in rows])
    u = bl.median([q["per_task_us"] * 1e-6 for q in rows])
    lat = [q["round_trip_us"] * 1e-6 for q in rows
           if q["task_us"] > 0 and q["workers"] * q["busy_s"] / q["chunks"] < q["worker_us_per_task"] * 1e-6]
    return {"s_per_chunk": s0, "s_per_task": u, "round_trip": bl.median(lat) if lat else 0.0}


def predicted_eff(model, workers, t, c, tasks=None, per_task=None):
    """Parallel efficiency of N workers with tasks of t seconds in chunks of c: each worker's turn
    is c*t + s + l (compute, rank 0's service s = s0 + c*u, the round trip); rank 0 serves one
    chunk at a time, so the stage lasts at least chunks * s. With `tasks`, the last chunks add
    half a chunk (c*t/2) to the stage on average."""
    u = model["s_per_task"] if per_task is None else per_task
    s = model["s_per_chunk"] + c * u
    turn = c * t + s + model["round_trip"]
    eff = c * t / max(turn, workers * s)
    if tasks:
        ideal = tasks * t / workers
        eff = ideal / (ideal / eff + c * t / 2)
    return eff


def rule_chunk(model, workers, t):
    """The coordinator's minimum guided chunk (coordinator/src/chunk_rule.cpp), load 0.1."""
    fixed = max(workers * model["s_per_chunk"], model["s_per_chunk"] + model["round_trip"])
    return max(1, math.ceil(fixed / (0.1 * t) * (1 - 1e-9)))


def measure_reduce(args):
    store = bl.store(args, 1, 252)
    count = 1000 if args.quick else 5000
    spec = bl.write_spec(args, "bench_cs_reduce", store, "bollinger",
                         {"window": "{from: 2, to: 101, step: 1}", "k": f"{{from: 0.1, to: 10, count: {count}}}"})
    out = os.path.join(args.work_dir, "bench_cs_reduce.h5")
    rows = []
    for r in range(args.rounds):
        for workers in (1, 2):
            q = run(args, args.quantgrid, spec, out, workers + 1)
            n_rows = q["n_combos"] * q["n_symbols"]
            q.update(round=r, workers=workers, rows=n_rows, reduce_rows_per_s=n_rows / q["reduce_s"],
                     journal_rows_per_s=n_rows / q["journal_s"],
                     rank0_rows_per_s=n_rows / (q["reduce_s"] + q["journal_s"]))
            rows.append(q)
            bl.log(f"  reduce N={workers}: {n_rows:,} rows, stage {q['stage_seconds']:.2f} s; reduce {q['reduce_s']:.3f} s"
                   f" ({q['reduce_rows_per_s'] / 1e6:.2f} M rows/s), journal {q['journal_s']:.3f} s"
                   f" ({q['journal_rows_per_s'] / 1e6:.2f} M rows/s); rank 0 {q['per_chunk_us']:.1f} us/chunk +"
                   f" {q['per_task_us']:.1f} us/task of 128 rows (load {q['load_before']:.1f})")
    bl.remove(out)
    return rows


def measure_broadcast(args):
    out = os.path.join(args.work_dir, "bench_cs_broadcast.h5")
    rows = []
    for r in range(args.rounds):
        for n_symbols in ((10, 100) if args.quick else (10, 100, 500)):
            store = bl.store(args, n_symbols, BROADCAST_BARS)
            spec = bl.write_spec(args, f"bench_cs_broadcast_{n_symbols}", store, "momentum",
                                 {"lookback": "{from: 1, to: 8, step: 1}"})
            for workers in args.workers:
                q = run(args, args.quantgrid, spec, out, workers + 1)
                mb = q["bars"] * 44 / 1e6  # date int32 + 5 float64 fields per bar
                q.update(round=r, workers=workers, ranks=workers + 1, megabytes=mb)
                rows.append(q)
                bl.log(f"  broadcast {mb:6.1f} MB to {workers + 1:>2} ranks: {q['broadcast_s'] * 1e3:8.1f} ms"
                       f" (load {q['load_before']:.1f})")
    bl.remove(out)
    return rows


def raw_queue(args, ranks, tasks):
    """Round trips per second of the raw Boost.MPI queue (bench/mpi_queue) with 832-byte replies,
    the size of a momentum task's result here."""
    exe = os.path.join(args.build_dir, "bench", "mpi_queue", "bench_mpi_queue")
    if not os.access(exe, os.X_OK):
        raise bl.BenchError(f"{exe} not built (cmake --build {args.build_dir} --target bench_mpi_queue)")
    cmd = [bl.MPIEXEC, "-n", str(ranks)] + bl.MPI_FLAGS + [exe, str(tasks), "832"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"round_trips_per_s (\d+)", proc.stdout)
    if proc.returncode != 0 or not m:
        raise bl.BenchError(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}")
    return float(m.group(1))


def measure_queue(args):
    """Tiny tasks one per chunk (--chunk 1, no sleep), 2 and 3 ranks, each round beside the raw
    Boost.MPI queue: the dispatch target of issue 10 (>= 100,000 tasks/s in every round)."""
    n = TASK_STORES[-1]
    spec = dispatch_spec(args, n)
    out = os.path.join(args.work_dir, "bench_cs_queue.h5")
    rows = []
    for r in range(max(args.rounds, 3 if args.quick else 5)):
        for ranks in (2, 3):
            raw = raw_queue(args, ranks, 20 * n)
            q = run(args, args.quantgrid, spec, out, ranks, chunk=1)
            rate = q["tasks"] / q["stage_seconds"]
            q.update(round=r, raw_per_s=raw, tasks_per_s=rate, ratio=rate / raw)
            rows.append(q)
            bl.log(f"  queue -n {ranks} round {r + 1}: quantgrid {rate:,.0f} tasks/s, raw Boost.MPI queue {raw:,.0f}/s,"
                   f" ratio {rate / raw:.2f}; rank 0 {q['busy_s'] / q['chunks'] * 1e6:.1f} us busy per chunk,"
                   f" worker {q['worker_us_per_task']:.1f} us per task (load {q['load_before']:.1f})")
    bl.remove(out)
    return rows


def report_dispatch(rows, model):
    bl.log(f"model constants: rank 0 s = {model['s_per_chunk'] * 1e6:.1f} us per chunk +"
           f" {model['s_per_task'] * 1e6:.2f} us per task; round trip beyond it l = {model['round_trip'] * 1e6:.1f} us")
    bl.log("| task (us) | workers | chunks | tasks | chunks/s | tasks/s | worker us/task | predicted | measured |")
    bl.log("|---|---|---|---|---|---|---|---|---|")
    groups = {}
    for q in rows:
        groups.setdefault((q["task_us"], q["workers"], q["chunk"]), []).append(q)
    for (task_us, workers, chunk), qs in sorted(groups.items()):
        med = {k: bl.median([q[k] for q in qs]) for k in ("stage_seconds", "chunks", "tasks", "worker_us_per_task",
                                                          "measured_eff")}
        c = med["tasks"] / med["chunks"]
        pred = predicted_eff(model, workers, med["worker_us_per_task"] * 1e-6, c, med["tasks"])
        bl.log(f"| {task_us} | {workers} | {'1' if chunk else f'guided ({c:.1f})'} | {med['tasks']:.0f} |"
               f" {med['chunks'] / med['stage_seconds']:,.0f} | {med['tasks'] / med['stage_seconds']:,.0f} |"
               f" {med['worker_us_per_task']:.0f} | {pred * 100:.0f}% | {med['measured_eff'] * 100:.0f}% |")


def extrapolate(model, per_task_128=None):
    """Predicted efficiency at 64, 256 and 1,024 ranks, 200 tasks per worker (for the tail), for
    tasks of 8 records (u of the dispatch runs) and of 128 records (u of the reduce runs)."""
    table = []
    kinds = [("8 records", model["s_per_task"])] + ([("128 records", per_task_128)] if per_task_128 else [])
    bl.log("extrapolation (200 tasks per worker; c = chunk size; rule = the coordinator's minimum guided chunk):")
    for name, u in kinds:
        for ranks in (64, 256, 1024):
            n = ranks - 1
            for t in (1e-3, 10e-3, 100e-3):
                cells = {c: predicted_eff(model, n, t, c, 200 * n, u) for c in (1, 4, 16, 64)}
                rule = rule_chunk(model, n, t)
                cells["rule"] = predicted_eff(model, n, t, rule, 200 * n, u)
                sat = t / (model["s_per_chunk"] + u)
                table.append({"records": name, "ranks": ranks, "task_s": t, "rule_chunk": rule, "per_task_s": u,
                              "saturates_c1": sat, "saturates_any_c": t / u,
                              **{str(k): v for k, v in cells.items()}})
                bl.log(f"  {name:11s} {ranks:>5} ranks, t = {t * 1e3:>5g} ms: " + ", ".join(
                    f"c={k} {v * 100:.0f}%" for k, v in cells.items() if k != "rule") +
                    f"; rule c={rule}: {cells['rule'] * 100:.0f}%; rank 0 saturated from N = {sat:,.0f} (c=1),"
                    f" {t / u:,.0f} (any c)")
    return table


def main():
    def extra(p):
        p.add_argument("--parts", default="dispatch,reduce,broadcast,queue")
        p.add_argument("--workers", default=None, help="worker counts (default 1,2,4,8,16,32; 1,4,16 with --quick)")
        p.add_argument("--task-us", default=None, help="task durations in us (default 0,200,2000)")
    args = bl.parse_args(__doc__.splitlines()[1], extra)
    if "--rounds" not in sys.argv:
        args.rounds = 1
    args.workers = [int(x) for x in (args.workers or ("1,4,16" if args.quick else "1,2,4,8,16,32")).split(",")]
    args.task_us = [int(x) for x in (args.task_us or "0,200,2000").split(",")]
    parts = args.parts.split(",")
    bl.log(f"coordinator scaling: parts {parts}, workers {args.workers}, {args.rounds} round(s); "
           f"load {bl.loadavg():.1f}, {os.cpu_count()} cores")
    figures = {"workers": args.workers, "task_us": args.task_us, "rounds": args.rounds, "quick": args.quick}
    if "dispatch" in parts:
        rows = measure_dispatch(args)
        model = fit_model(rows)
        report_dispatch(rows, model)
        figures.update(dispatch=rows, model=model)
    if "reduce" in parts:
        figures["reduce"] = measure_reduce(args)
    if "dispatch" in parts:
        u128 = bl.median([q["per_task_us"] * 1e-6 for q in figures["reduce"]]) if "reduce" in figures else None
        figures["extrapolation"] = extrapolate(figures["model"], u128)
    if "broadcast" in parts:
        figures["broadcast"] = measure_broadcast(args)
    if "queue" in parts:
        figures["queue"] = measure_queue(args)
    bl.finish("coordinator_scaling", figures)


if __name__ == "__main__":
    try:
        main()
    except bl.BenchError as e:
        sys.exit(f"error: {e}")
