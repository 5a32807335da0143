#!/usr/bin/python3
"""Large outputs: the single-writer run file vs parallel HDF5 (issue 13, "Large outputs").

    /usr/bin/python3 bench/parallel_hdf5.py [--rows N] [--ranks 3] [--hdf5-root DIR] [--work-dir DIR]

Compiles bench/parallel_hdf5/table_write.cpp with mpicxx against parallel HDF5 (Debian's
libhdf5-openmpi-dev: headers in DIR/usr/include/hdf5/openmpi, library in
DIR/usr/lib/x86_64-linux-gnu/hdf5/openmpi; DIR defaults to / and may be a folder where the
two .deb files were unpacked with `dpkg-deb -x`, which leaves the system's serial HDF5 and its
alternatives untouched), then writes N rows (default 10^8, ~12 GB) of the sweep row layout
under --ranks ranks, (a) single writer, (b) collective parallel writes, alternating, and
prints rows/s, file size and commit time of each, then a JSON line. Each file is deleted
after its run; the script refuses to start without 2.2x the file size free.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

ROW_BYTES = 120  # 2 int64 + 13 float64 columns (docs/hdf5-schema.md, /sweep of a 2-parameter strategy)
HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def compile_bench(root, out):
    inc = os.path.join(root, "usr/include/hdf5/openmpi")
    lib = os.path.join(root, "usr/lib/x86_64-linux-gnu/hdf5/openmpi")
    if not os.path.exists(os.path.join(inc, "hdf5.h")):
        sys.exit(f"no parallel HDF5 under {root} (install libhdf5-openmpi-dev, or unpack it and pass --hdf5-root)")
    cmd = ["mpicxx", "-O2", "-std=c++20", "-I" + inc, os.path.join(HERE, "parallel_hdf5/table_write.cpp"),
           "-L" + lib, "-Wl,-rpath," + lib, "-Wl,-rpath," + os.path.join(root, "usr/lib/x86_64-linux-gnu"),
           "-lhdf5", "-o", out]
    subprocess.run(cmd, check=True)


def run(binary, mode, rows, ranks, path):
    cmd = ["mpiexec", "--oversubscribe", "--bind-to", "none", "-n", str(ranks), binary, mode, str(rows), path]
    try:
        proc = subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV)
    finally:
        if os.path.exists(path):
            os.remove(path)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument("--rows", type=int, default=10**8)
    p.add_argument("--ranks", type=int, default=3)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--hdf5-root", default="/")
    p.add_argument("--work-dir", default="/tmp/qg-parallel-hdf5")
    args = p.parse_args()
    os.makedirs(args.work_dir, exist_ok=True)
    need = int(args.rows * ROW_BYTES * 1.1)
    free = shutil.disk_usage(args.work_dir).free
    if free < 2 * need:
        sys.exit(f"{args.work_dir}: {free / 1e9:.1f} GB free, {2 * need / 1e9:.1f} GB needed")
    binary = os.path.join(args.work_dir, "table_write")
    compile_bench(args.hdf5_root, binary)
    results = []
    for _ in range(args.rounds):
        for mode in ("single", "parallel"):
            r = run(binary, mode, args.rows, args.ranks, os.path.join(args.work_dir, f"{mode}.h5"))
            print(f"{mode:8s} {r['rows']:>11,} rows  {r['rows_per_s']:>10,.0f} rows/s  write {r['write_s']:7.2f} s  "
                  f"commit {r['commit_s']:6.2f} s  {r['file_bytes'] / 1e9:6.2f} GB", flush=True)
            results.append(r)
    print(json.dumps({"load": os.getloadavg()[0], "runs": results}))


if __name__ == "__main__":
    main()
