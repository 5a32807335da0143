#include "qg/core/sha256_backend.hpp"

#include <atomic>

#include "qg/core/error.hpp"
#include "qg/core/sha256_blocks.hpp"

namespace qg {

namespace {
std::atomic<Sha256Backend>& chosen_backend() {
  // Asks the CPU once per process, on first use.
  static std::atomic<Sha256Backend> backend{cpu_has_sha_ni() ? Sha256Backend::sha_ni : Sha256Backend::libsodium};
  return backend;
}
}  // namespace

Sha256Backend sha256_backend() { return chosen_backend().load(std::memory_order_relaxed); }

void set_sha256_backend_for_testing(Sha256Backend backend) {
  if (backend == Sha256Backend::sha_ni && !cpu_has_sha_ni())
    throw InternalError("SHA-256: this CPU has no SHA extensions");
  chosen_backend().store(backend, std::memory_order_relaxed);
}

}  // namespace qg
