// Empirical VaR / ES conventions on hand-computed samples, and the bounded top-K merge
// against a full sort.
#include <gtest/gtest.h>

#include <Random123/philox.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <vector>

#include "qg/kernels/var/tail.hpp"

namespace qg::kernels::var {
namespace {

// Losses 1..10 (shuffled). VaR at a = ceil(10 a)-th smallest; ES = mean of the 10(1-a) largest.
const std::vector<double> kTen = {7, 3, 10, 1, 5, 9, 2, 8, 6, 4};

TEST(VarTail, VarIsTheCeilNaThSmallest) {
  EXPECT_EQ(empirical_var(kTen, 0.9), 9);    // ceil(9) = 9th smallest
  EXPECT_EQ(empirical_var(kTen, 0.95), 10);  // ceil(9.5) = 10th
  EXPECT_EQ(empirical_var(kTen, 0.8), 8);
  EXPECT_EQ(empirical_var(kTen, 0.85), 9);  // ceil(8.5) = 9th
  EXPECT_EQ(empirical_var(kTen, 0.5), 5);
}

TEST(VarTail, EsIsTheAcerbiTascheTailMean) {
  EXPECT_DOUBLE_EQ(empirical_es(kTen, 0.8), (10 + 9) / 2.0);  // integer m = 2
  EXPECT_DOUBLE_EQ(empirical_es(kTen, 0.9), 10.0);            // m = 1
  // m = 1.5: (10 + 0.5 * 9) / 1.5
  EXPECT_DOUBLE_EQ(empirical_es(kTen, 0.85), (10 + 0.5 * 9) / 1.5);
  // m = 0.5: the largest loss alone
  EXPECT_DOUBLE_EQ(empirical_es(kTen, 0.95), 10.0);
}

TEST(VarTail, BinaryRoundingOfTheLevelDoesNotShiftTheRank) {
  std::vector<double> losses(1000);
  std::iota(losses.begin(), losses.end(), 1.0);
  EXPECT_EQ(ceil_count(1000, 0.95), 950u);  // 1000 * 0.95 is 950 up to rounding
  EXPECT_EQ(empirical_var(losses, 0.95), 950);
  EXPECT_EQ(empirical_var(losses, 0.99), 990);
  EXPECT_DOUBLE_EQ(empirical_es(losses, 0.99), (991 + 1000) / 2.0);
  EXPECT_EQ(tail_size(1000, 0.95), 51u);
}

TEST(VarTail, EsWeightsSumToOne) {
  for (double a : {0.9, 0.95, 0.975, 0.99, 0.973}) {
    double s = 0;
    for (std::uint64_t i = 0; i < 200; ++i) s += es_weight(1234, a, i);
    EXPECT_NEAR(s, 1.0, 1e-12) << a;
  }
}

std::vector<double> random_rows(std::size_t n, std::size_t width) {
  r123::Philox4x32 rng;
  std::vector<double> rows(n * width);
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = rng({{static_cast<std::uint32_t>(i), 0, 0, 0}}, {{5, 6}});
    rows[i * width] = static_cast<double>(w.v[0] % 500);  // many ties, broken by id
    rows[i * width + 1] = static_cast<double>(i);
    for (std::size_t k = 2; k < width; ++k) rows[i * width + k] = static_cast<double>(w.v[1] % 97) + k;
  }
  return rows;
}

TEST(VarTail, MergeInChunksEqualsAFullSort) {
  constexpr std::size_t kW = 4, kN = 20000, kK = 777;
  const auto rows = random_rows(kN, kW);
  std::vector<std::size_t> order(kN);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rows[a * kW] > rows[b * kW] || (rows[a * kW] == rows[b * kW] && a < b);
  });
  for (std::size_t chunk : {1u, 7u, 500u, 20000u}) {
    TailRows tail(kK, kW);
    for (std::size_t i = 0; i < kN; i += chunk)
      tail.add(std::span<const double>(rows).subspan(i * kW, std::min(chunk, kN - i) * kW));
    const auto out = tail.finish();
    ASSERT_EQ(out.size(), kK * kW);
    for (std::size_t r = 0; r < kK; ++r)
      for (std::size_t c = 0; c < kW; ++c) ASSERT_EQ(out[r * kW + c], rows[order[r] * kW + c]) << chunk << " " << r;
  }
}

TEST(VarTail, TopKFormsMatchTheFullSample) {
  const auto rows = random_rows(5000, 2);
  std::vector<double> losses;
  for (std::size_t i = 0; i < 5000; ++i) losses.push_back(rows[i * 2] + 1e-3 * static_cast<double>(i % 13));
  for (double a : {0.95, 0.975, 0.99}) {
    const auto top = top_k(losses, tail_size(5000, 0.95));
    std::vector<double> sorted = losses;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(var_from_top(top, 5000, a), sorted[ceil_count(5000, a) - 1]);
    EXPECT_DOUBLE_EQ(es_from_top(top, 5000, a), empirical_es(losses, a));
  }
}

// Many ties (losses mod 500): the kept pairs are the first `count` of a full sort of every
// (loss, id) pair by loss descending, id ascending.
TEST(VarTail, TopWithIdsEqualsAFullSortOfThePairs) {
  const auto rows = random_rows(6000, 2);
  std::vector<double> losses;
  for (std::size_t i = 0; i < 6000; ++i) losses.push_back(rows[i * 2]);
  for (std::size_t count : {1u, 300u, 5999u, 6000u, 7000u}) {
    const auto got = top_with_ids(losses, 1e6, count);
    EXPECT_EQ(got, top_with_ids_ref(losses, 1e6, count)) << count;
    ASSERT_EQ(got.size(), 2 * std::min<std::size_t>(count, 6000));
    EXPECT_EQ(got[1] - 1e6, static_cast<double>(std::max_element(losses.begin(), losses.end()) - losses.begin()));
  }
}

// 65536 scenarios at 0.95: tail_size 3277 (floor(3276.8) + 1) plus ceil(6 sqrt(65536 0.95 0.05))
// = ceil(6 * 55.79...) = 335 and 16 rows; a batch smaller than that keeps everything.
TEST(VarTail, KeptRowsAreTheTailPlusSixBinomialSigmas) {
  EXPECT_EQ(kept_tail_rows(65536, 0.95), 3277u + 335u + 16u);
  EXPECT_EQ(kept_tail_rows(100, 0.95), 6u + 14u + 16u);  // 6 sqrt(4.75) = 13.08
  EXPECT_EQ(kept_tail_rows(20, 0.95), 20u);
}

}  // namespace
}  // namespace qg::kernels::var
