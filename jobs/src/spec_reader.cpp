#include "qg/jobs/spec_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "expansion_counter.hpp"
#include "qg/core/calendar.hpp"
#include "qg/core/error.hpp"

namespace qg::jobs::detail {
namespace {

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

// Walks every map of the document; yaml-cpp keeps both pairs of a repeated key and `node[key]`
// silently returns the first, so a typo'd copy-paste would otherwise change nothing.
void reject_duplicate_keys(const YAML::Node& node, const std::string& path, const std::string& origin) {
  if (node.IsSequence()) {
    std::size_t i = 0;
    for (const auto& item : node) reject_duplicate_keys(item, path + "[" + std::to_string(i++) + "]", origin);
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, int> first_line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) fail_at(origin, it->first.Mark(), path, "map keys must be plain names");
    const std::string& key = it->first.Scalar();
    const std::string child = join_path(path, key);
    auto [pos, inserted] = first_line.emplace(key, it->first.Mark().line + 1);
    if (!inserted)
      fail_at(origin, it->first.Mark(), child,
              "duplicate key (first given at line " + std::to_string(pos->second) + ")");
    reject_duplicate_keys(it->second, child, origin);
  }
}

// Parses exactly `len` decimal digits at s[pos..].
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t len) {
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::string_view strip_plus(std::string_view s) { return !s.empty() && s.front() == '+' ? s.substr(1) : s; }

}  // namespace

void fail_at(const std::string& origin, const YAML::Mark& mark, std::string_view path, std::string_view what) {
  std::string msg = origin + ":";
  if (mark.line >= 0) msg += std::to_string(mark.line + 1) + ":";
  msg += " ";
  if (!path.empty()) msg += std::string(path) + ": ";
  msg += what;
  throw ConfigError(msg);
}

std::string join_path(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string join_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + std::string(names[i]);
  return out;
}

YAML::Node load_spec(const std::string& text, const std::string& origin) {
  if (text.size() > kMaxSpecBytes)
    fail_at(origin, YAML::Mark::null_mark(), "spec",
            "is " + std::to_string(text.size()) + " bytes; a spec may have at most " + std::to_string(kMaxSpecBytes));
  YAML::Node root;
  try {
    ExpansionCounter::check(text, origin, kMaxSpecNodes);  // before any walk that follows aliases
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail_at(origin, e.mark, "syntax error", e.msg);
  }
  if (!root.IsMap()) fail_at(origin, YAML::Mark(), "spec", "must be a YAML map of keys (got " + describe(root) + ")");
  reject_duplicate_keys(root, "", origin);
  return root;
}

MapReader root_reader(const YAML::Node& root, const std::string& origin, std::vector<std::string_view> known) {
  return MapReader(Field(root, "", root.Mark(), origin), std::move(known));
}

// ---- Field ----

Field::Field(const YAML::Node& node, std::string path, YAML::Mark mark, const std::string& origin)
    : node_(node), path_(std::move(path)), mark_(mark), origin_(&origin) {}

void Field::fail(std::string_view what) const { fail_at(*origin_, mark_, path_, what); }

std::string Field::as_string() const {
  if (!node_.IsScalar() || node_.Scalar().empty()) fail("must be a string (got " + describe(node_) + ")");
  return node_.Scalar();
}

double Field::as_double() const {
  if (!node_.IsScalar()) fail("must be a number (got " + describe(node_) + ")");
  const std::string_view s = strip_plus(node_.Scalar());
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
    fail("must be a number (got " + describe(node_) + ")");
  return v;
}

std::int64_t Field::as_int() const {
  if (!node_.IsScalar()) fail("must be an integer (got " + describe(node_) + ")");
  const std::string_view s = strip_plus(node_.Scalar());
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) fail("must be an integer (got " + describe(node_) + ")");
  return v;
}

std::uint64_t Field::as_uint() const {
  const std::int64_t v = as_int();
  if (v < 0) fail("must be a non-negative integer (got " + std::to_string(v) + ")");
  return static_cast<std::uint64_t>(v);
}

bool Field::as_bool() const {
  const std::string s = node_.IsScalar() ? node_.Scalar() : std::string();
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  fail("must be true or false (got " + describe(node_) + ")");
}

std::int32_t Field::as_date() const {
  const std::string s = node_.IsScalar() ? node_.Scalar() : std::string();
  const bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-';
  const auto y = shaped ? digits(s, 0, 4) : std::nullopt;
  const auto m = shaped ? digits(s, 5, 2) : std::nullopt;
  const auto d = shaped ? digits(s, 8, 2) : std::nullopt;
  if (!y || !m || !d) fail("must be a date YYYY-MM-DD (got " + describe(node_) + ")");
  if (*y < 1000 || !is_calendar_day(*y, *m, *d)) fail("not a calendar date: " + s);
  return *y * 10000 + *m * 100 + *d;
}

MapReader Field::as_map(std::vector<std::string_view> known) const { return MapReader(*this, std::move(known)); }

std::vector<Field> Field::as_list() const {
  if (!node_.IsSequence()) fail("must be a list (got " + describe(node_) + ")");
  std::vector<Field> out;
  std::size_t i = 0;
  for (const auto& item : node_) {
    const YAML::Mark mark = item.Mark().line >= 0 ? item.Mark() : mark_;
    out.emplace_back(item, path_ + "[" + std::to_string(i++) + "]", mark, *origin_);
  }
  return out;
}

// ---- MapReader ----

MapReader::MapReader(const Field& field, std::vector<std::string_view> known, std::string_view unknown)
    : node_(field.node()), path_(field.path()), mark_(field.node().Mark()), origin_(&field.origin()) {
  if (!field.is_map()) field.fail("must be a map (got " + describe(field.node()) + ")");
  // A map's own mark is where its first key starts; fall back to the key that holds it.
  if (mark_.line < 0) mark_ = field.mark();
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string& key = it->first.Scalar();
    if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end())
      fail_at(*origin_, it->first.Mark(), join_path(path_, key),
              std::string(unknown) + " (known: " + join_names(known) + ")");
  }
}

bool MapReader::has(std::string_view key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.Scalar() == key) return true;
  return false;
}

std::optional<Field> MapReader::optional(std::string_view key) const {
  for (auto it = node_.begin(); it != node_.end(); ++it)
    if (it->first.Scalar() == key) return Field(it->second, join_path(path_, key), it->first.Mark(), *origin_);
  return std::nullopt;
}

Field MapReader::required(std::string_view key) const {
  auto field = optional(key);
  if (!field) fail_key(key, "missing (required)");
  return *field;
}

std::vector<std::string> MapReader::keys() const {
  std::vector<std::string> out;
  for (auto it = node_.begin(); it != node_.end(); ++it) out.push_back(it->first.Scalar());
  return out;
}

void MapReader::fail_key(std::string_view key, std::string_view what) const {
  fail_at(*origin_, mark_, join_path(path_, key), what);
}

}  // namespace qg::jobs::detail
