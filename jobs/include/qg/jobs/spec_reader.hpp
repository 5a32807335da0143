#pragma once
// Strict, located reading of YAML job specs, for the spec parsers of the job kinds (jobs/<kind>/)
// and the shared sections (jobs/search/). Nothing outside jobs/ needs it.
//
// Every error is a qg::ConfigError "ORIGIN:LINE: KEY.PATH: what" with LINE 1-based. yaml-cpp
// 0.7 reports 0-based lines, says only "bad conversion" for a missing key and accepts
// duplicate keys, so presence, types and duplicates are all checked here instead.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qg/jobs/job.hpp"

namespace qg::jobs::detail {

//! The largest spec accepted, in bytes, and in nodes with every alias expanded.
inline constexpr std::size_t kMaxSpecBytes = std::size_t{1} << 20;
inline constexpr std::uint64_t kMaxSpecNodes = 100000;

//! Parses spec text: refuses text over kMaxSpecBytes and aliases that expand the document past
//! kMaxSpecNodes (at the alias's line), converts yaml-cpp syntax errors, rejects duplicate keys
//! at any depth and requires the document to be a map.
YAML::Node load_spec(const std::string& text, const std::string& origin);

//! Throws ConfigError "ORIGIN:LINE: PATH: what" (no LINE when the mark is unknown).
[[noreturn]] void fail_at(const std::string& origin, const YAML::Mark& mark, std::string_view path,
                          std::string_view what);

//! Joins a parent key path and a child key ("strategy" + "kind" -> "strategy.kind").
std::string join_path(std::string_view parent, std::string_view key);

class MapReader;

//! One value of a spec with its key path and location, read with strict conversions.
class Field {
 public:
  //! `mark` locates the value in errors (the key's mark for map values).
  Field(const YAML::Node& node, std::string path, YAML::Mark mark, const std::string& origin);

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  int line() const { return mark_.line + 1; }
  const YAML::Mark& mark() const { return mark_; }
  const std::string& origin() const { return *origin_; }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_map() const { return node_.IsMap(); }
  bool is_list() const { return node_.IsSequence(); }
  //! Throws ConfigError located at this value.
  [[noreturn]] void fail(std::string_view what) const;

  //! A scalar's text (a number is a string too).
  std::string as_string() const;
  //! A finite number.
  double as_double() const;
  //! An integer written without a fraction or exponent.
  std::int64_t as_int() const;
  //! A non-negative integer.
  std::uint64_t as_uint() const;
  //! true or false.
  bool as_bool() const;
  //! A YYYY-MM-DD calendar date, as the integer YYYYMMDD.
  std::int32_t as_date() const;
  //! A map whose keys must all be in `known`.
  MapReader as_map(std::vector<std::string_view> known) const;
  //! A sequence; element i has path "PATH[i]" and its own mark.
  std::vector<Field> as_list() const;

 private:
  YAML::Node node_;
  std::string path_;
  YAML::Mark mark_;
  const std::string* origin_;
};

//! A map of a spec: rejects unknown keys on construction and finds fields by key.
class MapReader {
 public:
  //! Fails unless `field` is a map whose keys are all in `known` (the error names the
  //! unknown key as `unknown` and lists the known ones).
  MapReader(const Field& field, std::vector<std::string_view> known, std::string_view unknown = "unknown key");

  const std::string& path() const { return path_; }
  bool has(std::string_view key) const;
  //! The value of `key`; a missing key fails at this map's line.
  Field required(std::string_view key) const;
  //! The value of `key`, or nullopt when absent.
  std::optional<Field> optional(std::string_view key) const;
  //! Keys in document order.
  std::vector<std::string> keys() const;
  //! Throws ConfigError located at this map, about `key` of it.
  [[noreturn]] void fail_key(std::string_view key, std::string_view what) const;

 private:
  YAML::Node node_;
  std::string path_;
  YAML::Mark mark_;
  const std::string* origin_;
};

//! The document root as a map reader over `known` top-level keys.
MapReader root_reader(const YAML::Node& root, const std::string& origin, std::vector<std::string_view> known);

//! Reads and validates the common header of a loaded spec; the document's top-level keys
//! must be the common ones or those of its job kind.
SpecHeader read_header(const YAML::Node& root, const std::string& origin);
//! The top-level keys a spec of job kind `kind` may have.
std::vector<std::string_view> top_level_keys(std::string_view kind);

//! "a, b, c".
std::string join_names(const std::vector<std::string_view>& names);

}  // namespace qg::jobs::detail
