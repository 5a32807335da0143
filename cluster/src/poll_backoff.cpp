#include "qg/cluster/poll_backoff.hpp"

#include <algorithm>

namespace qg::cluster {

PollBackoff::PollBackoff(Micros yield_for, Micros step, Micros max_pause)
    : yield_for_(yield_for), step_(step), max_pause_(max_pause) {}

PollBackoff::Micros PollBackoff::next(Micros elapsed) {
  if (elapsed < yield_for_) return Micros{0};
  pause_ = std::min(max_pause_, pause_ + step_);
  return pause_;
}

}  // namespace qg::cluster
