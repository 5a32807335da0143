// Hyper-parameter grids of a train spec (train_grid.hpp).
#include "train_grid.hpp"

#include <cmath>

namespace qg::jobs {

std::vector<double> numpy_linspace(double from, double to, std::uint64_t count) {
  std::vector<double> out;
  if (count == 0) return out;
  if (count == 1) return {from};
  const double step = (to - from) / static_cast<double>(count - 1);
  for (std::uint64_t i = 0; i < count; ++i) out.push_back(static_cast<double>(i) * step + from);
  out.back() = to;
  return out;
}

std::vector<double> numpy_logspace(double from, double to, std::uint64_t count) {
  std::vector<double> out = numpy_linspace(std::log10(from), std::log10(to), count);
  for (double& v : out) v = std::pow(10.0, v);
  return out;
}

HyperGrid make_grid(std::vector<HyperAxis> axes) {
  HyperGrid grid;
  grid.axes = std::move(axes);
  std::size_t total = grid.axes.empty() ? 0 : 1;
  for (const auto& a : grid.axes) total *= a.values.size();
  for (std::size_t i = 0; i < total; ++i) {
    std::size_t rest = i, stride = total;
    for (const auto& a : grid.axes) {
      stride /= a.values.size();
      grid.values.push_back(a.values[rest / stride]);
      rest %= stride;
    }
  }
  return grid;
}

}  // namespace qg::jobs
