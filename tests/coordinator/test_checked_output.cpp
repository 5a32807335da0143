// CheckedOutput: a file appears only complete, and a failed write is an error, never a silent
// truncation. /dev/full fails every write with ENOSPC, as a full disk does.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "checked_output.hpp"
#include "qg/core/error.hpp"
#include "qg_testing/temp_dir.hpp"

namespace qg::app {
namespace {

std::string commit_error(CheckedOutput& out) {
  try {
    out.commit();
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(CheckedOutput, AFileAppearsOnlyWhenCommittedAndWhole) {
  testing::TempDir dir;
  const auto path = (dir / "table.csv").string();
  const std::string row(1000, 'r');
  {
    CheckedOutput out(path);
    for (int i = 0; i < 200; ++i) out.stream() << row << "\n";  // 200 kB: past the 64 kB buffer
    EXPECT_FALSE(std::filesystem::exists(path));
    out.commit();
  }
  EXPECT_EQ(std::filesystem::file_size(path), 200u * 1001u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);  // no temporary left
}

TEST(CheckedOutput, AnUncommittedFileLeavesNothingBehind) {
  testing::TempDir dir;
  const auto path = (dir / "table.csv").string();
  testing::write_text(path, "earlier\n");
  {
    CheckedOutput out(path);
    out.stream() << std::string(100000, 'x');
  }  // e.g. the export threw half-way
  EXPECT_EQ(testing::read_bytes(path), "earlier\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(CheckedOutput, AFullDeviceIsAnErrorAtCommit) {
  CheckedOutput out("/dev/full");  // not a regular file: written directly
  out.stream() << "a few bytes that stay in the buffer until the end\n";
  EXPECT_EQ(commit_error(out), "/dev/full: write failed: No space left on device");
}

TEST(CheckedOutput, StandardOutputOnAFullDeviceIsAnError) {
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  const int full = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(full, 0);
  ::dup2(full, STDOUT_FILENO);
  std::string error;
  {
    CheckedOutput out;
    out.stream() << std::string(300000, 'x');  // fails in the middle, not only at the end
    error = commit_error(out);
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(full);
  EXPECT_EQ(error, "standard output: write failed: No space left on device");
}

}  // namespace
}  // namespace qg::app
