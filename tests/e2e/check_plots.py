"""Checks of the report figures and the neighbourhood view (tests/e2e/plots_e2e.sh).

Usage: check_plots.py GRID2.h5 GRID3.h5 RANDOM.h5 VAR_NP1.h5 VAR_NP3.h5

Every expected number is recomputed here independently: aggregated cells with a pandas
groupby, empty cells by counting the (x, y) pairs present, the histogram from the run file's
datasets with h5py, the neighbourhood view with a plain Python loop over every pair of rows.
The figures' facts come from the Plot's .data (read back from the drawn axes) and the PNG's
size from its header.
"""
import math
import struct
import sys

import h5py
import numpy as np
import quantgrid_neighbours as qn
import quantgrid_plots as qp
import quantgrid_results as qr


def png_size(path):
    """(width, height) from the PNG's IHDR chunk."""
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def check_bounded(plot):
    width, height = png_size(plot)
    assert width <= qp.MAX_PX and height <= qp.MAX_PX, (plot, width, height)
    assert (width, height) == plot.data["size_px"], (width, height, plot.data["size_px"])


def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def expected_cells(run, metric, keys, agg="mean"):
    frame = qr.load(run)
    return frame.groupby(keys)[metric].agg(agg)


def check_grid2(run):
    """A two-parameter grid with holes (fast < slow): values, holes, best, ticks, colours."""
    plot = qp.heatmap(run, out_png="heatmap_grid2.png")
    check_bounded(plot)
    d = plot.data
    assert d["kind"] == "grid" and d["metric"] == "sharpe" and d["x"] == "fast" and d["y"] == "slow", d
    cells = expected_cells(run, "sharpe", ["fast", "slow"])
    xs, ys = sorted(cells.index.unique("fast")), sorted(cells.index.unique("slow"))
    assert d["empty_cells"] == len(xs) * len(ys) - len(cells) > 0, (d["empty_cells"], len(cells))
    assert f"{d['empty_cells']} of {len(xs) * len(ys)} cells empty" in d["title"], d["title"]
    assert f"mean over {qr.load(run)['symbol'].nunique()} symbols" in d["title"], d["title"]
    panel = d["panels"][0]
    for (fast, slow), value in cells.items():
        assert same(panel["values"][ys.index(slow), xs.index(fast)], value), (fast, slow)
    best = cells.idxmax()
    assert panel["starred"] == best, (panel["starred"], best)
    assert len(panel["xticklabels"]) <= qp.MAX_TICKS and len(panel["yticklabels"]) <= qp.MAX_TICKS
    assert len(ys) > qp.MAX_TICKS and panel["yticklabels"][0] == f"{ys[0]:g}", panel["yticklabels"]
    assert set(panel["xticklabels"]) <= {f"{v:g}" for v in xs}
    assert cells.min() < 0 < cells.max() and d["cmap"] == "RdYlGn" and d["vmin"] == -d["vmax"], d["cmap"]
    print(f"grid2: {len(cells)} cells, {d['empty_cells']} empty, best {best}, {png_size(plot)} px")

    low = qp.heatmap(run, "max_drawdown", agg="median", ascending=True, out_png="heatmap_drawdown.png")
    check_bounded(low)
    cells = expected_cells(run, "max_drawdown", ["fast", "slow"], "median")
    assert low.data["panels"][0]["starred"] == cells.idxmin(), (low.data["panels"][0]["starred"], cells.idxmin())
    assert low.data["cmap"] == "viridis_r" and "median over" in low.data["title"], low.data


def check_grid3(run):
    """Three parameters: one panel per value of the third, each with its own cells."""
    plot = qp.heatmap(run, "sharpe", x="lower", y="period", out_png="heatmap_grid3.png")
    check_bounded(plot)
    d = plot.data
    assert d["facet"] == "upper" and d["averaged"] == [], d
    cells = expected_cells(run, "sharpe", ["upper", "lower", "period"])
    uppers = sorted(cells.index.unique("upper"))
    assert [p["facet"] for p in d["panels"]] == uppers
    xs, ys = sorted(cells.index.unique("lower")), sorted(cells.index.unique("period"))
    for panel in d["panels"]:
        for (upper, lower, period), value in cells.items():
            if upper == panel["facet"]:
                assert same(panel["values"][ys.index(period), xs.index(lower)], value)
    best = cells.idxmax()
    starred = [(p["facet"],) + p["starred"] for p in d["panels"] if p["starred"] is not None]
    assert starred == [best], (starred, best)
    # The same run with upper aggregated away: named in the title.
    flat = qp.heatmap(run, "sharpe", x="lower", y="period", facet="none", out_png="heatmap_grid3_flat.png")
    assert "also aggregated over upper" in flat.data["title"], flat.data["title"]
    print(f"grid3: {len(uppers)} panels of upper, best {best}")


def check_random(run):
    plot = qp.heatmap(run, out_png="heatmap_random.png")
    check_bounded(plot)
    d = plot.data
    cells = expected_cells(run, d["metric"], [d["facet"], d["x"], d["y"]])
    assert d["kind"] == "scatter" and f"non-grid search: {len(cells)} parameter sets" in d["title"], d["title"]
    assert d["best"][d["metric"]] == cells.max()
    print(f"random: scatter of {len(cells)} points, best {cells.idxmax()}")


def check_var(run, other):
    plot = qp.plot_var(run, "var.png")
    check_bounded(plot)
    d = plot.data
    with h5py.File(run, "r") as f:
        g = f["var/pnl_histogram"]
        lower, upper, count = g["lower"][()], g["upper"][()], g["count"][()]
        below, above = int(g.attrs["below"]), int(g.attrs["above"])
        scenarios = int(f["var"].attrs["scenarios"])
        summary = {k: f["var/summary"][k][()] for k in ("method", "confidence", "var", "es")}
        comp = {k: f["var/components"][k][()] for k in ("method", "confidence", "component_var")}
    assert int(count.sum()) + below + above == scenarios, (count.sum(), below, above, scenarios)
    assert np.all(upper[:-1] == lower[1:]) and np.all(np.diff(lower) > 0)
    assert [b[2] for b in d["bins"]] == list(count) and np.allclose([b[0] for b in d["bins"]], lower, rtol=0)
    level = float(summary["confidence"].max())
    at = (summary["method"] == 0) & (summary["confidence"] == level)
    var, es = float(summary["var"][at][0]), float(summary["es"][at][0])
    assert d["lines"]["VaR"] == -var and d["lines"]["ES"] == -es, d["lines"]
    # Scenarios in bins wholly below -VaR lose more than VaR: at most S (1 - a) of them.
    beyond = below + int(count[upper <= -var].sum())
    assert 0 < beyond <= math.ceil(scenarios * (1 - level)), (beyond, scenarios, level)
    mc = comp["component_var"][(comp["method"] == 0) & (comp["confidence"] == level)]
    assert np.array_equal(d["components"][:len(mc)], mc), (d["components"], mc)
    with h5py.File(other, "r") as f:
        g = f["var/pnl_histogram"]
        same = np.array_equal(g["count"][()], count) and np.array_equal(g["lower"][()], lower)
        assert same and int(g.attrs["below"]) == below, "the histogram differs between 1 and 3 ranks"
    print(f"var: {len(count)} bins, {below} below, {above} above, VaR {var:.6g} ES {es:.6g}, {beyond} beyond VaR")


def neighbours_by_loop(run, metric, radius):
    """{row: (smoothed, count)} by the plain definition: same symbol, every parameter within
    `radius` positions of the row's own in that parameter's sorted distinct values."""
    frame = qr.load(run)
    params = qr._parameter_labels(run, None)
    grids = {p: sorted(set(frame[p])) for p in params}
    steps = [[grids[p].index(v) for p, v in zip(params, row)] for row in frame[params].itertuples(index=False)]
    symbols, values = list(frame["symbol"]), list(frame[metric])
    result = {}
    for i in range(len(frame)):
        near = [values[j] for j in range(len(frame)) if symbols[j] == symbols[i]
                and all(abs(a - b) <= radius for a, b in zip(steps[i], steps[j])) and math.isfinite(values[j])]
        result[i] = (sum(near) / len(near) if near else math.nan, len(near))
    return result


def check_neighbours(run, metric, radius):
    got = qn.neighbours(run, metric, radius=radius)
    expected = neighbours_by_loop(run, metric, radius)
    assert len(got) == len(expected)
    for row, smoothed, count in zip(got["row"], got[f"{metric}_smoothed"], got["neighbours"]):
        want, want_count = expected[row]
        assert count == want_count, (row, count, want_count)
        assert math.isclose(smoothed, want, rel_tol=1e-12, abs_tol=1e-15), (row, smoothed, want)
    ranked = got[f"{metric}_smoothed"].to_numpy()
    assert np.all(np.diff(ranked[np.isfinite(ranked)]) <= 0), "not ranked by the smoothed value"
    print(f"neighbours radius {radius} of {run}: {len(got)} rows equal the plain loop; "
          f"best row {got['row'].iloc[0]} ({got['neighbours'].iloc[0]} neighbours)")


def main():
    grid2, grid3, random, var1, var3 = sys.argv[1:6]
    check_grid2(grid2)
    check_grid3(grid3)
    check_random(random)
    check_var(var1, var3)
    for radius in (1, 2):
        check_neighbours(grid3, "sharpe", radius)
    check_neighbours(grid2, "calmar", 1)
    print("plots OK")


if __name__ == "__main__":
    main()
