#pragma once
// The CURVE keys of the live link (ZeroMQ's Z85 text), and generating a key set, which needs
// libzmq: apart from the Ed25519 signing keys (keys.hpp), so that a program that only signs or
// verifies approvals (`quantgrid approve`) does not link ZeroMQ.
#include <array>
#include <filesystem>
#include <string>

namespace qg::live {

//! A CURVE key pair as Z85 text.
struct CurveKeyPair {
  std::string public_z85;
  std::string secret_z85;
};

//! Writes a new key set under `prefix` (parent folders created). Refuses to replace existing
//! key files unless `force`. Returns the paths written.
std::array<std::filesystem::path, 4> generate_keys(const std::filesystem::path& prefix, bool curve_only, bool force);

CurveKeyPair load_curve_keypair(const std::filesystem::path& prefix);
//! A CURVE public key from a file holding it, from PREFIX.curve.pub, or given literally (40
//! Z85 characters). Throws ConfigError saying which forms were tried.
std::string resolve_curve_public(const std::string& spec);

}  // namespace qg::live
