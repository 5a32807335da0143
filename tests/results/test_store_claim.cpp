// StoreClaim: one writer at a time, a clear message for the second, stale claims of dead
// processes taken over.
#include "store_claim.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "qg/core/error.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

std::string host() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

TEST(StoreClaim, SecondClaimIsRefusedNamingTheHolder) {
  TempDir dir;
  const auto store = dir / "s.h5";
  StoreClaim first(store);
  try {
    StoreClaim second(store);
    FAIL() << "a second claim succeeded";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("in use by process " + std::to_string(getpid()) + " on host " + host() + " since "),
              std::string::npos)
        << message;
  }
}

TEST(StoreClaim, ReleasedClaimCanBeTakenAgainAndLeavesNoFile) {
  TempDir dir;
  const auto store = dir / "s.h5";
  { StoreClaim claim(store); }
  EXPECT_FALSE(std::filesystem::exists(StoreClaim::lock_path(store)));
  StoreClaim again(store);
  EXPECT_TRUE(std::filesystem::exists(StoreClaim::lock_path(store)));
}

TEST(StoreClaim, ClaimOfADeadProcessOnThisHostIsTakenOver) {
  TempDir dir;
  const auto store = dir / "s.h5";
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a pid that no longer exists
  testing::write_text(StoreClaim::lock_path(store), std::to_string(child) + " " + host() + " 2026-01-01T00:00:00Z\n");
  const auto left = StoreClaim::temporary_of(store, host(), child);  // what the dead writer left
  testing::write_text(left, "half a store");
  testing::write_text(left.string() + ".scratch", "scratch");
  testing::write_text(StoreClaim::temporary_of(store, host(), 1), "another writer's");
  {
    StoreClaim claim(store);
    EXPECT_EQ(testing::read_bytes(StoreClaim::lock_path(store)).rfind(std::to_string(getpid()) + " " + host(), 0), 0u);
  }
  EXPECT_FALSE(std::filesystem::exists(left));
  EXPECT_FALSE(std::filesystem::exists(left.string() + ".scratch"));
  EXPECT_TRUE(std::filesystem::exists(StoreClaim::temporary_of(store, host(), 1)));
}

TEST(StoreClaim, ClaimOfAnotherHostIsNeverTakenOver) {
  TempDir dir;
  const auto store = dir / "s.h5";
  testing::write_text(StoreClaim::lock_path(store), "1 some-other-host 2026-01-01T00:00:00Z\n");
  EXPECT_THROW(StoreClaim claim(store), IoError);
}

TEST(StoreClaim, TemporaryNamesDifferPerProcess) {
  const auto mine = StoreClaim::unique_temporary("/d/s.h5").string();
  EXPECT_EQ(mine, "/d/s.h5." + host() + "." + std::to_string(getpid()) + ".tmp");
}

}  // namespace
}  // namespace qg::results
