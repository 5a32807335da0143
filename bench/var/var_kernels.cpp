// Where the time of one Monte Carlo VaR block goes, for a full-revaluation book of n assets
// with one linear position per asset and an option on every fifth: normal generation, the
// full DGEMM Z L^T (what a plain implementation does), the triangular product the simulator
// replaced (correlate_rows, one DTRMM), the packed triangular product it uses (PackedFactor: its AVX2 tile, and
// its AVX-512 tile where the CPU has it), and the whole block
// (generation + product + revaluation). Prints CSV `name,impl,threads,rows,run,seconds,gflops` (1 warm-up, 5 timed runs
// per item; the seconds are this thread's CPU time, so a machine shared with other work inflates them less) and the
// products' GFLOP/s, to set against the machine's DGEMM peak.
//   OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 ./var_kernels [n ...]
#include <cblas.h>

#include <Eigen/Dense>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "qg/kernels/var/correlate.hpp"
#include "qg/kernels/var/normals.hpp"
#include "qg/kernels/var/packed_factor.hpp"
#include "qg/kernels/var/simulate.hpp"

namespace kv = qg::kernels::var;

namespace {

constexpr int kRuns = 5;
constexpr std::size_t kRows = kv::kBlockRows;
constexpr int kBlocksPerRun = 16;

// ---- setup ----

kv::Book make_book(int n) {
  kv::Book b;
  for (int a = 0; a < n; ++a) {
    b.prices.push_back(100.0 + a);
    b.positions.push_back({static_cast<std::size_t>(a), 10.0, -1});
    if (a % 5 == 0) {
      kv::OptionLeg o{static_cast<std::size_t>(a), kv::OptionType::kCall, 100.0 + a, 0.25, 0.25, 0.0};
      o.value0 = kv::bs_price(o.type, b.prices.back(), o.strike, o.expiry, 0.0, o.vol);
      b.positions.push_back({static_cast<std::size_t>(a), 5.0, static_cast<int>(b.options.size())});
      b.options.push_back(o);
    }
  }
  b.horizon_years = 1.0 / 252;
  return b;
}

kv::ShockModel make_model(int n) {
  Eigen::MatrixXd c = Eigen::MatrixXd::Constant(n, n, 0.3e-4);
  c.diagonal().setConstant(1e-4);
  kv::ShockModel m;
  m.chol = c.llt().matrixL();
  m.mean = Eigen::VectorXd::Zero(n);
  return m;
}

// ---- timed run ----

double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double best_of(const std::function<void()>& body) {
  body();  // warm-up
  double best = 1e300;
  for (int r = 0; r < kRuns; ++r) {
    const double t0 = thread_seconds();
    body();
    best = std::min(best, thread_seconds() - t0);
  }
  return best;
}

void report(const char* name, int n, double seconds, double gflops) {
  std::printf("var_%s,n%d,1,%zu,best,%.6f,%.2f\n", name, n, kRows * kBlocksPerRun, seconds, gflops);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {100, 500};
  // One BLAS thread: the timings are this thread's CPU time, which would miss other threads' work.
  openblas_set_num_threads(1);
  std::printf("name,impl,threads,rows,run,seconds,gflops\n");
  for (int n : sizes) {
    const kv::Simulator sim(make_model(n), make_book(n), 7);
    kv::SimWorkspace ws;
    kv::NormalScratch scratch;
    std::vector<double> z(kRows * static_cast<std::size_t>(n)), y(z.size());
    const Eigen::MatrixXd l = make_model(n).chol;
    const double normals = best_of([&] {
      for (int b = 0; b < kBlocksPerRun; ++b) kv::fill_normals({7, 0, 0}, b * kRows, kRows, n, z.data(), scratch);
    });
    const double gemm = best_of([&] {
      for (int b = 0; b < kBlocksPerRun; ++b)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kRows, n, n, 1.0, z.data(), n, l.data(), n, 0.0,
                    y.data(), n);
    });
    std::vector<double> zy(z.size());
    const double correlate = best_of([&] {
      for (int b = 0; b < kBlocksPerRun; ++b) {
        std::copy(z.begin(), z.end(), zy.begin());
        kv::correlate_rows(l, kRows, zy.data());
      }
    });
    std::vector<double> packed_rows;
    const auto packed_time = [&](kv::PackedFactor::Tile tile) {
      const kv::PackedFactor factor(l, tile);
      return best_of([&] {
        for (int b = 0; b < kBlocksPerRun; ++b) {
          std::copy(z.begin(), z.end(), zy.begin());
          factor.correlate(kRows, zy.data(), packed_rows);
        }
      });
    };
    const double packed = packed_time(kv::PackedFactor::Tile::kAvx2);
    const bool wide = kv::PackedFactor::best_tile() == kv::PackedFactor::Tile::kAvx512;
    const double packed512 = wide ? packed_time(kv::PackedFactor::Tile::kAvx512) : 0.0;
    const double block = best_of([&] {
      for (int b = 0; b < kBlocksPerRun; ++b) sim.simulate_block(0, b * kRows, kRows, ws);
    });
    const double flops = 2.0 * kRows * n * n * kBlocksPerRun;
    report("normals", n, normals, 0);
    report("dgemm", n, gemm, flops / gemm / 1e9);
    // The DTRMM's useful flops: n (n + 1) / 2 multiply-adds per row (its time includes a copy of Z).
    report("correlate", n, correlate, static_cast<double>(kRows) * n * (n + 1) * kBlocksPerRun / correlate / 1e9);
    const double useful = static_cast<double>(kRows) * n * (n + 1) * kBlocksPerRun;
    report("packed", n, packed, useful / packed / 1e9);
    if (wide) report("packed_avx512", n, packed512, useful / packed512 / 1e9);
    report("full_block", n, block, 0);
  }
  return 0;
}
