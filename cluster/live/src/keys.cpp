#include "qg/live/keys.hpp"

#include <sodium.h>

#include "qg/core/error.hpp"
#include "qg/live/key_file.hpp"

namespace qg::live {
namespace fs = std::filesystem;
namespace {

void ensure_sodium() {
  if (sodium_init() < 0) throw InternalError("libsodium failed to initialise");
}

}  // namespace

SigningKey load_signing_key(const fs::path& prefix) {
  ensure_sodium();
  SigningKey key;
  const auto sec_path = key_file_path(prefix, ".sign.sec");
  const std::string sec = from_hex(read_key_line(sec_path), key.secret.size(), sec_path.string());
  std::copy(sec.begin(), sec.end(), key.secret.begin());
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, key.secret.data());
  key.public_hex = to_hex(pk, sizeof pk);
  return key;
}

std::string resolve_sign_public(const std::string& spec) {
  for (const fs::path& p : {fs::path(spec), key_file_path(spec, ".sign.pub")}) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      const std::string key = read_key_line(p);
      from_hex(key, crypto_sign_PUBLICKEYBYTES, p.string());
      return key;
    }
  }
  if (spec.size() == 2 * crypto_sign_PUBLICKEYBYTES) {
    from_hex(spec, crypto_sign_PUBLICKEYBYTES, "approver key");
    return spec;
  }
  throw ConfigError("'" + spec + "': neither a key file, a key prefix with .sign.pub, nor 64 hex digits");
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string from_hex(std::string_view hex, std::size_t expected_bytes, const std::string& what) {
  std::string bin(expected_bytes, '\0');
  const bool lowercase = hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  std::size_t len = 0;
  const char* end = nullptr;
  if (!lowercase || hex.size() != 2 * expected_bytes ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), hex.data(), hex.size(), nullptr, &len,
                     &end) != 0 ||
      len != expected_bytes)
    throw DataError(what + ": expected " + std::to_string(2 * expected_bytes) + " lowercase hex digits");
  return bin;
}

std::string sign_hex(const SigningKey& key, std::string_view message) {
  ensure_sodium();
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       key.secret.data());
  return to_hex(sig, sizeof sig);
}

bool verify_hex(const std::string& public_hex, std::string_view message, const std::string& signature_hex) {
  ensure_sodium();
  try {
    const std::string pk = from_hex(public_hex, crypto_sign_PUBLICKEYBYTES, "public key");
    const std::string sig = from_hex(signature_hex, crypto_sign_BYTES, "signature");
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                       reinterpret_cast<const unsigned char*>(pk.data())) == 0;
  } catch (const DataError&) {
    return false;
  }
}

std::string random_hex16() {
  ensure_sodium();
  unsigned char buf[16];
  randombytes_buf(buf, sizeof buf);
  return to_hex(buf, sizeof buf);
}

}  // namespace qg::live
