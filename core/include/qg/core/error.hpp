#pragma once
// The quantgrid error hierarchy. Exceptions are used inside a process; across threads and
// ranks errors travel as values (text) and are rethrown once where the work is joined.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace qg {

enum class ErrorKind : std::uint8_t { kConfig, kData, kIo, kKernel, kCluster, kInternal };

//! Base of every quantgrid error; `kind()` selects the exit code and the log wording.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

//! A job spec or command line that cannot be used (names the file:line and key).
struct ConfigError : Error {
  explicit ConfigError(const std::string& m) : Error(ErrorKind::kConfig, m) {}
};
//! Input data that cannot be used (names the file:line or dataset path).
struct DataError : Error {
  explicit DataError(const std::string& m) : Error(ErrorKind::kData, m) {}
};
//! A file that cannot be read or written.
struct IoError : Error {
  explicit IoError(const std::string& m) : Error(ErrorKind::kIo, m) {}
};
//! A kernel precondition that the caller violated.
struct KernelError : Error {
  explicit KernelError(const std::string& m) : Error(ErrorKind::kKernel, m) {}
};
//! A failure of the distributed runtime.
struct ClusterError : Error {
  explicit ClusterError(const std::string& m) : Error(ErrorKind::kCluster, m) {}
};
//! A broken internal invariant: a bug in quantgrid.
struct InternalError : Error {
  explicit InternalError(const std::string& m) : Error(ErrorKind::kInternal, m) {}
};

}  // namespace qg

//! Throws qg::InternalError naming file:line when `cond` is false.
#define QG_CHECK(cond, msg)                                                                                        \
  do {                                                                                                             \
    if (!(cond)) throw ::qg::InternalError(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + (msg)); \
  } while (0)
