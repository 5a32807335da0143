#!/usr/bin/python3
"""Cross-checks a `job: train` run file against pandas and scikit-learn, computed independently here.

From the run's own spec text (root attribute spec_text) and its market store, this script
rebuilds the features with pandas (pct_change, rolling std/mean/skew, Wilder's RSI as a loop),
the samples and labels, and the splits (scikit-learn's TimeSeriesSplit; purged k-fold with
numpy.array_split written here), then runs GridSearchCV(Pipeline(StandardScaler, model),
n_jobs=2) over the same grid and folds and checks:
  - the grid equals numpy.logspace / linspace points (1e-12 relative);
  - every fold's scores in /train/cv (1e-8 relative);
  - the same chosen hyper-parameter set (/train/best);
  - the refitted scaler, coefficients and intercepts in /train/model (1e-8 relative);
  - the out-of-fold predictions in /train/oos (1e-8 relative).
Usage: check_train_sklearn.py RUN.h5 [--store PATH]   (exit 0 when everything agrees)
"""
import argparse
import os
import sys

import h5py
import numpy as np
import pandas as pd
import yaml
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results", "python"))
import quantgrid_results as qr  # noqa: E402  (the store layouts live in one place)

TOL = 1e-8
SCORERS = {"mse": "neg_mean_squared_error", "r2": "r2", "log_loss": "neg_log_loss", "accuracy": "accuracy",
           "roc_auc": "roc_auc"}
SIGN = {"mse": -1.0, "log_loss": -1.0}


def wilder_rsi(close, p):
    d = np.diff(close, prepend=np.nan)
    gain, loss = np.where(d > 0, d, 0.0), np.where(d < 0, -d, 0.0)
    out = np.full(len(close), np.nan)
    ag, al = gain[1:p + 1].mean(), loss[1:p + 1].mean()
    for t in range(p, len(close)):
        if t > p:
            ag = ag * (1 - 1 / p) + gain[t] / p
            al = al * (1 - 1 / p) + loss[t] / p
        out[t] = 100 * ag / (ag + al) if ag + al > 0 else 50.0
    return out


def feature_columns(close, features):
    c = pd.Series(close)
    r = c.pct_change()
    cols = []
    for f in features:
        kind = f["kind"]
        if kind == "lagged_returns":
            cols += [r.shift(k - 1).to_numpy() for k in range(1, f["lags"] + 1)]
        elif kind == "volatility":
            cols.append(r.rolling(f["window"]).std().to_numpy())
        elif kind == "rsi":
            cols.append(wilder_rsi(close, f["period"]))
        elif kind == "sma_ratio":
            cols.append((c / c.rolling(f["window"]).mean() - 1).to_numpy())
        elif kind == "zscore":
            sd = c.rolling(f["window"]).std()
            cols.append(((c - c.rolling(f["window"]).mean()) / sd.where(sd > 0)).fillna(0).to_numpy())
        elif kind == "skew":
            cols.append(r.rolling(f["window"]).skew().to_numpy())
        else:
            raise SystemExit(f"unknown feature {kind}")
    return np.column_stack(cols)


def grid_values(v):
    if isinstance(v, dict):
        if v.get("log"):
            return np.logspace(np.log10(v["from"]), np.log10(v["to"]), v["count"])
        return np.linspace(v["from"], v["to"], v["count"])
    return np.atleast_1d(np.asarray(v, dtype=float))


def splits_of(cv, n, horizon):
    kind = cv.get("kind", "time_series")
    if kind == "time_series":
        ts = TimeSeriesSplit(n_splits=cv.get("n_splits", 5), test_size=cv.get("test_size"), gap=cv.get("gap", 0),
                             max_train_size=cv.get("max_train_size"))
        return list(ts.split(np.zeros(n)))
    if kind == "purged_kfold":
        purge, embargo = cv.get("purge", horizon), cv.get("embargo", 0)
        idx = np.arange(n)
        out = []
        for fold in np.array_split(idx, cv.get("n_splits", 5)):
            a, b = fold[0], fold[-1] + 1
            out.append((idx[(idx < a - purge) | (idx >= b + embargo)], fold))
        return out
    raise SystemExit(f"{kind}: not cross-checked here")


def close_enough(name, got, want, tol=TOL):
    got, want = np.asarray(got, float), np.asarray(want, float)
    scale = np.max(np.abs(want)) if want.size else 0.0  # relative to the vector's largest element
    err = np.max(np.abs(got - want)) / (scale if scale > 0 else 1.0) if got.size and got.shape == want.shape else 0.0
    ok = got.shape == want.shape and err <= tol
    print(f"{name:44s} max rel error {err:.2e}  {'ok' if ok else 'FAIL'}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--store", help="market store (default: the run's data_file)")
    args = ap.parse_args()
    run = h5py.File(args.run, "r")
    spec = yaml.safe_load(run.attrs["spec_text"])
    store = h5py.File(args.store or run.attrs["data_file"], "r")
    symbol = spec["data"]["symbols"][0]
    close = qr.store_column(store, symbol, "close")
    dates = qr.store_column(store, symbol, "date")

    # ---- samples and labels ----
    target = spec.get("target", "next_return")
    horizon = target.get("horizon", 1) if isinstance(target, dict) else 1
    target = target["kind"] if isinstance(target, dict) else target
    x_all = feature_columns(close, spec["features"])
    first = int(np.argmax(~np.isnan(x_all).any(axis=1)))
    last = len(close) - 1 - horizon
    x = x_all[first:last + 1]
    ret = close[first + horizon:last + 1 + horizon] / close[first:last + 1] - 1
    y = ret if target == "next_return" else (ret > 0).astype(float)
    n = len(y)

    # ---- grid search ----
    model = spec["model"]
    kind, params = model["kind"], model["params"]
    if kind == "ridge":
        est, grid = Ridge(), {"m__alpha": grid_values(params["alpha"])}
    elif kind == "logistic":
        est = LogisticRegression(solver="newton-cholesky", tol=1e-14, max_iter=1000)
        grid = {"m__C": grid_values(params["C"])}
    else:
        est = ElasticNet(tol=1e-15, max_iter=1_000_000)
        grid = {"m__alpha": grid_values(params["alpha"]), "m__l1_ratio": grid_values(params.get("l1_ratio", 0.5))}
    scoring = spec.get("scoring", "log_loss" if kind == "logistic" else "mse")
    splits = splits_of(spec.get("cv", {}), n, horizon)
    pipe = Pipeline([("s", StandardScaler()), ("m", est)])
    search = GridSearchCV(pipe, grid, cv=splits, scoring=SCORERS[scoring], n_jobs=2, refit=True).fit(x, y)

    ok = True
    cv = run["train/cv"]
    names = list(grid)
    for name in names:
        p = name[3:]
        ok &= close_enough(f"grid {p}", cv[f"params/{p}"][:][:: len(splits)], search.cv_results_[f"param_{name}"].data.astype(float), 1e-12)
    k = len(splits)
    ours = cv[scoring][:].reshape(-1, k)
    theirs = np.column_stack([search.cv_results_[f"split{i}_test_score"] for i in range(k)]) * SIGN.get(scoring, 1.0)
    ok &= close_enough(f"cv {scoring} per fold", ours, theirs)
    ok &= close_enough("cv n_train", cv["n_train"][:].reshape(-1, k)[0], [len(tr) for tr, _ in splits], 0)
    best = int(run["train/best/param_index"][0])
    print(f"chosen set: quantgrid {best}, scikit-learn {search.best_index_}")
    ok &= best == search.best_index_

    # ---- the refitted model ----
    m, s = search.best_estimator_["m"], search.best_estimator_["s"]
    coef = np.ravel(m.coef_)
    intercept = float(np.ravel([m.intercept_])[0])
    g = run["train/model"]
    ok &= close_enough("scaler mean", g["scaler_mean"][:], s.mean_)
    ok &= close_enough("scaler scale", g["scaler_scale"][:], s.scale_)
    ok &= close_enough("coef_standardized", g["coef_standardized"][:], coef)
    ok &= close_enough("intercept_standardized", g["intercept_standardized"][:1], [intercept])
    ok &= close_enough("coef_raw", g["coef_raw"][:], coef / s.scale_)
    ok &= close_enough("intercept_raw", g["intercept_raw"][:1], [intercept - np.sum(coef * s.mean_ / s.scale_)])

    # ---- out-of-fold predictions of the chosen set ----
    pred, rows = [], []
    for tr, te in splits:
        fitted = Pipeline([("s", StandardScaler()), ("m", est.__class__(**est.get_params()))]).set_params(
            **search.best_params_).fit(x[tr], y[tr])
        pred.append(fitted.predict_proba(x[te])[:, 1] if kind == "logistic" else fitted.predict(x[te]))
        rows.append(te)
    oos = run["train/oos"]
    ok &= close_enough("oos sample", oos["sample"][:], np.concatenate(rows), 0)
    ok &= close_enough("oos date", oos["date"][:], dates[first + np.concatenate(rows)], 0)
    ok &= close_enough("oos target", oos["target"][:], y[np.concatenate(rows)])
    ok &= close_enough("oos prediction", oos["prediction"][:], np.concatenate(pred))
    print("train run agrees with scikit-learn" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
