// Sha256::update throughput on each backend, in the same process so the two are compared under one load:
//   ./sha256_bench [megabytes=64] [rounds=3]
// Feeds a buffer of random bytes in 1 MiB pieces (as sha256_file reads), one warm-up then `rounds` timed runs
// per backend, and prints CSV: name,impl,bytes,run,seconds,mb_per_s.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "qg/core/sha256.hpp"
#include "qg/core/sha256_backend.hpp"
#include "qg/core/sha256_blocks.hpp"

namespace {

std::vector<unsigned char> random_buffer(std::size_t size) {
  std::mt19937_64 rng(1);
  std::vector<unsigned char> bytes(size);
  for (std::size_t i = 0; i < size; i += 8) {
    const std::uint64_t word = rng();
    for (std::size_t j = 0; j < 8 && i + j < size; ++j) bytes[i + j] = static_cast<unsigned char>(word >> (8 * j));
  }
  return bytes;
}

double seconds_to_hash(const std::vector<unsigned char>& bytes, std::string& digest) {
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  const auto start = std::chrono::steady_clock::now();
  qg::Sha256 hash;
  for (std::size_t at = 0; at < bytes.size(); at += kPiece)
    hash.update(bytes.data() + at, std::min(kPiece, bytes.size() - at));
  digest = hash.hex();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void measure(const char* impl, const std::vector<unsigned char>& bytes, int rounds, std::string& digest) {
  seconds_to_hash(bytes, digest);  // warm-up
  for (int run = 0; run < rounds; ++run) {
    const double seconds = seconds_to_hash(bytes, digest);
    std::printf("sha256_update,%s,%zu,%d,%.6f,%.1f\n", impl, bytes.size(), run, seconds,
                static_cast<double>(bytes.size()) / 1e6 / seconds);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const std::vector<unsigned char> bytes = random_buffer(megabytes << 20);
  std::printf("name,impl,bytes,run,seconds,mb_per_s\n");
  std::string sodium_digest;
  qg::set_sha256_backend_for_testing(qg::Sha256Backend::libsodium);
  measure("libsodium", bytes, rounds, sodium_digest);
  if (!qg::cpu_has_sha_ni()) return 0;
  std::string sha_ni_digest;
  qg::set_sha256_backend_for_testing(qg::Sha256Backend::sha_ni);
  measure("sha_ni", bytes, rounds, sha_ni_digest);
  if (sha_ni_digest != sodium_digest) {
    std::fprintf(stderr, "digests differ: %s vs %s\n", sha_ni_digest.c_str(), sodium_digest.c_str());
    return 1;
  }
  return 0;
}
