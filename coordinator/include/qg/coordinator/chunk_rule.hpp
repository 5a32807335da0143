#pragma once
// How big a chunk must be so that rank 0 keeps up: the scaling model of docs/performance.md
// (section "How far the coordinator scales"). Rank 0 serves every chunk alone, paying a fixed
// cost per chunk (receive, decode, bookkeeping, the next assignment) and a cost per task (journal
// and reduce of its records); N workers each finish a chunk of c tasks of t seconds every c*t.
// Rank 0 is busy a fraction  rho = N * (s_chunk + c * s_task) / (c * t)  of the time.
#include <cstdint>

namespace qg::coordinator {

//! What rank 0 spends on one chunk, in seconds: a fixed part and a part per task of the chunk.
struct ServiceCost {
  double per_chunk = 0.0;
  double per_task = 0.0;
};

//! The smallest chunk size c with N * (per_chunk + c * per_task) <= load * c * task_seconds, i.e.
//! c >= N * per_chunk / (load * t - N * per_task), so that rank 0 is busy at most `load` of the
//! time. 1 when nothing is measured yet (task_seconds <= 0) or the fixed cost is nil. When no
//! chunk size is enough (N * per_task >= load * t: the per-task cost alone keeps rank 0 that
//! busy, and only a cheaper reduce or more reducers help), the size at which the fixed cost is a
//! tenth of rank 0's time, ceil(9 * per_chunk / per_task): larger chunks gain little and lengthen
//! the stage's tail. UINT64_MAX only when the per-task cost is nil and load * t is not positive.
std::uint64_t min_chunk_for_load(int n_workers, ServiceCost cost, double task_seconds, double load);

}  // namespace qg::coordinator
