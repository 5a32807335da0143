// RetiredFile: the file a commit's rename replaces stays open, whole, until release() closes it
// on another thread. The reference is the kernel's own table of this process's descriptors
// (/proc/self/fd): a replaced file that is still held shows there as "PATH (deleted)", and reading
// it through that entry gives back the bytes it held before the rename.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "retired_file.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::write_text;

//! The /proc/self/fd entry that names `path` as a deleted file, if this process holds one.
std::optional<std::filesystem::path> held_deleted(const std::filesystem::path& path) {
  const std::string deleted = path.string() + " (deleted)";
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code error;
    const auto target = std::filesystem::read_symlink(entry.path(), error);
    if (!error && target.string() == deleted) return entry.path();
  }
  return std::nullopt;
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

TEST(RetiredFile, KeepsTheReplacedFileWholeUntilReleased) {
  TempDir dir;
  const auto out = dir / "run.h5";
  const auto tmp = dir / "run.h5.tmp";
  write_text(out, "the previous run");
  write_text(tmp, "the new run");
  {
    RetiredFile retired(out);
    EXPECT_TRUE(retired.holds());
    ASSERT_EQ(std::rename(tmp.c_str(), out.c_str()), 0);
    const auto held = held_deleted(out);
    ASSERT_TRUE(held.has_value()) << "the replaced file is not held open";
    EXPECT_EQ(read_bytes(*held), "the previous run");  // the rename freed nothing
    EXPECT_EQ(read_bytes(out), "the new run");
    retired.release();
    EXPECT_FALSE(retired.holds());
  }  // waits for the closing thread
  EXPECT_FALSE(held_deleted(out).has_value());
  EXPECT_EQ(read_bytes(out), "the new run");
}

TEST(RetiredFile, ClosesTheFileWithoutRelease) {
  TempDir dir;
  const auto out = dir / "run.h5";
  write_text(out, "kept");
  const std::size_t before = open_descriptors();
  {
    RetiredFile retired(out);
    EXPECT_TRUE(retired.holds());
    EXPECT_EQ(open_descriptors(), before + 1);
  }
  EXPECT_EQ(open_descriptors(), before);
  EXPECT_EQ(read_bytes(out), "kept");  // holding and closing never change the file
}

TEST(RetiredFile, HoldsNothingWhereThereIsNoRegularFile) {
  TempDir dir;
  const std::size_t before = open_descriptors();
  RetiredFile absent(dir / "absent.h5");
  EXPECT_FALSE(absent.holds());
  absent.release();  // nothing to close: no thread, no error
  RetiredFile folder(dir.path());
  EXPECT_FALSE(folder.holds());
  const auto fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  RetiredFile pipe(fifo);  // returns at once: a FIFO without a writer would block a plain open
  EXPECT_FALSE(pipe.holds());
  EXPECT_EQ(open_descriptors(), before);
}

}  // namespace
}  // namespace qg::results
