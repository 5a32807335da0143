#pragma once
// Hyper-parameter values of a train spec: a number, a list, or `{from, to, count, log}` giving
// exactly NumPy's points (numpy.linspace, or numpy.logspace over log10(from)..log10(to)), and
// the grid of their combinations (the first parameter slowest, as scikit-learn's ParameterGrid
// orders the model's parameters alphabetically).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace qg::jobs {

//! numpy.linspace(from, to, count): from + i * step with step = (to - from) / (count - 1), and
//! the last point exactly `to`.
std::vector<double> numpy_linspace(double from, double to, std::uint64_t count);
//! numpy.logspace(log10(from), log10(to), count): 10 ** linspace of the exponents.
std::vector<double> numpy_logspace(double from, double to, std::uint64_t count);

//! One hyper-parameter and its values, in spec order.
struct HyperAxis {
  std::string name;
  std::vector<double> values;
};

//! The hyper-parameter sets, set-major.
struct HyperGrid {
  std::vector<HyperAxis> axes;
  std::vector<double> values;
  std::size_t size() const { return axes.empty() ? 0 : values.size() / axes.size(); }
  std::span<const double> set(std::size_t i) const { return {values.data() + i * axes.size(), axes.size()}; }
};

//! The cartesian product of `axes`, the last axis fastest.
HyperGrid make_grid(std::vector<HyperAxis> axes);

}  // namespace qg::jobs
