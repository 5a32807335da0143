#pragma once
// Which SHA-256 implementation new Sha256 objects use. Both give the standard digest; the choice is made once
// per process from the CPU, and tests may override it to exercise both.
#include <cstdint>

namespace qg {

enum class Sha256Backend : std::uint8_t {
  libsodium,  //!< libsodium's portable C, for CPUs without the SHA extensions
  sha_ni,     //!< sha256_blocks_shani, where cpu_has_sha_ni()
};

//! The backend of Sha256 objects constructed now: sha_ni where the CPU has it, unless overridden below.
Sha256Backend sha256_backend();

//! Test hook: Sha256 objects constructed from now on use `backend`. InternalError for sha_ni on a CPU
//! without the SHA extensions.
void set_sha256_backend_for_testing(Sha256Backend backend);

}  // namespace qg
