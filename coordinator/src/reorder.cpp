#include "qg/coordinator/reorder.hpp"

#include "qg/core/error.hpp"

namespace qg::coordinator {

ReorderBuffer::ReorderBuffer(jobs::Reducer& reducer, std::uint32_t stage, ErrorSink on_error)
    : reducer_(reducer), stage_(stage), on_error_(std::move(on_error)) {}

bool ReorderBuffer::is_duplicate(const cluster::ChunkResult& chunk) const {
  return chunk.first < next_ || pending_.count(chunk.first) != 0;
}

void ReorderBuffer::add(cluster::ChunkResult&& chunk, int rank) {
  QG_CHECK(chunk.stage == stage_,
           "chunk of stage " + std::to_string(chunk.stage) + " fed to stage " + std::to_string(stage_));
  if (is_duplicate(chunk) || chunk.count == 0) return;
  if (chunk.first != next_) {
    buffered_values_ += chunk.values.size();
    const std::uint64_t first = chunk.first;
    pending_.emplace(first, std::make_pair(std::move(chunk), rank));
    return;
  }
  deliver(chunk, rank);
  for (auto it = pending_.begin(); it != pending_.end() && it->first == next_; it = pending_.erase(it)) {
    buffered_values_ -= it->second.first.values.size();
    deliver(it->second.first, it->second.second);
  }
}

void ReorderBuffer::deliver(const cluster::ChunkResult& chunk, int rank) {
  QG_CHECK(chunk.first == next_, "chunk delivered out of order");
  auto error = chunk.errors.begin();  // sorted by task id
  std::size_t offset = 0;
  for (std::uint64_t i = 0; i < chunk.count; ++i) {
    const std::uint64_t task = chunk.first + i;
    if (error != chunk.errors.end() && error->task == task) {
      reducer_.task_failed(stage_, task, error->message);
      if (on_error_) on_error_(stage_, task, rank, error->message);
      ++error;
    } else {
      reducer_.consume(stage_, task, chunk.task_values(offset, i));
    }
    offset += chunk.lengths[i];
  }
  next_ = chunk.first + chunk.count;
}

}  // namespace qg::coordinator
