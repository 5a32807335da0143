#include "qg/coordinator/progress.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>

namespace qg::coordinator {

std::string format_duration(double seconds) {
  char buf[32];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long>(seconds);
  if (seconds < 60)
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  return buf;
}

Progress::Progress(bool interactive, std::chrono::seconds log_every)
    : interactive_(interactive), log_every_(log_every) {}

void Progress::start_stage(std::uint32_t stage, std::uint64_t total, std::uint64_t done) {
  stage_ = stage;
  total_ = total;
  done_ = done_at_start_ = done;
  start_ = last_report_ = std::chrono::steady_clock::now();
}

void Progress::update(std::uint64_t done) {
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  const auto every = interactive_ ? std::chrono::steady_clock::duration(std::chrono::milliseconds(200))
                                  : std::chrono::steady_clock::duration(log_every_);
  if (now - last_report_ >= every) {
    last_report_ = now;
    report(false);
  }
}

void Progress::finish_stage() {
  report(true);
  if (interactive_) std::fputc('\n', stderr);
}

void Progress::report(bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = total_ == 0 ? 1.0 : static_cast<double>(done_) / static_cast<double>(total_);
  const double rate = elapsed > 0 ? static_cast<double>(done_ - done_at_start_) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : NAN;
  if (interactive_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\rstage %u [%s] %5.1f%% %llu/%llu tasks  %.0f tasks/s  %s %s   ", stage_, bar.c_str(),
                 100.0 * fraction, static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                 rate, final ? "took" : "ETA", format_duration(final ? elapsed : eta).c_str());
    std::fflush(stderr);
  } else if (!final || elapsed > 0) {
    spdlog::info("stage {}: {}/{} tasks ({:.1f}%), {:.0f} tasks/s, {} {}", stage_, done_, total_, 100.0 * fraction,
                 rate, final ? "took" : "ETA", format_duration(final ? elapsed : eta));
  }
}

}  // namespace qg::coordinator
