#include "common.hpp"

#include <string>

#include "qg/core/error.hpp"

namespace qg::kernels {
inline namespace QG_KERNEL_TARGET_NS {
namespace detail {
namespace {

template <class T>
void pad_lanes(std::vector<T>& v) {
  if (!v.empty()) v.resize(static_cast<std::size_t>(padded_size(static_cast<int>(v.size()))), v.back());
}

}  // namespace

std::vector<std::int32_t> int_params(const double* sets, int n_sets, int n_params, int p) {
  std::vector<std::int32_t> out(static_cast<std::size_t>(n_sets));
  for (int j = 0; j < n_sets; ++j) out[j] = static_cast<std::int32_t>(std::lround(sets[j * n_params + p]));
  pad_lanes(out);
  return out;
}

std::vector<double> real_params(const double* sets, int n_sets, int n_params, int p) {
  std::vector<double> out(static_cast<std::size_t>(n_sets));
  for (int j = 0; j < n_sets; ++j) out[j] = sets[j * n_params + p];
  pad_lanes(out);
  return out;
}

WindowColumns::WindowColumns(const double* sets, int n_sets, int n_params, std::span<const int> params) {
  std::vector<std::vector<std::int32_t>> values;
  for (int p : params) {
    values.push_back(int_params(sets, n_sets, n_params, p));
    windows_.insert(windows_.end(), values.back().begin(), values.back().end());
  }
  std::sort(windows_.begin(), windows_.end());
  windows_.erase(std::unique(windows_.begin(), windows_.end()), windows_.end());
  // Tables are indexed by window, so a window below 1 would read before the series.
  if (!windows_.empty() && windows_.front() < 1)
    throw KernelError("strategy window below 1: " + std::to_string(windows_.front()));
  for (const std::vector<std::int32_t>& v : values) {
    std::vector<std::int32_t> cols(v.size());
    for (std::size_t j = 0; j < v.size(); ++j)
      cols[j] = static_cast<std::int32_t>(std::lower_bound(windows_.begin(), windows_.end(), v[j]) - windows_.begin());
    columns_.push_back(std::move(cols));
  }
}

std::vector<double> WindowColumns::start_bars(int offset) const {
  std::vector<double> start(columns_.empty() ? 0 : columns_[0].size(), 0.0);
  for (const std::vector<std::int32_t>& cols : columns_)
    for (std::size_t j = 0; j < cols.size(); ++j)
      start[j] = std::max(start[j], static_cast<double>(window(cols[j]) - offset));
  return start;
}

void check_block(const PreparedSeries& series, int n_sets, BarRange bars, std::string_view who) {
  if (n_sets < 0) throw KernelError(std::string(who) + ": negative n_sets");
  check_range(bars, 0, series.size(), who);
}

std::vector<std::int32_t> column_offsets(const WindowColumns& cols, int slot, const TableLayout& layout) {
  std::vector<std::int32_t> off = cols.columns(slot);
  for (std::int32_t& o : off) o = static_cast<std::int32_t>(o * layout.col);
  return off;
}

void crossover_positions(const double* table, int n_cols, const WindowColumns& cols, int n_sets, BarRange bars,
                         PositionMode mode, std::int8_t* pos) {
  const std::vector<double> start = cols.start_bars(1);
  const TableLayout layout = TableLayout::time_major(bars, n_cols);
  const std::vector<std::int32_t> fast = column_offsets(cols, 0, layout), slow = column_offsets(cols, 1, layout);
  sweep_groups(n_sets, bars, pos, crossover_rule(table, layout, fast, slow, start, mode));
}

}  // namespace detail
}  // namespace QG_KERNEL_TARGET_NS
}  // namespace qg::kernels
