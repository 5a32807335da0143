#include "qg/coordinator/service_meter.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>

namespace qg::coordinator {

void ServiceMeter::add(Part part, double seconds) {
  switch (part) {
    case Part::kDecode:
      decode_ += seconds;
      break;
    case Part::kJournal:
      journal_ += seconds;
      break;
    case Part::kReduce:
      reduce_ += seconds;
      break;
    case Part::kSend:
      send_ += seconds;
      break;
  }
}

void ServiceMeter::chunk(std::uint64_t tasks, std::uint64_t values, double worker_seconds) {
  ++chunks_;
  tasks_ += tasks;
  values_ += values;
  worker_seconds_ += worker_seconds;
}

void ServiceMeter::out_for(double seconds, double worker_seconds) {
  round_trips_ += std::max(0.0, seconds - worker_seconds);
  ++timed_chunks_;
}

ServiceCost ServiceMeter::cost() const {
  const double round_trip = timed_chunks_ == 0 ? 0.0 : round_trips_ / static_cast<double>(timed_chunks_);
  if (chunks_ == 0 || tasks_ == 0) return {0.0, 0.0, round_trip};
  const double per_task = decode_ + journal_ + reduce_;  // all three grow with the chunk's records
  return {std::max(0.0, busy_ - per_task) / static_cast<double>(chunks_), per_task / static_cast<double>(tasks_),
          round_trip};
}

std::string ServiceMeter::summary() const {
  const ServiceCost c = cost();
  return fmt::format(
      "{} chunks, {} tasks, {} values; busy {:.6f}s: decode {:.6f}s, journal {:.6f}s, reduce {:.6f}s, send {:.6f}s; "
      "per chunk {:.3f} us + per task {:.3f} us; worker {:.3f} us per task; round trip {:.3f} us",
      chunks_, tasks_, values_, busy_, decode_, journal_, reduce_, send_, c.per_chunk * 1e6, c.per_task * 1e6,
      task_seconds() * 1e6, c.round_trip * 1e6);
}

}  // namespace qg::coordinator
