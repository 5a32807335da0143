#include "overfitting/live_trials.hpp"

#include <algorithm>
#include <cstring>

#include "qg/core/error.hpp"
#include "qg/kernels/block_sums.hpp"
#include "qg/kernels/net_returns.hpp"
#include "qg/kernels/overfitting.hpp"

namespace qg::jobs {
namespace {

//! Correlation block pair p (I <= J, row-major over the upper triangle).
std::pair<std::size_t, std::size_t> block_pair(std::uint64_t p, std::size_t blocks) {
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t row = blocks - i;
    if (p < row) return {i, i + static_cast<std::size_t>(p)};
    p -= row;
  }
  throw InternalError("overfitting: correlation pair out of range");
}

//! Four doubles (GCC/Clang vector extension: AVX where the target has it, else pairs of SSE2).
using Double4 = double __attribute__((vector_size(32)));

//! Lanes of T: 4 for Double4, 1 for double.
template <class T>
constexpr std::size_t kLanes = sizeof(T) / sizeof(double);

//! Adds the net-return rows of live columns [c0, end) (time-major, n sets) to the running block
//! sums of the L x kLanes<T> sets from j0 of table `t` in acc (sums, then sums of squares, n
//! each), held in registers over the rows: each row in column order, as kernels::block_sums adds
//! them; at a block's last column writes and clears them.
template <class T, std::size_t L>
void add_rows(const LiveTrials::BlockTable& t, const double* net, std::int64_t c0, std::int64_t end, std::size_t n,
              std::size_t j0, double* acc) {
  constexpr std::size_t lanes = kLanes<T>, width = L * lanes;
  const auto n_blocks = static_cast<std::size_t>(kernels::block_count(t.columns, t.block));
  T a[L], b[L];
  std::memcpy(a, acc + j0, sizeof(a)), std::memcpy(b, acc + n + j0, sizeof(b));
  for (std::int64_t c = c0; c < end;) {
    const std::int64_t block_end = std::min(t.columns, (c / t.block + 1) * t.block), stop = std::min(end, block_end);
    for (; c < stop; ++c) {
      const double* row = net + static_cast<std::size_t>(c - c0) * n + j0;
      for (std::size_t l = 0; l < L; ++l) {
        T x;
        std::memcpy(&x, row + l * lanes, sizeof(T));
        a[l] += x;
        b[l] += x * x;
      }
    }
    if (c != block_end) break;
    const auto block = static_cast<std::size_t>((c - 1) / t.block);
    double sa[width], sb[width];
    std::memcpy(sa, a, sizeof(a)), std::memcpy(sb, b, sizeof(b));
    for (std::size_t k = 0; k < width; ++k)
      t.sum[(j0 + k) * n_blocks + block] = sa[k], t.sumsq[(j0 + k) * n_blocks + block] = sb[k];
    std::memset(a, 0, sizeof(a)), std::memset(b, 0, sizeof(b));
  }
  std::memcpy(acc + j0, a, sizeof(a)), std::memcpy(acc + n + j0, b, sizeof(b));
}

//! add_rows over every set of the rows [c0, c0 + rows) that table `t` covers, eight sets at a time.
void add_pass(const LiveTrials::BlockTable& t, const double* net, std::int64_t c0, std::int64_t rows, std::size_t n,
              double* acc) {
  const std::int64_t end = std::min(c0 + rows, t.columns);
  if (end <= c0) return;
  std::size_t j0 = 0;
  for (; j0 + 8 <= n; j0 += 8) add_rows<Double4, 2>(t, net, c0, end, n, j0, acc);
  for (; j0 < n; ++j0) add_rows<double, 1>(t, net, c0, end, n, j0, acc);
}

}  // namespace

LiveTrials::LiveTrials(const StrategySearch& search, std::shared_ptr<const kernels::PreparedSeries> series,
                       std::int64_t n_bars, int pbo_blocks)
    : LiveTrials(search, SeriesLoader{}, n_bars, pbo_blocks) {
  series_ = std::move(series);
  load_ = [s = series_] { return s; };
}

LiveTrials::LiveTrials(const StrategySearch& search, SeriesLoader load, std::int64_t n_bars, int pbo_blocks)
    : search_(&search), load_(std::move(load)), n_(n_bars - 1), j0_(live_start(search)), pbo_blocks_(pbo_blocks) {
  const std::size_t table_bytes =
      correlation_sets() * static_cast<std::size_t>(std::max<std::int64_t>(live(), 0)) * sizeof(float);
  correlation_cache_ = std::make_shared<CorrelationCache>(correlation_blocks(), table_bytes, kCorrelationCacheBytes);
}

const kernels::PreparedSeries& LiveTrials::series() const {
  QG_CHECK(series_ != nullptr, "LiveTrials::series() of trials built with a series loader");
  return *series_;
}

std::int64_t LiveTrials::live_start(const StrategySearch& search) {
  std::int64_t j0 = 0;
  for (std::size_t i = 0; i < search.combos.size(); ++i)
    j0 = std::max(j0, search.strategy->first_signal_bar(search.combos.set(i)));
  return j0;
}

kernels::PositionRows LiveTrials::positions_into(const std::vector<std::size_t>& ids, kernels::BarRange decided) const {
  const StrategySearch& s = *search_;
  const int n = static_cast<int>(ids.size());
  std::vector<double> sets;
  for (std::size_t id : ids) {
    const auto set = s.combos.set(id);
    sets.insert(sets.end(), set.begin(), set.end());
  }
  // Reused between tasks of the thread: every entry is written before it is read, and growing
  // only once spares the page faults and zeroing of megabytes per task.
  thread_local std::vector<std::int8_t> pos;
  pos.resize(static_cast<std::size_t>(decided.size()) * ids.size());
  s.strategy->positions_range(*load_(), sets.data(), n, s.mode, decided, pos.data());
  return {pos.data(), n, decided};
}

std::vector<std::int8_t> LiveTrials::positions_of(std::size_t id) const {
  const auto series = load_();
  std::vector<std::int8_t> pos(static_cast<std::size_t>(series->size()));
  search_->strategy->positions(*series, search_->combos.set(id).data(), 1, search_->mode, pos.data());
  return pos;
}

void LiveTrials::live_net_returns_into(const std::vector<std::size_t>& ids, std::vector<double>& net) const {
  const kernels::BarRange returns{j0_ + 1, n_ + 1};
  const kernels::PositionRows pos = positions_into(ids, kernels::decided_bars_for(returns));
  net.resize(static_cast<std::size_t>(live()) * ids.size());
  kernels::net_returns(*load_(), pos, search_->cost_per_unit(), returns, net.data());
}

void LiveTrials::live_block_sums(kernels::PositionRows pos, std::int64_t block, std::int64_t columns, double* sum,
                                 double* sumsq) const {
  const BlockTable table{block, columns, sum, sumsq};
  live_block_sums(pos, std::span<const BlockTable>(&table, 1));
}

void LiveTrials::live_block_sums(kernels::PositionRows pos, std::span<const BlockTable> tables) const {
  // Rows of net returns a pass at a time through a buffer that stays in cache (net_returns of
  // those return bars), each row added to every table's running block sums: one computation of
  // the net returns for all tables, without megabytes of them per task.
  const auto n = static_cast<std::size_t>(pos.n_sets);
  std::int64_t columns = 0;
  for (const BlockTable& t : tables) columns = std::max(columns, t.columns);
  thread_local std::vector<double> net, acc;  // reused by the thread's tasks
  const auto series = load_();                // once, not per pass
  net.resize(static_cast<std::size_t>(kRowsPerPass) * n);
  acc.assign(2 * n * tables.size(), 0.0);
  for (std::int64_t c0 = 0; c0 < columns; c0 += kRowsPerPass) {
    const std::int64_t rows = std::min(kRowsPerPass, columns - c0), begin = j0_ + 1 + c0;
    kernels::net_returns(*series, pos, search_->cost_per_unit(), {begin, begin + rows}, net.data());
    for (std::size_t k = 0; k < tables.size(); ++k)
      add_pass(tables[k], net.data(), c0, rows, n, acc.data() + 2 * n * k);
  }
}

void LiveTrials::run_moments(std::size_t best, std::vector<double>& out) const {
  std::vector<double> net;
  live_net_returns_into({best}, net);
  const auto m = kernels::return_moments(net);
  out.assign({m.sharpe, m.skewness, m.kurtosis});
}

CorrelationCache::Block LiveTrials::correlation_block(std::size_t b) const {
  std::vector<std::size_t> ids;
  for (std::size_t i = b * kCorrelationBlock; i < std::min((b + 1) * kCorrelationBlock, correlation_sets()); ++i)
    ids.push_back(i * kCorrelationStride);
  thread_local std::vector<double> net;  // time-major
  live_net_returns_into(ids, net);
  const auto t = static_cast<std::size_t>(live()), m = ids.size();
  // Reused by the thread's blocks (every entry is written before it is read): a fresh buffer
  // would page-fault its megabytes in again for each block.
  thread_local std::vector<double> columns;
  columns.resize(t * m);
  for (std::size_t row = 0; row < t; ++row)
    for (std::size_t c = 0; c < m; ++c) columns[c * t + row] = net[row * m + c];
  CorrelationCache::Block out;
  out.sets = m;
  out.varying = kernels::standardize_columns(columns, m, live());
  out.columns.assign(columns.begin(), columns.end());  // rounded to float, as the product takes them
  return out;
}

void LiveTrials::run_correlation(std::uint64_t pair, std::vector<double>& out) const {
  const auto [bi, bj] = block_pair(pair, correlation_blocks());
  const auto compute = [this](std::size_t b) { return correlation_block(b); };
  thread_local kernels::CorrelationScratch scratch;  // run_task runs on the worker's threads concurrently
  const auto a = correlation_cache_->get(bi, compute);
  if (bi == bj) {
    out.assign({kernels::correlation_square_sum(std::span<const float>(a->columns), a->sets, a->columns, a->sets,
                                                live(), scratch),
                static_cast<double>(a->varying)});
    return;
  }
  const auto b = correlation_cache_->get(bj, compute);
  out.assign({2.0 * kernels::correlation_square_sum(std::span<const float>(a->columns), a->sets, b->columns, b->sets,
                                                    live(), scratch),
              0.0});
}

std::uint64_t LiveTrials::n_splits() const { return kernels::cscv_split_count(pbo_blocks_); }

void LiveTrials::run_splits(std::span<const double> sums, std::uint64_t task, std::vector<double>& out,
                            std::span<const double> totals) const {
  const std::size_t n = n_sets(), half = sums.size() / 2;
  QG_CHECK(half == n * static_cast<std::size_t>(pbo_blocks_), "overfitting: CSCV sums of the wrong size");
  const std::uint64_t first = task * kSplitPairsPerTask;
  const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(kSplitPairsPerTask, n_split_pairs() - first));
  std::vector<kernels::PboSplit> splits(2 * count);
  thread_local kernels::PboScratch scratch;  // run_task runs on the worker's threads concurrently
  kernels::pbo_split_pairs(sums.first(half), sums.subspan(half), n, pbo_blocks_, pbo_block(), first, count,
                           splits.data(), scratch, totals);
  out.clear();
  for (const auto& s : splits) out.insert(out.end(), {s.lambda, s.is_sharpe, s.oos_sharpe});
}

std::vector<double> cscv_block_major(std::span<const double> records, std::size_t width, std::size_t offset,
                                     std::size_t n_sets, std::size_t pbo_blocks) {
  QG_CHECK(records.size() >= n_sets * width, "overfitting: fewer block-sum records than sets");
  const std::size_t s = pbo_blocks;
  std::vector<double> sums(2 * s * n_sets);
  for (std::size_t i = 0; i < n_sets; ++i)
    for (std::size_t b = 0; b < s; ++b) {
      sums[b * n_sets + i] = records[i * width + offset + b];
      sums[s * n_sets + b * n_sets + i] = records[i * width + offset + s + b];
    }
  return sums;
}

}  // namespace qg::jobs
