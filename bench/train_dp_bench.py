#!/usr/bin/python3
"""Data-parallel logistic fit: time on 1 rank vs 2 and 3, and peak memory per rank.

    /usr/bin/python3 bench/train_dp_bench.py BUILD_DIR [--quick]

Workload (the issue's): 10^7 rows x 50 features, C = 1, synthetic rows generated inside each
rank from seed 1 (bench/train_dp/train_dp_bench.cpp documents the generator; each rank
generates only its shard). With --quick: 10^6 rows. `mpiexec -n R train_dp_bench` for R = 1, 2,
3; the fit's wall time on rank 0 (after a barrier; generation not counted), Newton steps, and
every rank's peak RSS and CPU seconds in the fit (getrusage; on a shared, loaded machine the
CPU seconds show the split of the work where the wall time shows mostly the load). The model's coefficients must be the same bits at every rank
count, or the script fails. The last line of output is JSON.
"""

import json
import os
import subprocess
import sys


def run(build, ranks, rows):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    cmd = ["mpiexec", "--oversubscribe", "--bind-to", "none", "-n", str(ranks),
           os.path.join(build, "bench", "train_dp", "train_dp_bench"), str(rows), "50", "1", "1.0"]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: train_dp_bench.py BUILD_DIR [--quick]")
    build = os.path.abspath(sys.argv[1])
    rows = 10**6 if "--quick" in sys.argv[2:] else 10**7
    load_before = os.getloadavg()[0]
    results = {}
    for ranks in (1, 2, 3):
        r = run(build, ranks, rows)
        print(json.dumps(r), file=sys.stderr)
        results[ranks] = r
    first = results[1]
    for r in results.values():
        if (r["coef"], r["intercept"]) != (first["coef"], first["intercept"]):
            sys.exit(f"the model differs at {r['ranks']} ranks: {r['coef']} vs {first['coef']}")
    summary = {
        "rows": rows, "features": 50, "iterations": first["iterations"],
        "load_before": load_before, "cores": os.cpu_count(),
        "fit_seconds": {str(k): v["fit_seconds"] for k, v in results.items()},
        "speedup": {str(k): first["fit_seconds"] / v["fit_seconds"] for k, v in results.items()},
        "peak_rss_mb": {str(k): v["peak_rss_mb"] for k, v in results.items()},
        "fit_cpu_seconds": {str(k): v.get("fit_cpu_seconds") for k, v in results.items()},
        "same_bits_at_every_rank_count": True,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
