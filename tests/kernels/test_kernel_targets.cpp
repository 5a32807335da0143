// The hot kernels' copies per CPU target (kernels/src/target_kernels.hpp): every copy this CPU
// runs gives the same metrics as the plain-loop references within 1e-9, and copies whose
// arithmetic is the same (x86-64-v3 and x86-64-v4: both contract a*b+c into FMA; only the lane
// count differs, and lanes are independent) give bit-identical metrics. A copy the CPU cannot
// run is skipped with a message (this development machine has no AVX-512).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/kernel_target.hpp"
#include "target_kernels.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

//! The fused sweep metrics of strategy `index` of a copy over a few blocks of random sets.
std::vector<double> sweep_metrics(const TargetKernels& k, std::size_t index, PositionMode mode) {
  const Strategy& s = *k.strategies[index];
  std::vector<double> out;
  std::vector<std::int8_t> scratch;
  const PreparedSeries walks[2] = {testing::random_walk(1, 500), testing::tick_walk(2, 400)};
  for (std::uint32_t c = 0; c < 2; ++c) {
    const PreparedSeries& series = walks[c];
    const std::vector<double> sets = testing::random_sets(s, 45, 60, 11 + c);
    const int n_sets = static_cast<int>(sets.size() / s.params().size());
    std::vector<double> m(static_cast<std::size_t>(n_sets) * kNumMetrics);
    s.evaluate(series, sets.data(), n_sets, mode, 5e-4, m.data(), scratch);
    out.insert(out.end(), m.begin(), m.end());
  }
  return out;
}

//! backtest_metrics_range of a copy on random positions of 37 sets (a partial lane group too).
std::vector<double> range_metrics(const TargetKernels& k) {
  const PreparedSeries series = testing::random_walk(3, 300);
  std::vector<std::int8_t> pos(static_cast<std::size_t>(series.size()) * 37);
  std::uint64_t x = 7;
  for (auto& p : pos) p = static_cast<std::int8_t>((x = x * 6364136223846793005ULL + 1442695040888963407ULL) >> 62) - 1;
  std::vector<double> m(37 * kNumMetrics);
  k.backtest_metrics_range(series, PositionRows{pos.data(), 37, {0, series.size()}}, 1e-3, {40, 260}, m.data());
  return m;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(KernelTargets, EachCopyNamesItsTargetAndLaneWidth) {
  // x86-64-v3 and v4 are always built; v2 when the rest of the build is for it (QG_ARCH).
  ASSERT_NE(target_kernels("x86-64-v3"), nullptr);
  ASSERT_NE(target_kernels("x86-64-v4"), nullptr);
  EXPECT_EQ(target_kernels("x86-64-v3")->name, "x86-64-v3");
  EXPECT_EQ(target_kernels("x86-64-v4")->name, "x86-64-v4");
  EXPECT_EQ(target_kernels("x86-64-v3")->lane_width, 4);  // AVX2: 4 doubles per register
  EXPECT_EQ(target_kernels("x86-64-v4")->lane_width, 8);  // AVX-512: 8
  if (const TargetKernels* v2 = target_kernels("x86-64-v2")) EXPECT_EQ(v2->lane_width, 4);
  EXPECT_EQ(target_kernels("x86-64-v9"), nullptr);
}

TEST(KernelTargets, TheChosenTargetIsTheBestThisCpuRuns) {
  if (std::getenv("QG_KERNEL_TARGET") != nullptr) GTEST_SKIP() << "QG_KERNEL_TARGET is set";
  std::string_view best;
  for (std::string_view t : kernel_targets())
    if (cpu_supports_kernel_target(t)) best = t;
  EXPECT_EQ(kernel_target(), best);
  EXPECT_FALSE(cpu_supports_kernel_target("x86-64-v9"));
}

TEST(KernelTargets, EveryRunnableCopyMatchesTheReferences) {
  for (std::string_view t : kernel_targets()) {
    if (!cpu_supports_kernel_target(t)) {
      std::cout << "[ SKIPPED  ] " << t << ": this CPU cannot run it\n";
      continue;
    }
    const TargetKernels& k = *target_kernels(t);
    const PreparedSeries series = testing::random_walk(1, 500);
    for (std::size_t i = 0; i < k.strategies.size(); ++i) {
      const Strategy& s = *k.strategies[i];
      const std::vector<double> sets = testing::random_sets(s, 45, 60, 11);
      const std::vector<double> m = sweep_metrics(k, i, PositionMode::kLongShort);
      for (std::size_t j = 0; j < 45; ++j) {
        const auto ref = backtest_metrics_ref(
            series,
            s.positions_ref(series, {sets.data() + j * s.params().size(), s.params().size()}, PositionMode::kLongShort),
            5e-4);
        for (int q = 0; q < kNumMetrics; ++q) {
          const double f = m[j * kNumMetrics + static_cast<std::size_t>(q)];
          ASSERT_NEAR(f, ref[q], 1e-9 * std::max(std::abs(f), std::abs(ref[q])) + 1e-12)
              << t << " " << s.kind() << " set " << j << " " << metric_names()[q];
        }
      }
    }
  }
}

TEST(KernelTargets, V3AndV4AreBitIdentical) {
  if (!cpu_supports_kernel_target("x86-64-v4") || !cpu_supports_kernel_target("x86-64-v3"))
    GTEST_SKIP() << "x86-64-v4: this CPU has no AVX-512, so only the x86-64-v3 copy runs here";
  const TargetKernels& v3 = *target_kernels("x86-64-v3");
  const TargetKernels& v4 = *target_kernels("x86-64-v4");
  for (std::size_t i = 0; i < v3.strategies.size(); ++i)
    for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort})
      EXPECT_TRUE(same_bits(sweep_metrics(v3, i, mode), sweep_metrics(v4, i, mode))) << v3.strategies[i]->kind();
  EXPECT_TRUE(same_bits(range_metrics(v3), range_metrics(v4)));
}

}  // namespace
}  // namespace qg::kernels
