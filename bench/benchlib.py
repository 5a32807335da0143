"""Shared helpers of the end-to-end benchmarks in bench/ (see docs/performance.md).

Each benchmark script runs the real `quantgrid` binary of a build directory on synthetic
market data, reads the figures the run file records (`stage_seconds`: coordinator time from
the stage start to the last reduce, without process start-up, data loading or the file
commit) and prints a human summary followed by one final line of JSON.

Data and run files go to BUILD_DIR/bench-data/ (or --work-dir), never into the source tree.
"""

import os
import sys

# Single-threaded NumPy/OpenBLAS, set before numpy is imported anywhere; MPI as root.
for _k, _v in (("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "1"), ("MKL_NUM_THREADS", "1"),
               ("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
               ("OMPI_MCA_rmaps_base_oversubscribe", "1"), ("TERM", "dumb")):
    os.environ.setdefault(_k, _v)
# The strongest NumPy on this CPU: OpenBLAS's AVX-512 kernels where the CPU has AVX-512, whatever
# OPENBLAS_CORETYPE the environment exports (a machine exporting Haswell would hand NumPy kernels
# of about 0.6x the DGEMM rate). quantgrid's processes inherit the same.
try:
    with open("/proc/cpuinfo") as _f:
        if " avx512f" in _f.read():
            os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
except OSError:
    pass
sys.dont_write_bytecode = True

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

try:
    import h5py  # noqa: E402
    import numpy as np  # noqa: E402
except ImportError:  # the pyenv python3 on PATH lacks them; Debian's interpreter has them
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

MPIEXEC = shutil.which("mpiexec") or "mpiexec"
MPI_FLAGS = ["--oversubscribe", "--bind-to", "none", "-x", "TERM=dumb", "-x", "OPENBLAS_NUM_THREADS"]


class BenchError(RuntimeError):
    """A benchmark run failed or its results are wrong."""


def parse_args(description, extra=None):
    """Common command line: BUILD_DIR, --quick, --rounds, --work-dir, --keep."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("build_dir", help="build directory holding the quantgrid binary")
    p.add_argument("--quick", action="store_true", help="short smoke run (smaller sizes, fewer rounds)")
    p.add_argument("--rounds", type=int, default=None, help="measured rounds (default 5, 2 with --quick)")
    p.add_argument("--work-dir", default=None, help="scratch directory (default BUILD_DIR/bench-data)")
    p.add_argument("--no-wait", dest="wait_quiet", action="store_false",
                   help="do not wait (up to 30 s) for an idle machine before each run")
    if extra:
        extra(p)
    args = p.parse_args()
    if args.rounds is None:
        args.rounds = 2 if args.quick else 5
    args.build_dir = os.path.abspath(args.build_dir)
    args.quantgrid = os.path.join(args.build_dir, "quantgrid")
    if not os.access(args.quantgrid, os.X_OK):
        sys.exit(f"error: {args.quantgrid} not found or not executable (build the quantgrid target first)")
    args.work_dir = os.path.abspath(args.work_dir or os.path.join(args.build_dir, "bench-data"))
    os.makedirs(args.work_dir, exist_ok=True)
    return args


def log(*parts):
    print(*parts, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def _cpu_times():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]   # total, idle + iowait


def idle_cores(seconds=0.5):
    """Cores left idle by the rest of the machine over a short sample."""
    t0, i0 = _cpu_times()
    time.sleep(seconds)
    t1, i1 = _cpu_times()
    return (os.cpu_count() or 1) * (i1 - i0) / max(1, t1 - t0)


def wait_for_quiet(max_wait=30.0, need=None):
    """Waits (up to max_wait s) until the machine is nearly idle, so a round is not measured
    while another job holds a core. Returns the idle cores seen last; the round runs anyway."""
    need = (os.cpu_count() or 1) - 0.25 if need is None else need
    deadline = time.monotonic() + max_wait
    while True:
        idle = idle_cores()
        if idle >= need or time.monotonic() >= deadline:
            return idle


def median(values):
    return statistics.median(values)


def spread(values):
    """'min-max' of a list, for the summary lines."""
    return f"{min(values):.4g}-{max(values):.4g}"


def store(args, n_symbols, n_bars, seed=1):
    """A synthetic market store, generated once per (symbols, bars, seed) and reused."""
    path = os.path.join(args.work_dir, f"store_{n_symbols}x{n_bars}_s{seed}.h5")
    if not os.path.exists(path):
        subprocess.run([args.quantgrid, "data", "generate", "--symbols", str(n_symbols), "--bars", str(n_bars),
                        "--seed", str(seed), "--out", path], check=True, stdout=subprocess.DEVNULL)
    return path


def write_spec(args, name, store_path, kind, params, mode="long_flat", where=None,
               commission_bps=1.0, slippage_bps=4.0, overfitting=False):
    """Writes a sweep spec; `params` maps a parameter name to its YAML value form (a string).
    The overfitting statistics (on by default in a sweep) are off unless asked for: the references
    the benchmarks compare with compute the sweep's metrics only."""
    lines = ["job: sweep", f"name: {name}", f"data: {{file: {store_path}, symbols: all}}", "strategy:",
             f"  kind: {kind}", f"  mode: {mode}", "  params:"]
    lines += [f"    {k}: {v}" for k, v in params.items()]
    if where:
        lines.append(f"  where: [{', '.join(where)}]")
    lines += ["search: {method: grid}", f"costs: {{commission_bps: {commission_bps}, slippage_bps: {slippage_bps}}}",
              "rank_by: sharpe", f"output: {os.path.join(args.work_dir, name + '.h5')}"]
    if not overfitting:
        lines.append("overfitting: false")
    lines.append("")
    path = os.path.join(args.work_dir, name + ".yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path


def _children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_quantgrid(args, spec, output, ranks=None, threads=1, chunk=None, extra=(), mpi_extra=()):
    """Runs one sweep and returns the run file's timing attributes plus wall and CPU seconds.

    ranks=None runs one process (in-process transport); otherwise `mpiexec -n ranks`.
    """
    cmd = [args.quantgrid, "run", spec, "--output", output, "--overwrite", "--threads", str(threads),
           "--no-progress", "--log-level", "warn"]
    if chunk is not None:
        cmd += ["--chunk", str(chunk)]
    cmd += list(extra)
    if ranks is not None:
        cmd = [MPIEXEC, "-n", str(ranks)] + MPI_FLAGS + list(mpi_extra) + cmd
    load = loadavg()
    idle = wait_for_quiet() if getattr(args, "wait_quiet", True) else idle_cores(0.2)
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    if proc.returncode != 0:
        raise BenchError(f"quantgrid failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout[-4000:]}")
    info = read_attrs(output)
    info.update(wall_seconds=wall, cpu_seconds=cpu, load_before=load, idle_cores_before=idle, command=" ".join(cmd))
    return info


def read_attrs(path):
    """Timing and size attributes of a run file (the /sweep ones only for a sweep)."""
    with h5py.File(path, "r") as f:
        a = f.attrs
        out = {"stage_seconds": float(a["stage_seconds"]), "elapsed_seconds": float(a["elapsed_seconds"]),
               "ranks": int(a["ranks"]), "threads": int(a["threads"])}
        if "sweep" in f:
            g = f["sweep"].attrs
            out.update(n_combos=int(g["n_combos"]), n_symbols=int(g["n_symbols"]), failed_tasks=int(g["failed_tasks"]))
        return out


def command_line(args, spec, ranks=None, threads=1, chunk=None):
    """The command as a reader would type it (for docs/performance.md)."""
    rel = os.path.relpath(args.quantgrid)
    c = f"{rel} run {os.path.basename(spec)} --output OUT.h5 --overwrite --threads {threads}"
    if chunk is not None:
        c += f" --chunk {chunk}"
    c += " --no-progress"
    if ranks is not None:
        c = f"mpiexec -n {ranks} --oversubscribe --bind-to none -x TERM=dumb {c}"
    return c


def finish(name, figures):
    """Prints the final JSON line every benchmark ends with."""
    figures = dict(figures, benchmark=name, load_at_end=loadavg())
    print(json.dumps(figures, sort_keys=True), flush=True)


def remove(*paths):
    """Removes run files or market stores with their journal, claim and any temporary left by an
    interrupted writer (PATH.tmp-HOST-PID, and a store's PATH.tmp-HOST-PID.scratch)."""
    import glob

    for p in paths:
        for q in [p, p + ".tmp", p + ".journal", p + ".lock"] + glob.glob(glob.escape(p) + ".tmp-*"):
            try:
                os.remove(q)
            except FileNotFoundError:
                pass
