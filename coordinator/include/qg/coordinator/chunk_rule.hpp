#pragma once
// How big a chunk must be so that rank 0 keeps up and workers rarely wait: the scaling model of
// docs/performance.md ("How far the coordinator scales"). Rank 0 serves every chunk alone, paying
// a fixed cost per chunk (bookkeeping, the next assignment) and a cost per task (decode, journal
// and reduce of its records); N workers each finish a chunk of c tasks of t seconds every c*t, so
// rank 0 is busy a fraction  rho = N * per_chunk / (c * t) + N * per_task / t  of the time. Only
// the first term depends on the chunk size; the second caps the workers one rank 0 can serve
// (N < t / per_task) whatever the chunks. Between two chunks a worker also waits the round trip
// (its result and the next assignment in flight, rank 0's queue), which a larger chunk amortizes;
// a worker that holds its next chunk already (WorkerPool's pipeline) waits only for what of it
// the pipeline does not hide, and that is what the coordinator measures.
#include <cstdint>

namespace qg::coordinator {

//! What rank 0 spends on one chunk, in seconds: a fixed part and a part per task of the chunk.
struct ServiceCost {
  double per_chunk = 0.0;
  double per_task = 0.0;
  double round_trip = 0.0;  // a worker's wait between two chunks, rank 0's service aside
};

//! The smallest chunk size c with  N * per_chunk <= load * c * t  (the fixed cost of all workers'
//! chunks keeps rank 0 busy at most `load` of the time) and  per_chunk + round_trip <= load * c * t
//! (a worker waits between chunks at most `load` of a chunk's compute):
//! c = ceil(max(N * per_chunk, per_chunk + round_trip) / (load * t)). 1 when nothing is measured
//! yet (task_seconds not positive).
std::uint64_t min_chunk_for_load(int n_workers, ServiceCost cost, double task_seconds, double load);

//! `min_chunk` held to at most ceil(n_tasks / (N * tail_parts)) (at least 1): a worker's even share
//! of the stage in `tail_parts` chunks. The stage's last chunk is computed, then decoded, journaled
//! and reduced by rank 0 while the other workers (in one process, the worker's other threads) have
//! nothing left to do; a minimum sized for rank 0's load alone can make that tail a third of the
//! stage (one worker, a few hundred tasks of measured per-chunk cost). With tail_parts = 16 the
//! last chunk holds at most a sixteenth of a worker's share.
std::uint64_t cap_for_tail(std::uint64_t min_chunk, std::uint64_t n_tasks, int n_workers, std::uint64_t tail_parts);

//! How many chunks a worker should hold so that its queue covers `queued_seconds` of work when a
//! chunk takes `chunk_seconds`: ceil(queued_seconds / chunk_seconds), between `base` and `most`;
//! `base` while nothing is measured (chunk_seconds not positive). Tiny chunks (`--chunk 1` on
//! microsecond tasks) need a deep queue: with more ranks than cores, rank 0 may be off its core
//! for longer than two chunks take, and a worker whose queue runs dry then waits for a core to be
//! given back to rank 0 (docs/performance.md, section 3).
std::size_t pipeline_depth_for(double chunk_seconds, double queued_seconds, std::size_t base, std::size_t most);

}  // namespace qg::coordinator
