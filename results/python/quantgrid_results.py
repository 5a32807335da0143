"""Read quantgrid HDF5 run files with h5py and pandas (layout: docs/hdf5-schema.md).

    import quantgrid_results as qr
    df = qr.load_sweep("runs/sma_grid.h5")          # one row per (combo, symbol)
    df.sort_values("sharpe", ascending=False).head()
    qr.provenance("runs/sma_grid.h5")["git_commit"]
    qr.heatmap("runs/sma_grid.h5", "sharpe", x="fast", y="slow", out_png="sharpe.png")

Command line (Debian's /usr/bin/python3 has h5py, pandas and matplotlib):

    python3 results/python/quantgrid_results.py top RUN.h5 --metric sharpe -n 20
    python3 results/python/quantgrid_results.py heatmap RUN.h5 --metric sharpe --x fast --y slow --out sharpe.png

Column names: a column is named by its last path component ("params/fast" -> "fast",
"metrics/sharpe" -> "sharpe") unless two columns would then collide; those keep their full
path. The `symbol` column holds the symbol name, resolved through GROUP/symbols.
"""

import argparse
import sys

import h5py
import numpy as np
import pandas as pd

#: Newest schema major version this reader understands.
SCHEMA_MAJOR = 1
#: Job groups searched, in order, when no group is named.
JOB_GROUPS = ("sweep", "walkforward", "model")


class SchemaError(ValueError):
    """The file is not a quantgrid run file, or its schema is newer than this reader."""


def _plain(value):
    """Attribute value as a plain Python object (str, int, float, list)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    return value


def open_run(path):
    """Opens a run file read-only after checking its schema version."""
    f = h5py.File(path, "r")
    try:
        version = f.attrs.get("schema_version")
        if version is None:
            raise SchemaError(f"{path}: not a quantgrid run file (no schema_version attribute)")
        version = str(_plain(version))
        try:
            major = int(version.split(".")[0])
        except ValueError:
            raise SchemaError(f"{path}: unreadable schema_version '{version}'") from None
        if major > SCHEMA_MAJOR:
            raise SchemaError(
                f"{path}: schema version {version} is newer than this reader understands "
                f"({SCHEMA_MAJOR}.x); upgrade quantgrid")
    except Exception:
        f.close()
        raise
    return f


def provenance(path):
    """Root attributes (tool version, git commit, job, spec and data digests, seed, ...) as a dict."""
    with open_run(path) as f:
        return {name: _plain(value) for name, value in f.attrs.items()}


def _numeric_columns(group):
    """Every 1-D numeric dataset below `group`, keyed by path relative to it."""
    columns = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset) and obj.ndim == 1 and obj.dtype.kind in "iuf":
            columns[name] = obj[()]

    group.visititems(visit)
    return columns


def _order_key(name):
    if name == "combo":
        return (0, name)
    if name == "symbol":
        return (1, name)
    if name.startswith("params/"):
        return (2, name)
    if name.startswith("metrics/"):
        return (4, name)
    return (3, name)


def _labels(names):
    leaves = [n.rsplit("/", 1)[-1] for n in names]
    return [leaf if leaves.count(leaf) == 1 else name for name, leaf in zip(names, leaves)]


def _job_group(f, group):
    if group is not None:
        group = group.strip("/")
        if group not in f:
            raise KeyError(f"{f.filename}: no table /{group}")
        return group
    for candidate in JOB_GROUPS:
        if candidate in f:
            return candidate
    raise KeyError(f"{f.filename}: no /sweep, /walkforward or /model table")


def load_table(path, group=None):
    """A table group as a DataFrame: combo, symbol (names), params, other columns, metrics."""
    with open_run(path) as f:
        g = f[_job_group(f, group)]
        columns = _numeric_columns(g)
        names = sorted(columns, key=_order_key)
        data = {label: columns[name] for label, name in zip(_labels(names), names)}
        rows = len(next(iter(columns.values()))) if columns else 0
        for name, obj in g.items():
            if name != "symbols" and isinstance(obj, h5py.Dataset) and obj.ndim == 1 and obj.dtype.kind in "OSU":
                if not columns or len(obj) == rows:
                    data[name] = obj.asstr()[()]
        frame = pd.DataFrame(data)
        if "symbols" in g and "symbol" in frame:
            symbols = np.asarray(g["symbols"].asstr()[()], dtype=object)
            frame["symbol"] = symbols[frame["symbol"].to_numpy(dtype=np.int64)]
        return frame


def load_sweep(path):
    """The /sweep table: one row per (combo, symbol), parameters and metrics as columns."""
    return load_table(path, "sweep")


def top(path, metric, n=10, ascending=False, group=None):
    """The best `n` rows by `metric` (descending unless `ascending`; NaN last)."""
    frame = load_table(path, group)
    if metric not in frame:
        raise KeyError(f"{path}: unknown metric '{metric}'; columns: {', '.join(frame.columns)}")
    ranked = frame.sort_values(metric, ascending=ascending, na_position="last", kind="stable")
    ranked = ranked.head(n) if n else ranked
    ranked.index = pd.RangeIndex(1, len(ranked) + 1, name="rank")
    return ranked


def heatmap(path, metric, x, y, symbol=None, out_png="heatmap.png"):
    """Saves a PNG heatmap of `metric` over parameters `x` and `y`: the mean over symbols, or
    one symbol's values. Returns the PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = load_sweep(path)
    for column in (metric, x, y):
        if column not in frame:
            raise KeyError(f"{path}: no column '{column}'; columns: {', '.join(frame.columns)}")
    if symbol is not None:
        if symbol not in set(frame["symbol"]):
            raise KeyError(f"{path}: unknown symbol '{symbol}'")
        frame = frame[frame["symbol"] == symbol]
    grid = frame.pivot_table(index=y, columns=x, values=metric, aggfunc="mean")

    fig, ax = plt.subplots(figsize=(1.2 + 0.6 * len(grid.columns), 1.0 + 0.5 * len(grid.index)))
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(grid.columns)), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(len(grid.index)), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"{metric} ({symbol if symbol else 'mean over symbols'})")
    fig.colorbar(image, ax=ax, label=metric)
    fig.tight_layout()
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return out_png


def main(argv=None):
    parser = argparse.ArgumentParser(prog="quantgrid_results", description="Inspect quantgrid run files.")
    commands = parser.add_subparsers(dest="command", required=True)
    top_cmd = commands.add_parser("top", help="best rows by a metric")
    top_cmd.add_argument("run")
    top_cmd.add_argument("--metric", required=True)
    top_cmd.add_argument("-n", type=int, default=10, help="rows to show (0 = all)")
    top_cmd.add_argument("--ascending", action="store_true")
    top_cmd.add_argument("--group", default=None, help="table group (default: first of sweep, walkforward, model)")
    heat_cmd = commands.add_parser("heatmap", help="PNG heatmap of a metric over two parameters")
    heat_cmd.add_argument("run")
    heat_cmd.add_argument("--metric", required=True)
    heat_cmd.add_argument("--x", required=True)
    heat_cmd.add_argument("--y", required=True)
    heat_cmd.add_argument("--symbol", default=None)
    heat_cmd.add_argument("--out", default="heatmap.png")
    args = parser.parse_args(argv)
    try:
        if args.command == "top":
            with pd.option_context("display.width", 200, "display.max_columns", None):
                print(top(args.run, args.metric, args.n, args.ascending, args.group).to_string())
        else:
            print(heatmap(args.run, args.metric, args.x, args.y, args.symbol, args.out))
    except (SchemaError, KeyError, OSError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"quantgrid_results: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
