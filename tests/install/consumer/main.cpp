// Uses the installed quantgrid::kernels: a backtest and a normal quantile, checked against
// closed forms. Buy and hold without costs (long from the first close, held from bar 1 on) has
// total return close[T-1] / close[0] - 1; the 97.5% normal quantile is 1.959963984540054.
#include <cmath>
#include <cstdio>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/series.hpp"
#include "qg/kernels/synthetic.hpp"
#include "qg/kernels/var/distributions.hpp"

int main() {
  const qg::kernels::SyntheticBars bars = qg::kernels::generate_bars(1, 0, 500);
  const qg::kernels::PreparedSeries series({bars.high, bars.low, bars.close});
  const std::vector<std::int8_t> long_always(bars.close.size(), 1);
  std::vector<double> metrics(qg::kernels::kNumMetrics);
  qg::kernels::backtest_metrics(series, long_always.data(), 1, 0.0, metrics.data());
  const double total = metrics[static_cast<int>(qg::kernels::Metric::kTotalReturn)];
  const double expected = bars.close.back() / bars.close.front() - 1;
  const double z = qg::kernels::var::norm_quantile(0.975);
  std::printf("buy and hold total return %.12f (closed form %.12f), z(0.975) = %.15f\n", total, expected, z);
  const bool ok = std::fabs(total - expected) < 1e-9 && std::fabs(z - 1.959963984540054) < 1e-13;
  return ok ? 0 : 1;
}
