#!/usr/bin/python3
"""Independent NumPy reference of the training solvers (kernels/include/qg/kernels/ml/linear_model.hpp).

For random standardised problems shaped like a training fold (13 features, up to 5,500 rows), runs
the C++ fit (train_reference_fit) and compares its coefficients and intercept with:
  ridge     the centred normal equations solved by numpy.linalg.solve;
  logistic  Newton's method written here in NumPy (exact gradient and Hessian of
            C * sum log-loss + |b|^2 / 2, intercept unpenalised), iterated to machine precision;
  elastic   scikit-learn's ElasticNet at tol 1e-15 when scikit-learn is installed.
All to 1e-8 relative. Usage: train_reference.py --fit PATH --workdir DIR
"""
import argparse
import os
import subprocess
import sys

import numpy as np

TOL = 1e-8


def ridge_normal_equations(x, y, alpha):
    xm, ym = x.mean(axis=0), y.mean()
    xc, yc = x - xm, y - ym
    b = np.linalg.solve(xc.T @ xc + alpha * np.eye(x.shape[1]), xc.T @ yc)
    return b, ym - xm @ b


def logistic_newton(x, y, c):
    xt = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xt.shape[1])
    pen = np.ones(xt.shape[1])
    pen[-1] = 0.0
    for _ in range(200):
        p = 1.0 / (1.0 + np.exp(-(xt @ w)))
        g = c * xt.T @ (p - y) + pen * w
        h = c * (xt * (p * (1 - p))[:, None]).T @ xt + np.diag(pen)
        step = np.linalg.solve(h, g)
        w = w - step
        if np.linalg.norm(step) <= 1e-15 * max(1.0, np.linalg.norm(w)):
            break
    return w[:-1], w[-1]


def elastic_net_sklearn(x, y, alpha, l1_ratio):
    from sklearn.linear_model import ElasticNet
    m = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-15, max_iter=1_000_000).fit(x, y)
    return m.coef_, m.intercept_


def problem(seed, n, p, classify):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + rng.uniform(-1, 1, p)
    x = (x - x.mean(axis=0)) / x.std(axis=0)  # standardised as on a training fold
    b = np.linspace(-1, 1, p) * 0.1
    z = x @ b + 0.05 + rng.standard_normal(n) * (0.0 if classify else 0.5)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(float) if classify else z * 0.01
    return x, y


def run_fit(fit, workdir, name, kind, x, y, a, b=0.0):
    path = os.path.join(workdir, name + ".txt")
    with open(path, "w") as f:
        f.write(f"{kind} {x.shape[0]} {x.shape[1]} {a!r} {b!r}\n")
        np.savetxt(f, np.hstack([x, y[:, None]]), fmt="%.17g")
    out = subprocess.run([fit, path], check=True, capture_output=True, text=True).stdout.split("\n")
    values = [float(v) for v in out[: x.shape[1] + 1]]
    assert out[x.shape[1] + 1] == "converged 1", f"{name}: the C++ solver did not converge"
    return np.array(values[:-1]), values[-1]


def compare(name, got, want):
    (gb, g0), (wb, w0) = got, want
    scale = max(1.0, np.abs(wb).max(), abs(w0))
    err = max(np.abs(gb - wb).max(), abs(g0 - w0)) / scale
    status = "ok" if err <= TOL else "FAIL"
    print(f"{name:40s} max rel error {err:.2e}  {status}")
    return err <= TOL


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fit", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    ok = True
    for n in (200, 5500):
        for alpha in (1e-3, 1.0, 316.22776601683796, 1e5):
            x, y = problem(n, n, 13, False)
            ok &= compare(f"ridge n={n} alpha={alpha:g}", run_fit(args.fit, args.workdir, "ridge", "ridge", x, y, alpha),
                          ridge_normal_equations(x, y, alpha))
        for c in (1e-4, 0.0316, 1.0, 1e4):
            x, y = problem(n + 1, n, 13, True)
            ok &= compare(f"logistic n={n} C={c:g}", run_fit(args.fit, args.workdir, "logit", "logistic", x, y, c),
                          logistic_newton(x, y, c))
    try:
        import sklearn  # noqa: F401
        for alpha, l1 in ((1e-4, 0.5), (1e-3, 0.9), (1e-2, 0.1)):
            x, y = problem(7, 1000, 13, False)
            ok &= compare(f"elastic_net alpha={alpha:g} l1_ratio={l1}",
                          run_fit(args.fit, args.workdir, "enet", "elastic_net", x, y, alpha, l1),
                          elastic_net_sklearn(x, y, alpha, l1))
    except ImportError:
        print("scikit-learn not installed: elastic net not cross-checked")
    print("all cases agree to 1e-8" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
