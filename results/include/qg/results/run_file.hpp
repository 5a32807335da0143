#pragma once
// The HDF5 run file: one per run, written as NAME.h5.tmp and renamed when complete.
// Tables are groups of equal-length 1-D datasets, one per column (docs/hdf5-schema.md).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qg::results {

//! Major.minor of the file layout; readers refuse a newer major version.
inline constexpr int kSchemaMajor = 1;
inline constexpr int kSchemaMinor = 2;
//! Written as the root attribute `schema_version`.
inline constexpr const char* kSchemaVersion = "1.2";

enum class ColumnType : std::uint8_t { kInt64, kFloat64 };

//! A table column. `name` may contain '/', which makes subgroups ("params/fast").
struct Column {
  std::string name;
  ColumnType type;
};

//! Appends rows to one table. Rows are buffered and written in chunks, so memory stays
//! bounded however many rows are appended.
class TableWriter {
 public:
  virtual ~TableWriter() = default;
  //! Appends rows given row-major as doubles (n_rows * columns). Int64 columns take
  //! integral values (exact below 2^53).
  virtual void append(std::span<const double> rows) = 0;
  //! Rows appended so far.
  virtual std::uint64_t rows() const = 0;
  //! From now on, each full block of rows the table writes waits until it is on the disk
  //! (fdatasync) instead of only starting its write-back, so the commit's fsync is left with the
  //! last rows. For a table appended on a thread of its own (jobs::BackgroundAppender), where
  //! that wait overlaps the run: on the reference VM a fresh 30 MB run file took 20 ms to fsync
  //! at commit even with its write-back done (docs/performance.md, section 7).
  virtual void sync_each_block() {}
};

//! A run file being written. Nothing appears at the final path until commit(); destroying an
//! uncommitted RunFile removes the temporary file.
class RunFile {
 public:
  virtual ~RunFile() = default;
  //! Creates `final_path` + ".tmp" (replacing a stale one) and writes schema_version.
  //! Throws IoError naming the path.
  static std::unique_ptr<RunFile> create(const std::filesystem::path& final_path);
  //! The same, written as `tmp_path` (a name of this writer's own: OutputClaim::temp_path()).
  static std::unique_ptr<RunFile> create(const std::filesystem::path& final_path,
                                         const std::filesystem::path& tmp_path);

  //! Sets an attribute on a group (created with its parents when missing; "/" is the root).
  virtual void set_attribute(const std::string& group, const std::string& name, const std::string& value) = 0;
  virtual void set_attribute(const std::string& group, const std::string& name, std::int64_t value) = 0;
  virtual void set_attribute(const std::string& group, const std::string& name, double value) = 0;
  //! Stored as int64: without this overload an `int` argument is ambiguous.
  void set_attribute(const std::string& group, const std::string& name, int value) {
    set_attribute(group, name, static_cast<std::int64_t>(value));
  }
  void set_attribute(const std::string& group, const std::string& name, const char* value) {
    set_attribute(group, name, std::string(value));
  }
  //! Opens a new table under `group` with these columns. The writer lives as long as the file.
  virtual TableWriter& create_table(const std::string& group, const std::vector<Column>& columns) = 0;
  //! Writes a whole 1-D dataset at once ("/sweep/symbols").
  virtual void write_strings(const std::string& dataset, const std::vector<std::string>& values) = 0;
  virtual void write_doubles(const std::string& dataset, std::span<const double> values) = 0;
  virtual void write_int64(const std::string& dataset, std::span<const std::int64_t> values) = 0;
  //! Flushes buffered rows, closes the file and renames it to the final path.
  virtual void commit() = 0;
  //! The path the file will have after commit().
  virtual const std::filesystem::path& final_path() const = 0;
};

//! A table read back: column names (with their subgroup prefix) and values as doubles.
struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  //! Column by name; throws DataError naming the column when absent.
  const std::vector<double>& column(const std::string& name) const;
};

//! One dataset's stored digest (attribute `sha256`) checked against its contents.
struct DatasetCheck {
  enum class Status : std::uint8_t { kOk, kMismatch, kMissing };
  std::string path;  //!< full path, "/sweep/sharpe"
  Status status;
};

//! datasets_digest() and every dataset's own check, from one pass over the file.
struct DatasetsCheck {
  std::string digest;
  std::vector<DatasetCheck> datasets;  //!< in path order
  //! Datasets with this status.
  std::size_t count(DatasetCheck::Status status) const;
};

//! Reads a run file. Throws DataError for a file that is not a quantgrid run file or whose
//! schema major version is newer than this build's.
class RunReader {
 public:
  virtual ~RunReader() = default;
  static std::unique_ptr<RunReader> open(const std::filesystem::path& path);

  virtual bool has(const std::string& object) const = 0;
  virtual std::string string_attribute(const std::string& group, const std::string& name) const = 0;
  virtual std::int64_t int_attribute(const std::string& group, const std::string& name) const = 0;
  virtual double double_attribute(const std::string& group, const std::string& name) const = 0;
  //! Names of the attributes of a group.
  virtual std::vector<std::string> attribute_names(const std::string& group) const = 0;
  //! Any scalar attribute as text: strings as stored, integers in decimal, floats with %.17g.
  virtual std::string attribute_text(const std::string& group, const std::string& name) const = 0;
  //! Names of the 1-D string datasets directly inside `group` ("symbols", "message").
  virtual std::vector<std::string> string_datasets(const std::string& group) const = 0;
  //! Every 1-D numeric dataset below `group` (recursively) as a column, in name order.
  virtual Table read_table(const std::string& group) const = 0;
  //! The same columns, rows [first, first + count) only (fewer at the end of the table; none
  //! past it), so that a table can be read in blocks of bounded memory.
  virtual Table read_table_rows(const std::string& group, std::size_t first, std::size_t count) const = 0;
  virtual std::vector<std::string> read_strings(const std::string& dataset) const = 0;
  //! One 1-D numeric dataset ("/sweep/metrics/sharpe") as doubles, without the rest of its table.
  virtual std::vector<double> read_column(const std::string& dataset) const = 0;
  //! SHA-256 (hex) over every dataset's name, type, shape and raw bytes, in name order: two
  //! runs with equal digests have byte-identical results.
  virtual std::string datasets_digest() const = 0;
  //! datasets_digest(), and each dataset's contents checked against its stored digest
  //! (kMissing: written by a quantgrid before per-dataset digests).
  virtual DatasetsCheck check_datasets() const = 0;
};

}  // namespace qg::results
