#!/usr/bin/env bash
# Runs every benchmark of quantgrid and prints a markdown summary (figures: docs/performance.md).
#   scripts/run-bench.sh BUILD_DIR [--quick]
# BUILD_DIR must hold the quantgrid and bench_kernels binaries (`make bench` builds them).
# Scratch data goes to BUILD_DIR/bench-data; the full run takes about 12 minutes on 2 cores.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "usage: $0 BUILD_DIR [--quick]" >&2
  exit 1
fi
build=$(cd "$1" && pwd)
shift
quick=()
if [ "${1:-}" = "--quick" ]; then quick=(--quick); fi
here=$(cd "$(dirname "$0")/.." && pwd)

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 TERM=dumb
# OpenBLAS mis-detects some virtualised AVX-512 CPUs and falls back to slow kernels.
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-SkylakeX}; fi

py=/usr/bin/python3   # Debian's interpreter has numpy and h5py
[ -x "$py" ] || py=python3
for bin in "$build/quantgrid" "$build/bench/kernels/bench_kernels"; do
  [ -x "$bin" ] || { echo "error: $bin not built" >&2; exit 1; }
done

data="$build/bench-data"
mkdir -p "$data"
logs="$data/logs"
mkdir -p "$logs"
start=$(date +%s)

# bench_json SCRIPT [ARGS...]: runs bench/SCRIPT on the build (log in $logs) and prints the log's last
# line, the figures as JSON; on failure prints the log and returns 1.
bench_json() {
  local script=$1; shift
  local log
  log="$logs/$(basename "$script" .py).log"
  echo "running bench/$script ..." >&2
  if ! "$py" "$here/bench/$script" "$build" "${quick[@]}" "$@" >"$log" 2>&1; then
    echo "error: bench/$script failed; its log:" >&2
    cat "$log" >&2
    return 1
  fi
  tail -n 1 "$log"
}

echo "## quantgrid benchmarks ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc --all) cores, load $(cut -d' ' -f1 /proc/loadavg))"
echo
echo "### Kernel microbenchmarks (bench_kernels, one core)"
echo
min_time=0.2
[ ${#quick[@]} -gt 0 ] && min_time=0.05
"$build/bench/kernels/bench_kernels" --benchmark_min_time=$min_time --benchmark_format=csv 2>"$logs/bench_kernels.err" \
  >"$logs/bench_kernels.csv"
echo "| benchmark | time per iteration (us) | M bar-evaluations/s |"
echo "|---|---|---|"
"$py" - "$logs/bench_kernels.csv" <<'EOF'
import csv, sys
with open(sys.argv[1]) as f:
    lines = [l for l in f if l.startswith('name,') or l.startswith('"BM_')]
for row in csv.DictReader(lines):
    ips = float(row["items_per_second"] or 0)
    print(f"| {row['name']} | {float(row['real_time']) / 1e3:.1f} | {ips / 1e6:.0f} |")
EOF
echo

declare -A json
json[sweep_throughput]=$(bench_json sweep_throughput.py --kind all) || exit 1
for b in scaling dispatch memory; do
  json[$b]=$(bench_json $b.py) || exit 1
done

"$py" - "${json[sweep_throughput]}" "${json[scaling]}" "${json[dispatch]}" "${json[memory]}" <<'EOF'
import json, sys
t, s, d, m = (json.loads(a) for a in sys.argv[1:5])
def ok(cond): return "met" if cond else "missed"
print("### End-to-end (median of interleaved rounds; ratios of the whole `quantgrid run` process pinned to one core)")
print()
print("| measurement | quantgrid | reference | ratio | target |")
print("|---|---|---|---|---|")
print(f"| sweep throughput, sma_crossover {t['combos']:,} combos x {t['bars']} bars x {t['symbols']} symbols, 1 core "
      f"| {t['quantgrid_bar_evals_per_s_per_core'] / 1e6:.0f} M bar-evals/s "
      f"| NumPy {t['numpy_bar_evals_per_s_per_core'] / 1e6:.1f} M/s | **{t['ratio']:.1f}x** "
      f"| >= 20x: {ok(t['ratio'] >= 20)} |")
for k in t.get("kinds", [])[1:]:
    print(f"| sweep throughput, {k['kind']} {k['combos']:,} combos, 1 core "
          f"| {k['quantgrid_process_bar_evals_per_s'] / 1e6:.0f} M bar-evals/s "
          f"| NumPy {k['numpy_bar_evals_per_s'] / 1e6:.1f} M/s | **{k['ratio_process']:.1f}x** "
          f"| >= 10x: {ok(k['ratio_process'] >= 10)} |")
print(f"| scaling, 2 workers vs 1 ({s['symbols']} symbols, {s['tasks']} tasks) "
      f"| {s['t_2workers_s']:.2f} s | 1 worker {s['t_1worker_s']:.2f} s "
      f"| **{s['parallel_efficiency'] * 100:.0f}%** efficiency | >= 90%: {ok(s['parallel_efficiency'] >= 0.9)} |")
print(f"| one process, all cores (--threads 0) | {s['t_1process_all_cores_s']:.2f} s | 1 worker {s['t_1worker_s']:.2f} s "
      f"| {s['efficiency_1process_all_cores'] * 100:.0f}% efficiency | |")
for key, label in (("mpi_np2_per_s", "mpiexec -n 2"), ("mpi_np3_per_s", "mpiexec -n 3"),
                   ("in_process_per_s", "one process")):
    print(f"| dispatch, --chunk 1, {d['tasks']:,} tasks, {label} | {d[key]:,.0f} round trips/s "
          f"| raw Boost.MPI queue 3-8e5/s | {d[key] / 5e5:.2f}x of 5e5 | >= 100,000/s: {ok(d[key] >= 1e5)} |")
print(f"| coordinator peak RSS, {m['rows']:,} rows | {m['coordinator_peak_rss_mb']:.0f} MB "
      f"| worker {m['worker_peak_rss_mb']:.0f} MB; run file {m['output_file_mb']:.0f} MB | | a few hundred MB: "
      f"{ok(m['coordinator_peak_rss_mb'] < 500)} |")
print()
EOF
echo "Logs and JSON: $logs/ ($(($(date +%s) - start)) s in all)"

# ---- Start-up, the columnar store, whole-process efficiency (bench/store_startup.py) ----
figures=$(bench_json store_startup.py) || exit 1
"$py" - "$figures" <<'EOF'
import json, sys
s = json.loads(sys.argv[1])
def ok(cond): return "met" if cond else "missed"
print("### Start-up and the store (whole `quantgrid run` process, median wall)")
print()
print("| run | wall | target |")
print("|---|---|---|")
print(f"| one task (1 symbol, 1 parameter set, run file written), no MPI launcher | {s['one_task_s'] * 1e3:.1f} ms "
      f"| <= 50 ms: {ok(s['one_task_s'] <= 0.05)} |")
print(f"| sweep over all symbols of a {s['many_symbols']:,}-symbol x 40-bar store | {s['many_symbols_s']:.2f} s "
      f"| <= 2 s: {ok(s['many_symbols_s'] <= 2.0)} |")
for key, n in (("eight", 8), ("big", s["big_symbols"])):
    target = lambda e: f">= 90%: {ok(e >= 0.9)}" if key == "eight" else ""
    e1, em = s[f"efficiency_{key}_1process"], s[f"efficiency_{key}_mpi"]
    print(f"| {n}-symbol sma sweep, one process, 2 cores vs 1 core "
          f"({s[f'{key}_1process_1core_s']:.2f} s, harmonic mean of the two) "
          f"| {s[f'{key}_1process_2cores_s']:.2f} s, **{e1 * 100:.0f}%** efficiency | {target(e1)} |")
    print(f"| {n}-symbol sma sweep, mpiexec -n 3 --threads 1, 2 cores vs 1 core ({s[f'{key}_mpi_1core_s']:.2f} s) "
          f"| {s[f'{key}_mpi_2cores_s']:.2f} s, **{em * 100:.0f}%** efficiency "
          f"(the empty MPI job caps it near {s[f'efficiency_{key}_mpi_ceiling'] * 100:.0f}%) | {target(em)} |")
print(f"| an MPI job that does nothing, mpiexec -n 3, 2 cores / 1 core | {s['mpi_floor_2cores_s']:.2f} / "
      f"{s['mpi_floor_1core_s']:.2f} s | |")
print()
EOF

# ---- Monte Carlo VaR (bench/var/var_bench.py; figures in docs/var.md) ----
figures=$(bench_json var/var_bench.py) || exit 1
"$py" - "$figures" <<'EOF'
import json, sys
v = json.loads(sys.argv[1])
print("### Monte Carlo VaR, one core (`--threads 1`, both passes of the exact plan) vs NumPy (one pass)")
print()
print("| book | scenarios | quantgrid scen/s | NumPy scen/s | ratio |")
print("|---|---|---|---|---|")
for name, c in v["cases"].items():
    print(f"| {name} | {c['scenarios']:,} | {c['quantgrid_scen_per_s']:,} | {c['numpy_scen_per_s']:,} | **{c['speedup']:.2f}x** |")
for n in (100, 500):
    g = v.get(f"block_dgemm_n{n}")
    if g:
        print(f"| block DGEMM 4096x{n}x{n} | | {g['gflops']:.1f} GFLOP/s | peak {v['dgemm_peak_gflops']} GFLOP/s "
              f"| {g['share_of_peak'] * 100:.0f}% of peak |")
print()
EOF

# ---- Walk-forward (bench/walkforward_bench.py; figures in docs/performance.md) ----
figures=$(bench_json walkforward_bench.py) || exit 1
"$py" - "$figures" <<'EOF'
import json, sys
w = json.loads(sys.argv[1])
def ok(cond): return "met" if cond else "missed"
print(f"### Walk-forward, sma_crossover {w['combos']:,} combos x {w['bars']} bars, W_is {w['in_sample']}, "
      f"W_oos {w['out_of_sample']}, {w['windows']} windows, PBO S = {w['pbo_blocks']} ({w['splits']:,} splits)")
print()
print("| run | median wall (s) | reference | ratio | target |")
print("|---|---|---|---|---|")
print(f"| quantgrid, 1 process, --threads 1 | {w['quantgrid_1thread_wall_median_s']:.3f} "
      f"| NumPy 1 thread {w['numpy_median_s']:.2f} s | **{w['ratio_per_core']:.1f}x** | >= 20x per core: "
      f"{ok(w['ratio_per_core'] >= 20)} |")
print(f"| quantgrid, 1 process, --threads 2 | {w['quantgrid_2threads_wall_median_s']:.3f} | | | < 1 s on 2 cores: "
      f"{ok(w['quantgrid_2threads_wall_median_s'] < 1.0)} |")
print(f"| mpiexec -n 3 (2 workers) | {w['quantgrid_mpi3_wall_median_s']:.3f} | | | |")
for label, rate in sorted(w["pbo_splits_per_s"].items()):
    print(f"| PBO splits alone, {label} (coordinator log, 0.1 s resolution) | {rate:,.0f} splits/s | | | |")
print()
EOF

# ---- Model training (bench/train_bench.py; figures in docs/performance.md) ----
figures=$(bench_json train_bench.py) || exit 1
"$py" - "$figures" <<'EOF'
import json, sys
t = json.loads(sys.argv[1])
def ok(cond): return "met" if cond else "missed"
print(f"### Model training, {t['samples']:,} samples x {t['features']} features, vs scikit-learn GridSearchCV(n_jobs=2)")
print()
print("| case | scikit-learn fit (s) | quantgrid process (s) | ratio | isolated singleton (s) | ratio | job alone (s) | ratio | target |")
print("|---|---|---|---|---|---|---|---|---|")
for name, c in sorted(t["cases"].items()):
    print(f"| {name} ({c['sets']} sets) | {c['sklearn_fit_median_s']:.3f} | {c['quantgrid_wall_median_s']:.3f} "
          f"| **{c['ratio']:.1f}x** | {c['quantgrid_isolated_wall_median_s']:.3f} | {c['ratio_isolated']:.1f}x "
          f"| {c['quantgrid_elapsed_median_s']:.3f} | {c['ratio_elapsed']:.1f}x | >= 10x (process): {ok(c['ratio'] >= 10)} |")
print()
EOF

# ---- Data-parallel fit (bench/train_dp_bench.py; figures in docs/performance.md) ----
if [ -x "$build/bench/train_dp/train_dp_bench" ]; then
  figures=$(bench_json train_dp_bench.py) || exit 1
  "$py" - "$figures" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
print(f"### Data-parallel logistic fit, {d['rows']:,} rows x {d['features']} features ({d['iterations']} Newton steps)")
print()
print("| ranks | fit wall (s) | speed-up vs 1 rank | fit CPU per rank (s) | peak RSS per rank (MB) |")
print("|---|---|---|---|---|")
for r in ("1", "2", "3"):
    cpu = ", ".join(str(c) for c in (d["fit_cpu_seconds"][r] or []))
    print(f"| {r} | {d['fit_seconds'][r]:.2f} | {d['speedup'][r]:.2f}x | {cpu} | {', '.join(str(m) for m in d['peak_rss_mb'][r])} |")
print()
print(f"Model the same bits at every rank count: {d['same_bits_at_every_rank_count']}.")
print()
EOF
fi

# ---- Live node latency (bench/live/live_bench; figures in docs/operations.md) ----
if [ -x "$build/bench/live/live_bench" ]; then
  echo "running bench/live/live_bench ..." >&2
  live_args=(--bars 2000 --promotions 50 --rate 1000)
  [ ${#quick[@]} -gt 0 ] && live_args=(--bars 300 --promotions 10 --rate 1000)
  echo "### Live node latency (live_bench ${live_args[*]}, microseconds)"
  echo
  echo '```'
  "$build/bench/live/live_bench" "${live_args[@]}" 2>"$logs/live_bench.log"
  echo '```'
  echo
fi
