#pragma once
// The bar journal, `state_dir/bars.jsonl`: every accepted feed bar, one JSON line each, so a
// restarted node rebuilds the history its strategy needs.
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "qg/live/feed_bar.hpp"

namespace qg::live {

class BarJournal {
 public:
  BarJournal(const std::filesystem::path& dir, bool fsync);
  ~BarJournal();
  BarJournal(const BarJournal&) = delete;
  BarJournal& operator=(const BarJournal&) = delete;

  //! Every bar journaled so far, in order; an unreadable (torn) line ends the read.
  std::vector<FeedBar> load() const;
  //! The bars of `symbol` up to and including `up_to_date`, oldest first, at most the last
  //! `max_bars` of them; a date journaled twice (a bar journaled but not processed before a
  //! crash, then accepted again) counts once. What a new strategy stream is warmed up on.
  std::vector<FeedBar> history(const std::string& symbol, std::int32_t up_to_date, std::size_t max_bars) const;
  //! Appends one bar (fsync when configured).
  void append(const FeedBar& bar);

 private:
  std::filesystem::path path_;
  bool fsync_;
  int fd_ = -1;
};

}  // namespace qg::live
