// Empirical quantile conventions and the bounded top-K merge of tail rows.
#include "qg/kernels/var/tail.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "qg/core/error.hpp"

namespace qg::kernels::var {
namespace {

//! x rounded to the nearest integer when within 1e-9 (relative) of it, else unchanged.
double snap(double x) {
  const double r = std::nearbyint(x);
  return std::fabs(x - r) <= 1e-9 * std::max(1.0, std::fabs(x)) ? r : x;
}

void check_level(double a) {
  if (!(a > 0.0 && a < 1.0)) throw KernelError("confidence level must be in (0, 1), got " + std::to_string(a));
}

}  // namespace

std::uint64_t ceil_count(std::uint64_t n, double a) {
  check_level(a);
  return static_cast<std::uint64_t>(std::ceil(snap(static_cast<double>(n) * a)));
}

std::uint64_t floor_tail(std::uint64_t n, double a) {
  check_level(a);
  return static_cast<std::uint64_t>(std::floor(snap(static_cast<double>(n) * (1.0 - a))));
}

std::uint64_t var_rank(std::uint64_t n, double a) {
  const std::uint64_t c = ceil_count(n, a);
  return n - std::max<std::uint64_t>(c, 1) + 1;
}

std::uint64_t tail_size(std::uint64_t n, double a_min) { return std::min(n, floor_tail(n, a_min) + 1); }

double es_weight(std::uint64_t n, double a, std::uint64_t i) {
  const double m = snap(static_cast<double>(n) * (1.0 - a));
  const double whole = std::floor(m);
  const double di = static_cast<double>(i);
  if (di < whole) return 1.0 / m;
  if (di == whole) return (m - whole) / m;
  return 0.0;
}

double var_from_top(std::span<const double> top, std::uint64_t n, double a) {
  const std::uint64_t r = var_rank(n, a);
  QG_CHECK(r >= 1 && r <= top.size(), "tail too short for the VaR rank");
  return top[r - 1];
}

double es_from_top(std::span<const double> top, std::uint64_t n, double a) {
  const double m = snap(static_cast<double>(n) * (1.0 - a));
  const auto whole = static_cast<std::uint64_t>(std::floor(m));
  const double frac = m - static_cast<double>(whole);
  QG_CHECK(whole + (frac > 0 ? 1 : 0) <= top.size(), "tail too short for ES");
  if (m <= 0) return top.empty() ? 0.0 : top[0];
  double sum = 0.0;
  for (std::uint64_t i = 0; i < whole; ++i) sum += top[i];
  if (frac > 0) sum += frac * top[whole];
  return sum / m;
}

std::vector<double> top_k(std::span<const double> losses, std::size_t k) {
  std::vector<double> v(losses.begin(), losses.end());
  k = std::min(k, v.size());
  std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(), std::greater<>());
  v.resize(k);
  return v;
}

std::uint64_t kept_tail_rows(std::uint64_t n, double a_min) {
  const double sd = std::sqrt(static_cast<double>(n) * a_min * (1.0 - a_min));
  const auto margin = static_cast<std::uint64_t>(std::ceil(kTailMarginSd * sd)) + 16;
  return std::min(n, tail_size(n, a_min) + margin);
}

std::vector<double> top_with_ids(std::span<const double> losses, double first_id, std::size_t count) {
  count = std::min(count, losses.size());
  std::vector<std::uint32_t> order(losses.size());
  std::iota(order.begin(), order.end(), 0u);
  auto before = [&losses](std::uint32_t x, std::uint32_t y) {
    return losses[x] > losses[y] || (losses[x] == losses[y] && x < y);
  };
  const auto cut = order.begin() + static_cast<std::ptrdiff_t>(count);
  std::nth_element(order.begin(), cut, order.end(), before);
  std::sort(order.begin(), cut, before);
  std::vector<double> pairs(2 * count);
  for (std::size_t i = 0; i < count; ++i) {
    pairs[2 * i] = losses[order[i]];
    pairs[2 * i + 1] = first_id + static_cast<double>(order[i]);
  }
  return pairs;
}

std::vector<double> top_with_ids_ref(std::span<const double> losses, double first_id, std::size_t count) {
  std::vector<std::pair<double, double>> all;
  for (std::size_t i = 0; i < losses.size(); ++i) all.emplace_back(-losses[i], first_id + static_cast<double>(i));
  std::sort(all.begin(), all.end());
  std::vector<double> pairs;
  for (std::size_t i = 0; i < std::min(count, all.size()); ++i)
    pairs.insert(pairs.end(), {-all[i].first, all[i].second});
  return pairs;
}

double empirical_var(std::span<const double> losses, double a) {
  const auto n = static_cast<std::uint64_t>(losses.size());
  QG_CHECK(n > 0, "empirical_var of an empty sample");
  return var_from_top(top_k(losses, tail_size(n, a)), n, a);
}

double empirical_es(std::span<const double> losses, double a) {
  const auto n = static_cast<std::uint64_t>(losses.size());
  QG_CHECK(n > 0, "empirical_es of an empty sample");
  return es_from_top(top_k(losses, tail_size(n, a)), n, a);
}

// ---- TailRows ----

TailRows::TailRows(std::size_t capacity, std::size_t width) : capacity_(capacity), width_(width) {
  QG_CHECK(width >= 2, "tail rows need a loss and an id");
}

void TailRows::add(std::span<const double> rows) {
  QG_CHECK(rows.size() % width_ == 0, "tail rows: partial row");
  data_.insert(data_.end(), rows.begin(), rows.end());
  // Compact only once the buffer holds twice the capacity: amortised O(rows) per added row.
  if (this->rows() > 2 * capacity_ + 1024) compact(capacity_);
}

void TailRows::compact(std::size_t keep) {
  const std::size_t n = rows();
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0u);
  const double* d = data_.data();
  const std::size_t w = width_;
  auto before = [d, w](std::uint32_t x, std::uint32_t y) {
    const double lx = d[x * w], ly = d[y * w];
    return lx > ly || (lx == ly && d[x * w + 1] < d[y * w + 1]);
  };
  keep = std::min(keep, n);
  std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(keep), order_.end(), before);
  scratch_.resize(keep * w);
  for (std::size_t i = 0; i < keep; ++i)
    std::copy_n(d + static_cast<std::size_t>(order_[i]) * w, w, scratch_.data() + i * w);
  data_.swap(scratch_);
}

std::span<const double> TailRows::finish() {
  compact(capacity_);
  return data_;
}

}  // namespace qg::kernels::var
