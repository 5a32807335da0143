// Overfitting statistics: DSR against the worked example of Bailey & Lopez de Prado (2014),
// PSR and moments against hand computations, the CSCV split order, the fast PBO path against
// the plain reference, PBO on constructed cases whose answer is known, and the participation
// ratio's correlation sums.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "qg/core/error.hpp"
#include "qg/kernels/overfitting.hpp"

namespace qg::kernels {
namespace {

TEST(Overfitting, DeflatedSharpeMatchesThePapersWorkedExample) {
  // Bailey & Lopez de Prado (2014), section "A numerical example": N = 100 trials whose
  // annualised Sharpe ratios have variance 1/2, the best has an annualised Sharpe of 2.5 over
  // T = 1,250 daily returns (250 a year) with skewness -3 and kurtosis 10. The paper reports
  // E[max SR] = 0.1132 (per day) and DSR = 0.9004.
  const double sr0 = expected_max_sharpe(0.5 / 250, 100);
  EXPECT_NEAR(sr0, 0.1132, 5e-5);
  EXPECT_NEAR(probabilistic_sharpe(2.5 / std::sqrt(250.0), sr0, 1250, -3, 10), 0.9004, 5e-4);
}

TEST(Overfitting, ProbabilisticSharpeOfNormalReturns) {
  // Phi(0.1 * sqrt(252) / sqrt(1 + (3 - 1)/4 * 0.01)), evaluated with math.erf: 0.943345882804.
  EXPECT_NEAR(probabilistic_sharpe(0.1, 0.0, 253, 0.0, 3.0), 0.9433458828040169, 1e-12);
  EXPECT_TRUE(std::isnan(probabilistic_sharpe(2.0, 0.0, 100, 5.0, 3.0)));  // 1 - 10 + 2 < 0
  EXPECT_EQ(expected_max_sharpe(0.01, 1), 0.0);
}

TEST(Overfitting, ReturnMomentsByHand) {
  // r = [0.01, -0.02, 0.03, 0.005, -0.01]: mean 0.003, ddof=1 sd, biased m3/m2^1.5 and
  // m4/m2^2 computed term by term in Python.
  const std::vector<double> r{0.01, -0.02, 0.03, 0.005, -0.01};
  const auto m = return_moments(r);
  EXPECT_NEAR(m.sharpe, 0.15596257347301087, 1e-13);
  EXPECT_NEAR(m.skewness, 0.22267706475589708, 1e-13);
  EXPECT_NEAR(m.kurtosis, 1.922616873630387, 1e-13);
  EXPECT_EQ(sharpe_from_sums(0.0, 0.0, 10), 0.0);  // zero variance
  EXPECT_NEAR(sharpe_from_sums(0.015, 0.0015, 5), 0.003 / std::sqrt((0.0015 - 0.015 * 0.003) / 4), 1e-15);
}

TEST(Overfitting, SplitsInLexicographicOrder) {
  const int expected[6][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
  ASSERT_EQ(cscv_split_count(4), 6u);
  for (int i = 0; i < 6; ++i) {
    int chosen[2];
    cscv_split(4, static_cast<std::uint64_t>(i), chosen);
    EXPECT_EQ(chosen[0], expected[i][0]) << i;
    EXPECT_EQ(chosen[1], expected[i][1]) << i;
  }
  EXPECT_EQ(cscv_split_count(16), 12870u);  // C(16, 8)
  int last[8];
  cscv_split(16, 12869, last);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(last[i], 8 + i);
  EXPECT_THROW(cscv_split_count(5), KernelError);
}

TEST(Overfitting, TieRuleAndTieAveragedRank) {
  const std::vector<double> v{0.5, 2.0, 2.0 - 1e-13, 1.0, 2.0};
  EXPECT_EQ(best_index(v), 1);  // 1, 2 and 4 tie; the lowest index wins
  EXPECT_DOUBLE_EQ(tie_averaged_rank(v, 0), 1.0);
  EXPECT_DOUBLE_EQ(tie_averaged_rank(v, 3), 2.0);
  EXPECT_DOUBLE_EQ(tie_averaged_rank(v, 1), 4.0);  // ranks 3, 4, 5 averaged
}

//! N trials x T bars of returns, trial-major, and their block-major block sums.
struct Trials {
  std::size_t n;
  std::int64_t t;
  std::vector<double> returns;
  std::vector<double> s1, s2;

  void sums(int blocks, std::int64_t len) {
    s1.assign(static_cast<std::size_t>(blocks) * n, 0.0);
    s2 = s1;
    for (std::size_t i = 0; i < n; ++i)
      for (int b = 0; b < blocks; ++b)
        for (std::int64_t k = 0; k < len; ++k) {
          const double r = returns[i * static_cast<std::size_t>(t) + static_cast<std::size_t>(b * len + k)];
          s1[static_cast<std::size_t>(b) * n + i] += r;
          s2[static_cast<std::size_t>(b) * n + i] += r * r;
        }
  }
};

TEST(Overfitting, FastSplitsEqualTheReference) {
  PboScratch scratch;
  Trials trials{37, 203, {}, {}, {}};
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0003, 0.01);
  for (std::size_t i = 0; i < trials.n * 203; ++i) trials.returns.push_back(normal(rng));
  const int blocks = 8;
  const std::int64_t len = 203 / blocks;  // 25 bars a block; the last 3 bars are not used
  trials.sums(blocks, len);
  const auto n_splits = static_cast<std::size_t>(cscv_split_count(blocks));
  std::vector<PboSplit> fast(n_splits), ref(n_splits);
  pbo_splits(trials.s1, trials.s2, trials.n, blocks, len, 0, n_splits, fast.data(), scratch);
  pbo_splits_ref(trials.returns, trials.n, 203, blocks, len, 0, n_splits, ref.data());
  for (std::size_t s = 0; s < n_splits; ++s) {
    EXPECT_NEAR(fast[s].is_sharpe, ref[s].is_sharpe, 1e-10) << s;
    EXPECT_NEAR(fast[s].oos_sharpe, ref[s].oos_sharpe, 1e-10) << s;
    EXPECT_DOUBLE_EQ(fast[s].lambda, ref[s].lambda) << s;
  }
  // A chunk starting mid-way gives the same splits as the whole run.
  std::vector<PboSplit> part(5);
  pbo_splits(trials.s1, trials.s2, trials.n, blocks, len, 30, 5, part.data(), scratch);
  for (std::size_t s = 0; s < 5; ++s) EXPECT_EQ(part[s].lambda, fast[30 + s].lambda);
}

TEST(Overfitting, ComplementOfSplitPIsSplitCMinusOneMinusP) {
  // Complementing the chosen blocks reverses the lexicographic order (checked here by
  // enumeration for S = 2 .. 10): split C - 1 - p takes exactly the blocks split p leaves out.
  for (int blocks = 2; blocks <= 10; blocks += 2) {
    const std::uint64_t c = cscv_split_count(blocks);
    std::vector<int> a(static_cast<std::size_t>(blocks / 2)), b(a.size());
    for (std::uint64_t p = 0; p < c; ++p) {
      cscv_split(blocks, p, a.data());
      cscv_split(blocks, c - 1 - p, b.data());
      std::vector<int> in(static_cast<std::size_t>(blocks), 0);
      for (int x : a) ++in[static_cast<std::size_t>(x)];
      for (int x : b) ++in[static_cast<std::size_t>(x)];
      for (int x : in) EXPECT_EQ(x, 1) << "S " << blocks << " split " << p;
    }
  }
}

TEST(Overfitting, SplitPairsEqualSplitsBitForBitAndTheReference) {
  PboScratch scratch;
  Trials trials{29, 240, {}, {}, {}};
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0.0002, 0.01);
  for (std::size_t i = 0; i < trials.n * 240; ++i) trials.returns.push_back(normal(rng));
  const int blocks = 10;
  const std::int64_t len = 24;
  trials.sums(blocks, len);
  const auto c = static_cast<std::size_t>(cscv_split_count(blocks));  // 252
  std::vector<PboSplit> each(c), ref(c), pairs(c);
  pbo_splits(trials.s1, trials.s2, trials.n, blocks, len, 0, c, each.data(), scratch);
  pbo_splits_ref(trials.returns, trials.n, 240, blocks, len, 0, c, ref.data());
  // Pairs in chunks of 7 from pair 0, as the job's tasks ask for them (the last chunk short).
  std::vector<PboSplit> chunk;
  for (std::size_t p = 0; p < c / 2; p += 7) {
    const std::size_t count = std::min<std::size_t>(7, c / 2 - p);
    chunk.resize(2 * count);
    pbo_split_pairs(trials.s1, trials.s2, trials.n, blocks, len, p, count, chunk.data(), scratch);
    for (std::size_t i = 0; i < count; ++i) pairs[p + i] = chunk[2 * i], pairs[c - 1 - p - i] = chunk[2 * i + 1];
  }
  for (std::size_t s = 0; s < c; ++s) {
    EXPECT_EQ(pairs[s].lambda, each[s].lambda) << s;
    EXPECT_EQ(pairs[s].is_sharpe, each[s].is_sharpe) << s;
    EXPECT_EQ(pairs[s].oos_sharpe, each[s].oos_sharpe) << s;
    EXPECT_NEAR(pairs[s].is_sharpe, ref[s].is_sharpe, 1e-10) << s;
    EXPECT_NEAR(pairs[s].oos_sharpe, ref[s].oos_sharpe, 1e-10) << s;
    EXPECT_DOUBLE_EQ(pairs[s].lambda, ref[s].lambda) << s;
  }
  EXPECT_THROW(pbo_split_pairs(trials.s1, trials.s2, trials.n, blocks, len, c / 2 - 1, 2, chunk.data(), scratch),
               InternalError);
}

// The trials' totals over all blocks computed once (pbo_totals) are the plain loop's ascending
// sums, with t2 NaN for a trial whose block sums no bars could have (Cauchy-Schwarz broken:
// |s1| = 1 per block with s2 = 1e-12); passed to pbo_split_pairs they give every split bit for
// bit as the tasks that add them themselves. 300 trials span three tiles of the fast path.
TEST(Overfitting, TotalsOnceGiveTheSameSplits) {
  PboScratch scratch;
  Trials trials{300, 96, {}, {}, {}};
  std::mt19937_64 rng(13);
  std::normal_distribution<double> normal(0.0001, 0.01);
  for (std::size_t i = 0; i < trials.n * 96; ++i) trials.returns.push_back(normal(rng));
  const int blocks = 8;
  const std::int64_t len = 12;
  trials.sums(blocks, len);
  for (int b = 0; b < blocks; ++b)  // trial 7: block sums of no real bars
    trials.s1[static_cast<std::size_t>(b) * trials.n + 7] = 1.0,
                                                       trials.s2[static_cast<std::size_t>(b) * trials.n + 7] = 1e-12;
  const std::vector<double> totals = pbo_totals(trials.s1, trials.s2, trials.n, blocks, len);
  ASSERT_EQ(totals.size(), 2 * trials.n);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < trials.n; ++i) {
    double t1 = 0, t2 = 0, abs1 = 0;
    for (int b = 0; b < blocks; ++b)
      t1 += trials.s1[static_cast<std::size_t>(b) * trials.n + i],
          t2 += trials.s2[static_cast<std::size_t>(b) * trials.n + i],
          abs1 += std::fabs(trials.s1[static_cast<std::size_t>(b) * trials.n + i]);
    EXPECT_EQ(totals[i], t1) << i;
    // t2 is NaN where sum |s1| exceeds sqrt(2 m t2 / 32) (m = 48 bars a half; 2^-20 margin), as
    // for trial 7, whose block sums break Cauchy-Schwarz itself.
    const bool share_ok = abs1 * abs1 <= 2.0 * 48 * t2 / 32 * (1 + 0x1p-20);
    if (i == 7 || !share_ok) {
      EXPECT_TRUE(std::isnan(totals[trials.n + i])) << i;
    } else {
      EXPECT_EQ(totals[trials.n + i], t2) << i;
      ++kept;
    }
  }
  EXPECT_GT(kept, 0u);                                     // blocks of 12 bars: some trials keep t2,
  EXPECT_LT(kept, trials.n - 1);                           // others not
  const std::size_t pairs = cscv_split_count(blocks) / 2;  // 35
  std::vector<PboSplit> own(2 * pairs), given(2 * pairs);
  pbo_split_pairs(trials.s1, trials.s2, trials.n, blocks, len, 0, pairs, own.data(), scratch);
  pbo_split_pairs(trials.s1, trials.s2, trials.n, blocks, len, 0, pairs, given.data(), scratch, totals);
  for (std::size_t s = 0; s < 2 * pairs; ++s) {
    EXPECT_EQ(given[s].lambda, own[s].lambda) << s;
    EXPECT_EQ(given[s].is_sharpe, own[s].is_sharpe) << s;
    EXPECT_EQ(given[s].oos_sharpe, own[s].oos_sharpe) << s;
  }
  EXPECT_THROW(pbo_split_pairs(trials.s1, trials.s2, trials.n, blocks, len, 0, 1, given.data(), scratch,
                               std::span(totals).first(trials.n)),
               InternalError);
}

//! Trial n's return at bar t: mu[n][block] + e[t], with a common noise e shared by all trials.
Trials constructed(std::size_t n, int blocks, std::int64_t len, const std::vector<std::vector<double>>& mu) {
  Trials trials{n, blocks * len, {}, {}, {}};
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0.0, 0.01);
  std::vector<double> e(static_cast<std::size_t>(blocks * len));
  for (double& x : e) x = normal(rng);
  for (std::size_t i = 0; i < n; ++i)
    for (std::int64_t t = 0; t < blocks * len; ++t)
      trials.returns.push_back(mu[i][static_cast<std::size_t>(t / len)] + e[static_cast<std::size_t>(t)]);
  trials.sums(blocks, len);
  return trials;
}

std::vector<PboSplit> all_splits(const Trials& trials, int blocks, std::int64_t len) {
  PboScratch scratch;
  std::vector<PboSplit> out(static_cast<std::size_t>(cscv_split_count(blocks)));
  pbo_splits(trials.s1, trials.s2, trials.n, blocks, len, 0, out.size(), out.data(), scratch);
  return out;
}

TEST(Overfitting, PersistentSkillIsNeverOverfit) {
  // Trial n earns n * 1e-4 more per bar in every block: the in-sample best is always the
  // out-of-sample best, rank N, lambda = ln(N) > 0, so PBO = 0.
  const std::size_t n = 10;
  std::vector<std::vector<double>> mu(n, std::vector<double>(6));
  for (std::size_t i = 0; i < n; ++i)
    for (auto& m : mu[i]) m = 1e-4 * double(i);
  const auto summary = summarize_pbo(all_splits(constructed(n, 6, 40, mu), 6, 40));
  EXPECT_EQ(summary.pbo, 0.0);
  EXPECT_EQ(summary.splits, 20u);
  for (const auto& s : all_splits(constructed(n, 6, 40, mu), 6, 40)) EXPECT_NEAR(s.lambda, std::log(10.0 / 1.0), 1e-12);
}

TEST(Overfitting, AntiPersistentSkillIsAlwaysOverfit) {
  // Every trial's block means sum to 0, so a higher in-sample mean is a lower out-of-sample
  // mean: the in-sample best is out-of-sample below the median in every split, PBO = 1, and the
  // out-of-sample Sharpe falls as the in-sample one rises (negative degradation slope).
  const std::size_t n = 9;
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(-1e-4, 1e-4);
  std::vector<std::vector<double>> mu(n, std::vector<double>(6));
  for (auto& row : mu) {
    double sum = 0;
    for (auto& m : row) sum += (m = u(rng));
    for (auto& m : row) m -= sum / 6;
  }
  const auto splits = all_splits(constructed(n, 6, 40, mu), 6, 40);
  const auto summary = summarize_pbo(splits);
  EXPECT_EQ(summary.pbo, 1.0);
  EXPECT_LT(summary.degradation_slope, 0.0);
  for (const auto& s : splits) EXPECT_LE(s.lambda, 0.0);  // below the median (Sharpe, not mean, ranks)
}

TEST(Overfitting, SummaryByHand) {
  const std::vector<PboSplit> splits{{-0.5, 1.0, 0.2}, {0.3, 2.0, -0.1}, {0.0, 3.0, 0.5}, {1.2, 4.0, 0.6}};
  const auto s = summarize_pbo(splits);
  EXPECT_DOUBLE_EQ(s.pbo, 0.5);             // lambdas -0.5 and 0.0 are <= 0
  EXPECT_DOUBLE_EQ(s.prob_oos_loss, 0.25);  // one negative out-of-sample Sharpe
  // slope = sum (x - 2.5)(y - 0.3) / sum (x - 2.5)^2 = (-1.5*-0.1 + -0.5*-0.4 + 0.5*0.2 + 1.5*0.3) / 5
  EXPECT_NEAR(s.degradation_slope, (0.15 + 0.2 + 0.1 + 0.45) / 5.0, 1e-15);
}

TEST(Overfitting, CorrelationSumsAndParticipationRatio) {
  const std::int64_t t = 50;
  const std::size_t m = 6;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> x(m * t);
  for (double& v : x) v = normal(rng);
  std::vector<double> constant(t, 0.25);
  x.insert(x.end(), constant.begin(), constant.end());  // a 7th, constant column
  EXPECT_EQ(standardize_columns(x, m + 1, t), m);
  const double fast = correlation_square_sum(x, m + 1, x, m + 1, t);
  EXPECT_NEAR(fast, correlation_square_sum_ref(x, m + 1, x, m + 1, t), 1e-5 * fast);  // single-precision product
  EXPECT_GT(fast, double(m));                                                         // the diagonal alone gives m
  // Identical series: C is all ones, tr(C^2) = m^2, participation ratio m^2 / m^2 = 1.
  std::vector<double> same;
  for (std::size_t j = 0; j < m; ++j) same.insert(same.end(), x.begin(), x.begin() + t);
  EXPECT_NEAR(correlation_square_sum(same, m, same, m, t), double(m * m), 1e-4);
  // Two halves of a set: the cross sum plus both own sums is the whole set's.
  const double a = correlation_square_sum(std::span(x).first(3 * t), 3, std::span(x).first(3 * t), 3, t);
  const double ab = correlation_square_sum(std::span(x).first(3 * t), 3, std::span(x).subspan(3 * t), m + 1 - 3, t);
  const double b =
      correlation_square_sum(std::span(x).subspan(3 * t), m + 1 - 3, std::span(x).subspan(3 * t), m + 1 - 3, t);
  EXPECT_NEAR(a + 2 * ab + b, fast, 1e-5 * fast);
  // The float overload on the columns rounded to float is the same product, bit for bit.
  const std::vector<float> xf(x.begin(), x.end());
  EXPECT_EQ(correlation_square_sum(std::span<const float>(xf), m + 1, xf, m + 1, t), fast);
  const std::vector<float> af(x.begin(), x.begin() + 3 * t), bf(x.begin() + 3 * t, x.end());
  EXPECT_EQ(correlation_square_sum(std::span<const float>(af), 3, bf, m + 1 - 3, t), ab);
}

// A scratch reused across products of changing shapes (the block pairs of a worker thread, a
// last short block, single columns, shapes small enough for Eigen's coefficient path) gives
// each product's value bit for bit as a fresh call does, and the double-precision plain loop's
// value to the float product's precision.
TEST(Overfitting, CorrelationScratchReusedAcrossShapes) {
  const std::int64_t t = 700;
  const std::size_t m = 40;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  std::vector<double> x(m * t);
  for (double& v : x) v = normal(rng);
  ASSERT_EQ(standardize_columns(x, m, t), m);
  const std::vector<float> xf(x.begin(), x.end());
  const auto cols = [&](std::size_t first, std::size_t count, std::int64_t bars) {
    std::vector<float> out;
    for (std::size_t j = first; j < first + count; ++j)
      out.insert(out.end(), xf.begin() + j * t, xf.begin() + j * t + bars);
    return out;
  };
  const auto cols_d = [&](std::size_t first, std::size_t count, std::int64_t bars) {
    const auto f = cols(first, count, bars);
    return std::vector<double>(f.begin(), f.end());
  };
  struct Shape {
    std::size_t a0, ma, b0, mb;
    std::int64_t bars;
  };
  const Shape shapes[] = {{0, 24, 0, 24, t},  {0, 24, 24, 16, t},  {24, 16, 24, 16, t},
                          {0, 1, 0, 40, t},   {0, 40, 5, 1, t},    {0, 3, 3, 4, 10},
                          {0, 24, 24, 16, t}, {0, 24, 0, 24, 300}, {0, 24, 0, 24, t}};
  CorrelationScratch scratch;
  for (const Shape& s : shapes) {
    const auto a = cols(s.a0, s.ma, s.bars), b = cols(s.b0, s.mb, s.bars);
    const double reused = correlation_square_sum(std::span<const float>(a), s.ma, b, s.mb, s.bars, scratch);
    EXPECT_EQ(reused, correlation_square_sum(std::span<const float>(a), s.ma, b, s.mb, s.bars));
    const double ref =
        correlation_square_sum_ref(cols_d(s.a0, s.ma, s.bars), s.ma, cols_d(s.b0, s.mb, s.bars), s.mb, s.bars);
    EXPECT_NEAR(reused, ref, 1e-5 * ref) << s.ma << " x " << s.mb << " over " << s.bars << " bars";
  }
}

}  // namespace
}  // namespace qg::kernels
