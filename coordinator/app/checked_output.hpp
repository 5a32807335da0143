#pragma once
// Where a command's text output goes: standard output, or a file that appears only complete.
// Every write is checked: a full disk, /dev/full or an I/O error is an IoError (exit code 2)
// naming the output and the system's reason, never a silently truncated result and exit 0.
// A file is written as FILE.tmp-PID beside it and renamed over FILE on commit(), so a failure
// leaves no partial file (an existing non-regular file, e.g. /dev/stdout or a FIFO, is written
// directly). A pipe whose reader has gone (`| head`) ends the process quietly as SIGPIPE does
// (status 141), whether or not SIGPIPE is ignored: no error message, nothing more written.
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

namespace qg::app {

class CheckedOutput final : private std::streambuf {
 public:
  //! `path` empty: standard output. Otherwise the file, through a temporary; IoError when the
  //! temporary cannot be created.
  explicit CheckedOutput(const std::string& path = "");
  //! An uncommitted file output removes its temporary.
  ~CheckedOutput() override;
  CheckedOutput(const CheckedOutput&) = delete;
  CheckedOutput& operator=(const CheckedOutput&) = delete;

  std::ostream& stream() { return stream_; }
  //! Writes what is buffered, checks every earlier write, and for a file syncs, closes and
  //! renames it into place. Throws IoError "OUTPUT: write failed: REASON".
  void commit();

 private:
  int overflow(int c) override;
  int sync() override;
  //! Writes the buffer out; false (and error_ set) on the first failure.
  bool drain();
  [[noreturn]] void fail(const std::string& what, int error) const;

  std::string name_;  // for messages: the file, or "standard output"
  std::string path_;  // the final file; empty for standard output
  std::string tmp_;   // where the file is written; empty when written directly
  int fd_ = -1;
  int error_ = 0;  // errno of the first failed write
  std::vector<char> buffer_;
  std::ostream stream_;
};

}  // namespace qg::app
