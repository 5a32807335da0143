#include "qg/live/key_file.hpp"

#include <sys/stat.h>

#include <fstream>

#include "qg/core/error.hpp"

namespace qg::live {
namespace fs = std::filesystem;

fs::path key_file_path(const fs::path& prefix, const char* suffix) { return fs::path(prefix.string() + suffix); }

std::string read_key_line(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path.string() + ": cannot read key file");
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

void write_key_file(const fs::path& path, const std::string& text, bool secret) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw IoError(path.string() + ": cannot write key file");
  out << text << "\n";
  out.close();
  if (!out) throw IoError(path.string() + ": write failed");
  if (secret) ::chmod(path.c_str(), S_IRUSR | S_IWUSR);
}

}  // namespace qg::live
