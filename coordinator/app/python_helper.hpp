#pragma once
// The Python helpers of results/python (quantgrid_results.py: plots, the neighbourhood view)
// run from the command line with the Python that has h5py, pandas and matplotlib.
#include <string>
#include <vector>

namespace qg::app {

//! QUANTGRID_PYTHON, else Debian's /usr/bin/python3, else python3 on PATH.
std::string python_executable();

//! Runs `PYTHON results/python/quantgrid_results.py ARGS...` (each argument shell-quoted),
//! its standard output discarded unless `show_output`. IoError naming `what` and the command
//! when it exits non-zero (the helper has printed why on standard error).
void run_python_helper(const std::vector<std::string>& args, const std::string& what, bool show_output);

}  // namespace qg::app
