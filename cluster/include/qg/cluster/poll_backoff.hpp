#pragma once
// How a polling receive waits between empty polls (MpiTransport::receive).
#include <chrono>

namespace qg::cluster {

//! The wait after each empty poll of one receive: yield the core between polls for the first
//! `yield_for`, then sleep with a pause growing by `step` up to `max_pause`.
//!
//! There is no phase of polling without yielding: when ranks outnumber the cores (3 ranks on 2
//! cores), or another process holds a core, a rank shares its core with a peer, and a rank that
//! polls without yielding keeps that peer (the one whose message it waits for) off the core for
//! the whole phase. sched_yield returns at once when nothing else wants the core, so a rank with
//! a core of its own still sees a message microseconds after it arrives.
class PollBackoff {
 public:
  using Micros = std::chrono::microseconds;
  static constexpr Micros kYieldFor{250};
  static constexpr Micros kStep{20};
  static constexpr Micros kMaxPause{1000};

  explicit PollBackoff(Micros yield_for = kYieldFor, Micros step = kStep, Micros max_pause = kMaxPause);

  //! The pause before the next poll, `elapsed` after the receive began: zero means yield the
  //! core once (sched_yield), anything else means sleep that long. Each sleep is one `step`
  //! longer than the one before, up to `max_pause`.
  Micros next(Micros elapsed);

 private:
  Micros yield_for_;
  Micros step_;
  Micros max_pause_;
  Micros pause_{0};
};

}  // namespace qg::cluster
