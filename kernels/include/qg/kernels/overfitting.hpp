#pragma once
// Statistics of backtest overfitting over a set of trials (parameter combinations), all on
// per-bar (not annualised) Sharpe ratios:
//   - PSR and DSR: Bailey & Lopez de Prado, "The Deflated Sharpe Ratio" (J. Portfolio Mgmt 2014);
//   - PBO by combinatorially symmetric cross-validation (CSCV): Bailey, Borwein, Lopez de Prado,
//     Zhu, "The Probability of Backtest Overfitting" (J. Computational Finance 2017);
//   - the participation ratio (tr C)^2 / tr(C^2) of the trials' correlation matrix C, an
//     effective number of independent trials.
// docs/walkforward.md states the conventions for users.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace qg::kernels {

//! Euler-Mascheroni constant.
inline constexpr double kEulerGamma = 0.57721566490153286061;

//! Mean / sd(ddof=1) of m values from their sum and sum of squares: variance (S2 - S1*mean)/(m-1)
//! clamped at 0; 0 when the variance is 0 (or m < 2).
inline double sharpe_from_sums(double s1, double s2, double m) {
  if (m < 2) return 0.0;
  const double mean = s1 / m;
  const double variance = std::max(0.0, (s2 - s1 * mean) / (m - 1));
  return variance > 0 ? mean / std::sqrt(variance) : 0.0;
}

//! Sample moments of one return series: Sharpe (mean / sd, ddof=1), skewness g3 (biased,
//! m3 / m2^1.5) and Pearson kurtosis g4 (biased, m4 / m2^2; 3 for a normal).
struct ReturnMoments {
  double sharpe = 0, skewness = 0, kurtosis = 3;
};
ReturnMoments return_moments(std::span<const double> returns);

//! The expected maximum Sharpe of `n_trials` trials with Sharpe variance `variance` under the
//! null: SR0 = sqrt(V) ((1 - g) Phi^-1(1 - 1/N) + g Phi^-1(1 - 1/(N e))), g = Euler's gamma.
double expected_max_sharpe(double variance, double n_trials);

//! Probability that the true Sharpe exceeds `benchmark` given an observed `sharpe` over
//! `n_obs` returns with skewness g3 and Pearson kurtosis g4:
//! Phi((SR - SR0) sqrt(T - 1) / sqrt(1 - g3 SR + (g4 - 1)/4 SR^2)). PSR: benchmark 0; DSR:
//! benchmark expected_max_sharpe(...). NaN when the denominator is not positive.
double probabilistic_sharpe(double sharpe, double benchmark, double n_obs, double skewness, double kurtosis);

//! The i-th split (0-based) of S blocks into S/2 in-sample blocks, in lexicographic order of
//! the chosen blocks: split 0 is {0, 1, ..., S/2 - 1}. Writes the S/2 ascending block ids.
void cscv_split(int n_blocks, std::uint64_t index, int* chosen);
//! C(S, S/2).
std::uint64_t cscv_split_count(int n_blocks);

//! What one CSCV split says about the in-sample best trial.
struct PboSplit {
  double lambda = 0;      // logit of its relative out-of-sample rank w = rank / (N + 1)
  double is_sharpe = 0;   // its in-sample per-bar Sharpe
  double oos_sharpe = 0;  // its out-of-sample per-bar Sharpe
};

//! The tie rule of every selection: the lowest index whose value is within
//! 1e-12 * max(1, |best|) of the largest value. -1 when `values` is empty.
std::int64_t best_index(std::span<const double> values);
//! The rank (1 = lowest) of values[i] among all values; values within 1e-12 * max(1, |v|) of
//! v = values[i] count as ties and share the average rank.
double tie_averaged_rank(std::span<const double> values, std::size_t i);

//! Working memory of pbo_splits and pbo_split_pairs, the caller's, reused between calls (every
//! entry is written before it is read): float Sharpe estimates of both halves of each split
//! (2 * count * n_trials), their per-tile maxima, and one split's exact values when an input is
//! not finite.
struct PboScratch {
  std::vector<float> estimates, tile_max;
  std::vector<double> exact;
};

//! CSCV splits [first, first + count) of N trials whose live returns are cut into S blocks of
//! `block_len` bars. Block sums are block-major: s1[b * n_trials + n] is the sum of trial n's
//! returns over block b, s2 the sum of their squares. Fast path: each half's Sharpe ratios are
//! estimated within a proven bound (vectorised over trials), and only the trials that can be the
//! in-sample best or lie near the out-of-sample rank's tie band are computed exactly (the exact
//! values decide: the results are those of best_index and tie_averaged_rank over every trial's
//! exact Sharpe, bit for bit).
void pbo_splits(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials, int n_blocks,
                std::int64_t block_len, std::uint64_t first, std::size_t count, PboSplit* out, PboScratch& scratch);
//! CSCV splits in complementary pairs: split C - 1 - p (C = cscv_split_count) chooses exactly
//! the blocks that split p leaves out (complementing reverses the lexicographic order), so its
//! two halves are p's swapped and one pass of block sums serves both. For the pairs
//! p = first_pair .. first_pair + count - 1 (first_pair + count <= C / 2) writes
//! out[2 i] = split p and out[2 i + 1] = split C - 1 - p, bit-identical to pbo_splits of those
//! splits. `scratch` as for pbo_splits.
void pbo_split_pairs(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials, int n_blocks,
                     std::int64_t block_len, std::uint64_t first_pair, std::size_t count, PboSplit* out,
                     PboScratch& scratch);
//! Every trial's sums over all S blocks, t1[i] then t2[n_trials + i], as pbo_split_pairs adds
//! them for its estimates of the complementary halves (ascending blocks); t2 is NaN where the
//! trial's sum of |s1| over its blocks exceeds sqrt(2 m t2 / 32) (Cauchy-Schwarz gives
//! sqrt(2 m t2); real returns in blocks of some 20 bars or more stay far below), so those trials
//! get no estimate and are computed exactly. The same for every split: a job computes them once and passes them to each
//! task.
std::vector<double> pbo_totals(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials,
                               int n_blocks, std::int64_t block_len);
//! pbo_split_pairs with the trials' totals from pbo_totals (empty: added per tile, as above):
//! the same splits, bit for bit, without adding the totals again in every task.
void pbo_split_pairs(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials, int n_blocks,
                     std::int64_t block_len, std::uint64_t first_pair, std::size_t count, PboSplit* out,
                     PboScratch& scratch, std::span<const double> totals);
//! Plain-loop reference from the per-bar returns (trial-major: returns[n * T + t], T >= S *
//! block_len; the first S * block_len bars are used): concatenates each half's bars and computes
//! its Sharpe with a two-pass variance.
void pbo_splits_ref(std::span<const double> returns, std::size_t n_trials, std::int64_t n_bars, int n_blocks,
                    std::int64_t block_len, std::uint64_t first, std::size_t count, PboSplit* out);

//! The summary of all splits: PBO (share with lambda <= 0), the least-squares slope of the
//! out-of-sample on the in-sample Sharpe (performance degradation), and the share of splits
//! whose in-sample best loses out of sample.
struct PboSummary {
  double pbo = 0, degradation_slope = 0, prob_oos_loss = 0;
  std::uint64_t splits = 0;
};
PboSummary summarize_pbo(std::span<const PboSplit> splits);

//! Sum over all pairs (i, j) of the squared correlation between series i of `a` and series j
//! of `b` (column-major T x Ma and T x Mb, each column already centred and scaled to unit
//! sum of squares, see standardize_columns). a == b gives tr(C^2) of that set. The product is
//! taken in single precision (relative error about 1e-6 of the sum); the _ref twin is double.
double correlation_square_sum(std::span<const double> a, std::size_t ma, std::span<const double> b, std::size_t mb,
                              std::int64_t n_bars);
//! The same on columns already rounded to single precision (float(x) of the standardised
//! columns): bit-identical to the double overload on the columns they were rounded from, for a
//! caller that keeps the columns between products at half the memory.
double correlation_square_sum(std::span<const float> a, std::size_t ma, std::span<const float> b, std::size_t mb,
                              std::int64_t n_bars);
//! Workspace of correlation_square_sum for a caller that multiplies many blocks (the matrix
//! product's packing panels and result, kept between calls; one per thread).
struct CorrelationScratch {
  CorrelationScratch();
  ~CorrelationScratch();
  CorrelationScratch(const CorrelationScratch&) = delete;
  CorrelationScratch& operator=(const CorrelationScratch&) = delete;
  class Impl;
  std::unique_ptr<Impl> impl;
};
//! The float overload through `scratch`: the same bits, without allocating and page-faulting
//! the product's megabytes of workspace on every call.
double correlation_square_sum(std::span<const float> a, std::size_t ma, std::span<const float> b, std::size_t mb,
                              std::int64_t n_bars, CorrelationScratch& scratch);
double correlation_square_sum_ref(std::span<const double> a, std::size_t ma, std::span<const double> b, std::size_t mb,
                                  std::int64_t n_bars);
//! Centres each column (T values) and scales it to unit sum of squares, in place. Returns how
//! many columns had a non-zero variance; constant columns are set to zero (they correlate with
//! nothing and do not count as trials).
std::size_t standardize_columns(std::span<double> columns, std::size_t m, std::int64_t n_bars);

}  // namespace qg::kernels
