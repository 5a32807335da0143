#pragma once
// One-line key files (keys.hpp): their names from a key prefix, reading and writing them.
#include <filesystem>
#include <string>

namespace qg::live {

//! PREFIX + suffix, e.g. keys/approver + ".sign.sec".
std::filesystem::path key_file_path(const std::filesystem::path& prefix, const char* suffix);
//! The file's first line without trailing '\r' or spaces; IoError when it cannot be read.
std::string read_key_line(const std::filesystem::path& path);
//! Writes `text` and a newline, replacing the file; a `secret` one is then made mode 0600.
void write_key_file(const std::filesystem::path& path, const std::string& text, bool secret);

}  // namespace qg::live
