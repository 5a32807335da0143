#pragma once
// The bar journal, `state_dir/bars.jsonl`: every accepted feed bar, one JSON line each, so a
// restarted node rebuilds the history its strategy needs.
#include <cstdio>
#include <filesystem>
#include <vector>

#include "qg/live/feed_bar.hpp"

namespace qg::live {

class BarJournal {
 public:
  BarJournal(std::filesystem::path dir, bool fsync);
  ~BarJournal();
  BarJournal(const BarJournal&) = delete;
  BarJournal& operator=(const BarJournal&) = delete;

  //! Every bar journaled so far, in order; an unreadable (torn) line ends the read.
  std::vector<FeedBar> load() const;
  //! Appends one bar (fsync when configured).
  void append(const FeedBar& bar);

 private:
  std::filesystem::path path_;
  bool fsync_;
  int fd_ = -1;
};

}  // namespace qg::live
