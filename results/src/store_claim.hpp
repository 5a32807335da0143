#pragma once
// An exclusive claim of a market store by one writer: the lock file STORE.lock, created with
// O_CREAT | O_EXCL before anything is written, so it works where HDF5's own file locking is
// off (NFS, Lustre). It holds "PID HOST TIME" of the writer; a second writer is refused with
// "in use by process P on host H since T". A claim left by a process that died on this host
// is taken over, by one contender only: the holder keeps an advisory lock (flock) on the file
// while it lives. The claim is released (the file deleted) by the destructor.
#include <filesystem>
#include <string>

namespace qg::results {

class StoreClaim {
 public:
  //! Claims `store`; IoError naming the holder when another live writer has it.
  explicit StoreClaim(const std::filesystem::path& store);
  ~StoreClaim();
  StoreClaim(const StoreClaim&) = delete;
  StoreClaim& operator=(const StoreClaim&) = delete;

  //! The lock file of `store`.
  static std::filesystem::path lock_path(const std::filesystem::path& store);
  //! A temporary file name beside `store` that no other writer uses ("STORE.HOST.PID.tmp").
  static std::filesystem::path unique_temporary(const std::filesystem::path& store);
  //! The temporary file name of the writer `pid` on `host` (a claim taken over deletes the dead
  //! writer's temporary files: this one and its ".scratch").
  static std::filesystem::path temporary_of(const std::filesystem::path& store, const std::string& host, long pid);

 private:
  //! Creates the lock file; false when it exists already.
  bool try_create();
  //! Takes over the claim of a dead holder of this host; false when it cannot.
  bool try_take_over();
  //! True when the lock file names a process of this host that no longer exists.
  bool holder_is_gone(const std::string& holder) const;

  std::filesystem::path store_;
  std::filesystem::path lock_;
  int fd_ = -1;  // the lock file, open and flock'ed while the claim is held
};

}  // namespace qg::results
