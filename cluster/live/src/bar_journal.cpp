#include "qg/live/bar_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>

#include <nlohmann/json.hpp>

#include "qg/core/error.hpp"

namespace qg::live {

namespace {

//! The bar on one journal line, or nullopt when the line is unreadable.
std::optional<FeedBar> parse_line(const std::string& line) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("symbol") || !j["symbol"].is_string()) return std::nullopt;
  try {
    return decode_bar({j["symbol"].get<std::string>(), line});
  } catch (const DataError&) {
    return std::nullopt;
  }
}

}  // namespace

BarJournal::BarJournal(const std::filesystem::path& dir, bool fsync) : path_(dir / "bars.jsonl"), fsync_(fsync) {
  std::filesystem::create_directories(dir);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(path_.string() + ": cannot open bar journal: " + std::strerror(errno));
  const off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) throw IoError(path_.string() + ": cannot size bar journal: " + std::strerror(errno));
  size_ = end;
}

BarJournal::~BarJournal() {
  if (fd_ >= 0) ::close(fd_);
}

std::int64_t BarJournal::scan(std::int64_t offset, const std::function<void(FeedBar&&)>& take) const {
  std::ifstream in(path_, std::ios::binary);
  in.seekg(offset);
  std::int64_t end = offset;
  std::string line;
  while (std::getline(in, line) && !in.eof()) {
    std::optional<FeedBar> bar = parse_line(line);
    if (!bar) break;
    end += static_cast<std::int64_t>(line.size()) + 1;
    take(std::move(*bar));
  }
  return end;
}

std::vector<FeedBar> BarJournal::load() const {
  std::vector<FeedBar> bars;
  scan(0, [&](FeedBar&& bar) { bars.push_back(std::move(bar)); });
  return bars;
}

JournalTail BarJournal::tail(std::int64_t offset) const {
  JournalTail t;
  t.end = scan(offset, [&](FeedBar&& bar) { t.bars.push_back(std::move(bar)); });
  return t;
}

std::vector<FeedBar> BarJournal::history(const std::string& symbol, std::int32_t up_to_date,
                                         std::size_t max_bars) const {
  std::deque<FeedBar> kept;  // at most max_bars + 1: memory bounded by the limit, not the journal
  std::int32_t last = 0;
  scan(0, [&](FeedBar&& bar) {
    if (bar.symbol != symbol || bar.date > up_to_date || bar.date <= last) return;
    last = bar.date;
    kept.push_back(std::move(bar));
    if (kept.size() > max_bars) kept.pop_front();
  });
  return {std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end())};
}

void BarJournal::truncate(std::int64_t length) {
  if (::ftruncate(fd_, length) != 0)
    throw IoError(path_.string() + ": cannot truncate bar journal: " + std::strerror(errno));
  size_ = length;
}

void BarJournal::append(const FeedBar& bar) { append(std::vector<const FeedBar*>{&bar}); }

std::vector<std::int64_t> BarJournal::append(const std::vector<const FeedBar*>& bars) {
  std::vector<std::int64_t> ends;
  if (bars.empty()) return ends;
  std::string lines;
  for (const FeedBar* bar : bars) {
    lines += encode_bar(*bar);
    lines += '\n';
    ends.push_back(size_ + static_cast<std::int64_t>(lines.size()));
  }
  if (::write(fd_, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size()))
    throw IoError(path_.string() + ": bar journal write failed: " + std::strerror(errno));
  size_ += static_cast<std::int64_t>(lines.size());
  if (fsync_ && ::fsync(fd_) != 0) throw IoError(path_.string() + ": bar journal fsync failed");
  return ends;
}

}  // namespace qg::live
