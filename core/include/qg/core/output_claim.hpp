#pragma once
// An exclusive claim of an output file (a run file, its journal, a market-data store) by one
// writer process, taken before anything is written and held until the writer is done.
//
// The claim is the lock file OUTPUT.lock, holding "pid P\nhost H\nsince T\n". It is made
// complete under a unique name and then hard-linked to OUTPUT.lock, which, like O_EXCL,
// succeeds for exactly one process; the holder also keeps an flock(2) on it. A second writer
// therefore fails with "OUTPUT is in use by process P on host H since T" and writes nothing.
// None of this depends on HDF5's own file locking (often disabled on NFS and Lustre).
//
// A claim left by a process that died is stale: on this host, when its flock is free (or, on
// a file system without flock, when its pid no longer exists); it is then taken over, the
// dead writer's temporary files are removed (its temp path, that path with each suffix the
// caller names, and its lock file candidate), and taken_over() names it (the caller says so).
// A claim made on another host is never presumed stale.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qg {

//! Who holds a claim, as read from the lock file.
struct ClaimOwner {
  long pid = 0;
  std::string host;
  std::string since;  // ISO-8601 UTC
};

class OutputClaim {
 public:
  //! Claims `output`. Throws IoError "OUTPUT is in use by process P on host H since T" when
  //! another live writer holds it, IoError naming the lock file when it cannot be made.
  //! `temp_suffixes`: the suffixes of the writer's further temporary files (temp_path(suffix));
  //! a dead writer's are removed with its temp path when its claim is taken over.
  static OutputClaim acquire(const std::filesystem::path& output, const std::vector<std::string>& temp_suffixes = {});

  OutputClaim(OutputClaim&& other) noexcept;
  OutputClaim& operator=(OutputClaim&& other) noexcept;
  OutputClaim(const OutputClaim&) = delete;
  OutputClaim& operator=(const OutputClaim&) = delete;
  //! Releases the claim (removes the lock file if it is still this claim's).
  ~OutputClaim();

  const std::filesystem::path& output() const { return output_; }
  //! OUTPUT.lock.
  const std::filesystem::path& lock_path() const { return lock_path_; }
  //! The dead writer whose stale claim this one replaced, if any.
  const std::optional<ClaimOwner>& taken_over() const { return taken_over_; }
  //! A temporary name beside the output that no other writer uses: OUTPUT.tmp-HOST-PID, and
  //! OUTPUT.tmp-HOST-PID`suffix` for a further one.
  std::filesystem::path temp_path(std::string_view suffix = {}) const;
  //! The lock path of `output`: OUTPUT.lock.
  static std::filesystem::path lock_path_of(const std::filesystem::path& output);
  //! A writer's temporary path: OUTPUT.tmp-HOST-PID.
  static std::filesystem::path temp_path_of(const std::filesystem::path& output, const ClaimOwner& owner);

 private:
  OutputClaim(std::filesystem::path output, int fd, ClaimOwner owner);
  void release() noexcept;
  //! Removes what the writer `dead` left: its candidate lock file, its temp path, and that path
  //! with each of `suffixes`.
  void remove_temporaries_of(const ClaimOwner& dead, const std::vector<std::string>& suffixes) const;

  std::filesystem::path output_;
  std::filesystem::path lock_path_;
  int fd_ = -1;
  ClaimOwner owner_;
  std::optional<ClaimOwner> taken_over_;
};

}  // namespace qg
