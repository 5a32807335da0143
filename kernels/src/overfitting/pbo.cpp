// PBO by combinatorially symmetric cross-validation (Bailey, Borwein, Lopez de Prado, Zhu 2017).
// The fast path works on per-block sums laid out block-major, so that every split is a few
// vectorised passes over the trials; pbo_splits_ref recomputes each half from the raw returns.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <vector>

#include "sharpe_bounds.hpp"
#include "qg/core/error.hpp"
#include "qg/kernels/overfitting.hpp"

namespace qg::kernels {
namespace {

using sharpe_bounds::tolerance;

PboSplit split_result(std::span<const double> is, std::span<const double> oos) {
  const auto best = static_cast<std::size_t>(best_index(is));
  const double n = static_cast<double>(is.size());
  const double w = tie_averaged_rank(oos, best) / (n + 1.0);
  return {std::log(w / (1.0 - w)), is[best], oos[best]};
}

//! Sharpe of the bars of `blocks` of one trial, concatenated in block order, two-pass variance.
double half_sharpe_ref(const double* trial, const std::vector<int>& blocks, std::int64_t block_len) {
  std::vector<double> bars;
  for (int b : blocks) bars.insert(bars.end(), trial + b * block_len, trial + (b + 1) * block_len);
  const double m = static_cast<double>(bars.size());
  double mean = 0;
  for (double r : bars) mean += r;
  mean /= m;
  double ss = 0;
  for (double r : bars) ss += (r - mean) * (r - mean);
  const double variance = ss / (m - 1);
  return variance > 0 ? mean / std::sqrt(variance) : 0.0;
}

std::vector<int> complement(int n_blocks, const std::vector<int>& chosen) {
  std::vector<int> out;
  for (int b = 0; b < n_blocks; ++b)
    if (std::find(chosen.begin(), chosen.end(), b) == chosen.end()) out.push_back(b);
  return out;
}

void check_blocks(int n_blocks) {
  if (n_blocks < 2 || n_blocks % 2 != 0 || n_blocks > 32)
    throw KernelError("CSCV needs an even number of blocks between 2 and 32, got " + std::to_string(n_blocks));
}

}  // namespace

std::uint64_t cscv_split_count(int n_blocks) {
  check_blocks(n_blocks);
  std::uint64_t c = 1;
  for (int i = 1; i <= n_blocks / 2; ++i)
    c = c * static_cast<std::uint64_t>(n_blocks / 2 + i) / static_cast<std::uint64_t>(i);
  return c;
}

void cscv_split(int n_blocks, std::uint64_t index, int* chosen) {
  check_blocks(n_blocks);
  // Unranks `index` in the lexicographic order of k-subsets: at each position take the
  // smallest block whose subsets (with the rest chosen after it) still contain `index`.
  const int k = n_blocks / 2;
  auto choose = [](int n, int r) {
    if (r < 0 || r > n) return std::uint64_t{0};
    std::uint64_t c = 1;
    for (int i = 1; i <= r; ++i) c = c * static_cast<std::uint64_t>(n - r + i) / static_cast<std::uint64_t>(i);
    return c;
  };
  int next = 0;
  for (int pos = 0; pos < k; ++pos) {
    for (int b = next;; ++b) {
      const std::uint64_t with_b = choose(n_blocks - b - 1, k - pos - 1);
      if (index < with_b) {
        chosen[pos] = b;
        next = b + 1;
        break;
      }
      index -= with_b;
    }
  }
}

std::int64_t best_index(std::span<const double> values) {
  if (values.empty()) return -1;
  // The largest value by eight independent running maxima (the same value as one running
  // maximum, since max is exact; a NaN first value propagates as it does there), then the
  // first index within the tolerance of it.
  constexpr std::size_t kLanes = 8;
  double lane[kLanes];
  std::fill_n(lane, kLanes, values[0]);
  const std::size_t whole = values.size() / kLanes * kLanes;
  for (std::size_t i = 0; i < whole; i += kLanes)
    for (std::size_t j = 0; j < kLanes; ++j) lane[j] = lane[j] < values[i + j] ? values[i + j] : lane[j];
  double best = values[0];
  for (double v : lane) best = std::max(best, v);
  for (std::size_t i = whole; i < values.size(); ++i) best = std::max(best, values[i]);
  const double floor = best - tolerance(best);
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] >= floor) return static_cast<std::int64_t>(i);
  return -1;
}

double tie_averaged_rank(std::span<const double> values, std::size_t i) {
  const double v = values[i], tol = tolerance(v);
  std::size_t below = 0, ties = 0;
  for (double x : values) {
    if (x < v - tol)
      ++below;
    else if (x <= v + tol)
      ++ties;
  }
  return static_cast<double>(below) + (static_cast<double>(ties) + 1.0) / 2.0;
}

namespace {

//! Each split's in-sample blocks and the others, ascending (k = S / 2 of each a split), and how
//! many leading chosen blocks each split shares with the previous split's (0 for the first).
struct SplitHalves {
  int k = 0;
  std::vector<int> in, out, keep_in;
};

SplitHalves split_halves(int n_blocks, std::uint64_t first, std::size_t count) {
  SplitHalves h;
  h.k = n_blocks / 2;
  const auto k = static_cast<std::size_t>(h.k);
  h.in.resize(count * k), h.out.resize(count * k), h.keep_in.assign(count, 0);
  for (std::size_t s = 0; s < count; ++s) {
    cscv_split(n_blocks, first + s, h.in.data() + s * k);
    const std::vector<int> chosen(h.in.begin() + static_cast<std::ptrdiff_t>(s * k),
                                  h.in.begin() + static_cast<std::ptrdiff_t>((s + 1) * k));
    std::copy_n(complement(n_blocks, chosen).begin(), k, h.out.begin() + static_cast<std::ptrdiff_t>(s * k));
    if (s == 0) continue;
    int l = 0;
    while (l < h.k && h.in[s * k + static_cast<std::size_t>(l)] == h.in[(s - 1) * k + static_cast<std::size_t>(l)]) ++l;
    h.keep_in[s] = l;
  }
  return h;
}

constexpr std::size_t kTile = 128;  // trials whose partial sums and block sums stay in L1/L2

//! The block sums of one search: N trials, S = 2 k blocks, m bars a half.
struct Sums {
  const double* s1;
  const double* s2;
  std::size_t n;
  int k;
  double m;
  const double* totals = nullptr;  // pbo_totals (2 n values), or null: add_totals per tile
};

//! One tile's block sums rounded to float (row b of kTile floats: block b, s1 then s2 at
//! 2 S kTile), its trials' totals over all blocks rounded to float (t1, t2: NaN where add_totals'
//! check fails) and their share floors (sharpe_bounds::share_floors), and the chosen half's
//! partial sums (levels 0..k, s1 then s2 at kTile each).
struct FloatTile {
  std::vector<float> rows, t1, t2, floor, acc;
};

//! Rounds the tile at t0 (tn trials) to float: its block rows and the totals (t1, t2: kTile each).
void load_tile(FloatTile& f, const Sums& sums, const double* t1, const double* t2, std::size_t t0, std::size_t tn) {
  const std::size_t rows = 2 * static_cast<std::size_t>(sums.k), s2_at = rows * kTile;
  for (std::size_t b = 0; b < rows; ++b) {
    const double* x1 = sums.s1 + b * sums.n + t0;
    const double* x2 = sums.s2 + b * sums.n + t0;
    float* y = f.rows.data() + b * kTile;
    for (std::size_t i = 0; i < tn; ++i) y[i] = static_cast<float>(x1[i]), y[s2_at + i] = static_cast<float>(x2[i]);
  }
  for (std::size_t i = 0; i < tn; ++i) f.t1[i] = static_cast<float>(t1[i]), f.t2[i] = static_cast<float>(t2[i]);
  sharpe_bounds::share_floors(f.t2.data(), sums.m, tn, f.floor.data());
}

//! Partial sums of one half over W trials (i0 .. i0 + W - 1 of a tile), in float from the tile's
//! float rows: level l (0..k) holds the sums of the half's first l blocks, level l+1 = level l +
//! block l, so the additions are in ascending block order from 0 (sharpe_bounds::estimates_float's
//! bound). From level `from` (kept from the previous split, which had the same leading blocks) the
//! sums are carried in registers; a level is stored only when the next split keeps it (up to
//! `store_to`), and the top level k always.
template <std::size_t W>
void add_levels(FloatTile& f, const int* blocks, int from, int store_to, int k, std::size_t i0) {
  float a[W], b[W];
  const std::size_t s2_at = 2 * static_cast<std::size_t>(k) * kTile;
  const float* p = f.acc.data() + 2 * static_cast<std::size_t>(from) * kTile + i0;
  for (std::size_t j = 0; j < W; ++j) a[j] = p[j], b[j] = p[kTile + j];
  for (int l = from; l < k; ++l) {
    const float* x = f.rows.data() + static_cast<std::size_t>(blocks[l]) * kTile + i0;
    for (std::size_t j = 0; j < W; ++j) a[j] = a[j] + x[j], b[j] = b[j] + x[s2_at + j];
    if (l + 1 > store_to && l + 1 < k) continue;
    float* q = f.acc.data() + 2 * static_cast<std::size_t>(l + 1) * kTile + i0;
    for (std::size_t j = 0; j < W; ++j) q[j] = a[j], q[kTile + j] = b[j];
  }
}

//! add_levels over a tile of tn trials, sixteen at a time.
void extend_levels(FloatTile& f, const int* blocks, int from, int store_to, int k, std::size_t tn) {
  std::size_t i0 = 0;
  for (; i0 + 16 <= tn; i0 += 16) add_levels<16>(f, blocks, from, store_to, k, i0);
  for (; i0 < tn; ++i0) add_levels<1>(f, blocks, from, store_to, k, i0);
}

//! The split's exact Sharpe of trial i over `blocks` (k of them): its block sums added in
//! ascending block order from 0, as extend_levels adds them, then sharpe_from_sums (without its
//! m < 2 case). The variance's s2 - s1 mean is one fused multiply-add where the target has one,
//! as the compiler contracts it in vectorised lanes of this file, so that every path agrees.
double exact_half(const Sums& sums, const int* blocks, std::size_t i) {
  double a = 0.0, b = 0.0;
  for (int l = 0; l < sums.k; ++l) {
    const std::size_t at = static_cast<std::size_t>(blocks[l]) * sums.n + i;
    a = a + sums.s1[at], b = b + sums.s2[at];
  }
  const double mean = a / sums.m;
#if defined(__FMA__)
  const double v = std::fma(-a, mean, b) / (sums.m - 1);
#else
  const double v = (b - a * mean) / (sums.m - 1);
#endif
  const double variance = v > 0 ? v : 0.0;
  return variance > 0 ? mean / std::sqrt(variance) : 0.0;
}

//! Asks for the block sums of the tile at t0 (its 2 S rows of kTile doubles) ahead of use: the
//! hardware prefetchers do not follow 2 S streams a block-row apart.
void prefetch_tile(const Sums& sums, std::size_t t0) {
  if (t0 >= sums.n) return;
  const std::size_t end = std::min(sums.n, t0 + kTile);
  for (int b = 0; b < 2 * sums.k; ++b)
    for (std::size_t i = t0; i < end + 7; i += 8) {  // 8 doubles a 64-byte line; rows start anywhere
      const std::size_t at = static_cast<std::size_t>(b) * sums.n + std::min(i, end - 1);
      __builtin_prefetch(sums.s1 + at);
      __builtin_prefetch(sums.s2 + at);
    }
}

//! Sharpe estimates of both halves of every split of a batch for every trial, split-major
//! (est[(2 s + half) * n + i], half 0 = the chosen blocks), and per tile of kTile trials their
//! maxima (tile_max[((2 s + half) * 2 + 0|1) * tiles + t]: finite, any).
struct EstimateTables {
  std::size_t n = 0, tiles = 0;
  const float* est = nullptr;
  const float* tile_max = nullptr;
  const float* half(std::size_t s, int h) const { return est + (2 * s + static_cast<std::size_t>(h)) * n; }
  sharpe_bounds::Tiles tiles_of(std::size_t s, int h) const {
    const float* base = tile_max + (2 * s + static_cast<std::size_t>(h)) * 2 * tiles;
    return {kTile, {base, tiles}, {base + tiles, tiles}};
  }
};

//! The sums over all 2k blocks of the tile's trials (t1[i], then t2 at kTile), ascending blocks.
//! t2 is NaN (so neither half gets an estimate and both are computed exactly) where the sum of
//! |s1| over the blocks exceeds sqrt(kAbsShare 2 m t2) (with a 2^-20 margin): the bound of
//! sharpe_bounds::estimates_float rests on it (Cauchy-Schwarz on block sums of the same bars
//! gives a share of 1, real returns far less), so block sums that break it, of real bars or not,
//! cannot break exactness.
void add_totals(double* totals, const Sums& sums, std::size_t t0, std::size_t tn) {
  double t1[kTile] = {}, t2[kTile] = {}, abs1[kTile] = {};  // local: no aliasing with the sums
  for (int b = 0; b < 2 * sums.k; ++b) {
    const double* x1 = sums.s1 + static_cast<std::size_t>(b) * sums.n + t0;
    const double* x2 = sums.s2 + static_cast<std::size_t>(b) * sums.n + t0;
    for (std::size_t i = 0; i < tn; ++i) t1[i] = t1[i] + x1[i], t2[i] = t2[i] + x2[i], abs1[i] += std::fabs(x1[i]);
  }
  const double bars = sharpe_bounds::kAbsShare * 2 * sums.m * (1 + 0x1p-20);
  for (std::size_t i = 0; i < kTile; ++i) {
    totals[i] = t1[i];
    totals[kTile + i] = abs1[i] * abs1[i] <= bars * t2[i] ? t2[i] : std::numeric_limits<double>::quiet_NaN();
  }
}

//! Fills the estimate tables of splits h, in float lanes from the tile's block sums rounded to
//! float. Half 0 (the chosen blocks) from its partial sums (consecutive splits in lexicographic
//! order share their leading blocks, on average 11 of 16 for S = 16, whose partial sums are
//! reused; sharpe_bounds::estimates_float); half 1 from the tile's totals less half 0's sums
//! (sharpe_bounds::estimates_difference_float), as the halves of a split are complements.
EstimateTables estimate_tables(const Sums& sums, const SplitHalves& h, std::size_t count, PboScratch& scratch) {
  const std::size_t n = sums.n, k = static_cast<std::size_t>(sums.k), tiles = (n + kTile - 1) / kTile;
  scratch.estimates.resize(2 * count * n);
  scratch.tile_max.resize(4 * count * tiles);
  float* est = scratch.estimates.data();
  float* tmax = scratch.tile_max.data();
  std::vector<double> totals(2 * kTile);
  FloatTile f{std::vector<float>(4 * k * kTile), std::vector<float>(kTile), std::vector<float>(kTile),
              std::vector<float>(kTile),
              std::vector<float>(2 * (k + 1) * kTile, 0.0f)};  // half 0's levels (level 0 stays 0)
  const float* top = f.acc.data() + 2 * k * kTile;
  for (std::size_t t0 = 0, t = 0; t0 < n; t0 += kTile, ++t) {
    const std::size_t tn = std::min(kTile, n - t0);
    prefetch_tile(sums, t0 + kTile);
    if (sums.totals == nullptr) add_totals(totals.data(), sums, t0, tn);
    const double* t1 = sums.totals != nullptr ? sums.totals + t0 : totals.data();
    const double* t2 = sums.totals != nullptr ? sums.totals + n + t0 : totals.data() + kTile;
    load_tile(f, sums, t1, t2, t0, tn);
    for (std::size_t s = 0; s < count; ++s) {
      const int store_to = s + 1 < count ? h.keep_in[s + 1] : 0;  // the levels the next split reuses
      extend_levels(f, h.in.data() + s * k, h.keep_in[s], store_to, sums.k, tn);
      float* e = est + 2 * s * n + t0;
      const auto in = sharpe_bounds::estimates_float(top, top + kTile, f.floor.data(), sums.m, tn, e);
      const auto out = sharpe_bounds::estimates_difference_float(f.t1.data(), f.t2.data(), f.floor.data(), top,
                                                                 top + kTile, sums.m, tn, e + n);
      float* m = tmax + 2 * s * 2 * tiles;
      m[t] = in.finite, m[tiles + t] = in.any, m[2 * tiles + t] = out.finite, m[3 * tiles + t] = out.any;
    }
  }
  return {n, tiles, est, tmax};
}

//! A split from every trial's exact values (the plain path; taken when a value is not finite).
PboSplit exact_split(const Sums& sums, const int* is_blocks, const int* oos_blocks, std::vector<double>& exact) {
  exact.resize(2 * sums.n);
  for (std::size_t i = 0; i < sums.n; ++i)
    exact[i] = exact_half(sums, is_blocks, i), exact[sums.n + i] = exact_half(sums, oos_blocks, i);
  return split_result({exact.data(), sums.n}, {exact.data() + sums.n, sums.n});
}

//! One half of one split: its blocks, estimates, tile maxima and the estimates' absolute error
//! term (sharpe_bounds::low and high).
struct HalfView {
  const int* blocks;
  const float* est;
  sharpe_bounds::Tiles tiles;
  double absolute;
};

//! split_result of the exact values, from the estimates (sharpe_bounds): the in-sample best, then
//! the out-of-sample rank of its exact out-of-sample value.
PboSplit bounded_split(const Sums& sums, const HalfView& is, const HalfView& oos, std::vector<double>& exact) {
  const std::size_t n = sums.n;
  const auto pick = sharpe_bounds::best_index(
      {is.est, n}, is.tiles, [&](std::size_t i) { return exact_half(sums, is.blocks, i); }, is.absolute);
  if (!pick) return exact_split(sums, is.blocks, oos.blocks, exact);
  const double v = exact_half(sums, oos.blocks, pick->index);
  const auto rank = std::isfinite(v) ? sharpe_bounds::tie_averaged_rank(
                                           {oos.est, n}, v,
                                           [&](std::size_t i) { return exact_half(sums, oos.blocks, i); }, oos.absolute)
                                     : std::nullopt;
  if (!rank) return exact_split(sums, is.blocks, oos.blocks, exact);
  const double w = *rank / (static_cast<double>(n) + 1.0);
  return {std::log(w / (1.0 - w)), pick->value, v};
}

Sums sums_of(std::span<const double> s1, std::span<const double> s2, std::size_t n, int n_blocks,
             std::int64_t block_len) {
  const auto blocks = static_cast<std::size_t>(n_blocks);
  QG_CHECK(s1.size() == blocks * n && s2.size() == blocks * n, "pbo_splits: block sums of the wrong size");
  return {s1.data(), s2.data(), n, n_blocks / 2, static_cast<double>(block_len) * n_blocks / 2};
}

//! Split s of the batch, half 0 (in-sample: the chosen blocks) or 1.
HalfView half_view(const SplitHalves& h, const EstimateTables& t, std::size_t s, int half) {
  const auto k = static_cast<std::size_t>(h.k);
  return {(half == 0 ? h.in : h.out).data() + s * k, t.half(s, half), t.tiles_of(s, half),
          sharpe_bounds::absolute_float(h.k)};
}

}  // namespace

void pbo_splits(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials, int n_blocks,
                std::int64_t block_len, std::uint64_t first, std::size_t count, PboSplit* out, PboScratch& scratch) {
  const Sums sums = sums_of(s1, s2, n_trials, n_blocks, block_len);
  const SplitHalves h = split_halves(n_blocks, first, count);
  const EstimateTables t = estimate_tables(sums, h, count, scratch);
  for (std::size_t s = 0; s < count; ++s)
    out[s] = bounded_split(sums, half_view(h, t, s, 0), half_view(h, t, s, 1), scratch.exact);
}

std::vector<double> pbo_totals(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials,
                               int n_blocks, std::int64_t block_len) {
  check_blocks(n_blocks);
  const Sums sums = sums_of(s1, s2, n_trials, n_blocks, block_len);
  std::vector<double> totals(2 * n_trials), tile(2 * kTile);
  for (std::size_t t0 = 0; t0 < n_trials; t0 += kTile) {
    const std::size_t tn = std::min(kTile, n_trials - t0);
    add_totals(tile.data(), sums, t0, tn);  // as the split tasks add them per tile
    std::copy_n(tile.begin(), tn, totals.begin() + static_cast<std::ptrdiff_t>(t0));
    std::copy_n(tile.begin() + kTile, tn, totals.begin() + static_cast<std::ptrdiff_t>(n_trials + t0));
  }
  return totals;
}

void pbo_split_pairs(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials, int n_blocks,
                     std::int64_t block_len, std::uint64_t first_pair, std::size_t count, PboSplit* out,
                     PboScratch& scratch) {
  pbo_split_pairs(s1, s2, n_trials, n_blocks, block_len, first_pair, count, out, scratch, {});
}

void pbo_split_pairs(std::span<const double> s1, std::span<const double> s2, std::size_t n_trials, int n_blocks,
                     std::int64_t block_len, std::uint64_t first_pair, std::size_t count, PboSplit* out,
                     PboScratch& scratch, std::span<const double> totals) {
  const std::uint64_t splits = cscv_split_count(n_blocks);
  QG_CHECK(first_pair + count <= splits / 2, "pbo_split_pairs: pairs past the first half of the splits");
  QG_CHECK(totals.empty() || totals.size() == 2 * n_trials, "pbo_split_pairs: totals of the wrong size");
  Sums sums = sums_of(s1, s2, n_trials, n_blocks, block_len);
  sums.totals = totals.empty() ? nullptr : totals.data();
  const SplitHalves h = split_halves(n_blocks, first_pair, count);
  const EstimateTables t = estimate_tables(sums, h, count, scratch);
  // Split C - 1 - p chooses exactly the blocks split p leaves out: its halves are p's, swapped.
  for (std::size_t s = 0; s < count; ++s) {
    const HalfView a = half_view(h, t, s, 0), b = half_view(h, t, s, 1);
    out[2 * s] = bounded_split(sums, a, b, scratch.exact);
    out[2 * s + 1] = bounded_split(sums, b, a, scratch.exact);
  }
}

void pbo_splits_ref(std::span<const double> returns, std::size_t n_trials, std::int64_t n_bars, int n_blocks,
                    std::int64_t block_len, std::uint64_t first, std::size_t count, PboSplit* out) {
  QG_CHECK(n_bars >= n_blocks * block_len, "pbo_splits_ref: too few bars for the blocks");
  for (std::size_t s = 0; s < count; ++s) {
    std::vector<int> chosen(static_cast<std::size_t>(n_blocks / 2));
    cscv_split(n_blocks, first + s, chosen.data());
    const std::vector<int> rest = complement(n_blocks, chosen);
    std::vector<double> is(n_trials), oos(n_trials);
    for (std::size_t i = 0; i < n_trials; ++i) {
      const double* trial = returns.data() + i * static_cast<std::size_t>(n_bars);
      is[i] = half_sharpe_ref(trial, chosen, block_len);
      oos[i] = half_sharpe_ref(trial, rest, block_len);
    }
    out[s] = split_result(is, oos);
  }
}

PboSummary summarize_pbo(std::span<const PboSplit> splits) {
  PboSummary out;
  out.splits = splits.size();
  if (splits.empty()) return out;
  const double n = static_cast<double>(splits.size());
  double losses = 0, overfit = 0, mx = 0, my = 0;
  for (const auto& s : splits) {
    overfit += s.lambda <= 0 ? 1 : 0;
    losses += s.oos_sharpe < 0 ? 1 : 0;
    mx += s.is_sharpe, my += s.oos_sharpe;
  }
  mx /= n, my /= n;
  double sxy = 0, sxx = 0;
  for (const auto& s : splits)
    sxy += (s.is_sharpe - mx) * (s.oos_sharpe - my), sxx += (s.is_sharpe - mx) * (s.is_sharpe - mx);
  out.pbo = overfit / n;
  out.prob_oos_loss = losses / n;
  out.degradation_slope = sxx > 0 ? sxy / sxx : 0.0;
  return out;
}

}  // namespace qg::kernels
