#include "qg/live/bar_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

#include <nlohmann/json.hpp>

#include "qg/core/error.hpp"

namespace qg::live {

BarJournal::BarJournal(const std::filesystem::path& dir, bool fsync) : path_(dir / "bars.jsonl"), fsync_(fsync) {
  std::filesystem::create_directories(dir);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError(path_.string() + ": cannot open bar journal: " + std::strerror(errno));
}

BarJournal::~BarJournal() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<FeedBar> BarJournal::load() const {
  std::vector<FeedBar> bars;
  std::ifstream in(path_, std::ios::binary);
  std::string line;
  while (std::getline(in, line) && !in.eof()) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("symbol") || !j["symbol"].is_string()) break;
    try {
      bars.push_back(decode_bar({j["symbol"].get<std::string>(), line}));
    } catch (const DataError&) {
      break;
    }
  }
  return bars;
}

std::vector<FeedBar> BarJournal::history(const std::string& symbol, std::int32_t up_to_date,
                                         std::size_t max_bars) const {
  std::deque<FeedBar> kept;
  std::int32_t last = 0;
  for (FeedBar& bar : load()) {
    if (bar.symbol != symbol || bar.date > up_to_date || bar.date <= last) continue;
    last = bar.date;
    kept.push_back(std::move(bar));
    if (kept.size() > max_bars) kept.pop_front();
  }
  return {std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end())};
}

void BarJournal::append(const FeedBar& bar) {
  const std::string line = encode_bar(bar) + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    throw IoError(path_.string() + ": bar journal write failed: " + std::strerror(errno));
  if (fsync_ && ::fsync(fd_) != 0) throw IoError(path_.string() + ": bar journal fsync failed");
}

}  // namespace qg::live
