#pragma once
// Key files of the live link (docs/operations.md, "Keys"). A key PREFIX names up to four
// one-line text files:
//   PREFIX.sign.sec   Ed25519 secret key, 128 hex digits (libsodium's 64-byte form), mode 0600
//   PREFIX.sign.pub   Ed25519 public key, 64 hex digits
//   PREFIX.curve.sec  CURVE secret key, 40 Z85 characters, mode 0600
//   PREFIX.curve.pub  CURVE public key, 40 Z85 characters
// Approvers have all four; the live node and plain control clients need only the CURVE pair.
#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "qg/live/curve_keys.hpp"  // CurveKeyPair, generate_keys: the CURVE half (ZeroMQ)

namespace qg::live {

//! An Ed25519 key pair loaded from PREFIX.sign.sec / .sign.pub.
struct SigningKey {
  std::array<unsigned char, 64> secret{};
  std::string public_hex;
};

SigningKey load_signing_key(const std::filesystem::path& prefix);
//! An Ed25519 public key (64 hex digits) from a file, from PREFIX.sign.pub, or literally.
std::string resolve_sign_public(const std::string& spec);

//! Lowercase hex of bytes, and back (throws DataError on bad hex or a wrong length).
std::string to_hex(const unsigned char* data, std::size_t n);
std::string from_hex(std::string_view hex, std::size_t expected_bytes, const std::string& what);

//! Ed25519 detached signature (128 hex digits) of `message`.
std::string sign_hex(const SigningKey& key, std::string_view message);
//! True when `signature_hex` is a valid signature of `message` by `public_hex`. Malformed hex
//! is simply invalid.
bool verify_hex(const std::string& public_hex, std::string_view message, const std::string& signature_hex);
//! 16 random bytes as hex (nonces).
std::string random_hex16();

}  // namespace qg::live
