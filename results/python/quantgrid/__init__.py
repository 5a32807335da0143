"""quantgrid from Python: load run files of any job kind, drill into sweep rows, run jobs.

    import quantgrid
    run = quantgrid.run({"job": "sweep", ...}, ranks=None)   # runs the spec through the CLI
    run = quantgrid.load("results/sma_sweep.h5")               # {table name: DataFrame}, main table first
    run.main                                                    # the main table's DataFrame
    quantgrid.equity("results/sma_sweep.h5", row=12)            # one sweep row, bar by bar
    quantgrid.trades("results/sma_sweep.h5", best="sharpe")     # its round trips
    quantgrid.neighbours("results/sma_sweep.h5")                # rows by their metric smoothed over grid neighbours
    quantgrid.heatmap("results/sma_sweep.h5")                   # a report-ready heatmap (quantgrid_plots)

Tables come back with integer parameters as integers (a params column whose every value is a
whole number), dates (YYYYMMDD columns: date, *_date, *_start, *_end) as datetime64 and symbol
indices as names. The plain reader (one table at a time, no conversions) is quantgrid_results.
"""
from quantgrid_results import (SchemaError, attributes, equity, heatmap, neighbours, overfitting, plot_equity,
                               plot_var, plot_walkforward, provenance, tables, top, trades)

from ._load import Run, load, load_table
from ._run import run

__all__ = ["Run", "SchemaError", "attributes", "equity", "heatmap", "load", "load_table", "neighbours",
           "overfitting", "plot_equity", "plot_var", "plot_walkforward", "provenance", "run", "tables", "top",
           "trades"]
__version__ = "0.1.0"
