// Data-parallel fits split across 1 to 4 ranks of the in-process transport (one thread per
// rank): every rank ends with the same model, bit for bit the one-process block fit, and equal to
// the single-process fit to 1e-10 relative (data_parallel_cases.hpp). The MPI twin runs under
// mpiexec (mpi_data_parallel_fit.cpp).
#include <gtest/gtest.h>

#include <thread>

#include "data_parallel_cases.hpp"
#include "qg/cluster/inprocess_transport.hpp"

namespace qg::coordinator {
namespace {

using testing::DpModel;

void run_ranks(DpModel model, int ranks) {
  const testing::DpData d = testing::dp_data(model);
  auto transports = cluster::make_inprocess_transports(ranks);
  std::vector<jobs::TrainedModel> models(static_cast<std::size_t>(ranks));
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r)
    threads.emplace_back([&, r] {
      TransportBlockReduction reduce(*transports[static_cast<std::size_t>(r)]);
      models[static_cast<std::size_t>(r)] = testing::dp_fit(model, d, jobs::shard_of(d.x.rows(), r, ranks), reduce);
    });
  for (auto& t : threads) t.join();
  for (const auto& m : models) testing::expect_rank_model(model, d, m);
}

TEST(DataParallelRanks, RidgeOneToFourRanks) {
  for (int ranks = 1; ranks <= 4; ++ranks) run_ranks(DpModel::kRidge, ranks);
}

TEST(DataParallelRanks, LogisticOneToFourRanks) {
  for (int ranks = 1; ranks <= 4; ++ranks) run_ranks(DpModel::kLogistic, ranks);
}

TEST(DataParallelRanks, MoreRanksThanBlocks) {
  // 2 rows: 2 one-row blocks over 3 ranks (rank 0 holds no block).
  const testing::DpData d = testing::dp_data(DpModel::kRidge, 2, 1);
  auto transports = cluster::make_inprocess_transports(3);
  std::vector<jobs::TrainedModel> models(3);
  std::vector<std::thread> threads;
  for (int r = 0; r < 3; ++r)
    threads.emplace_back([&, r] {
      TransportBlockReduction reduce(*transports[static_cast<std::size_t>(r)]);
      models[static_cast<std::size_t>(r)] = testing::dp_fit(DpModel::kRidge, d, jobs::shard_of(2, r, 3), reduce);
    });
  for (auto& t : threads) t.join();
  // two rows (x0, y0), (x1, y1) of one feature, alpha 2.5 on the standardised feature (+-1):
  // slope = sum z e / (sum z^2 + alpha) = (y1 - y0) / (2 + 2.5); intercept = mean y
  const double slope = (d.y(1) - d.y(0)) * (d.x(1, 0) > d.x(0, 0) ? 1.0 : -1.0) / 4.5;
  for (const auto& m : models) {
    EXPECT_NEAR(m.fit.coef(0), slope, 1e-14);
    EXPECT_NEAR(m.fit.intercept, 0.5 * (d.y(0) + d.y(1)), 1e-14);
  }
}

}  // namespace
}  // namespace qg::coordinator
