#pragma once
// Progress of a stage on rank 0: a bar with rate and ETA on a terminal, periodic log lines
// otherwise.
#include <chrono>
#include <cstdint>
#include <string>

namespace qg::coordinator {

class Progress {
 public:
  //! `interactive`: draw a bar on stderr (a terminal); otherwise log every `log_every`.
  Progress(bool interactive, std::chrono::seconds log_every);
  //! A new stage of `total` tasks of which `done` are finished already (resume).
  void start_stage(std::uint32_t stage, std::uint64_t total, std::uint64_t done);
  //! `done` tasks of the stage are finished.
  void update(std::uint64_t done);
  //! The stage is complete.
  void finish_stage();

 private:
  void report(bool final);

  bool interactive_;
  std::chrono::seconds log_every_;
  std::uint32_t stage_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  std::uint64_t done_at_start_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_report_;
};

//! "1h02m", "3m05s", "12.3s".
std::string format_duration(double seconds);

}  // namespace qg::coordinator
