// RunReader: reads tables, strings and attributes back from a run file, and digests every
// dataset so two runs can be compared byte for byte.
#include <algorithm>
#include <limits>
#include <optional>
#include <cstdio>

#include "dataset_hash.hpp"
#include "h5.hpp"
#include "qg/core/error.hpp"
#include "qg/results/run_file.hpp"
#include "qg/core/sha256.hpp"

namespace qg::results {

const std::vector<double>& Table::column(const std::string& name) const {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw DataError("table has no column '" + name + "'");
  return columns[static_cast<std::size_t>(it - names.begin())];
}

namespace {

// ---- link walking ----

struct Walk {
  std::vector<std::string> names;  // relative to the walked group
  bool numeric_1d_only = false;
};

bool is_numeric_1d(hid_t dataset) {
  h5::Handle type(H5Dget_type(dataset));
  const H5T_class_t cls = H5Tget_class(type.get());
  h5::Handle space(H5Dget_space(dataset));
  return (cls == H5T_INTEGER || cls == H5T_FLOAT) && H5Sget_simple_extent_ndims(space.get()) == 1;
}

herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t* info, void* data) {
  auto& walk = *static_cast<Walk*>(data);
  if (info->type != H5L_TYPE_HARD || h5::object_type(group, name) != H5O_TYPE_DATASET) return 0;
  if (walk.numeric_1d_only) {
    h5::Handle dataset(H5Dopen2(group, name, H5P_DEFAULT));
    if (!dataset || !is_numeric_1d(dataset.get())) return 0;
  }
  walk.names.emplace_back(name);
  return 0;
}

std::vector<std::string> datasets_below(hid_t group, bool numeric_1d_only, const std::string& where) {
  Walk walk{{}, numeric_1d_only};
  h5::check_status(H5Lvisit(group, H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &walk), where, "cannot list datasets");
  std::sort(walk.names.begin(), walk.names.end());
  return walk.names;
}

// ---- digest ----

//! Feeds a dataset's data to the whole-file hash and, when given, to its own digest.
struct DataSink {
  Sha256& file;
  DatasetHash* own;
  void update(const void* data, std::size_t size) {
    file.update(data, size);
    if (own != nullptr) own->update(data, size);
  }
  void update_string(const std::string& value) {
    hash_u64(file, value.size());
    file.update(value);
    if (own != nullptr) own->update_string(value);
  }
};

void hash_raw(DataSink& hash, hid_t dataset, hid_t file_type, const std::vector<hsize_t>& dims,
              const std::string& where) {
  const std::size_t element = H5Tget_size(file_type);
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  if (total == 0) return;
  if (dims.size() != 1) {  // rare in run files; small enough to read whole
    std::vector<unsigned char> buffer(total * element);
    h5::check_status(H5Dread(dataset, file_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), where,
                     "cannot read dataset");
    hash.update(buffer.data(), buffer.size());
    return;
  }
  // Reading with the file type itself performs no conversion: these are the stored bytes.
  const hsize_t slab = std::max<hsize_t>(1, (hsize_t{1} << 23) / element);
  std::vector<unsigned char> buffer(std::min(slab, total) * element);
  for (hsize_t first = 0; first < total; first += slab) {
    const hsize_t n = std::min(slab, total - first);
    h5::read_range(dataset, file_type, first, n, buffer.data(), where);
    hash.update(buffer.data(), n * element);
  }
}

//! Feeds the dataset at `path` to `hash` (datasets_digest()); with `check`, also recomputes its
//! own digest and compares it with the stored one.
void hash_dataset(Sha256& hash, hid_t file, const std::string& path, const std::string& where,
                  std::vector<DatasetCheck>* check) {
  h5::Handle dataset(h5::check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), where, "cannot open dataset"));
  h5::Handle type(H5Dget_type(dataset.get()));
  h5::Handle space(H5Dget_space(dataset.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  const H5T_class_t cls = H5Tget_class(type.get());

  hash.update(path);
  hash.update("\0", 1);
  hash_u64(hash, static_cast<std::uint64_t>(cls));
  hash_u64(hash, H5Tget_size(type.get()));
  hash_u64(hash, dims.size());
  for (hsize_t d : dims) hash_u64(hash, d);

  // Only a dataset with a stored digest is hashed a second time (files of older versions: none).
  const auto stored =
      check != nullptr ? h5::read_string_attribute(dataset.get(), kDatasetDigestAttribute, where) : std::nullopt;
  std::optional<DatasetHash> own;
  if (stored) own.emplace(path, dataset.get());
  DataSink sink{hash, own ? &*own : nullptr};
  if (cls == H5T_STRING && H5Tis_variable_str(type.get()) > 0) {
    for (const std::string& value : h5::read_strings(dataset.get(), where)) sink.update_string(value);
  } else if (cls == H5T_VLEN || cls == H5T_REFERENCE) {
    throw DataError(where + ": cannot digest variable-length or reference data");
  } else {
    hash_raw(sink, dataset.get(), type.get(), dims, where);
  }
  if (check == nullptr) return;
  using Status = DatasetCheck::Status;
  const Status status = !stored ? Status::kMissing : *stored == own->finish(dims) ? Status::kOk : Status::kMismatch;
  check->push_back({path, status});
}

// ---- reader ----

class H5RunReader final : public RunReader {
 public:
  explicit H5RunReader(std::filesystem::path path);

  bool has(const std::string& object) const override;
  std::string string_attribute(const std::string& group, const std::string& name) const override;
  std::int64_t int_attribute(const std::string& group, const std::string& name) const override;
  double double_attribute(const std::string& group, const std::string& name) const override;
  std::vector<std::string> attribute_names(const std::string& group) const override;
  std::string attribute_text(const std::string& group, const std::string& name) const override;
  std::vector<std::string> string_datasets(const std::string& group) const override;
  Table read_table(const std::string& group) const override;
  Table read_table_rows(const std::string& group, std::size_t first, std::size_t count) const override;
  std::vector<std::string> read_strings(const std::string& dataset) const override;
  std::vector<double> read_column(const std::string& dataset) const override;
  std::string datasets_digest() const override;
  DatasetsCheck check_datasets() const override;

 private:
  //! Hashes every dataset in path order; with `check`, checks each one's stored digest too.
  std::string digest_all(std::vector<DatasetCheck>* check) const;
  //! Opens attribute `name` of `group`; DataError when missing or not a scalar.
  h5::Handle open_attribute(const std::string& group, const std::string& name) const;
  H5T_class_t attribute_class(const h5::Handle& attribute) const;
  std::string where(const std::string& object = "") const { return h5::where(path_, object); }

  std::filesystem::path path_;
  h5::Handle file_;
};

H5RunReader::H5RunReader(std::filesystem::path path) : path_(std::move(path)) {
  h5::QuietErrors quiet;
  file_ = h5::open_file(path_, false);
  h5::require_schema(file_.get(), path_, kSchemaMajor, "quantgrid run file");
}

bool H5RunReader::has(const std::string& object) const {
  h5::QuietErrors quiet;
  return h5::exists(file_.get(), object);
}

h5::Handle H5RunReader::open_attribute(const std::string& group, const std::string& name) const {
  h5::Handle object = h5::open_object(file_.get(), group, where(h5::absolute(group)));
  const std::string at = where(h5::absolute(group));
  if (H5Aexists(object.get(), name.c_str()) <= 0) throw DataError(at + ": no attribute '" + name + "'");
  h5::Handle attribute(h5::check(H5Aopen(object.get(), name.c_str(), H5P_DEFAULT), at, "cannot open " + name));
  h5::Handle space(H5Aget_space(attribute.get()));
  if (H5Sget_simple_extent_npoints(space.get()) != 1)
    throw DataError(at + ": attribute '" + name + "' is not a scalar");
  return attribute;
}

H5T_class_t H5RunReader::attribute_class(const h5::Handle& attribute) const {
  h5::Handle type(H5Aget_type(attribute.get()));
  return H5Tget_class(type.get());
}

std::string H5RunReader::string_attribute(const std::string& group, const std::string& name) const {
  h5::QuietErrors quiet;
  h5::Handle object = h5::open_object(file_.get(), group, where(h5::absolute(group)));
  const auto value = h5::read_string_attribute(object.get(), name, where(h5::absolute(group)));
  if (!value) throw DataError(where(h5::absolute(group)) + ": no attribute '" + name + "'");
  return *value;
}

std::int64_t H5RunReader::int_attribute(const std::string& group, const std::string& name) const {
  h5::QuietErrors quiet;
  h5::Handle attribute = open_attribute(group, name);
  if (attribute_class(attribute) != H5T_INTEGER)
    throw DataError(where(h5::absolute(group)) + ": attribute '" + name + "' is not an integer");
  std::int64_t value = 0;
  h5::check_status(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value), where(group), "cannot read " + name);
  return value;
}

double H5RunReader::double_attribute(const std::string& group, const std::string& name) const {
  h5::QuietErrors quiet;
  h5::Handle attribute = open_attribute(group, name);
  const H5T_class_t cls = attribute_class(attribute);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    throw DataError(where(h5::absolute(group)) + ": attribute '" + name + "' is not a number");
  double value = 0;
  h5::check_status(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), where(group), "cannot read " + name);
  return value;
}

std::vector<std::string> H5RunReader::attribute_names(const std::string& group) const {
  h5::QuietErrors quiet;
  h5::Handle object = h5::open_object(file_.get(), group, where(h5::absolute(group)));
  return h5::attribute_names(object.get(), where(h5::absolute(group)));
}

std::string H5RunReader::attribute_text(const std::string& group, const std::string& name) const {
  h5::QuietErrors quiet;
  const H5T_class_t cls = attribute_class(open_attribute(group, name));
  if (cls == H5T_STRING) return string_attribute(group, name);
  if (cls == H5T_INTEGER) return std::to_string(int_attribute(group, name));
  if (cls != H5T_FLOAT) throw DataError(where(h5::absolute(group)) + ": attribute '" + name + "' is not scalar text");
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", double_attribute(group, name));
  return text;
}

std::vector<std::string> H5RunReader::string_datasets(const std::string& group) const {
  h5::QuietErrors quiet;
  h5::Handle object = h5::open_object(file_.get(), group, where(h5::absolute(group)));
  std::vector<std::string> names;
  for (const std::string& name : datasets_below(object.get(), false, where(group))) {
    if (name.find('/') != std::string::npos) continue;  // direct members only
    h5::Handle dataset(H5Dopen2(object.get(), name.c_str(), H5P_DEFAULT));
    h5::Handle type(H5Dget_type(dataset.get()));
    h5::Handle space(H5Dget_space(dataset.get()));
    if (H5Tget_class(type.get()) == H5T_STRING && H5Sget_simple_extent_ndims(space.get()) == 1) names.push_back(name);
  }
  return names;
}

Table H5RunReader::read_table(const std::string& group) const {
  return read_table_rows(group, 0, std::numeric_limits<std::size_t>::max());
}

Table H5RunReader::read_table_rows(const std::string& group, std::size_t first, std::size_t count) const {
  h5::QuietErrors quiet;
  const std::string root = h5::absolute(group);
  if (!h5::exists(file_.get(), root)) throw DataError(where() + ": no table " + root);
  h5::Handle object = h5::open_object(file_.get(), root, where(root));
  Table table;
  table.names = datasets_below(object.get(), true, where(root));
  hsize_t rows = 0;
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    const std::string at = where(h5::join(root, table.names[c]));
    h5::Handle dataset(h5::check(H5Dopen2(object.get(), table.names[c].c_str(), H5P_DEFAULT), at, "cannot open"));
    const hsize_t n = h5::length(dataset.get(), at);
    if (c > 0 && n != rows)
      throw DataError(at + ": column has " + std::to_string(n) + " rows, expected " + std::to_string(rows));
    rows = n;
    const hsize_t begin = std::min<hsize_t>(first, n);
    const hsize_t size = std::min<hsize_t>(count, n - begin);
    std::vector<double> values(size);
    if (size > 0) h5::read_range(dataset.get(), H5T_NATIVE_DOUBLE, begin, size, values.data(), at);
    table.columns.push_back(std::move(values));
  }
  return table;
}

std::vector<std::string> H5RunReader::read_strings(const std::string& dataset) const {
  h5::QuietErrors quiet;
  const std::string path = h5::absolute(dataset);
  if (h5::object_type(file_.get(), path) != H5O_TYPE_DATASET) throw DataError(where(path) + ": no such dataset");
  h5::Handle object(h5::check(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), where(path), "cannot open"));
  return h5::read_strings(object.get(), where(path));
}

std::vector<double> H5RunReader::read_column(const std::string& dataset) const {
  h5::QuietErrors quiet;
  const std::string path = h5::absolute(dataset);
  if (h5::object_type(file_.get(), path) != H5O_TYPE_DATASET) throw DataError(where(path) + ": no such dataset");
  h5::Handle object(h5::check(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), where(path), "cannot open"));
  const hsize_t n = h5::length(object.get(), where(path));
  std::vector<double> values(n);
  if (n > 0) h5::read_range(object.get(), H5T_NATIVE_DOUBLE, 0, n, values.data(), where(path));
  return values;
}

std::string H5RunReader::digest_all(std::vector<DatasetCheck>* check) const {
  h5::QuietErrors quiet;
  h5::Handle root = h5::open_object(file_.get(), "/", where("/"));
  Sha256 hash;
  for (const std::string& name : datasets_below(root.get(), false, where("/")))
    hash_dataset(hash, file_.get(), "/" + name, where("/" + name), check);
  return hash.hex();
}

std::string H5RunReader::datasets_digest() const { return digest_all(nullptr); }

DatasetsCheck H5RunReader::check_datasets() const {
  DatasetsCheck result;
  result.digest = digest_all(&result.datasets);
  return result;
}

}  // namespace

std::size_t DatasetsCheck::count(DatasetCheck::Status status) const {
  return static_cast<std::size_t>(
      std::count_if(datasets.begin(), datasets.end(), [&](const DatasetCheck& d) { return d.status == status; }));
}

std::unique_ptr<RunReader> RunReader::open(const std::filesystem::path& path) {
  return std::make_unique<H5RunReader>(path);
}

}  // namespace qg::results
