#include "qg/core/exit_code.hpp"

namespace qg {

ExitCode exit_code(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kConfig:
      return kExitConfig;
    case ErrorKind::kData:
    case ErrorKind::kIo:
      return kExitData;
    case ErrorKind::kKernel:
    case ErrorKind::kCluster:
    case ErrorKind::kInternal:
      return kExitInternal;
  }
  return kExitInternal;  // a value outside the enum (e.g. decoded from a corrupt message)
}

ErrorKind error_kind(const std::exception& e) noexcept {
  if (const auto* qe = dynamic_cast<const Error*>(&e)) return qe->kind();
  return ErrorKind::kInternal;
}

ExitCode exit_code(const std::exception& e) noexcept { return exit_code(error_kind(e)); }

}  // namespace qg
