#include "qg/coordinator/worker_pool.hpp"

#include <algorithm>
#include <string>

#include "qg/core/error.hpp"

namespace qg::coordinator {

// Invariant: offers_[p] holds `w` exactly when w has joined, is not presumed lost and holds at
// most p chunks. The lowest non-empty level therefore starts with a worker holding exactly that
// many chunks, and taking it (assign) leaves its offers at the higher levels in place.

WorkerPool::WorkerPool(int world_size, std::size_t depth)
    : depth_(std::max<std::size_t>(1, depth)),
      workers_(static_cast<std::size_t>(std::max(1, world_size))),
      offers_(depth_) {}

void WorkerPool::join(int w) {
  State& s = state(w);
  withdraw(w);
  s.joined = true;
  s.lost = false;
  offer(w, s.held.size());
}

void WorkerPool::leave(int w) {
  state(w).joined = false;
  withdraw(w);
}

void WorkerPool::set_depth(std::size_t depth) {
  depth = std::max<std::size_t>(1, depth);
  if (depth == depth_) return;
  const std::size_t old = depth_;
  // The top level holds, in order of offer, every worker that may take a chunk at all: new levels
  // start as copies of it, then take the workers that held too many for the old depth.
  const std::deque<int> top = offers_.back();
  offers_.resize(depth, top);
  depth_ = depth;
  for (int w = 1; w < static_cast<int>(workers_.size()); ++w) {
    const State& s = workers_[static_cast<std::size_t>(w)];
    if (!s.joined || s.lost) continue;
    for (std::size_t p = std::max(old, s.held.size()); p < depth_; ++p)
      if (std::find(offers_[p].begin(), offers_[p].end(), w) == offers_[p].end()) offers_[p].push_back(w);
  }
}

std::optional<WorkerSlot> WorkerPool::next_slot() const {
  for (std::size_t p = 0; p < depth_; ++p)
    if (!offers_[p].empty()) return WorkerSlot{offers_[p].front(), p};
  return std::nullopt;
}

void WorkerPool::assign(int w, HeldChunk chunk, Clock::time_point now) {
  State& s = state(w);
  const std::size_t position = s.held.size();
  QG_CHECK(position < depth_ && s.joined && !s.lost, "a chunk assigned to a worker that cannot take one");
  auto& level = offers_[position];
  const auto it = std::find(level.begin(), level.end(), w);  // the front when w came from next_slot()
  QG_CHECK(it != level.end(), "worker " + std::to_string(w) + " was not offered at its position");
  level.erase(it);
  if (s.held.empty()) s.since = now;
  s.held.push_back(chunk);
}

std::optional<WorkerPool::Clock::time_point> WorkerPool::complete(int w, std::uint32_t stage, std::uint64_t first,
                                                                  Clock::time_point now) {
  State& s = state(w);
  const auto it = std::find_if(s.held.begin(), s.held.end(),
                               [&](const HeldChunk& c) { return c.stage == stage && c.range.first == first; });
  if (it == s.held.end()) return std::nullopt;
  std::optional<Clock::time_point> began;
  if (it == s.held.begin()) {
    began = s.since;
    s.since = now;  // the worker goes on with its next chunk (if it holds one) from now
  }
  s.held.erase(it);
  if (s.lost) {
    s.lost = false;  // it answers after all
    offer(w, s.held.size());
  } else if (s.joined && s.held.size() < depth_) {
    offers_[s.held.size()].push_back(w);  // one chunk fewer: it may take one more
  }
  return began;
}

std::vector<HeldChunk> WorkerPool::presume_lost(int w) {
  State& s = state(w);
  s.lost = true;
  withdraw(w);
  std::vector<HeldChunk> out;
  for (HeldChunk& c : s.held) {
    if (c.reissued) continue;
    c.reissued = true;
    out.push_back(c);
  }
  return out;
}

WorkerPool::State& WorkerPool::state(int w) {
  QG_CHECK(w > 0 && static_cast<std::size_t>(w) < workers_.size(), "no worker rank " + std::to_string(w));
  return workers_[static_cast<std::size_t>(w)];
}

const WorkerPool::State& WorkerPool::state(int w) const {
  QG_CHECK(w > 0 && static_cast<std::size_t>(w) < workers_.size(), "no worker rank " + std::to_string(w));
  return workers_[static_cast<std::size_t>(w)];
}

void WorkerPool::offer(int w, std::size_t first) {
  for (std::size_t p = first; p < depth_; ++p) offers_[p].push_back(w);
}

void WorkerPool::withdraw(int w) {
  for (auto& level : offers_) std::erase(level, w);
}

}  // namespace qg::coordinator
