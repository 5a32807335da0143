// The journal: records read back equal what was written; a torn or corrupt tail is
// detected and dropped; appending after the last intact record continues the journal.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "qg/coordinator/journal.hpp"
#include "qg/core/error.hpp"

namespace fs = std::filesystem;
using namespace qg::coordinator;
using qg::cluster::ChunkResult;

namespace {

fs::path temp_path(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("qg_journal_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

ChunkResult chunk(std::uint64_t first, std::uint64_t count) {
  ChunkResult c;
  c.first = first;
  c.count = count;
  for (std::uint64_t i = 0; i < count; ++i) {
    c.lengths.push_back(2);
    c.values.push_back(double(first + i));
    c.values.push_back(-double(first + i));
  }
  return c;
}

void write_three(const fs::path& p) {
  auto w = JournalWriter::create(p, "header v1");
  w.append(chunk(0, 2), 1);
  w.append(chunk(2, 3), 2);
  w.append(chunk(5, 1), 1);
  w.sync();
}

std::vector<JournalChunk> read_all(JournalReader& r) {
  std::vector<JournalChunk> out;
  while (auto c = r.next()) out.push_back(std::move(*c));
  return out;
}

}  // namespace

TEST(Journal, RoundTrip) {
  const auto p = temp_path("round_trip.journal");
  write_three(p);
  JournalReader r(p);
  EXPECT_EQ(r.header(), "header v1");
  const auto chunks = read_all(r);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1].rank, 2);
  EXPECT_EQ(chunks[1].chunk.first, 2u);
  EXPECT_EQ(chunks[1].chunk.values, chunk(2, 3).values);
  EXPECT_FALSE(r.torn());
  EXPECT_EQ(r.valid_end(), fs::file_size(p));
}

// A new journal is not synced (a short run does without the fdatasync), but its header is in the
// OS at once, and sync_before_commit() of a young journal flushes the records: a reader opened
// while the writer is still alive (as after a SIGKILL) sees the header and every record.
TEST(Journal, HeaderAndRecordsReachTheOsWithoutASync) {
  const auto p = temp_path("unsynced.journal");
  auto w = JournalWriter::create(p, "header v2");
  {
    JournalReader r(p);
    EXPECT_EQ(r.header(), "header v2");
    EXPECT_TRUE(read_all(r).empty());
  }
  w.append(chunk(0, 2), 0);
  w.append(chunk(2, 1), 0);
  w.sync_before_commit();
  JournalReader r(p);
  const auto chunks = read_all(r);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].chunk.values, chunk(2, 1).values);
  EXPECT_FALSE(r.torn());
}

// Records are gathered in memory and written by the writer's thread about every MiB: 3,000
// records of ~1.6 KB span several hand-overs, and each one reads back as written, in order,
// with a journal appended to after them (as --resume does) continuing it.
TEST(Journal, RecordsAcrossManyHandOversReadBackInOrder) {
  const auto p = temp_path("many.journal");
  {
    auto w = JournalWriter::create(p, "header many");
    for (std::uint64_t i = 0; i < 3000; ++i) w.append(chunk(i * 100, 100), static_cast<int>(i % 7));
  }  // the destructor writes what the thread has not written yet
  std::uint64_t end = 0;
  {
    JournalReader r(p);
    const auto chunks = read_all(r);
    ASSERT_EQ(chunks.size(), 3000u);
    for (std::uint64_t i = 0; i < 3000; ++i) {
      EXPECT_EQ(chunks[i].rank, static_cast<int>(i % 7));
      EXPECT_EQ(chunks[i].chunk.values, chunk(i * 100, 100).values) << "record " << i;
    }
    EXPECT_FALSE(r.torn());
    end = r.valid_end();
  }
  {
    auto w = JournalWriter::append_to(p, end);
    w.append(chunk(300000, 1), 3);
    w.sync();
  }
  JournalReader r(p);
  const auto chunks = read_all(r);
  ASSERT_EQ(chunks.size(), 3001u);
  EXPECT_EQ(chunks.back().chunk.first, 300000u);
  EXPECT_EQ(chunks.back().rank, 3);
}

TEST(Journal, TornTailAtEveryCutIsDroppedAndTheRestKept) {
  const auto p = temp_path("torn.journal");
  write_three(p);
  JournalReader full(p);
  read_all(full);
  const auto size = fs::file_size(p);
  // Cut the file at every byte inside the last record: the first two records survive.
  JournalReader two(p);
  two.next();
  two.next();
  const auto end_of_second = two.valid_end();
  for (auto cut = end_of_second + 1; cut < size; ++cut) {
    write_three(p);
    fs::resize_file(p, cut);
    JournalReader r(p);
    const auto chunks = read_all(r);
    EXPECT_EQ(chunks.size(), 2u) << "cut at " << cut;
    EXPECT_TRUE(r.torn()) << "cut at " << cut;
    EXPECT_EQ(r.valid_end(), end_of_second);
  }
}

TEST(Journal, CorruptByteFailsTheCrc) {
  const auto p = temp_path("corrupt.journal");
  write_three(p);
  const auto size = fs::file_size(p);
  {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 3));
    f.put('\x7f');
  }
  JournalReader r(p);
  EXPECT_EQ(read_all(r).size(), 2u);
  EXPECT_TRUE(r.torn());
}

TEST(Journal, ATornLastRecordIsToldApartFromDamageInTheMiddle) {
  const auto p = temp_path("middle.journal");
  write_three(p);
  fs::resize_file(p, fs::file_size(p) - 5);  // the last record cut short
  {
    JournalReader r(p);
    EXPECT_EQ(read_all(r).size(), 2u);
    EXPECT_TRUE(r.torn_last_record());
  }
  write_three(p);
  std::uint64_t end_of_first = 0;
  {
    JournalReader r(p);
    r.next();
    end_of_first = r.valid_end();
  }
  {  // one byte inside the second record's payload (past its 8-byte length and CRC)
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(end_of_first + 12));
    f.put('\x7f');
  }
  JournalReader r(p);
  EXPECT_EQ(read_all(r).size(), 1u);  // the third record is intact but unreachable: dropped too
  EXPECT_TRUE(r.torn());
  EXPECT_FALSE(r.torn_last_record());
  EXPECT_EQ(r.valid_end(), end_of_first);
}

TEST(Journal, AppendAfterTornTailContinuesCleanly) {
  const auto p = temp_path("append.journal");
  write_three(p);
  fs::resize_file(p, fs::file_size(p) - 5);
  std::uint64_t valid = 0;
  {
    JournalReader r(p);
    read_all(r);
    valid = r.valid_end();
  }
  {
    auto w = JournalWriter::append_to(p, valid);
    w.append(chunk(5, 1), 3);
    w.sync();
  }
  JournalReader r(p);
  const auto chunks = read_all(r);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[2].rank, 3);
  EXPECT_FALSE(r.torn());
}

TEST(Journal, NotAJournalIsRefused) {
  const auto p = temp_path("not.journal");
  std::ofstream(p) << "hello world, not a journal";
  EXPECT_THROW(JournalReader r(p), qg::DataError);
}

TEST(Journal, EncodedAppendWritesTheSameBytesAsAppend) {
  // The reference is the journal append() writes from the decoded chunk; append_encoded() of the
  // transport's bytes (cluster::encode) must write the same file, byte for byte.
  const auto decoded = temp_path("decoded.journal");
  const auto encoded = temp_path("encoded.journal");
  write_three(decoded);
  {
    auto w = JournalWriter::create(encoded, "header v1");
    for (const auto& [c, rank] : {std::pair{chunk(0, 2), 1}, {chunk(2, 3), 2}, {chunk(5, 1), 1}}) {
      std::vector<char> bytes;
      qg::cluster::encode(c, bytes);
      w.append_encoded(bytes, rank);
    }
    w.sync();
  }
  const auto contents = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(contents(encoded), contents(decoded));
  EXPECT_GT(contents(encoded).size(), 8u);
  JournalReader r(encoded);
  const auto chunks = read_all(r);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[1].rank, 2);
  EXPECT_EQ(chunks[1].chunk.values, chunk(2, 3).values);
}
