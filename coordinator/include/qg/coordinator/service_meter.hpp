#pragma once
// Where rank 0's time goes during a stage: per received chunk, the time to decode it, journal
// it, reduce it (reorder buffer and reducer), send the next assignment, and the rest of the
// turn (bookkeeping). Feeds the chunk-size rule (chunk_rule.hpp) and the debug log line that
// bench/coordinator_scaling.py reads.
#include <cstdint>
#include <string>

#include "qg/coordinator/chunk_rule.hpp"

namespace qg::coordinator {

class ServiceMeter {
 public:
  enum class Part { kDecode, kJournal, kReduce, kSend };

  //! Forgets the previous stage's figures.
  void start_stage() { *this = ServiceMeter{}; }
  //! Seconds spent on `part` (within a turn, see turn()).
  void add(Part part, double seconds);
  //! A chunk of `tasks` tasks and `values` values came back; the worker spent `worker_seconds` on it.
  void chunk(std::uint64_t tasks, std::uint64_t values, double worker_seconds);
  //! One whole turn of rank 0 for a received message (parts included), in seconds.
  void turn(double seconds) { busy_ += seconds; }
  //! A chunk was out for `seconds` from the start of its turn (its assignment's send, or for a
  //! chunk queued in its worker's pipeline the receipt of the result before it) to its result's
  //! receipt, of which the worker computed `worker_seconds`: the rest is the round trip
  //! (messages, rank 0's queue), all but hidden when the worker held the chunk in advance.
  void out_for(double seconds, double worker_seconds);

  //! Measured cost: decode, journal and reduce per task; the rest of a turn per chunk; the mean
  //! round trip.
  ServiceCost cost() const;
  //! Worker seconds per task (chunk seconds over tasks, averaged over the stage); 0 before any.
  double task_seconds() const { return tasks_ == 0 ? 0.0 : worker_seconds_ / static_cast<double>(tasks_); }
  //! One line: chunks, tasks, values, seconds per part, per-chunk and per-task cost.
  std::string summary() const;

 private:
  std::uint64_t chunks_ = 0;
  std::uint64_t tasks_ = 0;
  std::uint64_t values_ = 0;
  double worker_seconds_ = 0.0;
  double round_trips_ = 0.0;  // summed over the chunks counted by out_for
  std::uint64_t timed_chunks_ = 0;
  double busy_ = 0.0;
  double decode_ = 0.0;
  double journal_ = 0.0;
  double reduce_ = 0.0;
  double send_ = 0.0;
};

}  // namespace qg::coordinator
