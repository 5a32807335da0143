#pragma once
// The var kind's part of `quantgrid results summary`.
#include <ostream>

namespace qg::results {
class RunReader;
}

namespace qg::jobs {

//! Prints the /var settings, VaR/ES per method and level, the largest Euler components at the
//! highest level, the backtest and the stress scenarios.
void print_var_summary_report(const results::RunReader& reader, std::ostream& os);

}  // namespace qg::jobs
