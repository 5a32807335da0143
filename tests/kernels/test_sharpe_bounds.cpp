// The bounded Sharpe estimates of the CSCV fast path (kernels/src/overfitting/sharpe_bounds.hpp):
// the float estimates' intervals hold the exact values (lane_sharpe of the halves' double sums)
// for both halves, on random sums and on sums where the float rounding dominates; the
// selection and rank taken from estimates equal best_index and tie_averaged_rank over the exact
// values, with exact values placed exactly on the interval ends and on the tie tolerance's edges,
// NaN estimates, and tiles. Then the PBO fast path against a plain loop over exact tables on
// trials with exact ties and constant returns, and on trials whose Sharpe ratios differ by less
// than the float error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <tuple>
#include <vector>

#include "overfitting/sharpe_bounds.hpp"
#include "qg/kernels/overfitting.hpp"

namespace qg::kernels {
namespace {

namespace sb = sharpe_bounds;
constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

//! Block sums of bars (set-major, blocks x len bars each), ascending bar order.
struct BlockSums {
  std::vector<double> s1, s2;
};

BlockSums block_sums_of(const std::vector<double>& bars, int blocks, std::int64_t len) {
  BlockSums out{std::vector<double>(std::size_t(blocks), 0.0), std::vector<double>(std::size_t(blocks), 0.0)};
  for (std::size_t t = 0; t < bars.size(); ++t) {
    const std::size_t b = t / std::size_t(len);
    out.s1[b] += bars[t], out.s2[b] += bars[t] * bars[t];
  }
  return out;
}

TEST(SharpeBounds, FirstSatisfyingFindsTheBoundary) {
  EXPECT_EQ(sb::first_satisfying([](float e) { return e >= 1.5f; }), 1.5f);
  EXPECT_EQ(sb::first_satisfying([](float e) { return e > 1.5f; }), std::nextafter(1.5f, 2.0f));
  EXPECT_EQ(sb::first_satisfying([](float e) { return e > -2.0f; }), std::nextafter(-2.0f, 0.0f));
  EXPECT_EQ(sb::first_satisfying([](float e) { return e > 0.0f; }), std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(sb::first_satisfying([](float) { return true; }), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(sb::first_satisfying([](float) { return false; }), std::numeric_limits<float>::infinity());
  // The first float whose high() reaches t: the previous float's high() falls short.
  const double t = 0.0123456789;
  const float e = sb::first_satisfying([&](float x) { return sb::high(x) >= t; });
  EXPECT_GE(sb::high(e), t);
  EXPECT_LT(sb::high(std::nextafter(e, -1.0f)), t);
}

// The search from a guess finds the float the whole-range bisection finds, for thresholds of
// both signs and magnitudes (per-bar Sharpe ratios, tiny, huge), both interval terms and both
// comparisons, from the interval formula's guess, from guesses far off (0, +-1e30, the
// smallest subnormal, a different sign) and from non-finite ones (the whole range).
TEST(SharpeBounds, FirstSatisfyingFromAGuessFindsTheSameFloat) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::vector<double> thresholds = {0.0, 1e-300, -1e-300, 1e-40, 3e38, -3e38, 0.5, -0.5};
  for (int i = 0; i < 200; ++i) thresholds.push_back(unit(rng) * std::pow(10.0, 6 * unit(rng)));
  const float far[] = {0.0f,
                       1e30f,
                       -1e30f,
                       std::numeric_limits<float>::denorm_min(),
                       -1.0f,
                       std::numeric_limits<float>::infinity(),
                       std::numeric_limits<float>::quiet_NaN()};
  for (const double t : thresholds)
    for (const double absolute : {sb::kAbsolute, sb::absolute_float(8)}) {
      const auto high_ge = [&](float e) { return sb::high(e, absolute) >= t; };
      const auto high_gt = [&](float e) { return sb::high(e, absolute) > t; };
      const auto low_ge = [&](float e) { return sb::low(e, absolute) >= t; };
      const auto low_gt = [&](float e) { return sb::low(e, absolute) > t; };
      const float hg = sb::guess_high_reaches(t, absolute), lg = sb::guess_low_reaches(t, absolute);
      EXPECT_EQ(sb::first_satisfying(high_ge, hg), sb::first_satisfying(high_ge)) << t;
      EXPECT_EQ(sb::first_satisfying(high_gt, hg), sb::first_satisfying(high_gt)) << t;
      EXPECT_EQ(sb::first_satisfying(low_ge, lg), sb::first_satisfying(low_ge)) << t;
      EXPECT_EQ(sb::first_satisfying(low_gt, lg), sb::first_satisfying(low_gt)) << t;
      for (const float g : far) {
        EXPECT_EQ(sb::first_satisfying(high_ge, g), sb::first_satisfying(high_ge)) << t << " from " << g;
        EXPECT_EQ(sb::first_satisfying(low_gt, g), sb::first_satisfying(low_gt)) << t << " from " << g;
      }
    }
}

// count_settled against a plain loop over every estimate: estimates at and around each limit,
// NaN, infinities and random values, over lengths that leave a short last chunk or end inside
// the first one; the counts and the list of chunks holding an unsettled estimate must agree.
TEST(SharpeBounds, CountSettledMatchesAPlainCount) {
  const sb::detail::RankLimits lim{-0.02f, 0.03f, 0.01f, 0.02f};
  std::vector<float> pool = {lim.below,
                             lim.above,
                             lim.tie_lo,
                             lim.tie_hi,
                             std::numeric_limits<float>::quiet_NaN(),
                             std::numeric_limits<float>::infinity(),
                             -std::numeric_limits<float>::infinity(),
                             0.0f};
  for (float x : {lim.below, lim.above, lim.tie_lo, lim.tie_hi})
    pool.insert(pool.end(), {std::nextafter(x, -1.0f), std::nextafter(x, 1.0f)});
  std::mt19937_64 rng(23);
  std::uniform_real_distribution<float> spread(-0.05f, 0.05f);
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  for (const std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{64}, std::size_t{200}, std::size_t{1000}}) {
    std::vector<float> est(n);
    for (std::size_t i = 0; i < n; ++i) est[i] = i % 3 == 0 ? pool[pick(rng)] : spread(rng);
    std::size_t below = 0, tie = 0;
    std::vector<std::size_t> open_chunks;
    for (std::size_t c = 0; c < n; c += 64) {
      bool settled = true;
      for (std::size_t i = c; i < std::min(n, c + 64); ++i) {
        const float e = est[i];
        const bool b = e < lim.below, t = e >= lim.tie_lo && e < lim.tie_hi, a = e >= lim.above;
        below += b, tie += t;
        settled = settled && (b || t || a);
      }
      if (!settled) open_chunks.push_back(c);
    }
    std::size_t got_below = 7, got_tie = 7;
    std::vector<std::size_t> got_open = {99};
    sb::detail::count_settled(est.data(), n, lim, 64, got_below, got_tie, got_open);
    EXPECT_EQ(got_below, below) << n;
    EXPECT_EQ(got_tie, tie) << n;
    EXPECT_EQ(got_open, open_chunks) << n;
  }
}

//! Tiles of `tile` estimates: the plain-loop maxima the fast path computes while estimating.
struct TileMaxima {
  std::vector<float> finite, any;
  sb::Tiles view(std::size_t tile) const { return {tile, finite, any}; }
};
TileMaxima tile_maxima(const std::vector<float>& est, std::size_t tile) {
  TileMaxima t;
  for (std::size_t b = 0; b < est.size(); b += tile) {
    float f = -std::numeric_limits<float>::infinity(), a = f;
    for (std::size_t i = b; i < std::min(est.size(), b + tile); ++i) {
      if (std::isnan(est[i])) a = std::numeric_limits<float>::infinity();
      if (!std::isnan(est[i])) f = std::max(f, est[i]), a = std::max(a, est[i]);
    }
    t.finite.push_back(f), t.any.push_back(a);
  }
  return t;
}

//! Exact values and estimates whose intervals hold them, many exactly on an interval's end:
//! base values near `centre`, then est = float(x) and x moved to low(est), high(est) or left.
struct Case {
  std::vector<double> exact;
  std::vector<float> est;
};
Case on_the_bounds(std::size_t n, double centre, double spread, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Case c;
  for (std::size_t i = 0; i < n; ++i) {
    const auto e = static_cast<float>(centre + spread * u(rng));
    const int where = static_cast<int>(i % 4);
    c.est.push_back(where == 3 && i % 8 == 3 ? kNan : e);  // some NaN estimates
    c.exact.push_back(where == 0 ? sb::low(e) : where == 1 ? sb::high(e) : double(e));
  }
  return c;
}

TEST(SharpeBounds, BestIndexEqualsThePlainTieRule) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    // Values within a few intervals of each other, so that many trials are candidates.
    Case c = on_the_bounds(37, 0.02, 2e-7, seed);
    // Exact ties and near-ties at the tolerance: copies of the largest exact value, one
    // exactly at best_index's floor, one just below it.
    double m = -1;
    for (double x : c.exact) m = std::max(m, x);
    const double floor = m - sb::tolerance(m);
    c.exact[seed % 37] = m, c.est[seed % 37] = static_cast<float>(m);
    c.exact[(seed + 5) % 37] = floor, c.est[(seed + 5) % 37] = kNan;
    c.exact[(seed + 9) % 37] = std::nextafter(floor, 0.0);
    c.est[(seed + 9) % 37] = static_cast<float>(c.exact[(seed + 9) % 37]);
    for (std::size_t tile : {4u, 64u}) {
      const TileMaxima tiles = tile_maxima(c.est, tile);
      const auto pick = sb::best_index(c.est, tiles.view(tile), [&](std::size_t i) { return c.exact[i]; });
      ASSERT_TRUE(pick.has_value());
      const auto expect = static_cast<std::size_t>(best_index(c.exact));
      EXPECT_EQ(pick->index, expect) << "seed " << seed << " tile " << tile;
      EXPECT_EQ(pick->value, c.exact[expect]);
    }
  }
}

TEST(SharpeBounds, RankEqualsThePlainTieAveragedRank) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    Case c = on_the_bounds(53, -0.01, 1e-7, seed);
    const std::size_t at = seed % 53;
    const double v = c.exact[at], tol = sb::tolerance(v);
    // Values exactly on the tie band's edges and one float step outside, with estimates whose
    // intervals just reach them.
    const double edges[] = {v - tol, v + tol, std::nextafter(v - tol, -1.0), std::nextafter(v + tol, 1.0), v};
    for (std::size_t j = 0; j < 5; ++j) {
      const std::size_t i = (at + 1 + 3 * j) % 53;
      c.exact[i] = edges[j];
      c.est[i] = static_cast<float>(edges[j]);
    }
    const auto rank = sb::tie_averaged_rank(c.est, v, [&](std::size_t i) { return c.exact[i]; });
    ASSERT_TRUE(rank.has_value());
    EXPECT_EQ(*rank, tie_averaged_rank(c.exact, at)) << "seed " << seed;
  }
}

TEST(SharpeBounds, NonFiniteExactValuesAreReported) {
  const std::vector<float> est{0.1f, kNan, 0.2f};
  const std::vector<double> exact{0.1, std::numeric_limits<double>::quiet_NaN(), 0.2};
  const TileMaxima tiles = tile_maxima(est, 64);
  EXPECT_FALSE(sb::best_index(est, tiles.view(64), [&](std::size_t i) { return exact[i]; }).has_value());
  EXPECT_FALSE(sb::tie_averaged_rank(est, 0.2, [&](std::size_t i) { return exact[i]; }).has_value());
}

//! The exact lane value of sharpe_from_sums, with its s2 - s1 mean fused where the target has
//! FMA, as the kernel computes it (the compiler contracts it there).
double lane_sharpe(double s1, double s2, double m) {
  const double mean = s1 / m;
#if defined(__FMA__)
  const double v = std::fma(-s1, mean, s2) / (m - 1);
#else
  const double v = (s2 - s1 * mean) / (m - 1);
#endif
  return v > 0 ? mean / std::sqrt(v) : 0.0;
}

//! Every CSCV split of the block sums (block-major, n trials) by a plain loop over the exact
//! values: each half's block sums added in ascending block order from 0, as the kernel adds them,
//! lane_sharpe, then best_index and tie_averaged_rank. `tied_best`, if given, counts the splits
//! whose best trial is below it.
std::vector<PboSplit> plain_splits(const std::vector<double>& s1, const std::vector<double>& s2, std::size_t n,
                                   int blocks, std::int64_t len, std::size_t* tied_best = nullptr,
                                   std::size_t below = 0) {
  const auto c = static_cast<std::size_t>(cscv_split_count(blocks));
  const double m = double(len) * blocks / 2;
  const int k = blocks / 2;
  std::vector<PboSplit> out(c);
  std::vector<int> chosen(static_cast<std::size_t>(k), 0);
  std::vector<double> is(n), oos(n);
  for (std::size_t s = 0; s < c; ++s) {
    cscv_split(blocks, s, chosen.data());
    for (std::size_t i = 0; i < n; ++i) {
      double a1 = 0, a2 = 0, b1 = 0, b2 = 0;
      for (int b = 0; b < blocks; ++b) {
        const bool in = std::find(chosen.begin(), chosen.end(), b) != chosen.end();
        (in ? a1 : b1) += s1[std::size_t(b) * n + i], (in ? a2 : b2) += s2[std::size_t(b) * n + i];
      }
      is[i] = lane_sharpe(a1, a2, m), oos[i] = lane_sharpe(b1, b2, m);
    }
    const auto best = static_cast<std::size_t>(best_index(is));
    if (tied_best != nullptr) *tied_best += best < below ? 1 : 0;
    const double w = tie_averaged_rank(oos, best) / (double(n) + 1.0);
    out[s] = {std::log(w / (1.0 - w)), is[best], oos[best]};
  }
  return out;
}

TEST(SharpeBounds, PboFastPathEqualsThePlainLoopWithTiesAndConstantTrials) {
  // 300 trials (three tiles of the fast path) of 8 blocks x 15 bars: trials 10..19 and 200..209
  // copy trials 0..9, which earn more (exact ties for the best, also across tiles), trials
  // 20..24 never trade (all returns 0: no estimate, Sharpe 0), trial 25 is constant in half its
  // blocks, trials 26..29 have block sums that no bars could have.
  const std::size_t n = 300;
  const int blocks = 8;
  const std::int64_t len = 15;
  std::mt19937_64 rng(23);
  std::normal_distribution<double> normal(0.0002, 0.01);
  std::vector<double> r(n * blocks * len);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < blocks * len; ++t) {
      double x = normal(rng) + (i < 10 ? 0.005 : 0.0);  // trials 0..9 (and copies) are often the best
      if (i >= 10 && i < 20) x = r[(i - 10) * blocks * len + t];
      if (i >= 200 && i < 210) x = r[(i - 200) * blocks * len + t];
      if (i >= 20 && i < 25) x = 0.0;
      if (i == 25 && t < blocks * len / 2) x = 0.001;
      r[i * blocks * len + t] = x;
    }
  std::vector<double> s1(blocks * n, 0.0), s2(blocks * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < blocks * len; ++t) {
      const std::size_t b = t / len;
      s1[b * n + i] += r[i * blocks * len + t], s2[b * n + i] += r[i * blocks * len + t] * r[i * blocks * len + t];
    }
  // Trials 26..29: block sums that no bars have (|s1| of +-0.3 with s2 = 0.01 breaks s1^2 <=
  // len s2), which the difference halves must leave to the exact path.
  for (std::size_t i = 26; i < 30; ++i)
    for (std::size_t b = 0; b < blocks; ++b)
      s1[b * n + i] = (b % 2 == 0 ? 0.3 : -0.3) + 0.01 * double(i), s2[b * n + i] = 0.01 + 0.001 * double(b);
  const auto c = static_cast<std::size_t>(cscv_split_count(blocks));
  std::vector<PboSplit> fast(c);
  PboScratch scratch;
  pbo_splits(s1, s2, n, blocks, len, 0, c, fast.data(), scratch);
  std::size_t tied_best = 0;  // splits whose best has copies 10 + best and 200 + best tied with it
  const std::vector<PboSplit> plain = plain_splits(s1, s2, n, blocks, len, &tied_best, 10);
  for (std::size_t s = 0; s < c; ++s) {
    EXPECT_EQ(fast[s].is_sharpe, plain[s].is_sharpe) << s;
    EXPECT_EQ(fast[s].oos_sharpe, plain[s].oos_sharpe) << s;
    EXPECT_EQ(fast[s].lambda, plain[s].lambda) << s;
  }
  EXPECT_GT(tied_best, c / 4);  // the tie rule decided many splits
}

//! A half's float sums as the fast path forms them: each block sum rounded to float, added in
//! ascending block order from 0 in float.
float float_sum(const std::vector<double>& x, const std::vector<bool>& in) {
  float a = 0.0f;
  for (std::size_t b = 0; b < x.size(); ++b)
    if (in[b]) a = a + static_cast<float>(x[b]);
  return a;
}

TEST(SharpeBounds, FloatEstimatesHoldTheExactValueWhereTheirRoundingDominates) {
  // Trials of 2k blocks x 101 bars (k = 8 and 16); half A = a random k-subset, B the rest. Both
  // halves' estimates from float sums (estimates_float of A, estimates_difference_float of B)
  // must hold the exact values (lane_sharpe of the halves' double sums in ascending block order)
  // within absolute_float(k). t2 is NaN where the kAbsShare check fails, as add_totals passes it.
  // Kinds: 0 general (sd 10^a, a in [-10, 9], means up to 0.05 sd); 1 blocks of bars +-sd in
  // turn plus noise of 20 sd (i % 8 == 1) or 1e-3 sd (== 5: nearly constant blocks, which fail
  // the check: no estimates), each half's sum then brought to ~0: the block sums' float rounding
  // dwarfs the Sharpe ratio (~1e-10), so the relative term alone misses; 2 returns of sd 1e14 or
  // 1e-16 (the total leaves [2^-90, 2^90]: no estimate); 3 A's returns 100 times B's (B keeps
  // under a quarter of t2: no estimate for B).
  for (const int k : {8, 16}) {
    const int blocks = 2 * k;
    const std::int64_t len = 101;
    const double m = double(k) * len;
    const double absolute = sb::absolute_float(k);
    std::mt19937_64 rng(31 + std::uint64_t(k));
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> z;
    std::vector<float> a1, a2, t1, t2;
    std::vector<double> exact_a, exact_b;
    std::vector<int> kinds;
    for (int i = 0; i < 2003; ++i) {
      const int kind = i % 4;
      std::vector<int> order(std::size_t(blocks), 0);
      for (int b = 0; b < blocks; ++b) order[std::size_t(b)] = b;
      std::shuffle(order.begin(), order.end(), rng);
      std::vector<bool> in_a(std::size_t(blocks), false), in_b(std::size_t(blocks), true);
      for (int j = 0; j < k; ++j) in_a[std::size_t(order[std::size_t(j)])] = true;
      for (int b = 0; b < blocks; ++b) in_b[std::size_t(b)] = !in_a[std::size_t(b)];
      const double sd = kind == 2 ? (i % 8 == 2 ? 1e14 : 1e-16) : std::pow(10.0, -10 + 19 * u(rng));
      const double mean = (u(rng) - 0.5) * 0.1 * sd, noise = i % 8 == 1 ? 20.0 : 1e-3;
      std::vector<double> bars(std::size_t(blocks * len));
      for (std::size_t t = 0; t < bars.size(); ++t) {
        const std::size_t b = t / std::size_t(len);
        double x = mean + sd * z(rng);
        if (kind == 1) x = sd * ((b % 2 == 0 ? 1.0 : -1.0) * (1 + 0.1 * double(b % 5)) + noise * z(rng));
        if (kind == 3 && in_a[b]) x *= 100;
        bars[t] = x;
      }
      if (kind == 1)  // each half's bars less their mean: its sum is a rounding error
        for (const auto* half : {&in_a, &in_b}) {
          double sum = 0;
          for (std::size_t t = 0; t < bars.size(); ++t) sum += (*half)[t / std::size_t(len)] ? bars[t] : 0.0;
          for (std::size_t t = 0; t < bars.size(); ++t) bars[t] -= (*half)[t / std::size_t(len)] ? sum / m : 0.0;
        }
      const BlockSums bs = block_sums_of(bars, blocks, len);
      double x1 = 0, x2 = 0, abs1 = 0, y1 = 0, y2 = 0, w1 = 0, w2 = 0;
      for (std::size_t b = 0; b < std::size_t(blocks); ++b) {
        x1 += bs.s1[b], x2 += bs.s2[b], abs1 += std::fabs(bs.s1[b]);
        (in_a[b] ? y1 : w1) += bs.s1[b], (in_a[b] ? y2 : w2) += bs.s2[b];
      }
      const bool share_ok = abs1 * abs1 <= sb::kAbsShare * 2 * m * x2 * (1 + 0x1p-20);
      a1.push_back(float_sum(bs.s1, in_a)), a2.push_back(float_sum(bs.s2, in_a));
      t1.push_back(static_cast<float>(x1)), t2.push_back(share_ok ? static_cast<float>(x2) : kNan);
      exact_a.push_back(lane_sharpe(y1, y2, m)), exact_b.push_back(lane_sharpe(w1, w2, m));
      kinds.push_back(kind == 1 && i % 8 == 5 ? 4 : kind);  // 4: nearly constant blocks
    }
    std::vector<float> est_a(a1.size()), est_b(a1.size()), floor(a1.size());
    sb::share_floors(t2.data(), m, t2.size(), floor.data());
    const auto top = sb::estimates_float(a1.data(), a2.data(), floor.data(), m, a1.size(), est_a.data());
    sb::estimates_difference_float(t1.data(), t2.data(), floor.data(), a1.data(), a2.data(), m, a1.size(),
                                   est_b.data());
    std::size_t held = 0, rounding_dominates = 0, cancelled = 0;
    float expect_top = -std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < est_a.size(); ++i) {
      const int kind = kinds[i];
      EXPECT_EQ(std::isnan(t2[i]), kind == 4) << k << " " << i;  // only nearly constant blocks fail
      EXPECT_TRUE(!(kind == 2 || kind == 4) || std::isnan(est_a[i])) << k << " " << i;
      EXPECT_TRUE(kind < 2 || std::isnan(est_b[i])) << k << " " << i;
      if (!std::isnan(est_a[i])) expect_top = std::max(expect_top, est_a[i]);
      for (const auto& [e, x, none] :
           {std::tuple{est_a[i], exact_a[i], kind == 2 || kind == 4}, std::tuple{est_b[i], exact_b[i], kind >= 2}}) {
        if (none) continue;
        if (std::isnan(e)) {  // only the cancellation check (|Sharpe| about 1/8 or more) may leave one
          EXPECT_GT(std::fabs(x), 0.1) << k << " " << i;
          ++cancelled;
          continue;
        }
        EXPECT_LE(sb::low(e, absolute), x) << k << " " << i;
        EXPECT_GE(sb::high(e, absolute), x) << k << " " << i;
        ++held;
        rounding_dominates += std::fabs(double(e) - x) > sb::kRelative * std::fabs(x) + 0x1p-30;
      }
    }
    // kinds 0 and 1 (noisy): both halves; 3: A only; a few of kind 0's halves cancelled.
    EXPECT_EQ(held + cancelled, 2 * (est_a.size() / 4 + 1) + 2 * (est_a.size() / 8 + 1) + est_a.size() / 4) << k;
    EXPECT_LT(cancelled, est_a.size() / 20) << k;
    EXPECT_GT(rounding_dominates, est_a.size() / 10) << k;  // kind 1: the absolute term is needed
    EXPECT_EQ(top.finite, expect_top) << k;
    EXPECT_EQ(top.any, std::numeric_limits<float>::infinity()) << k;  // kind 2's NaN lanes
  }
}

TEST(SharpeBounds, PboFastPathEqualsThePlainLoopWhereFloatRoundingDecides) {
  // 260 trials of 16 blocks x 20 bars (12,870 splits). Trials 0..199 are one base series times a
  // scale (1e-9, 1, 1e9 in turn) plus 1e-8 of the scale times their own noise: their Sharpe
  // ratios differ by ~1e-8, far below the float estimates' error, so nearly every selection and
  // rank among them falls to the exact path; trials 200..259 are independent. pbo_splits and
  // pbo_split_pairs (with pbo_totals) equal the plain loop over exact values bit for bit.
  const std::size_t n = 260;
  const int blocks = 16;
  const std::int64_t len = 20;
  const std::size_t bars = std::size_t(blocks * len);
  std::mt19937_64 rng(41);
  std::normal_distribution<double> normal(0.0003, 0.01);
  std::vector<double> base(bars);
  for (double& x : base) x = normal(rng);
  std::vector<double> s1(blocks * n, 0.0), s2(blocks * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double scale = i % 3 == 0 ? 1e-9 : i % 3 == 1 ? 1.0 : 1e9;
    for (std::size_t t = 0; t < bars; ++t) {
      const double x = i < 200 ? scale * (base[t] + 1e-8 * normal(rng)) : scale * normal(rng);
      s1[t / len * n + i] += x, s2[t / len * n + i] += x * x;
    }
  }
  const std::vector<PboSplit> plain = plain_splits(s1, s2, n, blocks, len);
  const std::size_t c = plain.size();
  std::vector<PboSplit> fast(c), pairs(c);
  PboScratch scratch;
  pbo_splits(s1, s2, n, blocks, len, 0, c, fast.data(), scratch);
  const std::vector<double> totals = pbo_totals(s1, s2, n, blocks, len);
  pbo_split_pairs(s1, s2, n, blocks, len, 0, c / 2, pairs.data(), scratch, totals);
  std::size_t mismatches = 0;
  for (std::size_t p = 0; p < c / 2; ++p)
    for (const auto& [at, s] : {std::pair{2 * p, p}, std::pair{2 * p + 1, c - 1 - p}}) {
      mismatches += fast[s].is_sharpe != plain[s].is_sharpe || fast[s].oos_sharpe != plain[s].oos_sharpe ||
                    fast[s].lambda != plain[s].lambda;
      mismatches += pairs[at].is_sharpe != plain[s].is_sharpe || pairs[at].oos_sharpe != plain[s].oos_sharpe ||
                    pairs[at].lambda != plain[s].lambda;
    }
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
}  // namespace qg::kernels
