"""The neighbourhood view of a sweep: each row's metric smoothed over its grid neighbours.

    import quantgrid_neighbours as qn
    qn.neighbours("runs/sma_grid.h5", "sharpe", radius=1).head(10)

A row's neighbours are the rows of the same symbol whose every parameter lies within `radius`
steps of the row's own on that parameter's sorted list of values (a box of (2 radius + 1)^k
parameter sets, the row included). A parameter set that is best only by luck stands among
worse neighbours, and its smoothed value falls; a robust one keeps it.
"""
import numpy as np
import pandas as pd
import quantgrid_results as qr

#: Rows compared at once (memory: CHUNK x rows of one symbol booleans).
CHUNK = 2048


def _steps(frame, params):
    """Each parameter's value as its index in that parameter's sorted distinct values."""
    return np.column_stack([np.searchsorted(np.sort(frame[p].unique()), frame[p]) for p in params])


def _smooth(steps, values, radius):
    """(mean of the finite values within `radius` steps on every parameter, how many)."""
    finite = np.isfinite(values).astype(float)
    filled = np.where(finite > 0, values, 0.0)
    sums, counts = np.empty(len(values)), np.empty(len(values))
    for start in range(0, len(values), CHUNK):
        block = steps[start:start + CHUNK]
        near = (np.abs(block[:, None, :] - steps[None, :, :]).max(axis=2) <= radius).astype(float)
        sums[start:start + CHUNK] = near @ filled
        counts[start:start + CHUNK] = near @ finite
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan), counts.astype(np.int64)


def neighbours(path, metric=None, radius=1, ascending=False, n=None):
    """The main table of a sweep with `row` (the 0-based /sweep row), `<metric>_smoothed` (the
    mean of the finite metric values of the row's grid neighbours, itself included) and
    `neighbours` (how many were averaged), sorted by the smoothed value (descending unless
    `ascending`; NaN last); the first `n` rows when given. `metric` defaults to the run's rank_by."""
    import quantgrid_plots

    metric = metric or quantgrid_plots.default_metric(path)
    frame = qr.load(path)
    if metric not in frame:
        raise KeyError(f"{path}: unknown metric '{metric}'; columns: {', '.join(frame.columns)}")
    params = qr._parameter_labels(path, None)
    frame.insert(0, "row", np.arange(len(frame)))
    smoothed, count = np.full(len(frame), np.nan), np.zeros(len(frame), dtype=np.int64)
    groups = frame.groupby("symbol", sort=False).indices if "symbol" in frame else {None: np.arange(len(frame))}
    for rows in groups.values():
        part = frame.iloc[rows]
        smoothed[rows], count[rows] = _smooth(_steps(part, params), part[metric].to_numpy(dtype=float), radius)
    frame[f"{metric}_smoothed"], frame["neighbours"] = smoothed, count
    ranked = frame.sort_values(f"{metric}_smoothed", ascending=ascending, na_position="last", kind="stable")
    ranked = ranked.head(n) if n else ranked
    ranked.index = pd.RangeIndex(1, len(ranked) + 1, name="rank")
    return ranked
