"""Read quantgrid HDF5 run files with h5py and pandas (layout: docs/hdf5-schema.md).

    import quantgrid_results as qr
    df = qr.load("runs/sma_grid.h5")                # the run's main table (a sweep: one row per combo, symbol)
    df.sort_values("sharpe", ascending=False).head()
    qr.tables("runs/var_book.h5")                   # {"summary": "/var/summary", "components": ...}
    qr.load("runs/var_book.h5", "components")       # any other table, by name or group path
    qr.provenance("runs/sma_grid.h5")["git_commit"]
    qr.heatmap("runs/sma_grid.h5", "sharpe", x="fast", y="slow", out_png="sharpe.png")
    qr.plot_var("runs/var_book.h5", "var.png")     # P&L histogram with VaR/ES lines, component VaR
    qr.neighbours("runs/sma_grid.h5", "sharpe")     # each row's metric smoothed over its grid neighbours
    qr.attributes("runs/sma_wf.h5", "/walkforward/summary")   # any group's attributes as a dict
    qr.overfitting("runs/sma_wf.h5")["dsr"]         # /overfitting attributes ({} when the run has none)
    qr.plot_walkforward("runs/sma_wf.h5", "wf.png")  # stitched out-of-sample equity, windows, winners
    qr.plot_train("runs/ridge_train.h5", "train.png")  # CV score per fold vs hyper-parameter; OOS predictions
    qr.equity("runs/sma_grid.h5", row=12)            # one sweep row replayed bar by bar (quantgrid results equity)
    qr.trades("runs/sma_grid.h5", best="sharpe")     # its round trips (quantgrid results trades)

Command line (Debian's /usr/bin/python3 has h5py, pandas and matplotlib):

    python3 results/python/quantgrid_results.py tables RUN.h5
    python3 results/python/quantgrid_results.py top RUN.h5 --metric sharpe -n 20
    python3 results/python/quantgrid_results.py heatmap RUN.h5 --metric sharpe --x fast --y slow --out sharpe.png
    python3 results/python/quantgrid_results.py plot-var RUN.h5 --out var.png
    python3 results/python/quantgrid_results.py neighbours RUN.h5 --metric sharpe -n 10
    python3 results/python/quantgrid_results.py plot-walkforward RUN.h5 --out wf.png
    python3 results/python/quantgrid_results.py plot-train RUN.h5 --out train.png

Column names: a column is named by its last path component ("params/fast" -> "fast",
"metrics/sharpe" -> "sharpe") unless two columns would then collide; those keep their full
path. The `symbol` column holds the symbol name, resolved through GROUP/symbols.

Which tables a run has, and which is its main table, the run file says itself (root attributes
`tables` and `table_paths`, main table first), so this reader needs no list of job kinds.
"""

import argparse
import sys

import h5py
import numpy as np
import pandas as pd

#: Newest schema major version this reader understands.
SCHEMA_MAJOR = 1


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


def _split(f, name):
    value = f.attrs.get(name)
    return [] if value is None else [v for v in str(_plain(value)).split(",") if v]


def _directory(f):
    """{table name: group path} of an open run file, main table first."""
    names, paths = _split(f, "tables"), _split(f, "table_paths")
    if not names or len(names) != len(paths):
        raise SchemaError(f"{f.filename}: no table directory (root attributes tables/table_paths); "
                          "name the table by its group path, e.g. load(run, '/sweep')")
    directory = dict(zip(names, paths))
    if "errors" in f:
        directory.setdefault("errors", "/errors")
    return directory


def store_column(store, symbol, field="close"):
    """One symbol's column (date, open, high, low, close, volume) of a market-data store, an open
    h5py.File: layout 2.x (one dataset per field under /bars, row offsets per symbol in
    /bars/offset, in /symbol_order) or 1.x (/symbols/SYM/FIELD)."""
    if "bars" in store:
        order = [s.decode() if isinstance(s, bytes) else s for s in store["symbol_order"][()]]
        if symbol not in order:
            raise KeyError(f"{store.filename}: no symbol {symbol!r}")
        i = order.index(symbol)
        offset = store["bars/offset"][()]
        return store[f"bars/{field}"][offset[i]:offset[i + 1]]
    return store[f"symbols/{symbol}/{field}"][()]


def _table_path(f, table):
    """The group of `table`: a name from the run's directory, a group path, or None (main table)."""
    if table is not None and table.strip("/") in f and isinstance(f[table.strip("/")], h5py.Group):
        return table.strip("/")
    directory = _directory(f)
    if table is None:
        return next(iter(directory.values())).strip("/")
    if table in directory and directory[table].strip("/") in f:
        return directory[table].strip("/")
    present = [name for name, path in directory.items() if path.strip("/") in f]
    raise KeyError(f"{f.filename}: no table '{table}'; tables: {', '.join(present)}")


def tables(path):
    """{name: group path} of the run's tables present in the file, main table first."""
    with open_run(path) as f:
        return {name: group for name, group in _directory(f).items() if group.strip("/") in f}


def _labelled_columns(group):
    """{label: (path below `group`, values)} of the numeric columns, in reader order."""
    columns = _numeric_columns(group)
    names = sorted(columns, key=_order_key)
    return {label: (name, columns[name]) for label, name in zip(_labels(names), names)}


def load(path, table=None):
    """A table of the run as a DataFrame (default: its main table): combo, symbol (names),
    params, other columns, metrics, then text columns."""
    with open_run(path) as f:
        g = f[_table_path(f, table)]
        data = {label: values for label, (_, values) in _labelled_columns(g).items()}
        rows = len(next(iter(data.values()))) if data else None
        for name, obj in g.items():
            if name != "symbols" and isinstance(obj, h5py.Dataset) and obj.ndim == 1 and obj.dtype.kind in "OSU":
                if rows is None or len(obj) == rows:
                    data[name] = obj.asstr()[()]
        frame = pd.DataFrame(data)
        if "symbols" in g and "symbol" in frame:
            symbols = np.asarray(g["symbols"].asstr()[()], dtype=object)
            frame["symbol"] = symbols[frame["symbol"].to_numpy(dtype=np.int64)]
        return frame


def load_table(path, group=None):
    """Same as load(path, group)."""
    return load(path, group)


def top(path, metric, n=10, ascending=False, table=None):
    """The best `n` rows of a table (default: the main table) by `metric` (descending unless
    `ascending`; NaN last)."""
    frame = load(path, table)
    if metric not in frame:
        raise KeyError(f"{path}: unknown metric '{metric}'; columns: {', '.join(frame.columns)}")
    ranked = frame.sort_values(metric, ascending=ascending, na_position="last", kind="stable")
    ranked = ranked.head(n) if n else ranked
    ranked.index = pd.RangeIndex(1, len(ranked) + 1, name="rank")
    return ranked


def heatmap(path, metric=None, x=None, y=None, symbol=None, out_png="heatmap.png", **options):
    """Saves a PNG heatmap of `metric` over parameters `x` and `y`: quantgrid_plots.heatmap
    (aggregation over symbols named in the title, facets for a third parameter, the best cell
    starred, a scatter for random or Sobol searches). Returns the PNG path (a Plot)."""
    import quantgrid_plots

    return quantgrid_plots.heatmap(path, metric, x, y, symbol, out_png, **options)


def plot_var(path, out_png="var.png", confidence=None):
    """Saves a PNG of a var run: quantgrid_plots.plot_var. Returns the PNG path (a Plot)."""
    import quantgrid_plots

    return quantgrid_plots.plot_var(path, out_png, confidence)


def neighbours(path, metric=None, radius=1, ascending=False, n=None):
    """Each sweep row's metric smoothed over its grid neighbours: quantgrid_neighbours.neighbours."""
    import quantgrid_neighbours

    return quantgrid_neighbours.neighbours(path, metric, radius, ascending, n)


def attributes(path, group):
    """The attributes of `group` (a path such as "/overfitting") as a dict of plain values."""
    with open_run(path) as f:
        name = group.strip("/")
        if name and (name not in f or not isinstance(f[name], h5py.Group)):
            raise KeyError(f"{path}: no group '{group}'")
        return {key: _plain(value) for key, value in f[name or "/"].attrs.items()}


def overfitting(path, symbol=None):
    """The run's overfitting statistics (attributes of /overfitting: dsr, psr, pbo, ...), or with
    `symbol` those of /overfitting/<symbol> (a sweep of several symbols); {} when absent."""
    group = "overfitting" if symbol is None else f"overfitting/{symbol}"
    with open_run(path) as f:
        if not isinstance(f.get(group), h5py.Group):
            return {}
    return attributes(path, "/" + group)


def _parameter_labels(path, table):
    """The DataFrame labels of the `params/<name>` columns of a table, in column order."""
    with open_run(path) as f:
        columns = _labelled_columns(f[_table_path(f, table)])
        return [label for label, (name, _) in columns.items() if name.startswith("params/")]


def _sibling_attributes(path, table, group):
    """The attributes of `group` beside a table's group ({} when absent)."""
    with open_run(path) as f:
        parent = _table_path(f, table).rpartition("/")[0]
        name = f"{parent}/{group}" if parent else group
        present = isinstance(f.get(name), h5py.Group)
    return attributes(path, name) if present else {}


def _dates(values):
    """YYYYMMDD integers as datetimes."""
    return pd.to_datetime(pd.Series(values).astype(np.int64).astype(str), format="%Y%m%d")


def _figure(value, digits=2):
    return "n/a" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def _walkforward_title(summary, stats):
    subject = " ".join(str(summary[key]) for key in ("strategy", "symbol") if key in summary)
    head = "Walk-forward: stitched out-of-sample equity" + (f" ({subject})" if subject else "")
    figures = (f"OOS Sharpe {_figure(summary.get('oos_sharpe'))}   WFE {_figure(summary.get('wfe'))}   "
               f"DSR {_figure(stats.get('dsr'))}   PBO {_figure(stats.get('pbo'))}")
    return f"{head}\n{figures}"


def _window_spans(oos):
    """Per window k (in order): (k, first date, end date) where end is the next window's first
    date, or the last date for the last window."""
    firsts = oos.groupby("window", sort=True)["when"].min()
    ends = list(firsts.iloc[1:]) + [oos["when"].max()]
    return list(zip(firsts.index, firsts, ends))


def _winner_texts(windows, keys, params):
    """Each window's winning parameters: named ("fast=10, slow=50") when there are few windows,
    values only ("10, 50") when there are many; and the top axis's label."""
    winners = windows.set_index("k")
    named = len(keys) <= 8
    texts = [", ".join(f"{p}={winners.at[k, p]:g}" if named else f"{winners.at[k, p]:g}" for p in params)
             for k in keys]
    label = "winner of each window" if named else f"winner of each window ({', '.join(params)})"
    return texts, label


def _label_windows(ax, spans, windows, params):
    """Window boundaries as vertical lines over alternately shaded windows; each window's winner
    on a top axis at the window's middle."""
    few = len(spans) <= 8
    for _, first, _ in spans[1:]:
        ax.axvline(first, color="0.55", linestyle="--", linewidth=0.8 if few else 0.4, zorder=1)
    for index, (_, first, end) in enumerate(spans):
        if index % 2:
            ax.axvspan(first, end, color="0.93", zorder=0, linewidth=0)
    texts, label = _winner_texts(windows, [k for k, _, _ in spans], params)
    top = ax.secondary_xaxis("top")
    top.set_xticks([first + (end - first) / 2 for _, first, end in spans], texts,
                   rotation=0 if few else 90, fontsize=9 if few else 7)
    top.tick_params(length=0)
    top.set_xlabel(label, fontsize=9)


def plot_walkforward(path, out_png="walkforward.png"):
    """Saves a PNG of the stitched out-of-sample equity (table "oos") against date, with the
    window boundaries, each window's winning parameters (table "windows") and OOS Sharpe, WFE,
    DSR and PBO in the title. Returns the PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    oos, windows = load(path, "oos"), load(path, "windows")
    if oos.empty:
        raise KeyError(f"{path}: the oos table has no rows")
    oos["when"] = _dates(oos["date"]).to_numpy()
    params = _parameter_labels(path, "windows")
    spans = _window_spans(oos)
    fig, ax = plt.subplots(figsize=(max(11.0, 2 + 0.12 * len(spans)), 5.5))  # room for a label per window
    ax.plot(oos["when"], oos["equity"], color="tab:blue", linewidth=1.3, zorder=3)
    ax.axhline(1.0, color="0.3", linewidth=0.6, zorder=2)
    _label_windows(ax, spans, windows, params)
    ax.set_xlim(oos["when"].min(), oos["when"].max())
    ax.set_ylabel("equity (growth of 1)")
    ax.set_xlabel("date")
    ax.set_title(_walkforward_title(_sibling_attributes(path, "windows", "summary"), overfitting(path)))
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return out_png


def plot_train(path, out_png="train.png"):
    """Saves a PNG of a train run: the CV score of every fold (thin lines) and their mean (thick)
    against the hyper-parameter (table "cv"; the grid index when there are several), the chosen
    set marked; and the out-of-fold predictions of the chosen set against the realised targets
    (table "oos", first path). Returns the PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cv, oos = load(path, "cv"), load(path, "oos")
    summary = attributes(path, "/train/summary")
    scoring = str(summary["scoring"])
    fixed = ("fold", "test_start", "test_end", "n_train", "param_index", "mse", "r2", "log_loss", "accuracy", "roc_auc")
    params = [c for c in cv.columns if c not in fixed]  # the hyper-parameters ("params/alpha" loads as "alpha")
    x_name = params[0] if len(params) == 1 else "param_index"
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for _, rows in cv.groupby("fold"):
        left.plot(rows[x_name], rows[scoring], color="0.6", linewidth=0.8)
    mean = cv.groupby(x_name, sort=True)[scoring].mean()
    left.plot(mean.index, mean.values, color="tab:blue", linewidth=2, label=f"mean {scoring}")
    best = int(summary["best_param_index"])
    chosen = cv.loc[cv["param_index"] == best, x_name].iloc[0]
    left.axvline(chosen, color="tab:red", linestyle="--", label=f"chosen {x_name}={chosen:g}")
    if x_name != "param_index" and (cv[x_name] > 0).all() and cv[x_name].max() / cv[x_name].min() > 100:
        left.set_xscale("log")
    left.set_xlabel(x_name)
    left.set_ylabel(f"{scoring} (test fold)")
    left.set_title(f"cross-validation ({summary['cv']}, {summary['n_splits']} splits)")
    left.legend()
    first = oos[oos["path"] == oos["path"].min()]
    right.scatter(first["prediction"], first["target"], s=4, alpha=0.4)
    right.set_xlabel("out-of-fold prediction")
    right.set_ylabel("realised target")
    right.set_title(f"{summary['model']} on {summary['symbol']}: out-of-fold predictions")
    fig.tight_layout()
    fig.savefig(out_png, dpi=100)
    plt.close(fig)
    return out_png


def _quantgrid():
    """The quantgrid executable: QUANTGRID (a path), else `quantgrid` on PATH, else build/quantgrid."""
    import os
    import shutil

    chosen = os.environ.get("QUANTGRID") or shutil.which("quantgrid")
    if chosen:
        return chosen
    built = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "quantgrid")
    if os.path.exists(built):
        return os.path.normpath(built)
    raise FileNotFoundError("quantgrid executable not found: put it on PATH or set QUANTGRID")


def _drill(command, path, row=None, best=None, ascending=False):
    """Runs `quantgrid results COMMAND` for one sweep row and reads its CSV."""
    import subprocess
    import tempfile

    if (row is None) == (best is None):
        raise ValueError("give exactly one of row or best")
    with tempfile.TemporaryDirectory() as scratch:
        csv = f"{scratch}/{command}.csv"
        args = [_quantgrid(), "results", command, str(path), "--csv", csv]
        args += ["--row", str(int(row))] if row is not None else ["--best", best] + (["--ascending"] if ascending else [])
        done = subprocess.run(args, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip() or f"quantgrid results {command} exited {done.returncode}")
        dates = ["date"] if command == "equity" else ["entry_date", "exit_date"]
        return pd.read_csv(csv, parse_dates=dates, float_precision="round_trip")


def equity(path, row=None, best=None, ascending=False):
    """One sweep row replayed bar by bar (`quantgrid results equity`): date, close, position
    (held over the bar), net_return, equity, drawdown, buy_hold_equity."""
    return _drill("equity", path, row, best, ascending)


def trades(path, row=None, best=None, ascending=False):
    """The round trips of one sweep row (`quantgrid results trades`): entry_date, exit_date,
    side, entry_price, exit_price, return, cost; a trip open at the end has no exit (NaT/NaN)."""
    return _drill("trades", path, row, best, ascending)


def plot_equity(curve, out_png="equity.png", title=None):
    """Saves a PNG of an equity curve (a DataFrame from equity(), or its CSV path) against
    buy and hold, with the drawdown underneath. Returns the PNG path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not isinstance(curve, pd.DataFrame):
        curve = pd.read_csv(curve, parse_dates=["date"], float_precision="round_trip")
    fig, (top_ax, dd_ax) = plt.subplots(2, 1, figsize=(11, 6.5), sharex=True, height_ratios=[3, 1])
    top_ax.plot(curve["date"], curve["equity"], color="tab:blue", linewidth=1.3, label="strategy (net of costs)")
    top_ax.plot(curve["date"], curve["buy_hold_equity"], color="0.55", linewidth=1.0, label="buy and hold")
    top_ax.axhline(1.0, color="0.3", linewidth=0.6)
    top_ax.set_ylabel("equity (growth of 1)")
    top_ax.legend(loc="upper left")
    top_ax.set_title(title or "equity")
    dd_ax.fill_between(curve["date"], -curve["drawdown"], 0.0, color="tab:red", alpha=0.5, linewidth=0)
    dd_ax.set_ylabel("drawdown")
    dd_ax.set_xlabel("date")
    fig.autofmt_xdate()
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
    top_cmd.add_argument("--table", "--group", dest="table", default=None,
                         help="table name or group path (default: the run's main table)")
    tables_cmd = commands.add_parser("tables", help="the run's tables, main table first")
    tables_cmd.add_argument("run")
    heat_cmd = commands.add_parser("heatmap", help="PNG heatmap of a metric over two parameters")
    heat_cmd.add_argument("run")
    heat_cmd.add_argument("--metric", default=None, help="default: the run's rank_by")
    heat_cmd.add_argument("--x", default=None, help="default: the first parameter")
    heat_cmd.add_argument("--y", default=None, help="default: the next parameter")
    heat_cmd.add_argument("--facet", default=None, help="one panel per value (default: a third parameter; none: no panels)")
    heat_cmd.add_argument("--agg", default="mean", choices=["mean", "median", "min", "max"])
    heat_cmd.add_argument("--ascending", action="store_true", help="smallest is best (e.g. max_drawdown)")
    heat_cmd.add_argument("--symbol", default=None)
    heat_cmd.add_argument("--out", default="heatmap.png")
    var_cmd = commands.add_parser("plot-var", help="PNG of a var run's P&L histogram and component VaR")
    var_cmd.add_argument("run")
    var_cmd.add_argument("--confidence", type=float, default=None, help="default: the highest level")
    var_cmd.add_argument("--out", default="var.png")
    near_cmd = commands.add_parser("neighbours", help="rows ranked by their metric smoothed over grid neighbours")
    near_cmd.add_argument("run")
    near_cmd.add_argument("--metric", default=None, help="default: the run's rank_by")
    near_cmd.add_argument("--radius", type=int, default=1, help="steps on each parameter's grid")
    near_cmd.add_argument("-n", type=int, default=10, help="rows to show (0 = all)")
    near_cmd.add_argument("--ascending", action="store_true")
    wf_cmd = commands.add_parser("plot-walkforward",
                                 help="PNG of a walk-forward run's stitched out-of-sample equity")
    wf_cmd.add_argument("run")
    wf_cmd.add_argument("--out", default="walkforward.png")
    train_cmd = commands.add_parser("plot-train", help="PNG of a train run's CV scores and out-of-fold predictions")
    train_cmd.add_argument("run")
    train_cmd.add_argument("--out", default="train.png")
    eq_cmd = commands.add_parser("plot-equity", help="PNG of an equity CSV (quantgrid results equity --csv)")
    eq_cmd.add_argument("csv")
    eq_cmd.add_argument("--title", default=None)
    eq_cmd.add_argument("--out", default="equity.png")
    args = parser.parse_args(argv)
    try:
        if args.command == "top":
            with pd.option_context("display.width", 200, "display.max_columns", None):
                print(top(args.run, args.metric, args.n, args.ascending, args.table).to_string())
        elif args.command == "tables":
            for name, group in tables(args.run).items():
                print(f"{name}\t{group}")
        elif args.command == "plot-equity":
            print(plot_equity(args.csv, args.out, args.title))
        elif args.command == "plot-walkforward":
            print(plot_walkforward(args.run, args.out))
        elif args.command == "plot-train":
            print(plot_train(args.run, args.out))
        elif args.command == "plot-var":
            print(plot_var(args.run, args.out, args.confidence))
        elif args.command == "neighbours":
            with pd.option_context("display.width", 200, "display.max_columns", None):
                print(neighbours(args.run, args.metric, args.radius, args.ascending, args.n).to_string())
        else:
            print(heatmap(args.run, args.metric, args.x, args.y, args.symbol, args.out, agg=args.agg,
                          facet=args.facet, ascending=args.ascending))
    except (SchemaError, KeyError, ValueError, OSError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"quantgrid_results: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
