#pragma once
// Empirical VaR / ES conventions and the bounded top-K tail that Monte Carlo VaR merges.
//
// Losses are positive. With n losses and level a:
//   VaR = the ceil(n*a)-th smallest loss, i.e. the r-th largest with r = n - ceil(n*a) + 1;
//   ES  = the Acerbi-Tasche tail mean: with m = n*(1-a),
//         ES = (sum of the floor(m) largest + (m - floor(m)) * the (floor(m)+1)-th largest) / m,
//         which for integer m is the mean of the m largest losses.
// n*a and n*(1-a) within 1e-9 (relative) of an integer are taken as that integer, so that
// 1000 * 0.95 is 950 whatever the binary rounding of 0.95.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace qg::kernels::var {

//! ceil(n * a) with the integer snapping described above.
std::uint64_t ceil_count(std::uint64_t n, double a);
//! floor(n * (1 - a)) with the same snapping.
std::uint64_t floor_tail(std::uint64_t n, double a);
//! 1-based rank from the top of the VaR order statistic: n - ceil(n*a) + 1.
std::uint64_t var_rank(std::uint64_t n, double a);
//! Largest losses needed for exact VaR and ES at every level >= a_min: min(n, floor(n(1-a)) + 1).
std::uint64_t tail_size(std::uint64_t n, double a_min);

//! Acerbi-Tasche weight of the i-th largest loss (0-based) in ES at level a over n losses;
//! the weights of a level sum to 1.
double es_weight(std::uint64_t n, double a, std::uint64_t i);

//! VaR of `top` = the largest losses of a sample of n, sorted descending (top.size() >= var_rank).
double var_from_top(std::span<const double> top, std::uint64_t n, double a);
//! ES of the same.
double es_from_top(std::span<const double> top, std::uint64_t n, double a);

//! VaR of an unsorted sample (copies, partial sort). Reference for the tail forms.
double empirical_var(std::span<const double> losses, double a);
//! ES of an unsorted sample.
double empirical_es(std::span<const double> losses, double a);

//! The k largest of `losses`, sorted descending (a copy).
std::vector<double> top_k(std::span<const double> losses, std::size_t k);

//! Rows a batch of n keeps for a one-pass tail: its tail_size(n, a_min) plus a margin of
//! kTailMarginSd binomial standard deviations sqrt(n a (1 - a)) and 16 rows, at most n.
//! A batch's share of the run's K largest losses exceeds this only in the far tail of the
//! binomial (or when batches differ): then the batch is simulated again.
std::uint64_t kept_tail_rows(std::uint64_t n, double a_min);
inline constexpr double kTailMarginSd = 6.0;

//! The `count` largest losses with their scenario ids (first_id + index) as pairs (loss, id),
//! row-major, ordered by loss descending and id ascending (the TailRows order).
std::vector<double> top_with_ids(std::span<const double> losses, double first_id, std::size_t count);
//! The same by a full sort of every (loss, id) pair (reference).
std::vector<double> top_with_ids_ref(std::span<const double> losses, double first_id, std::size_t count);

//! A bounded top-K set of rows, ordered by (row[0] descending, row[1] ascending): row[0] is the
//! loss and row[1] a unique scenario id, so ties break identically whatever the merge order.
class TailRows {
 public:
  //! Keeps at most `capacity` rows of `width` doubles each (width >= 2).
  TailRows(std::size_t capacity, std::size_t width);
  //! Adds rows (row-major, a multiple of width); memory stays within about 2 * capacity rows.
  void add(std::span<const double> rows);
  //! Sorts and truncates to capacity; returns the rows in order, row-major.
  std::span<const double> finish();
  std::size_t width() const { return width_; }
  std::size_t rows() const { return data_.size() / width_; }

 private:
  void compact(std::size_t keep);

  std::size_t capacity_;
  std::size_t width_;
  std::vector<double> data_;
  std::vector<double> scratch_;
  std::vector<std::uint32_t> order_;
};

}  // namespace qg::kernels::var
