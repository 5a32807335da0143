#pragma once
// Rank 0's view of its workers as a bounded pipeline: each worker holds up to `depth` chunks,
// computes them in the order they were sent and answers each with one result, so a worker that
// finishes a chunk already holds its next one and does not wait for the round trip (its
// result to rank 0, the next assignment back). The pool says which worker gets the next chunk
// (one that waits for work before one whose chunk would be queued behind another), which chunks
// a worker holds, since when its oldest has been computing (to presume it lost), and which of
// its chunks must be handed out again when it is.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "qg/coordinator/scheduler.hpp"

namespace qg::coordinator {

//! A chunk sent to a worker and not answered yet.
struct HeldChunk {
  std::uint32_t stage = 0;
  TaskRange range;
  bool reissued = false;  // also handed to another worker (this one was presumed lost)
  bool operator==(const HeldChunk&) const = default;
};

//! Where the next chunk goes: `worker`, which holds `position` chunks already (0: it waits for
//! work now; more: the chunk waits in its queue behind them).
struct WorkerSlot {
  int worker = 0;
  std::size_t position = 0;
  bool operator==(const WorkerSlot&) const = default;
};

class WorkerPool {
 public:
  using Clock = std::chrono::steady_clock;

  //! Workers are ranks 1 .. world_size-1; each holds at most `depth` (>= 1) chunks.
  WorkerPool(int world_size, std::size_t depth);

  std::size_t depth() const { return depth_; }
  //! Each worker now holds at most `depth` (>= 1) chunks. A worker that holds more keeps them and
  //! takes no more until it holds fewer; offers keep their order (who waits longest goes first).
  void set_depth(std::size_t depth);
  //! Worker `w` asked for work holding nothing (its first request, or after its share of a
  //! collective task): it may take `depth` chunks.
  void join(int w);
  //! Worker `w` takes no chunk until it joins again (it computes a collective task's share).
  void leave(int w);
  //! The worker to send the next chunk to: the one waiting longest among those that hold the
  //! fewest chunks, below `depth`; nullopt when every worker's pipeline is full (or none joined).
  std::optional<WorkerSlot> next_slot() const;
  //! Records that `chunk` was sent to `w` (the worker of next_slot()) at `now`.
  void assign(int w, HeldChunk chunk, Clock::time_point now);
  //! Worker `w` answered chunk (stage, first) at `now`. Returns the time its computation began
  //! (when it was sent, or when the result before it came back) if it was the oldest chunk `w`
  //! held, nullopt otherwise (unknown or out of order). A worker presumed lost that answers is
  //! alive again.
  std::optional<Clock::time_point> complete(int w, std::uint32_t stage, std::uint64_t first, Clock::time_point now);
  //! Presumes `w` lost: it takes no more chunks, and the chunks it holds that no other worker
  //! holds are returned (in the order sent) and marked re-issued.
  std::vector<HeldChunk> presume_lost(int w);

  //! The chunks `w` holds, oldest (the one it computes) first.
  const std::deque<HeldChunk>& held(int w) const { return state(w).held; }
  //! Since when `w` has been computing its oldest chunk (meaningful when it holds one).
  Clock::time_point computing_since(int w) const { return state(w).since; }
  bool lost(int w) const { return state(w).lost; }
  //! Has asked for work (and not left since).
  bool joined(int w) const { return state(w).joined; }
  //! Joined and holding nothing.
  bool idle(int w) const { return state(w).joined && state(w).held.empty(); }

 private:
  struct State {
    bool joined = false;
    bool lost = false;
    std::deque<HeldChunk> held;
    Clock::time_point since;
  };

  State& state(int w);
  const State& state(int w) const;
  //! Offers `w` at every position from `first` up to depth-1 (it may take that many more).
  void offer(int w, std::size_t first);
  //! Withdraws every offer of `w`.
  void withdraw(int w);

  std::size_t depth_;
  std::vector<State> workers_;           // index = rank; rank 0 unused
  std::vector<std::deque<int>> offers_;  // offers_[p]: workers holding p chunks or fewer, by time of offer
};

}  // namespace qg::coordinator
