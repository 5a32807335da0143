#pragma once
// Durable files of the live node: the state snapshot (replaced atomically) and the bar
// journal (appended), both under the node's state_dir.
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace qg::live {

//! Writes `bytes` to `path` atomically: PATH.tmp, fsync (when asked), rename(2), fsync of the
//! directory. A crash leaves either the old or the new file, never a mix.
void write_file_atomic(const std::filesystem::path& path, const std::string& bytes, bool fsync);

//! One JSON snapshot file of the node under state_dir (state.json: books and P&L, replaced
//! after every bar; deployments.json: accepted records and the active one, replaced when they
//! change).
class StateStore {
 public:
  StateStore(const std::filesystem::path& dir, const std::string& name, bool fsync);
  //! The last saved state, or nullopt when none was saved yet. DataError when unreadable.
  std::optional<nlohmann::json> load() const;
  void save(const nlohmann::json& state) const;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  bool fsync_;
};

}  // namespace qg::live
