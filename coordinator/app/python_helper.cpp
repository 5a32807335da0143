// Runs results/python/quantgrid_results.py subcommands through the shell.
#include "python_helper.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "qg/core/error.hpp"

namespace qg::app {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::string python_executable() {
  if (const char* chosen = std::getenv("QUANTGRID_PYTHON"); chosen != nullptr && *chosen != '\0') return chosen;
  return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

void run_python_helper(const std::vector<std::string>& args, const std::string& what, bool show_output) {
  std::string command = python_executable();
  command += ' ';
  command += quoted(std::string(QG_PYTHON_DIR) + "/quantgrid_results.py");
  for (const std::string& arg : args) {
    command += ' ';  // appended apart: GCC 12 warns (-Wrestrict) on " " + string
    command += quoted(arg);
  }
  if (!show_output) command += " >/dev/null";
  std::cout.flush();
  const int status = std::system(command.c_str());
  if (status != 0) throw IoError(what + " failed (" + command + ")");
}

}  // namespace qg::app
