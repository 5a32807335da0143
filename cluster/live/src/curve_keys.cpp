#include "qg/live/curve_keys.hpp"

#include <sodium.h>
#include <zmq.h>

#include "qg/core/error.hpp"
#include "qg/live/key_file.hpp"
#include "qg/live/keys.hpp"

namespace qg::live {
namespace fs = std::filesystem;
namespace {

bool is_z85_key(const std::string& s) {
  if (s.size() != 40) return false;
  unsigned char bin[32];
  return zmq_z85_decode(bin, s.c_str()) != nullptr;
}

void write_signing_pair(const fs::path& sec_path, const fs::path& pub_path) {
  if (sodium_init() < 0) throw InternalError("libsodium failed to initialise");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  write_key_file(sec_path, to_hex(sk, sizeof sk), true);
  write_key_file(pub_path, to_hex(pk, sizeof pk), false);
  sodium_memzero(sk, sizeof sk);
}

}  // namespace

std::array<fs::path, 4> generate_keys(const fs::path& prefix, bool curve_only, bool force) {
  const std::array<fs::path, 4> paths{key_file_path(prefix, ".sign.sec"), key_file_path(prefix, ".sign.pub"),
                                      key_file_path(prefix, ".curve.sec"), key_file_path(prefix, ".curve.pub")};
  for (std::size_t i = curve_only ? 2 : 0; i < paths.size(); ++i)
    if (!force && fs::exists(paths[i]))
      throw ConfigError(paths[i].string() + ": key file exists (use --force to replace it)");
  if (prefix.has_parent_path()) fs::create_directories(prefix.parent_path());
  if (!curve_only) write_signing_pair(paths[0], paths[1]);
  char pub[41];
  char sec[41];
  if (zmq_curve_keypair(pub, sec) != 0) throw InternalError("zmq_curve_keypair failed (libzmq without CURVE?)");
  write_key_file(paths[2], sec, true);
  write_key_file(paths[3], pub, false);
  return paths;
}

CurveKeyPair load_curve_keypair(const fs::path& prefix) {
  CurveKeyPair pair{read_key_line(key_file_path(prefix, ".curve.pub")),
                    read_key_line(key_file_path(prefix, ".curve.sec"))};
  if (!is_z85_key(pair.public_z85) || !is_z85_key(pair.secret_z85))
    throw ConfigError(prefix.string() + ".curve.{pub,sec}: not CURVE keys (40 Z85 characters each)");
  return pair;
}

std::string resolve_curve_public(const std::string& spec) {
  for (const fs::path& p : {fs::path(spec), key_file_path(spec, ".curve.pub")}) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      const std::string key = read_key_line(p);
      if (!is_z85_key(key)) throw ConfigError(p.string() + ": not a CURVE public key (40 Z85 characters)");
      return key;
    }
  }
  if (is_z85_key(spec)) return spec;
  throw ConfigError("'" + spec + "': neither a key file, a key prefix with .curve.pub, nor a Z85 CURVE key");
}

}  // namespace qg::live
