#include "qg/live/state_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "qg/core/error.hpp"

namespace qg::live {

void write_file_atomic(const std::filesystem::path& path, const std::string& bytes, bool fsync) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError(tmp.string() + ": cannot write: " + std::strerror(errno));
  const bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  const bool synced = !fsync || ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    std::remove(tmp.c_str());
    throw IoError(tmp.string() + ": write failed: " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw IoError(tmp.string() + ": cannot rename to " + path.string() + ": " + std::strerror(errno));
  if (!fsync) return;
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // persists the rename; failure only weakens durability
    ::close(dfd);
  }
}

StateStore::StateStore(const std::filesystem::path& dir, const std::string& name, bool fsync)
    : path_(dir / name), fsync_(fsync) {
  std::filesystem::create_directories(dir);
}

std::optional<nlohmann::json> StateStore::load() const {
  if (!std::filesystem::exists(path_)) return std::nullopt;
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json state = nlohmann::json::parse(text.str(), nullptr, false);
  if (state.is_discarded() || !state.is_object()) throw DataError(path_.string() + ": not a live-node state file");
  return state;
}

void StateStore::save(const nlohmann::json& state) const { write_file_atomic(path_, state.dump() + "\n", fsync_); }

}  // namespace qg::live
