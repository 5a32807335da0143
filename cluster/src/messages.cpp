#include "qg/cluster/messages.hpp"

#include <cstring>

#include "qg/core/error.hpp"

namespace qg::cluster {
namespace {

constexpr std::uint32_t kAssignMagic = 0x51474153;  // "QGAS"
constexpr std::uint32_t kResultMagic = 0x51475253;  // "QGRS"

template <class T>
void put(std::vector<char>& out, const T& v) {
  const auto* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

template <class T>
void put_array(std::vector<char>& out, const std::vector<T>& v) {
  const auto* p = reinterpret_cast<const char*>(v.data());
  out.insert(out.end(), p, p + v.size() * sizeof(T));
}

//! Reads fixed-size fields from a buffer, refusing to run past its end.
class Cursor {
 public:
  explicit Cursor(std::span<const char> bytes) : bytes_(bytes) {}

  template <class T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));
    return v;
  }
  template <class T>
  void get_array(std::vector<T>& v, std::uint64_t n) {
    if (n > bytes_.size() / sizeof(T)) throw ClusterError("malformed message: array length past the end");
    v.resize(n);
    if (n != 0) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
  }
  void get_string(std::string& s, std::uint64_t n) {
    const char* p = take(n);
    s.assign(p, n);
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  const char* take(std::size_t n) {
    if (n > bytes_.size() - pos_) throw ClusterError("malformed message: truncated");
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::span<const char> bytes_;
  std::size_t pos_ = 0;
};

void expect_magic(Cursor& c, std::uint32_t magic) {
  if (c.get<std::uint32_t>() != magic) throw ClusterError("malformed message: wrong type");
}

}  // namespace

void encode(const Assignment& m, std::vector<char>& out) {
  put(out, kAssignMagic);
  put(out, m.stage);
  put(out, m.first);
  put(out, m.count);
  const std::uint64_t n_input = m.has_stage_input ? m.stage_input.size() + 1 : 0;  // +1: empty input still flagged
  put(out, n_input);
  if (m.has_stage_input) put_array(out, m.stage_input);
  put(out, static_cast<std::uint8_t>(m.collective ? 1 : 0));
  put(out, static_cast<std::uint8_t>(m.rank_lost ? 1 : 0));
}

void decode(std::span<const char> bytes, Assignment& m) {
  Cursor c(bytes);
  expect_magic(c, kAssignMagic);
  m.stage = c.get<std::uint32_t>();
  m.first = c.get<std::uint64_t>();
  m.count = c.get<std::uint64_t>();
  const auto n_input = c.get<std::uint64_t>();
  m.has_stage_input = n_input != 0;
  m.stage_input.clear();
  if (m.has_stage_input) c.get_array(m.stage_input, n_input - 1);
  m.collective = c.get<std::uint8_t>() != 0;
  m.rank_lost = c.get<std::uint8_t>() != 0;
  if (!c.done()) throw ClusterError("malformed message: trailing bytes after an assignment");
}

std::size_t encode_leaving_values(const ChunkResult& m, std::uint64_t n_values, std::vector<char>& out) {
  QG_CHECK(m.lengths.size() == m.count, "chunk result lengths do not match its task count");
  std::size_t error_bytes = 0;
  for (const auto& e : m.errors) error_bytes += 2 * sizeof(std::uint64_t) + e.message.size();
  constexpr std::size_t kHead = 2 * sizeof(std::uint32_t) + 5 * sizeof(std::uint64_t);  // magic .. error count
  out.reserve(out.size() + kHead + m.lengths.size() * sizeof(std::uint32_t) + n_values * sizeof(double) + error_bytes);
  put(out, kResultMagic);
  put(out, m.stage);
  put(out, m.first);
  put(out, m.count);
  put(out, m.seconds);
  put(out, n_values);
  put(out, static_cast<std::uint64_t>(m.errors.size()));
  put_array(out, m.lengths);
  const std::size_t values_at = out.size();
  out.resize(values_at + n_values * sizeof(double));
  for (const auto& e : m.errors) {
    put(out, e.task);
    put(out, static_cast<std::uint64_t>(e.message.size()));
    out.insert(out.end(), e.message.begin(), e.message.end());
  }
  return values_at;
}

void encode(const ChunkResult& m, std::vector<char>& out) {
  const std::size_t at = encode_leaving_values(m, m.values.size(), out);
  if (!m.values.empty()) std::memcpy(out.data() + at, m.values.data(), m.values.size() * sizeof(double));
}

void decode(std::span<const char> bytes, ChunkResult& m) {
  Cursor c(bytes);
  expect_magic(c, kResultMagic);
  m.stage = c.get<std::uint32_t>();
  m.first = c.get<std::uint64_t>();
  m.count = c.get<std::uint64_t>();
  m.seconds = c.get<double>();
  const auto n_values = c.get<std::uint64_t>();
  const auto n_errors = c.get<std::uint64_t>();
  c.get_array(m.lengths, m.count);
  c.get_array(m.values, n_values);
  std::uint64_t total = 0;
  for (auto len : m.lengths) total += len;
  if (total != n_values) throw ClusterError("malformed message: task lengths do not add up to the values");
  if (n_errors > bytes.size()) throw ClusterError("malformed message: error count past the end");
  m.errors.resize(n_errors);
  for (auto& e : m.errors) {
    e.task = c.get<std::uint64_t>();
    c.get_string(e.message, c.get<std::uint64_t>());
  }
  if (!c.done()) throw ClusterError("malformed message: trailing bytes after a chunk result");
}

}  // namespace qg::cluster
