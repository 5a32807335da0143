// OutputClaim: one writer per output. The rivals are real processes (fork), so the flock and
// pid checks are the ones a second `quantgrid` would meet.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "qg/core/error.hpp"
#include "qg/core/output_claim.hpp"
#include "qg_testing/temp_dir.hpp"

namespace qg {
namespace {

std::string host() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

//! The pid of a process that has exited and been reaped: certainly not alive.
long dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

std::string claim_error(const std::filesystem::path& output) {
  try {
    OutputClaim::acquire(output);
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(OutputClaim, WritesItsOwnerAndRemovesTheLockOnRelease) {
  testing::TempDir dir;
  const auto out = dir / "run.h5";
  {
    auto claim = OutputClaim::acquire(out);
    EXPECT_EQ(claim.lock_path(), dir / "run.h5.lock");
    const std::string text = testing::read_bytes(claim.lock_path());
    EXPECT_EQ(text.rfind("pid " + std::to_string(::getpid()) + "\nhost " + host() + "\nsince ", 0), 0u) << text;
    EXPECT_EQ(claim.temp_path(), dir / ("run.h5.tmp-" + host() + "-" + std::to_string(::getpid())));
    EXPECT_FALSE(claim.taken_over());
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "run.h5.lock"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);  // no candidate left either
}

TEST(OutputClaim, ASecondClaimOfTheSameOutputIsRefusedWithItsOwner) {
  testing::TempDir dir;
  const auto claim = OutputClaim::acquire(dir / "run.h5");
  const std::string error = claim_error(dir / "run.h5");
  EXPECT_NE(error.find("run.h5 is in use by process " + std::to_string(::getpid()) + " on host " + host() + " since "),
            std::string::npos)
      << error;
  EXPECT_TRUE(std::filesystem::exists(claim.lock_path()));  // the loser leaves the winner's claim alone
}

TEST(OutputClaim, AnotherLiveProcessHoldsItUntilKilledThenItIsTakenOver) {
  testing::TempDir dir;
  const auto out = dir / "run.h5";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    auto claim = OutputClaim::acquire(out);
    std::ofstream(claim.temp_path()) << "half-written";
    char one = 1;
    (void)::write(ready[1], &one, 1);
    ::pause();
    ::_exit(0);
  }
  char one = 0;
  ASSERT_EQ(::read(ready[0], &one, 1), 1);
  EXPECT_NE(claim_error(out).find("in use by process " + std::to_string(child)), std::string::npos);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  const auto claim = OutputClaim::acquire(out);
  ASSERT_TRUE(claim.taken_over());
  EXPECT_EQ(claim.taken_over()->pid, child);
  EXPECT_FALSE(std::filesystem::exists(OutputClaim::temp_path_of(out, *claim.taken_over())));  // its debris is gone
}

TEST(OutputClaim, AStaleClaimOfADeadPidOnThisHostIsTakenOver) {
  testing::TempDir dir;
  const long pid = dead_pid();
  testing::write_text(dir / "run.h5.lock", "pid " + std::to_string(pid) + "\nhost " + host() + "\nsince X\n");
  const auto claim = OutputClaim::acquire(dir / "run.h5");
  ASSERT_TRUE(claim.taken_over());
  EXPECT_EQ(claim.taken_over()->pid, pid);
  EXPECT_NE(testing::read_bytes(claim.lock_path()).find("pid " + std::to_string(::getpid())), std::string::npos);
}

TEST(OutputClaim, ATakeoverRemovesTheDeadWritersTemporariesWithTheirSuffixesAndNoOneElses) {
  testing::TempDir dir;
  const auto out = dir / "s.h5";
  const long pid = dead_pid();
  testing::write_text(dir / "s.h5.lock", "pid " + std::to_string(pid) + "\nhost " + host() + "\nsince X\n");
  // The names are spelled out here, not built with temp_path_of, so a renaming is caught.
  const auto left = dir / ("s.h5.tmp-" + host() + "-" + std::to_string(pid));
  testing::write_text(left, "half a store");
  testing::write_text(left.string() + ".scratch", "spilled bars");
  testing::write_text(left.string() + ".other", "a suffix not named");
  const auto candidate = dir / ("s.h5.lock." + host() + "." + std::to_string(pid));  // died before removing it
  testing::write_text(candidate, "pid " + std::to_string(pid) + "\nhost " + host() + "\nsince X\n");
  const auto alive = dir / ("s.h5.tmp-" + host() + "-1");  // pid 1 lives: another writer's
  testing::write_text(alive, "another writer's");
  testing::write_text(alive.string() + ".scratch", "another writer's");
  {
    const auto claim = OutputClaim::acquire(out, {".scratch"});
    ASSERT_TRUE(claim.taken_over());
    EXPECT_EQ(claim.taken_over()->pid, pid);
  }
  EXPECT_FALSE(std::filesystem::exists(left));
  EXPECT_FALSE(std::filesystem::exists(left.string() + ".scratch"));
  EXPECT_FALSE(std::filesystem::exists(candidate));
  EXPECT_TRUE(std::filesystem::exists(left.string() + ".other"));
  EXPECT_TRUE(std::filesystem::exists(alive));
  EXPECT_TRUE(std::filesystem::exists(alive.string() + ".scratch"));
}

TEST(OutputClaim, AFurtherTemporaryNameIsTheTempPathWithItsSuffix) {
  testing::TempDir dir;
  const auto claim = OutputClaim::acquire(dir / "s.h5");
  EXPECT_EQ(claim.temp_path(".scratch"), dir / ("s.h5.tmp-" + host() + "-" + std::to_string(::getpid()) + ".scratch"));
  EXPECT_EQ(claim.temp_path(""), claim.temp_path());
}

TEST(OutputClaim, AReleasedClaimCanBeTakenAgain) {
  testing::TempDir dir;
  { const auto first = OutputClaim::acquire(dir / "s.h5"); }
  const auto again = OutputClaim::acquire(dir / "s.h5");
  EXPECT_FALSE(again.taken_over());  // released, not stale
  EXPECT_TRUE(std::filesystem::exists(dir / "s.h5.lock"));
}

TEST(OutputClaim, AClaimFromAnotherHostIsNeverPresumedStale) {
  testing::TempDir dir;
  testing::write_text(dir / "run.h5.lock", "pid " + std::to_string(dead_pid()) + "\nhost elsewhere\nsince T0\n");
  EXPECT_NE(claim_error(dir / "run.h5").find("on host elsewhere since T0"), std::string::npos);
}

TEST(OutputClaim, ALockFileThatIsNoClaimIsReportedNotRemoved) {
  testing::TempDir dir;
  testing::write_text(dir / "run.h5.lock", "something else\n");
  EXPECT_NE(claim_error(dir / "run.h5").find("is not a quantgrid claim"), std::string::npos);
  EXPECT_EQ(testing::read_bytes(dir / "run.h5.lock"), "something else\n");
}

TEST(OutputClaim, AnUnwritableFolderIsAnIoErrorNamingTheLock) {
  EXPECT_NE(claim_error("/proc/no-such-dir/run.h5").find("run.h5.lock"), std::string::npos);
}

}  // namespace
}  // namespace qg
