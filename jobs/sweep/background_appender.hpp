#pragma once
// Appends rows to a results table from a thread of its own: the caller gathers rows in one buffer
// while the thread hands the other to the table (the column gather, the SHA-256 column digests and
// the HDF5 write of a full chunk). On a sweep of many tiny tasks these were most of rank 0's reduce
// per task (docs/performance.md, section 3).
#include <cstddef>
#include <vector>

#include "qg/core/hand_off_thread.hpp"
#include "qg/results/run_file.hpp"

namespace qg::jobs {

class BackgroundAppender {
 public:
  //! Hand-overs that may be outstanding before the next one waits. Rank 0 reduces a chunk of
  //! results at once (80,000 rows of the 8-symbol sweep, 20 hand-overs): with only one in the
  //! thread, the reduce waited for the table, and the workers for rank 0 (docs/performance.md,
  //! section 7). 64 hand-overs of the sweep's 4,096 rows are at most 32 MB of a 15-column table.
  static constexpr std::size_t kDepth = 64;

  //! Appends to `table`, which must outlive this appender and take no other appends meanwhile.
  //! The table's full blocks are synced as they are written (TableWriter::sync_each_block):
  //! this thread waits for the disk, not the run.
  explicit BackgroundAppender(results::TableWriter& table)
      : hand_off_([&table](std::vector<double>& rows, bool) { table.append(rows); }, kDepth) {
    table.sync_each_block();
  }

  //! The rows (row-major doubles) gathered for the next hand-over; the caller appends in place.
  std::vector<double>& rows() { return hand_off_.filling(); }
  //! Hands the gathered rows to the thread and returns, unless kDepth hand-overs are still
  //! outstanding (then it waits for the oldest). Rethrows what an earlier append threw.
  void hand_over() { hand_off_.hand_over(); }
  //! Waits until every hand-over is in the table; rethrows what an append threw.
  void wait() { hand_off_.wait(); }

 private:
  HandOffThread<std::vector<double>> hand_off_;  // its destructor: rows not handed over are dropped
};

}  // namespace qg::jobs
