// The data-parallel logistic fit on synthetic rows, one line of JSON from rank 0:
//   mpiexec -n R train_dp_bench ROWS FEATURES SEED C
// Row i, feature j: x_ij = sqrt(3) (2 u(seed, i, j) - 1) (uniform, unit variance); label 1 when
// u(seed, i, FEATURES) < sigmoid(sum_j x_ij (j + 1 - FEATURES / 2) / FEATURES), with u a
// splitmix64 hash of (seed, i, j) mapped to [0, 1). Each rank generates only the rows of its
// shard, so the data and the model do not depend on the rank count. Reports the fit's wall time
// (after a barrier, generation excluded), Newton steps, every rank's peak RSS and CPU seconds in
// the fit (wall time misleads on a loaded machine), and the model's
// first coefficients (to check they are the same bits at every rank count).
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "qg/cluster/mpi_transport.hpp"
#include "qg/worker/transport_block_reduction.hpp"
#include "train/data_parallel_fit.hpp"

namespace {

double uniform(std::uint64_t seed, std::uint64_t row, std::uint64_t col) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + row * 0xBF58476D1CE4E5B9ULL + col * 0x94D049BB133111EBULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

void generate(const qg::jobs::RowShard& shard, std::uint64_t seed, Eigen::MatrixXd& x, Eigen::VectorXd& y) {
  const Eigen::Index p = x.cols();
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    const auto i = static_cast<std::uint64_t>(shard.first_row() + r);
    double score = 0;
    for (Eigen::Index j = 0; j < p; ++j) {
      x(r, j) = std::sqrt(3.0) * (2.0 * uniform(seed, i, static_cast<std::uint64_t>(j)) - 1.0);
      score += x(r, j) * (static_cast<double>(j + 1) - 0.5 * static_cast<double>(p)) / static_cast<double>(p);
    }
    y(r) = uniform(seed, i, static_cast<std::uint64_t>(p)) < 1.0 / (1.0 + std::exp(-score)) ? 1.0 : 0.0;
  }
}

//! Peak resident set of this process, MB (getrusage: kilobytes on Linux).
double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

//! CPU seconds (user + system) this process has used.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

std::string list(const std::vector<double>& v, int decimals = 0) {
  std::string out;
  char text[32];
  for (double x : v) {
    std::snprintf(text, sizeof text, "%.*f", decimals, x);
    out += (out.empty() ? "" : ", ") + std::string(text);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const auto session = qg::cluster::open_mpi_session(argc, argv);
  if (argc != 5) {
    if (session->rank() == 0) std::fprintf(stderr, "usage: train_dp_bench ROWS FEATURES SEED C\n");
    return 1;
  }
  const auto rows = std::strtoll(argv[1], nullptr, 10), p = std::strtoll(argv[2], nullptr, 10);
  const auto seed = std::strtoull(argv[3], nullptr, 10);
  const double c = std::strtod(argv[4], nullptr);
  const auto world = session->world_transport();
  const auto shard = qg::jobs::shard_of(rows, world->rank(), world->size());
  Eigen::MatrixXd x(shard.rows(), p);
  Eigen::VectorXd y(shard.rows());
  generate(shard, seed, x, y);
  qg::worker::TransportBlockReduction reduce(*world);
  reduce.sum_blocks({}, 1);  // a barrier: every rank has its rows
  const double cpu_start = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const auto model = qg::jobs::fit_logistic_data_parallel(x, y, shard, c, reduce);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu_start;
  const auto size = static_cast<std::size_t>(world->size()), me = static_cast<std::size_t>(world->rank());
  std::vector<double> mine(2 * size, 0.0);  // every rank's peak RSS, then its CPU seconds in the fit
  mine[me] = peak_rss_mb();
  mine[size + me] = cpu;
  const std::vector<double> all = reduce.sum_blocks(mine, mine.size());
  const std::vector<double> rss(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(size));
  const std::vector<double> cpus(all.begin() + static_cast<std::ptrdiff_t>(size), all.end());
  if (world->rank() != 0) return 0;
  std::printf(
      "{\"ranks\": %d, \"rows\": %lld, \"features\": %lld, \"fit_seconds\": %.3f, \"iterations\": %d, "
      "\"gradient_norm\": %.3g, \"peak_rss_mb\": [%s], \"fit_cpu_seconds\": [%s], "
      "\"coef\": [%.17g, %.17g, %.17g], \"intercept\": %.17g}\n",
      world->size(), static_cast<long long>(rows), static_cast<long long>(p), seconds, model.fit.iterations,
      model.fit.gradient_norm, list(rss).c_str(), list(cpus, 1).c_str(), model.fit.coef(0), model.fit.coef(1),
      model.fit.coef(p - 1), model.fit.intercept);
  return model.fit.converged ? 0 : 2;
}
