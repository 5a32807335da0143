// BackgroundFileWriter: the bytes of every hand-over reach the file in the order handed over,
// wait() returns once they are there, the destructor writes what was not handed over, discard()
// drops it, and a failed write is reported to the caller. Expected bytes are the concatenation of
// what the test appended (built independently, as a string).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "qg/coordinator/background_file_writer.hpp"
#include "qg/core/error.hpp"
#include "qg_testing/temp_dir.hpp"

namespace fs = std::filesystem;
using qg::coordinator::BackgroundFileWriter;

namespace {

//! A file in this test program's private directory (removed when the program ends).
fs::path temp_path(const std::string& name) {
  static const qg::testing::TempDir dir("qg_bgwriter");
  return dir / name;
}

int open_new(const fs::path& p) { return ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); }

std::string contents(const fs::path& p) { return qg::testing::read_bytes(p); }

void append(BackgroundFileWriter& w, const std::string& s) { w.buffer().insert(w.buffer().end(), s.begin(), s.end()); }

}  // namespace

TEST(BackgroundFileWriter, HandOversReachTheFileInOrder) {
  const auto p = temp_path("order.bin");
  BackgroundFileWriter w(open_new(p), p, "test file");
  std::string expected;
  for (int i = 0; i < 200; ++i) {  // many hand-overs, some while the thread still writes the one before
    const std::string piece = "record " + std::to_string(i) + std::string(static_cast<std::size_t>(i % 37), 'x') + ";";
    append(w, piece);
    expected += piece;
    if (i % 3 == 0) w.hand_over(i % 50 == 0);
  }
  w.hand_over(false);
  w.wait();
  EXPECT_EQ(contents(p), expected);
}

TEST(BackgroundFileWriter, NothingReachesTheFileBeforeItsHandOver) {
  const auto p = temp_path("pending.bin");
  BackgroundFileWriter w(open_new(p), p, "test file");
  append(w, "first");
  w.hand_over(false);
  append(w, "second");
  w.wait();
  EXPECT_EQ(contents(p), "first");
  w.hand_over(true);  // with a sync
  w.wait();
  EXPECT_EQ(contents(p), "firstsecond");
}

TEST(BackgroundFileWriter, DestructorWritesWhatWasNotHandedOver) {
  const auto p = temp_path("destructor.bin");
  {
    BackgroundFileWriter w(open_new(p), p, "test file");
    append(w, "kept");
  }
  EXPECT_EQ(contents(p), "kept");
}

TEST(BackgroundFileWriter, DiscardDropsWhatWasNotHandedOver) {
  const auto p = temp_path("discard.bin");
  {
    BackgroundFileWriter w(open_new(p), p, "test file");
    append(w, "written");
    w.hand_over(false);
    append(w, "dropped");
    w.discard();
  }
  EXPECT_EQ(contents(p), "written");
}

TEST(BackgroundFileWriter, AFailedWriteIsReportedToTheCaller) {
  const auto p = temp_path("read_only.bin");
  std::ofstream(p) << "x";
  BackgroundFileWriter w(::open(p.c_str(), O_RDONLY | O_CLOEXEC), p, "test file");  // write() fails: EBADF
  append(w, "bytes");
  w.hand_over(false);
  try {
    w.wait();
    FAIL() << "no error reported";
  } catch (const qg::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write test file"), std::string::npos) << e.what();
  }
  append(w, "more");
  EXPECT_THROW(w.hand_over(false), qg::IoError);  // and every later hand-over
}
