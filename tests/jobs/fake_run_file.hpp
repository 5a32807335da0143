#pragma once
// An in-memory RunFile: records attributes, tables and datasets so reducers can be tested
// without HDF5.
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "qg/results/run_file.hpp"

namespace qg::testing {

class FakeTable final : public results::TableWriter {
 public:
  explicit FakeTable(std::vector<results::Column> columns) : columns(std::move(columns)) {}
  void append(std::span<const double> rows) override {
    values.insert(values.end(), rows.begin(), rows.end());
    ++appends;
    appended_rows.push_back(columns.empty() ? 0 : rows.size() / columns.size());
  }
  std::uint64_t rows() const override { return columns.empty() ? 0 : values.size() / columns.size(); }
  //! Value of column `c` in row `r`.
  double at(std::size_t r, std::size_t c) const { return values[r * columns.size() + c]; }

  std::vector<results::Column> columns;
  std::vector<double> values;  // row-major
  int appends = 0;
  std::vector<std::size_t> appended_rows;  // rows of each append, in order
};

class FakeRunFile final : public results::RunFile {
 public:
  using Value = std::variant<std::string, std::int64_t, double>;

  void set_attribute(const std::string& g, const std::string& n, const std::string& v) override {
    attrs[g + "@" + n] = v;
  }
  void set_attribute(const std::string& g, const std::string& n, std::int64_t v) override { attrs[g + "@" + n] = v; }
  void set_attribute(const std::string& g, const std::string& n, double v) override { attrs[g + "@" + n] = v; }
  results::TableWriter& create_table(const std::string& group, const std::vector<results::Column>& columns) override {
    auto& slot = tables[group];
    slot = std::make_unique<FakeTable>(columns);
    return *slot;
  }
  void write_strings(const std::string& d, const std::vector<std::string>& v) override { strings[d] = v; }
  void write_doubles(const std::string& d, std::span<const double> v) override {
    doubles[d].assign(v.begin(), v.end());
  }
  void write_int64(const std::string& d, std::span<const std::int64_t> v) override {
    ints[d].assign(v.begin(), v.end());
  }
  void commit() override { committed = true; }
  const std::filesystem::path& final_path() const override { return path; }

  std::map<std::string, Value> attrs;  // "group@name"
  std::map<std::string, std::unique_ptr<FakeTable>> tables;
  std::map<std::string, std::vector<std::string>> strings;
  std::map<std::string, std::vector<double>> doubles;
  std::map<std::string, std::vector<std::int64_t>> ints;
  std::filesystem::path path = "fake.h5";
  bool committed = false;
};

}  // namespace qg::testing
