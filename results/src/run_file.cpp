// RunFile: writes NAME.h5.tmp and renames it to NAME.h5 on commit(), so a reader never sees a
// half-written file at the final path. Every dataset gets its digest (dataset_hash.hpp).
#include <bit>
#include <cstring>
#include <memory>
#include <optional>
#include <system_error>

#include "dataset_hash.hpp"
#include "h5.hpp"
#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"
#include "retired_file.hpp"
#include "table_writer.hpp"

namespace qg::results {

namespace {

class H5RunFile final : public RunFile {
 public:
  H5RunFile(std::filesystem::path final_path, std::filesystem::path tmp_path);
  ~H5RunFile() override;

  using RunFile::set_attribute;
  void set_attribute(const std::string& group, const std::string& name, const std::string& value) override;
  void set_attribute(const std::string& group, const std::string& name, std::int64_t value) override;
  void set_attribute(const std::string& group, const std::string& name, double value) override;
  TableWriter& create_table(const std::string& group, const std::vector<Column>& columns) override;
  void write_strings(const std::string& dataset, const std::vector<std::string>& values) override;
  void write_doubles(const std::string& dataset, std::span<const double> values) override;
  void write_int64(const std::string& dataset, std::span<const std::int64_t> values) override;
  void commit() override;
  const std::filesystem::path& final_path() const override { return final_path_; }

 private:
  template <class T>
  void set_any(const std::string& group, const std::string& name, const T& value);
  void write_any(const std::string& dataset, hid_t file_type, hid_t mem_type, const void* data, hsize_t n);
  void require_open() const;
  //! Throws IoError when a table created earlier has a column at `path`.
  void require_new(const std::string& path) const;
  //! Closes everything and deletes the temporary file.
  void discard() noexcept;
  std::string where(const std::string& object = "") const { return h5::where(tmp_path_, object); }

  std::filesystem::path final_path_;
  std::filesystem::path tmp_path_;
  h5::Handle file_;  // declared before tables_: the tables' datasets close first
  std::vector<std::unique_ptr<H5TableWriter>> tables_;
  std::optional<RetiredFile> retired_;  // the previous file at final_path_, freed after the commit
  bool committed_ = false;
};

H5RunFile::H5RunFile(std::filesystem::path final_path, std::filesystem::path tmp_path)
    : final_path_(std::move(final_path)), tmp_path_(std::move(tmp_path)) {
  h5::QuietErrors quiet;
  try {
    file_ = h5::create_file(tmp_path_);
    h5::Handle root = h5::require_group(file_.get(), "/", where());
    h5::write_attribute(root.get(), "schema_version", std::string(kSchemaVersion), where("/"));
    h5::write_attribute(root.get(), "schema_major", std::int64_t{kSchemaMajor}, where("/"));
    h5::write_attribute(root.get(), "schema_minor", std::int64_t{kSchemaMinor}, where("/"));
  } catch (...) {
    discard();  // no destructor runs for a half-constructed object
    throw;
  }
}

void H5RunFile::discard() noexcept {
  h5::divert_writes(file_);  // first: closing the tables flushes their chunks, which must not fail
  tables_.clear();
  h5::abandon_file(file_);
  std::error_code ignored;  // best effort: runs on error paths and in the destructor
  std::filesystem::remove(tmp_path_, ignored);
}

H5RunFile::~H5RunFile() {
  if (!committed_) discard();
}

void H5RunFile::require_open() const {
  if (committed_) throw IoError(final_path_.string() + ": run file already committed");
}

template <class T>
void H5RunFile::set_any(const std::string& group, const std::string& name, const T& value) {
  require_open();
  h5::QuietErrors quiet;
  h5::Handle object = h5::exists(file_.get(), group) ? h5::open_object(file_.get(), group, where(group))
                                                     : h5::require_group(file_.get(), group, where(group));
  h5::write_attribute(object.get(), name, value, where(h5::absolute(group)));
}

void H5RunFile::set_attribute(const std::string& group, const std::string& name, const std::string& value) {
  set_any(group, name, value);
}

void H5RunFile::set_attribute(const std::string& group, const std::string& name, std::int64_t value) {
  set_any(group, name, value);
}

void H5RunFile::set_attribute(const std::string& group, const std::string& name, double value) {
  set_any(group, name, value);
}

TableWriter& H5RunFile::create_table(const std::string& group, const std::vector<Column>& columns) {
  require_open();
  for (const Column& column : columns) require_new(h5::join(h5::absolute(group), column.name));
  tables_.push_back(std::make_unique<H5TableWriter>(file_.get(), group, columns, where()));
  return *tables_.back();
}

void H5RunFile::require_new(const std::string& path) const {
  // A table's columns are created at its first flush or at commit (table_writer.hpp); until
  // then HDF5 does not know their names.
  for (const auto& table : tables_)
    if (table->holds(path)) throw IoError(where(path) + ": dataset " + path + " already exists");
}

void H5RunFile::write_any(const std::string& dataset, hid_t file_type, hid_t mem_type, const void* data, hsize_t n) {
  require_open();
  h5::QuietErrors quiet;
  const std::string path = h5::absolute(dataset);
  require_new(path);
  h5::Handle written = h5::write_vector(file_.get(), path, file_type, mem_type, data, n, where(path));
  // The file types are little-endian, like the host: `data` holds the stored bytes.
  static_assert(std::endian::native == std::endian::little, "dataset digests assume a little-endian host");
  DatasetHash hash(path, written.get());
  hash.update(data, n * H5Tget_size(file_type));
  h5::write_attribute(written.get(), kDatasetDigestAttribute, hash.finish({n}), where(path));
}

void H5RunFile::write_strings(const std::string& dataset, const std::vector<std::string>& values) {
  require_open();
  h5::QuietErrors quiet;
  const std::string path = h5::absolute(dataset);
  require_new(path);
  h5::Handle written = h5::write_strings(file_.get(), path, values, where(path));
  DatasetHash hash(path, written.get());
  // Stored as C strings: a value ends at its first NUL, as a reader sees it.
  for (const std::string& value : values) hash.update_string({value.c_str(), std::strlen(value.c_str())});
  h5::write_attribute(written.get(), kDatasetDigestAttribute, hash.finish({values.size()}), where(path));
}

void H5RunFile::write_doubles(const std::string& dataset, std::span<const double> values) {
  write_any(dataset, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), values.size());
}

void H5RunFile::write_int64(const std::string& dataset, std::span<const std::int64_t> values) {
  write_any(dataset, H5T_STD_I64LE, H5T_NATIVE_INT64, values.data(), values.size());
}

void H5RunFile::commit() {
  require_open();
  h5::QuietErrors quiet;
  for (auto& table : tables_) table->close();
  h5::check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), where(), "cannot flush");
  h5::close_file(file_, tmp_path_);
  h5::sync_file(tmp_path_);
  // The only moment the final path changes: rename(2) replaces an existing file atomically. The
  // file it replaces is freed on another thread, while the folder is synced (retired_file.hpp).
  retired_.emplace(final_path_);
  h5::rename_over(tmp_path_, final_path_);
  retired_->release();
  h5::sync_parent_folder(final_path_);
  committed_ = true;
}

}  // namespace

std::unique_ptr<RunFile> RunFile::create(const std::filesystem::path& final_path) {
  return std::make_unique<H5RunFile>(final_path, final_path.string() + ".tmp");
}

std::unique_ptr<RunFile> RunFile::create(const std::filesystem::path& final_path,
                                         const std::filesystem::path& tmp_path) {
  return std::make_unique<H5RunFile>(final_path, tmp_path);
}

}  // namespace qg::results
