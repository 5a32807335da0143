// The data-parallel fits under mpiexec -n N (ctest runs N = 1, 2, 3): every rank takes its shard,
// fits with a TransportBlockReduction over MPI_COMM_WORLD, and checks its model against the
// one-process block fit (same bits) and the single-process fit (1e-10 relative).
#include <gtest/gtest.h>

#include "data_parallel_cases.hpp"
#include "qg/cluster/mpi_transport.hpp"

namespace qg::coordinator {
namespace {

cluster::Transport* g_world = nullptr;

void fit_on_world(testing::DpModel model) {
  const testing::DpData d = testing::dp_data(model);
  TransportBlockReduction reduce(*g_world);
  const auto m = testing::dp_fit(model, d, jobs::shard_of(d.x.rows(), g_world->rank(), g_world->size()), reduce);
  testing::expect_rank_model(model, d, m);
}

TEST(MpiDataParallelFit, Ridge) { fit_on_world(testing::DpModel::kRidge); }
TEST(MpiDataParallelFit, Logistic) { fit_on_world(testing::DpModel::kLogistic); }

}  // namespace
}  // namespace qg::coordinator

int main(int argc, char** argv) {
  const auto session = qg::cluster::open_mpi_session(argc, argv);
  const auto world = session->world_transport();
  qg::coordinator::g_world = world.get();
  ::testing::InitGoogleTest(&argc, argv);
  const int failed = RUN_ALL_TESTS();
  return failed;  // every rank reports its own checks; mpiexec fails when any rank fails
}
