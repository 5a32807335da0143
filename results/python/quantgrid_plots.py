"""Figures of quantgrid runs for reports (docs/hdf5-schema.md, "Plots").

    import quantgrid_plots as qp
    qp.heatmap("runs/sma_grid.h5")                  # the run's rank_by over its first two parameters
    qp.heatmap("runs/rsi.h5", "sharpe", x="period", y="lower", facet="upper", agg="median")
    qp.plot_var("runs/var_book.h5", "var.png")      # P&L histogram with VaR/ES lines; component VaR

Every function saves a PNG (at most 2500 px on each side at default settings) and returns a
Plot: the PNG's path (a str) that also carries what the figure shows (`.data`: axes, tick labels,
the marked best cell, histogram bins, lines), read back from the drawn axes.
"""
import math
import struct
from types import SimpleNamespace

import numpy as np
import quantgrid_results as qr

#: Largest width or height of a saved figure, in pixels, at default settings.
MAX_PX = 2500
DPI = 100
#: Tick labels per axis at most; longer axes label every k-th value.
MAX_TICKS = 12
#: Panels at most for a third parameter; more values are shown as evenly spaced slices.
MAX_FACETS = 12
#: A grid search whose cells are filled below this fraction is drawn as a scatter.
MIN_FILL = 0.5


class Plot(str):
    """A saved PNG's path; `.data` holds what the figure shows."""

    def __new__(cls, path, data):
        plot = super().__new__(cls, path)
        plot.data = data
        return plot


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _main_attributes(path):
    """The attributes of the run's main table's group (a sweep's: rank_by, search, ...)."""
    with qr.open_run(path) as f:
        return {key: qr._plain(value) for key, value in f[qr._table_path(f, None)].attrs.items()}


def default_metric(path):
    """The run's ranking metric: the main table's `rank_by` attribute (a sweep's spec)."""
    rank_by = _main_attributes(path).get("rank_by")
    if rank_by is None:
        raise KeyError(f"{path}: the run has no rank_by; name a metric")
    return str(qr._plain(rank_by))


def _save(fig, out_png, data):
    """Saves the figure; data["size_px"] is the written PNG's (width, height) from its header."""
    fig.savefig(out_png, dpi=DPI, format="png")
    _pyplot().close(fig)
    with open(out_png, "rb") as f:
        data["size_px"] = struct.unpack(">II", f.read(24)[16:24])
    return Plot(out_png, data)


def _bounded(width, height, max_px):
    """(width, height) in inches scaled down to fit max_px on each side at DPI."""
    scale = min(1.0, max_px / DPI / width, max_px / DPI / height)
    return width * scale, height * scale


def _thinned(values):
    """Tick positions and labels: every k-th of `values` so that at most MAX_TICKS show."""
    step = max(1, math.ceil(len(values) / MAX_TICKS))
    positions = list(range(0, len(values), step))
    return positions, [f"{values[i]:g}" for i in positions]


def _colours(values, ascending):
    """(colour map, vmin, vmax): diverging and centred on 0 for a metric of both signs,
    sequential otherwise; the best end is green (diverging) or bright (sequential)."""
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if low < 0 < high:
        bound = max(-low, high)
        return ("RdYlGn_r" if ascending else "RdYlGn"), -bound, bound
    if low == high:
        low, high = low - 0.5, high + 0.5
    return ("viridis_r" if ascending else "viridis"), low, high


def _facet_values(cells, facet):
    """The facet's values to draw (every value, or MAX_FACETS evenly spaced slices)."""
    if facet is None:
        return [None]
    values = sorted(cells[facet].unique())
    if len(values) <= MAX_FACETS:
        return values
    picks = sorted(set(np.linspace(0, len(values) - 1, MAX_FACETS).round().astype(int)))
    return [values[i] for i in picks]


def _cells(path, metric, params, symbol, agg):
    """The main table aggregated per drawn parameter set; and the subject for the title."""
    frame = qr.load(path)
    for column in [metric] + params:
        if column not in frame:
            raise KeyError(f"{path}: no column '{column}'; columns: {', '.join(frame.columns)}")
    if symbol is not None:
        if symbol not in set(frame["symbol"]):
            raise KeyError(f"{path}: unknown symbol '{symbol}'")
        frame = frame[frame["symbol"] == symbol]
    symbols = frame["symbol"].nunique() if "symbol" in frame else 1
    cells = frame.groupby(params, sort=True)[metric].agg(agg).reset_index()
    subject = symbol if symbol is not None else f"{agg} over {symbols} symbol{'s' if symbols != 1 else ''}"
    return cells, subject


def _layout(n_panels, panel_w, panel_h, max_px):
    columns = math.ceil(math.sqrt(n_panels))
    rows = math.ceil(n_panels / columns)
    return rows, columns, _bounded(columns * panel_w + 1.6, rows * panel_h + 1.4, max_px)


def _best(cells, metric, ascending):
    finite = cells[np.isfinite(cells[metric])]
    if finite.empty:
        return None
    return finite.loc[finite[metric].idxmin() if ascending else finite[metric].idxmax()]


def _grid_panel(ax, cells, x, y, xs, ys, metric, style):
    """One facet's grid as an image (empty cells grey); returns its values and empty count."""
    grid = cells.pivot_table(index=y, columns=x, values=metric, aggfunc="first").reindex(index=ys, columns=xs)
    values = grid.to_numpy(dtype=float)
    ax.set_facecolor("0.82")
    image = ax.imshow(np.ma.masked_invalid(values), origin="lower", aspect="auto", interpolation="nearest", **style)
    for axis, labels in ((ax.xaxis, xs), (ax.yaxis, ys)):
        positions, texts = _thinned(labels)
        axis.set_ticks(positions, texts)
    return image, values


def _scatter_panel(ax, cells, x, y, metric, style, ascending):
    """One point per parameter set, the best drawn last (on top of sets that share x and y)."""
    cells = cells.sort_values(metric, ascending=not ascending, na_position="first")
    image = ax.scatter(cells[x], cells[y], c=cells[metric], s=36, edgecolors="0.4", linewidths=0.3, **style)
    return image, cells[metric].to_numpy(dtype=float)


def _label_outer(axes, used, x, y):
    """Axis labels and tick labels on the outer panels only (the axes are shared): the bottom
    panel of each column, unused panels hidden, and the first column."""
    rows, columns = axes.shape
    for k, ax in enumerate(axes.flat):
        if k >= used:
            ax.set_visible(False)
        elif k + columns >= used:  # nothing drawn below it
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel(x)
        if k % columns == 0:
            ax.set_ylabel(y)


def _mark_best(ax, position):
    ax.plot([position[0]], [position[1]], marker="*", markersize=16, color="black",
            markeredgecolor="white", markeredgewidth=1.2, linestyle="none", label="best")


def _title(v, empty):
    """Two lines: what is drawn and how it was aggregated; the holes (or points) and the best."""
    parts = [f"{v.metric}: {v.subject}"]
    if v.averaged:
        parts.append(f"also aggregated over {', '.join(v.averaged)}")
    if v.overlaid:
        parts.append(f"every {v.facet} overlaid, the best on top")
    elif v.facet is not None and len(v.facets) < v.n_facets:
        parts.append(f"{len(v.facets)} of {v.n_facets} values of {v.facet}")
    if v.kind == "scatter":
        line2 = f"non-grid search: {len(v.cells)} parameter sets as points"
    else:
        line2 = f"{empty} of {v.n_slots} cells empty (grey)" if empty else "every cell filled"
    if v.best is not None:
        line2 += "; \u2605 best: " + ", ".join(f"{p}={v.best[p]:g}" for p in v.drawn) + f" ({v.best[v.metric]:.4g})"
    return "; ".join(parts) + "\n" + line2


def _view(path, metric, x, y, facet, symbol, agg, ascending):
    """What a heatmap draws: metric, axes, facet, the aggregated cells, grid or scatter."""
    params = qr._parameter_labels(path, None)
    if len(params) < 2:
        raise ValueError(f"{path}: a heatmap needs two parameters; the run has {', '.join(params) or 'none'} "
                         "(see its rows with quantgrid results top, or one row with results equity)")
    v = SimpleNamespace(metric=metric or default_metric(path), x=x or params[0], agg=agg, ascending=ascending)
    v.y = y or next(p for p in params if p != v.x)
    rest = [p for p in params if p not in (v.x, v.y)]
    if facet is None:
        facet = rest[0] if rest else None
    elif not facet or facet == "none":
        facet = None  # no panels: every other parameter aggregated
    v.facet, v.averaged = facet, [p for p in rest if p != facet]
    v.drawn = [p for p in (facet, v.x, v.y) if p is not None]
    v.cells, v.subject = _cells(path, v.metric, v.drawn, symbol, agg)
    v.xs, v.ys = sorted(v.cells[v.x].unique()), sorted(v.cells[v.y].unique())
    v.n_facets = v.cells[facet].nunique() if facet else 1
    v.n_slots = len(v.xs) * len(v.ys) * v.n_facets
    search = str(_main_attributes(path).get("search", "grid"))
    v.kind = "scatter" if search != "grid" or len(v.cells) < MIN_FILL * v.n_slots else "grid"
    v.overlaid = v.kind == "scatter" and facet is not None and v.n_facets > MAX_FACETS
    v.facets = [None] if v.overlaid else _facet_values(v.cells, facet)
    v.best = _best(v.cells, v.metric, ascending)
    return v


def _figure_of(v, max_px):
    """The figure and its (shared) axes: panels sized to the cells, the whole bounded."""
    if v.kind == "grid":
        panel = (min(7.0, 2.0 + 0.32 * len(v.xs)), min(6.0, 1.6 + 0.28 * len(v.ys)))
    else:
        panel = (5.5, 4.5)
    rows, columns, size = _layout(len(v.facets), *panel, max_px)
    return _pyplot().subplots(rows, columns, figsize=size, squeeze=False, layout="constrained", sharex=True,
                              sharey=True)


def _draw_panels(axes, v, style):
    """Each facet's panel with the best starred; [(ax, facet value, values)], empty cells, image."""
    panels, empty, image = [], 0, None
    for ax, value in zip(axes.flat, v.facets):
        part = v.cells if value is None else v.cells[v.cells[v.facet] == value]
        if v.kind == "grid":
            image, values = _grid_panel(ax, part, v.x, v.y, v.xs, v.ys, v.metric, style)
            empty += int(np.isnan(values).sum())
        else:
            image, values = _scatter_panel(ax, part, v.x, v.y, v.metric, style, v.ascending)
        best = v.best
        if best is not None and (value is None or best[v.facet] == value):
            at = (v.xs.index(best[v.x]), v.ys.index(best[v.y])) if v.kind == "grid" else (best[v.x], best[v.y])
            _mark_best(ax, at)
        if value is not None:
            ax.set_title(f"{v.facet} = {value:g}", fontsize=10)
        panels.append((ax, value, values))
    _label_outer(axes, len(v.facets), v.x, v.y)
    return panels, empty, image


def heatmap(path, metric=None, x=None, y=None, symbol=None, out_png="heatmap.png", agg="mean", facet=None,
            ascending=False, max_px=MAX_PX):
    """Saves a PNG of `metric` (default: the run's rank_by) over parameters `x` and `y` (default:
    the first two): `agg` over symbols (or one `symbol`'s values), one panel per value of `facet`
    (default: a third parameter; "none" or False: no panels; further parameters are aggregated
    too, and the title says so), a diverging map centred on 0 for a metric of both signs, the
    best cell starred (smallest with `ascending`), empty cells grey and counted; a random or
    Sobol search (or a grid filled below half) as a scatter of its points. Returns a Plot
    (.data: kind, title, size_px, cmap, vmin, vmax, panels with their tick labels, values and
    starred cell, the best parameter set)."""
    v = _view(path, metric, x, y, facet, symbol, agg, ascending)
    cmap, vmin, vmax = _colours(v.cells[v.metric].to_numpy(dtype=float), ascending)
    fig, axes = _figure_of(v, max_px)
    panels, empty, image = _draw_panels(axes, v, {"cmap": cmap, "vmin": vmin, "vmax": vmax})
    fig.colorbar(image, ax=axes, label=f"{v.metric} ({agg})" if symbol is None else v.metric,
                 shrink=min(0.9, 4.0 / fig.get_size_inches()[1] + 0.2))
    title = _title(v, empty)
    fig.suptitle(title)
    fig.canvas.draw()  # tick labels as drawn
    data = {"kind": v.kind, "title": title, "metric": v.metric, "agg": agg, "x": v.x, "y": v.y, "facet": v.facet,
            "averaged": v.averaged, "cmap": cmap, "vmin": vmin, "vmax": vmax, "empty_cells": empty,
            "panels": [_panel_data(ax, value, values, v.xs, v.ys, v.kind) for ax, value, values in panels],
            "best": None if v.best is None else {k: v.best[k] for k in v.drawn + [v.metric]}}
    return _save(fig, out_png, data)


def _panel_data(ax, value, values, xs, ys, kind):
    """What one panel shows, read from its axes: tick labels and the starred point (as values)."""
    marker = next((line for line in ax.lines if line.get_label() == "best"), None)
    starred = None
    if marker is not None:
        px, py = marker.get_xdata()[0], marker.get_ydata()[0]
        starred = (xs[int(px)], ys[int(py)]) if kind == "grid" else (px, py)
    return {"facet": value, "values": values, "starred": starred,
            "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
            "yticklabels": [t.get_text() for t in ax.get_yticklabels()]}


def _var_rows(path, confidence):
    summary, components = qr.load(path, "summary"), qr.load(path, "components")
    level = float(summary["confidence"].max()) if confidence is None else float(confidence)
    if not (summary["confidence"] == level).any():
        raise KeyError(f"{path}: no confidence level {level:g}; levels: "
                       f"{', '.join(f'{v:g}' for v in sorted(summary['confidence'].unique()))}")
    mc = summary[(summary["method_name"] == "monte_carlo") & (summary["confidence"] == level)].iloc[0]
    parts = components[components["confidence"] == level]
    return level, mc, parts


def _histogram_panel(ax, hist, var, es, level):
    """Bars of the stored histogram (the tail beyond -VaR in red), VaR and ES as vertical lines."""
    tail = hist["upper"] <= -var
    ax.bar(hist["lower"], hist["count"], width=hist["upper"] - hist["lower"], align="edge", linewidth=0,
           color=np.where(tail, "tab:red", "tab:blue"), alpha=0.8)
    ax.axvline(-var, color="darkred", linewidth=1.6, label=f"VaR {level:g}: {var:,.4g}")
    ax.axvline(-es, color="black", linewidth=1.4, linestyle="--", label=f"ES {level:g}: {es:,.4g}")
    ax.set_xlabel("scenario P&L over the horizon")
    ax.set_ylabel("scenarios")
    ax.legend(loc="upper left")


def _components_panel(ax, parts, level):
    """Component VaR per position, one bar per method (horizontal, grouped)."""
    methods = [m for m in ("monte_carlo", "historical", "parametric") if (parts["method_name"] == m).any()]
    names = list(dict.fromkeys(parts["position_name"]))
    height = 0.8 / max(1, len(methods))
    for k, method in enumerate(methods):
        rows = parts[parts["method_name"] == method].set_index("position_name").reindex(names)
        ax.barh(np.arange(len(names)) + k * height, rows["component_var"], height=height, label=method)
    ax.set_yticks(np.arange(len(names)) + height * (len(methods) - 1) / 2, names)
    ax.axvline(0, color="0.3", linewidth=0.6)
    ax.invert_yaxis()
    ax.set_xlabel(f"component VaR {level:g} (sums to VaR)")
    ax.legend(loc="lower right", fontsize=8)
    return methods, names


def plot_var(path, out_png="var.png", confidence=None):
    """Saves a PNG of a var run: the Monte Carlo P&L histogram (table pnl_histogram) with the
    VaR and ES lines at `confidence` (default: the highest level), and the component VaR of
    each position per method. Returns a Plot (.data: bins, lines, components)."""
    plt = _pyplot()
    level, mc, parts = _var_rows(path, confidence)
    hist = qr.load(path, "pnl_histogram")
    outside = qr.attributes(path, "/var/pnl_histogram")
    fig, (h_ax, c_ax) = plt.subplots(1, 2, figsize=(14, 5.5), width_ratios=[3, 2], layout="constrained")
    _histogram_panel(h_ax, hist, float(mc["var"]), float(mc["es"]), level)
    methods, names = _components_panel(c_ax, parts, level)
    total = int(hist["count"].sum() + outside["below"] + outside["above"])
    h_ax.set_title(f"Monte Carlo P&L: {total:,} scenarios ({outside['below']} below and "
                   f"{outside['above']} above the bins)", fontsize=10)
    c_ax.set_title("component VaR per position", fontsize=10)
    fig.suptitle(f"VaR and ES at {level:g}")
    bars = h_ax.patches
    data = {"confidence": level, "var": float(mc["var"]), "es": float(mc["es"]),
            "bins": [(p.get_x(), p.get_x() + p.get_width(), p.get_height()) for p in bars],
            "lines": {line.get_label().split(" ")[0]: line.get_xdata()[0] for line in h_ax.lines},
            "methods": methods, "positions": names,
            "components": [p.get_width() for p in c_ax.patches]}
    return _save(fig, out_png, data)
