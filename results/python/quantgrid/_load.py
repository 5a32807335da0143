"""quantgrid.load: every table of a run file, with parameters and dates in their own types."""
import numpy as np
import pandas as pd
import quantgrid_results as qr

_DATE_SUFFIXES = ("_date", "_start", "_end")


def _is_date_column(name, values):
    if name != "date" and not name.endswith(_DATE_SUFFIXES):
        return False
    if values.dtype.kind not in "iu" and not (values.dtype.kind == "f" and np.all(np.isfinite(values))):
        return False
    return len(values) == 0 or bool(np.all((values >= 10000101) & (values <= 99991231)))


def _typed(frame, parameters):
    """Integer parameters as int64, YYYYMMDD columns as datetime64."""
    for name in frame.columns:
        values = frame[name].to_numpy()
        if name in parameters and values.dtype.kind == "f" and np.all(np.isfinite(values)) \
                and np.all(values == np.round(values)):
            frame[name] = values.astype(np.int64)
        elif _is_date_column(name, values):
            frame[name] = pd.to_datetime(values.astype(np.int64).astype(str), format="%Y%m%d")
    return frame


def load_table(path, table=None):
    """One table (default: the main table) as quantgrid_results.load reads it, typed."""
    frame = qr.load(path, table)
    parameters = set(qr._parameter_labels(path, table))
    return _typed(frame, parameters)


class Run(dict):
    """{table name: DataFrame} of a run file, main table first; .main, .path, .provenance."""

    def __init__(self, path, frames):
        super().__init__(frames)
        self.path = str(path)

    @property
    def main(self):
        return next(iter(self.values()))

    @property
    def provenance(self):
        return qr.provenance(self.path)


def load(path):
    """Every table the run file holds, for any job kind, as a Run (a dict, main table first)."""
    return Run(path, {name: load_table(path, name) for name in qr.tables(path)})
