#pragma once
// Results arrive in any order; a stage's reducer must see them in task-id order. The
// ReorderBuffer holds chunks that arrived early and releases the contiguous prefix.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "qg/cluster/messages.hpp"
#include "qg/jobs/job.hpp"

namespace qg::coordinator {

class ReorderBuffer {
 public:
  //! Errors of delivered tasks go to `on_error(task, rank, message)` as well as the reducer.
  using ErrorSink = std::function<void(std::uint32_t stage, std::uint64_t task, int rank, const std::string& msg)>;

  ReorderBuffer(jobs::Reducer& reducer, std::uint32_t stage, ErrorSink on_error);

  //! True when `chunk` was received before (a re-issued chunk answered twice): drop it.
  bool is_duplicate(const cluster::ChunkResult& chunk) const;
  //! Takes a chunk computed by `rank`; delivers every chunk that became contiguous.
  void add(cluster::ChunkResult&& chunk, int rank);
  //! Tasks below this id have been delivered to the reducer.
  std::uint64_t reduced() const { return next_; }
  //! Doubles held in chunks waiting for their predecessors.
  std::size_t buffered_values() const { return buffered_values_; }

 private:
  void deliver(const cluster::ChunkResult& chunk, int rank);

  jobs::Reducer& reducer_;
  std::uint32_t stage_;
  ErrorSink on_error_;
  std::uint64_t next_ = 0;
  std::size_t buffered_values_ = 0;
  std::map<std::uint64_t, std::pair<cluster::ChunkResult, int>> pending_;  // first -> (chunk, rank)
};

}  // namespace qg::coordinator
