#pragma once
// The bar journal, `state_dir/bars.jsonl`: every accepted feed bar, one JSON line each, written
// before the bar is processed. It is the node's write-ahead log: state.json is a checkpoint that
// records the journal's length, and a restarted node replays the bars after it; it also holds
// the history a newly deployed strategy is warmed up on.
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "qg/live/feed_bar.hpp"

namespace qg::live {

//! The bars journaled after some offset, and where the last readable line ends.
struct JournalTail {
  std::vector<FeedBar> bars;
  std::int64_t end = 0;  // byte offset just past the last readable line (the offset when none)
};

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
  //! The bars after byte `offset` (a line boundary), oldest first; an unreadable (torn) line
  //! ends the read. What a restarted node replays after its checkpoint.
  JournalTail tail(std::int64_t offset) const;
  //! Cuts the file to `length` bytes (drops a torn last line so appends stay readable).
  void truncate(std::int64_t length);
  //! Appends one bar (fsync when configured).
  void append(const FeedBar& bar);
  //! Appends `bars` by one write (and one fsync when configured); returns the journal's length
  //! after each of them.
  std::vector<std::int64_t> append(const std::vector<const FeedBar*>& bars);
  //! The journal's length in bytes.
  std::int64_t size() const { return size_; }

 private:
  std::filesystem::path path_;
  bool fsync_;
  int fd_ = -1;
  std::int64_t size_ = 0;

  //! Calls `take` with every readable bar after `offset`; returns where the last one ends.
  std::int64_t scan(std::int64_t offset, const std::function<void(FeedBar&&)>& take) const;
};

}  // namespace qg::live
