// Component VaR and ES from sums over tail scenarios (see tail_components.hpp).
#include "var/tail_components.hpp"

#include <algorithm>

#include "qg/core/error.hpp"
#include "qg/kernels/var/tail.hpp"

namespace qg::jobs {

namespace kv = kernels::var;

TailComponents::TailComponents(std::uint64_t n_total, std::span<const double> levels, std::uint64_t tail_rows,
                               std::size_t positions)
    : n_total_(n_total), positions_(positions) {
  QG_CHECK(tail_rows >= 1, "component sums over an empty tail");
  for (double a : levels) {
    const std::uint64_t rank = kv::var_rank(n_total, a);
    QG_CHECK(rank >= 1 && rank <= tail_rows, "tail shorter than the VaR rank");
    const std::uint64_t centre = rank - 1, half = std::max<std::uint64_t>(1, rank / 20);
    windows_.push_back({a, centre > half ? centre - half : 0, std::min(tail_rows - 1, centre + half)});
  }
}

void TailComponents::add(std::uint64_t rank, const double* pnl, std::span<double> sums) const {
  QG_CHECK(sums.size() == width(), "component sums of the wrong width");
  const std::size_t p = positions_;
  for (std::size_t l = 0; l < windows_.size(); ++l) {
    double* es = sums.data() + 2 * p * l;
    double* var = es + p;
    const double weight = kv::es_weight(n_total_, windows_[l].a, rank);
    if (weight != 0)
      for (std::size_t k = 0; k < p; ++k) es[k] += weight * pnl[k];
    if (rank >= windows_[l].lo && rank <= windows_[l].hi)
      for (std::size_t k = 0; k < p; ++k) var[k] += pnl[k];
  }
}

std::vector<std::vector<double>> TailComponents::component_var(std::span<const double> sums,
                                                               std::span<const double> var) const {
  QG_CHECK(sums.size() == width() && var.size() == windows_.size(), "component VaR of the wrong shape");
  std::vector<std::vector<double>> out;
  for (std::size_t l = 0; l < windows_.size(); ++l) {
    // The positions' mean loss over the window, rescaled so the components sum to VaR.
    const double count = static_cast<double>(windows_[l].hi - windows_[l].lo + 1);
    std::vector<double> avg(positions_);
    double total = 0;
    for (std::size_t k = 0; k < positions_; ++k) total += avg[k] = -sums[2 * positions_ * l + positions_ + k] / count;
    if (total != 0)
      for (double& v : avg) v *= var[l] / total;
    out.push_back(std::move(avg));
  }
  return out;
}

std::vector<std::vector<double>> TailComponents::component_es(std::span<const double> sums) const {
  QG_CHECK(sums.size() == width(), "component ES of the wrong width");
  std::vector<std::vector<double>> out;
  for (std::size_t l = 0; l < windows_.size(); ++l) {
    const auto es = sums.subspan(2 * positions_ * l, positions_);
    std::vector<double> c(positions_);
    for (std::size_t k = 0; k < positions_; ++k) c[k] = -es[k];
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace qg::jobs
