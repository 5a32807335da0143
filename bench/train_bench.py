#!/usr/bin/python3
"""Train job: quantgrid against scikit-learn's GridSearchCV on the same grid and folds.

    /usr/bin/python3 bench/train_bench.py BUILD_DIR [--quick] [--rounds N] [--no-wait]

Workload (the issue's): ttrc-sized data, `quantgrid data generate --symbols 1 --bars 5550
--seed 1` (5,530 samples), 13 features (ret_lag_1..10, vol_5, vol_20, rsi_14), one-bar
targets; four cases:
  ridge, 17 alphas logspace(-3, 5), scoring mse:        5-fold time-series CV | purged 5-fold (purge 1, embargo 20)
  logistic, 13 Cs logspace(-4, 2), next_up, log_loss:   5-fold time-series CV | purged 5-fold (purge 1, embargo 20)
With --quick: 2,000 bars and 2 rounds.

* quantgrid: the whole `quantgrid run` process (start-up, data load, features, every fold,
  selection, out-of-fold predictions, refit, file commit), wall time, one process with
  `--threads 2`; once as is and once with OMPI_MCA_ess_singleton_isolated=1, which spares Open
  MPI's singleton start-up its `orted` daemon (a run without mpiexec needs none). The run
  file's `elapsed_seconds` (the job itself: plan, stages, commit) is reported as well.
* scikit-learn: GridSearchCV(Pipeline(StandardScaler, Ridge | LogisticRegression(newton-cholesky,
  tol 1e-10)), cv=the same splits, n_jobs=2, refit=True).fit(X, y) timed with perf_counter in
  this process, from features already in memory (pandas, as tests/e2e/check_train_sklearn.py
  builds them): data loading and feature building are not counted for scikit-learn.

Before timing counts, every case checks that both choose the same hyper-parameter and that the
refitted coefficients agree to 1e-8 relative; a difference fails the script. Rounds interleave;
medians are compared. The last line of output is JSON.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402  (sets the thread env vars before numpy is imported)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import time  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import check_train_sklearn as ref  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "python"))
import quantgrid_results as qr  # noqa: E402

BARS, QUICK_BARS = 5550, 2000
FEATURES = [{"kind": "lagged_returns", "lags": 10}, {"kind": "volatility", "window": 5},
            {"kind": "volatility", "window": 20}, {"kind": "rsi", "period": 14}]
CV = {"time_series": {"kind": "time_series", "n_splits": 5},
      "purged_kfold": {"kind": "purged_kfold", "n_splits": 5, "purge": 1, "embargo": 20}}
MODELS = {"ridge": ("alpha", {"from": 0.001, "to": 100000, "count": 17, "log": True}, "next_return", "mse"),
          "logistic": ("C", {"from": 0.0001, "to": 100, "count": 13, "log": True}, "next_up", "log_loss")}


def yaml_map(d):
    return "{" + ", ".join(f"{k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in d.items()) + "}"


def write_spec(args, store_path, model, cv):
    param, grid, target, scoring = MODELS[model]
    name = f"bench_train_{model}_{cv}"
    out = os.path.join(args.work_dir, name + ".h5")
    lines = ["job: train", f"name: {name}", f"data: {{file: {store_path}, symbols: [SYN000]}}", "features:"]
    lines += [f"  - {yaml_map(f)}" for f in FEATURES]
    lines += [f"target: {target}", f"model: {{kind: {model}, params: {{{param}: {yaml_map(grid)}}}}}",
              f"cv: {yaml_map(CV[cv])}", f"scoring: {scoring}", f"output: {out}", ""]
    path = os.path.join(args.work_dir, name + ".yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    return path, out


def problem(store_path, model, cv):
    """Features, labels, splits and the GridSearchCV of a case, built independently of quantgrid."""
    param, grid, target, scoring = MODELS[model]
    with h5py.File(store_path, "r") as f:
        close = qr.store_column(f, "SYN000", "close")
    x_all = ref.feature_columns(close, FEATURES)
    first, last = int(np.argmax(~np.isnan(x_all).any(axis=1))), len(close) - 2
    x = x_all[first:last + 1]
    ret = close[first + 1:last + 2] / close[first:last + 1] - 1
    y = ret if target == "next_return" else (ret > 0).astype(float)
    est = Ridge() if model == "ridge" else LogisticRegression(solver="newton-cholesky", tol=1e-10, max_iter=1000)
    search = GridSearchCV(Pipeline([("s", StandardScaler()), ("m", est)]), {"m__" + param: ref.grid_values(grid)},
                          cv=ref.splits_of(CV[cv], len(y), 1), scoring=ref.SCORERS[scoring], n_jobs=2, refit=True)
    return x, y, search


def check_same(out, search, case):
    with h5py.File(out, "r") as f:
        best = int(f["train/best/param_index"][0])
        coef = f["train/model/coef_standardized"][:]
        intercept = float(f["train/model/intercept_standardized"][0])
    if best != search.best_index_:
        raise bl.BenchError(f"{case}: quantgrid chose set {best}, scikit-learn {search.best_index_}")
    m = search.best_estimator_["m"]
    want = np.append(np.ravel(m.coef_), np.ravel([m.intercept_])[0])
    err = np.max(np.abs(np.append(coef, intercept) - want)) / np.max(np.abs(want))
    if err > 1e-8:
        raise bl.BenchError(f"{case}: coefficients differ by {err:.2e} relative")
    return err


def main():
    args = bl.parse_args(__doc__.splitlines()[1])
    bars = QUICK_BARS if args.quick else BARS
    store_path = bl.store(args, 1, bars)
    cases = [(m, c) for m in MODELS for c in CV]
    specs = {case: write_spec(args, store_path, *case) for case in cases}
    problems = {case: problem(store_path, *case) for case in cases}
    times = {case: {"quantgrid": [], "isolated": [], "elapsed": [], "sklearn": []} for case in cases}
    errors = {}
    for r in range(args.rounds + 1):  # round 0 warms caches and joblib's workers, and checks results
        for case in cases:
            spec, out = specs[case]
            info = bl.run_quantgrid(args, spec, out, threads=2)
            os.environ["OMPI_MCA_ess_singleton_isolated"] = "1"
            isolated = bl.run_quantgrid(args, spec, out, threads=2)
            del os.environ["OMPI_MCA_ess_singleton_isolated"]
            x, y, search = problems[case]
            if getattr(args, "wait_quiet", True):
                bl.wait_for_quiet()
            t0 = time.perf_counter()
            search.fit(x, y)
            t_sk = time.perf_counter() - t0
            if r == 0:
                errors[case] = check_same(out, search, f"{case[0]}/{case[1]}")
                continue
            times[case]["quantgrid"].append(info["wall_seconds"])
            times[case]["isolated"].append(isolated["wall_seconds"])
            times[case]["elapsed"].append(isolated["elapsed_seconds"])
            times[case]["sklearn"].append(t_sk)
    figures = {"bars": bars, "samples": int(len(problems[cases[0]][1])), "features": 13, "rounds": args.rounds,
               "cases": {}}
    bl.log(f"train: {bars} bars, {figures['samples']} samples, 13 features, {args.rounds} rounds (medians)")
    for case in cases:
        q, s = bl.median(times[case]["quantgrid"]), bl.median(times[case]["sklearn"])
        qi, qe = bl.median(times[case]["isolated"]), bl.median(times[case]["elapsed"])
        name = f"{case[0]}_{case[1]}"
        figures["cases"][name] = {"quantgrid_wall_median_s": q, "sklearn_fit_median_s": s, "ratio": s / q,
                                  "quantgrid_isolated_wall_median_s": qi, "ratio_isolated": s / qi,
                                  "quantgrid_elapsed_median_s": qe, "ratio_elapsed": s / qe,
                                  "quantgrid_spread": bl.spread(times[case]["quantgrid"]),
                                  "sklearn_spread": bl.spread(times[case]["sklearn"]),
                                  "sets": MODELS[case[0]][1]["count"], "coef_rel_error": errors[case]}
        bl.log(f"  {name:24s} scikit-learn {s:.3f} s; quantgrid process {q:.3f} s ({s / q:.1f}x), "
               f"isolated singleton {qi:.3f} s ({s / qi:.1f}x), job {qe:.3f} s ({s / qe:.1f}x); "
               f"coefficients agree to {errors[case]:.1e}")
    bl.finish("train_bench", figures)


if __name__ == "__main__":
    main()
