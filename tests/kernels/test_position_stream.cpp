// Position streams: one bar at a time, every strategy's stream equals the batch kernel
// (Strategy::positions over the whole history) bit for bit, and its plain reference too.
#include <gtest/gtest.h>

#include "qg/core/error.hpp"
#include "qg/kernels/position_stream.hpp"
#include "qg/kernels/strategy.hpp"
#include "test_util.hpp"

namespace qg::kernels {
namespace {

//! The stream's positions over the whole series, one step per bar.
std::vector<std::int8_t> streamed(const Strategy& s, const PreparedSeries& series, std::span<const double> set,
                                  PositionMode mode) {
  const auto stream = make_position_stream(s, set, mode);
  std::vector<std::int8_t> out;
  for (std::int64_t t = 0; t < series.size(); ++t)
    out.push_back(stream->step(series.high()[t], series.low()[t], series.close()[t]));
  EXPECT_EQ(stream->bars(), series.size());
  return out;
}

//! For every set: stream == positions() of the whole block (every lane shape) and == positions_ref().
void expect_stream_equals_batch(const Strategy& s, const PreparedSeries& series, const std::vector<double>& sets,
                                PositionMode mode) {
  const std::size_t n_params = s.params().size();
  const std::size_t n_sets = sets.size() / n_params;
  const auto n = static_cast<std::size_t>(series.size());
  std::vector<std::int8_t> batch(n * n_sets);
  s.positions(series, sets.data(), static_cast<int>(n_sets), mode, batch.data());
  std::size_t trading_sets = 0;
  for (std::size_t j = 0; j < n_sets; ++j) {
    const std::span<const double> set(sets.data() + j * n_params, n_params);
    const std::vector<std::int8_t> got = streamed(s, series, set, mode);
    const std::vector<std::int8_t> ref = s.positions_ref(series, set, mode);
    int traded = 0;
    for (std::size_t t = 0; t < n; ++t) {
      ASSERT_EQ(got[t], batch[t * n_sets + j]) << s.kind() << " set " << j << " (first param " << set[0] << ") t=" << t;
      ASSERT_EQ(got[t], ref[t]) << s.kind() << " set " << j << " t=" << t;
      traded += got[t] != 0;
    }
    trading_sets += traded > 0;
  }
  if (n > 100) {
    EXPECT_GT(trading_sets, 0u) << s.kind() << ": no set ever trades, the case proves little";
  }
}

//! Long synthetic, continuous and tick-tie series (a few thousand bars), both modes.
void expect_stream_equals_batch_everywhere(const char* kind, int max_window) {
  const Strategy& s = *find_strategy(kind);
  for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort}) {
    expect_stream_equals_batch(s, testing::synthetic(7, 3, 4000), testing::random_sets(s, 12, max_window, 21), mode);
    expect_stream_equals_batch(s, testing::random_walk(8, 3000), testing::random_sets(s, 9, max_window, 22), mode);
    expect_stream_equals_batch(s, testing::tick_walk(9, 3000), testing::random_sets(s, 9, max_window, 23), mode);
    expect_stream_equals_batch(s, testing::tick_walk(10, 25), testing::random_sets(s, 5, 40, 24),
                               mode);  // windows beyond the series
  }
}

TEST(PositionStream, SmaCrossoverEqualsBatch) { expect_stream_equals_batch_everywhere("sma_crossover", 250); }
TEST(PositionStream, EmaCrossoverEqualsBatch) { expect_stream_equals_batch_everywhere("ema_crossover", 250); }
TEST(PositionStream, BollingerEqualsBatch) { expect_stream_equals_batch_everywhere("bollinger", 120); }
TEST(PositionStream, RsiEqualsBatch) { expect_stream_equals_batch_everywhere("rsi", 60); }
TEST(PositionStream, DonchianEqualsBatch) { expect_stream_equals_batch_everywhere("donchian", 120); }
TEST(PositionStream, MomentumEqualsBatch) { expect_stream_equals_batch_everywhere("momentum", 250); }

// Bollinger's anchored sums restart every max(w, 32) bars from bar w-1: windows around 32 put
// the restarts on both sides of the block length.
TEST(PositionStream, BollingerRestartsOnTheBatchKernelsBars) {
  const Strategy& s = *find_strategy("bollinger");
  const std::vector<double> sets = {2, 0.5, 31, 1.0, 32, 1.0, 33, 1.5, 64, 2.0, 200, 1.0};
  for (PositionMode mode : {PositionMode::kLongFlat, PositionMode::kLongShort})
    expect_stream_equals_batch(s, testing::synthetic(11, 0, 3000), sets, mode);
}

// momentum(1) long_short on closes 10, 11, 10.5, 10.5, 12 by hand: t=0 warm-up; 11 > 10 -> +1;
// 10.5 < 11 -> -1; 10.5 = 10.5 -> 0; 12 > 10.5 -> +1.
TEST(PositionStream, MomentumHandChecked) {
  const auto stream =
      make_position_stream(*find_strategy("momentum"), std::vector<double>{1}, PositionMode::kLongShort);
  std::vector<int> got;
  for (double c : {10.0, 11.0, 10.5, 10.5, 12.0}) got.push_back(stream->step(c, c, c));
  EXPECT_EQ(got, (std::vector<int>{0, 1, -1, 0, 1}));
}

// sma_crossover(1, 3) long_flat on closes 10, 11, 12, 9: SMA3 at t=2 is 11 < 12 -> +1; at t=3
// it is 10.667 > 9 -> flat (long_flat never goes short). t=0,1 are warm-up.
TEST(PositionStream, SmaCrossoverHandCheckedLongFlat) {
  const auto stream =
      make_position_stream(*find_strategy("sma_crossover"), std::vector<double>{1, 3}, PositionMode::kLongFlat);
  std::vector<int> got;
  for (double c : {10.0, 11.0, 12.0, 9.0}) got.push_back(stream->step(c, c, c));
  EXPECT_EQ(got, (std::vector<int>{0, 0, 1, 0}));
}

TEST(PositionStream, RefusesBadSets) {
  const Strategy& sma = *find_strategy("sma_crossover");
  EXPECT_THROW(make_position_stream(sma, std::vector<double>{5}, PositionMode::kLongShort), KernelError);
  EXPECT_THROW(make_position_stream(sma, std::vector<double>{0, 20}, PositionMode::kLongShort), KernelError);
  EXPECT_THROW(make_position_stream(*find_strategy("donchian"), std::vector<double>{20, 0}, PositionMode::kLongFlat),
               KernelError);
}

}  // namespace
}  // namespace qg::kernels
