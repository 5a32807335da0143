#include "qg/live/keys.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <zmq.h>

#include <fstream>
#include <sstream>

#include "qg/core/error.hpp"

namespace qg::live {
namespace fs = std::filesystem;
namespace {

void ensure_sodium() {
  if (sodium_init() < 0) throw InternalError("libsodium failed to initialise");
}

fs::path with_suffix(const fs::path& prefix, const char* suffix) { return fs::path(prefix.string() + suffix); }

std::string read_line(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path.string() + ": cannot read key file");
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

void write_key_file(const fs::path& path, const std::string& text, bool secret) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw IoError(path.string() + ": cannot write key file");
  out << text << "\n";
  out.close();
  if (!out) throw IoError(path.string() + ": write failed");
  if (secret) ::chmod(path.c_str(), S_IRUSR | S_IWUSR);
}

bool is_z85_key(const std::string& s) {
  if (s.size() != 40) return false;
  unsigned char bin[32];
  return zmq_z85_decode(bin, s.c_str()) != nullptr;
}

}  // namespace

std::array<fs::path, 4> generate_keys(const fs::path& prefix, bool curve_only, bool force) {
  ensure_sodium();
  const std::array<fs::path, 4> paths{with_suffix(prefix, ".sign.sec"), with_suffix(prefix, ".sign.pub"),
                                      with_suffix(prefix, ".curve.sec"), with_suffix(prefix, ".curve.pub")};
  for (std::size_t i = curve_only ? 2 : 0; i < paths.size(); ++i)
    if (!force && fs::exists(paths[i]))
      throw ConfigError(paths[i].string() + ": key file exists (use --force to replace it)");
  if (prefix.has_parent_path()) fs::create_directories(prefix.parent_path());
  if (!curve_only) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    write_key_file(paths[0], to_hex(sk, sizeof sk), true);
    write_key_file(paths[1], to_hex(pk, sizeof pk), false);
    sodium_memzero(sk, sizeof sk);
  }
  char pub[41];
  char sec[41];
  if (zmq_curve_keypair(pub, sec) != 0) throw InternalError("zmq_curve_keypair failed (libzmq without CURVE?)");
  write_key_file(paths[2], sec, true);
  write_key_file(paths[3], pub, false);
  return paths;
}

SigningKey load_signing_key(const fs::path& prefix) {
  ensure_sodium();
  SigningKey key;
  const auto sec_path = with_suffix(prefix, ".sign.sec");
  const std::string sec = from_hex(read_line(sec_path), key.secret.size(), sec_path.string());
  std::copy(sec.begin(), sec.end(), key.secret.begin());
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  crypto_sign_ed25519_sk_to_pk(pk, key.secret.data());
  key.public_hex = to_hex(pk, sizeof pk);
  return key;
}

CurveKeyPair load_curve_keypair(const fs::path& prefix) {
  CurveKeyPair pair{read_line(with_suffix(prefix, ".curve.pub")), read_line(with_suffix(prefix, ".curve.sec"))};
  if (!is_z85_key(pair.public_z85) || !is_z85_key(pair.secret_z85))
    throw ConfigError(prefix.string() + ".curve.{pub,sec}: not CURVE keys (40 Z85 characters each)");
  return pair;
}

std::string resolve_curve_public(const std::string& spec) {
  for (const fs::path& p : {fs::path(spec), with_suffix(spec, ".curve.pub")}) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      const std::string key = read_line(p);
      if (!is_z85_key(key)) throw ConfigError(p.string() + ": not a CURVE public key (40 Z85 characters)");
      return key;
    }
  }
  if (is_z85_key(spec)) return spec;
  throw ConfigError("'" + spec + "': neither a key file, a key prefix with .curve.pub, nor a Z85 CURVE key");
}

std::string resolve_sign_public(const std::string& spec) {
  for (const fs::path& p : {fs::path(spec), with_suffix(spec, ".sign.pub")}) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      const std::string key = read_line(p);
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
