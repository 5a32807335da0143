// Attributes and datasets: the typed reads and writes behind RunFile, RunReader and the store.
#include <cstring>

#include "h5.hpp"
#include "qg/core/error.hpp"

namespace qg::results::h5 {

// ---- attributes ----

namespace {
Handle fresh_attribute(hid_t object, const std::string& name, hid_t type, const std::string& where) {
  if (H5Aexists(object, name.c_str()) > 0)
    check_status(H5Adelete(object, name.c_str()), where, "cannot replace attribute " + name);
  Handle space(H5Screate(H5S_SCALAR));
  Handle acpl(H5Pcreate(H5P_ATTRIBUTE_CREATE));
  H5Pset_char_encoding(acpl.get(), H5T_CSET_UTF8);
  return Handle(check(H5Acreate2(object, name.c_str(), type, space.get(), acpl.get(), H5P_DEFAULT), where,
                      "cannot create attribute " + name));
}

std::string trim_fixed(const char* data, std::size_t size, H5T_str_t pad) {
  std::string text(data, strnlen(data, size));
  if (pad == H5T_STR_SPACEPAD)
    while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}
}  // namespace

void write_attribute(hid_t object, const std::string& name, const std::string& value, const std::string& where) {
  Handle type = utf8_string_type();
  Handle attr = fresh_attribute(object, name, type.get(), where);
  const char* text = value.c_str();
  check_status(H5Awrite(attr.get(), type.get(), &text), where, "cannot write attribute " + name);
}

void write_attribute(hid_t object, const std::string& name, std::int64_t value, const std::string& where) {
  Handle attr = fresh_attribute(object, name, H5T_STD_I64LE, where);
  check_status(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), where, "cannot write attribute " + name);
}

void write_attribute(hid_t object, const std::string& name, double value, const std::string& where) {
  Handle attr = fresh_attribute(object, name, H5T_IEEE_F64LE, where);
  check_status(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), where, "cannot write attribute " + name);
}

std::optional<std::string> read_string_attribute(hid_t object, const std::string& name, const std::string& where) {
  if (H5Aexists(object, name.c_str()) <= 0) return std::nullopt;
  Handle attr(check(H5Aopen(object, name.c_str(), H5P_DEFAULT), where, "cannot open attribute " + name));
  Handle file_type(H5Aget_type(attr.get()));
  if (H5Tget_class(file_type.get()) != H5T_STRING) throw DataError(where + ": attribute " + name + " is not a string");
  if (H5Tis_variable_str(file_type.get()) > 0) {
    // The memory type must carry the file's character set, or HDF5 finds no conversion path.
    Handle mem_type(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem_type.get(), H5T_VARIABLE);
    H5Tset_cset(mem_type.get(), H5Tget_cset(file_type.get()));
    char* text = nullptr;
    check_status(H5Aread(attr.get(), mem_type.get(), &text), where, "cannot read attribute " + name);
    std::string value = text != nullptr ? text : "";
    Handle space(H5Aget_space(attr.get()));
    H5Dvlen_reclaim(mem_type.get(), space.get(), H5P_DEFAULT, &text);
    return value;
  }
  const std::size_t size = H5Tget_size(file_type.get());
  std::vector<char> buffer(size + 1, '\0');
  check_status(H5Aread(attr.get(), file_type.get(), buffer.data()), where, "cannot read attribute " + name);
  return trim_fixed(buffer.data(), size, H5Tget_strpad(file_type.get()));
}

namespace {
herr_t collect_attribute(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}
}  // namespace

std::vector<std::string> attribute_names(hid_t object, const std::string& where) {
  std::vector<std::string> names;
  check_status(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute, &names), where,
               "cannot list attributes");
  return names;
}

// ---- datasets ----

Handle create_extendible(hid_t loc, const std::string& name, hid_t file_type, hsize_t chunk_rows, bool compress,
                         const std::string& where, ChunkCache cache) {
  const hsize_t dims[1] = {0};
  const hsize_t max_dims[1] = {H5S_UNLIMITED};
  Handle space(H5Screate_simple(1, dims, max_dims));
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl.get(), 1, &chunk_rows);
  H5Pset_obj_track_times(dcpl.get(), 0);
  if (compress) {
    H5Pset_shuffle(dcpl.get());
    H5Pset_deflate(dcpl.get(), 1);
  }
  Handle lcpl = link_creation_list();
  Handle dapl(H5Pcreate(H5P_DATASET_ACCESS));
  if (cache == ChunkCache::kWriteThrough) {
    H5Pset_chunk_cache(dapl.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT);
    // With a fill value to write, HDF5 puts a chunk's first write through the cache, cache or not, and
    // writes the whole chunk: a table's last, partial chunk (a few rows) would cost 512 KiB a column.
    H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
  }
  return Handle(check(H5Dcreate2(loc, name.c_str(), file_type, space.get(), lcpl.get(), dcpl.get(), dapl.get()), where,
                      "cannot create dataset " + name));
}

namespace {
//! The dataset's file space with rows [first, first+n) selected.
Handle select_rows(hid_t dataset, hsize_t first, hsize_t n, const std::string& where) {
  Handle file_space(H5Dget_space(dataset));
  const hsize_t start[1] = {first};
  const hsize_t count[1] = {n};
  check_status(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), where,
               "cannot select rows");
  return file_space;
}
}  // namespace

namespace {
//! The transfer list of every read and write here: HDF5's type-conversion buffer (used whenever the
//! memory and file types differ, variable-length strings always) is allocated and zeroed at every
//! H5Dread/H5Dwrite that converts, 1 MiB by default; 64 KiB converts in more strips, but a
//! process that makes a few dozen such calls no longer zeroes megabytes for them.
hid_t transfer_list() {
  static const hid_t dxpl = [] {
    const hid_t list = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_buffer(list, std::size_t{64} << 10, nullptr, nullptr);
    return list;
  }();
  return dxpl;
}
}  // namespace

void append(hid_t dataset, hid_t mem_type, const void* data, hsize_t n, hsize_t& size, const std::string& where) {
  if (n == 0) return;
  const hsize_t new_size[1] = {size + n};
  check_status(H5Dset_extent(dataset, new_size), where, "cannot extend dataset");
  Handle file_space = select_rows(dataset, size, n, where);
  Handle mem_space(H5Screate_simple(1, &n, nullptr));
  check_status(H5Dwrite(dataset, mem_type, mem_space.get(), file_space.get(), transfer_list(), data), where,
               "cannot write rows");
  size += n;
}

hsize_t length(hid_t dataset, const std::string& where) {
  Handle space(check(H5Dget_space(dataset), where, "cannot get dataspace"));
  if (H5Sget_simple_extent_ndims(space.get()) != 1) throw DataError(where + ": not a 1-D dataset");
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  return dims[0];
}

void read_range(hid_t dataset, hid_t mem_type, hsize_t first, hsize_t n, void* out, const std::string& where) {
  if (n == 0) return;
  Handle file_space = select_rows(dataset, first, n, where);
  Handle mem_space(H5Screate_simple(1, &n, nullptr));
  check_status(H5Dread(dataset, mem_type, mem_space.get(), file_space.get(), transfer_list(), out), where,
               "cannot read dataset");
}

namespace {
Handle create_fixed(hid_t loc, const std::string& name, hid_t file_type, hsize_t n, const std::string& where) {
  const hsize_t dims[1] = {n};
  Handle space(H5Screate_simple(1, dims, nullptr));
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(dcpl.get(), 0);
  Handle lcpl = link_creation_list();
  if (H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0) throw IoError(where + ": dataset " + name + " already exists");
  return Handle(check(H5Dcreate2(loc, name.c_str(), file_type, space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT), where,
                      "cannot create dataset " + name));
}
}  // namespace

Handle write_vector(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, const void* data, hsize_t n,
                    const std::string& where) {
  Handle dataset = create_fixed(loc, name, file_type, n, where);
  if (n > 0)
    check_status(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, transfer_list(), data), where,
                 "cannot write dataset " + name);
  return dataset;
}

Handle write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values,
                     const std::string& where) {
  Handle type = utf8_string_type();
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) pointers.push_back(value.c_str());
  return write_vector(loc, name, type.get(), type.get(), pointers.data(), pointers.size(), where);
}

namespace {
std::vector<std::string> read_variable_strings(hid_t dataset, hid_t file_type, hsize_t n, const std::string& where) {
  Handle mem_type(H5Tcopy(H5T_C_S1));
  H5Tset_size(mem_type.get(), H5T_VARIABLE);
  H5Tset_cset(mem_type.get(), H5Tget_cset(file_type));
  std::vector<char*> pointers(n, nullptr);
  Handle space(H5Dget_space(dataset));
  check_status(H5Dread(dataset, mem_type.get(), H5S_ALL, H5S_ALL, transfer_list(), pointers.data()), where,
               "cannot read strings");
  std::vector<std::string> values;
  values.reserve(n);
  for (const char* p : pointers) values.emplace_back(p != nullptr ? p : "");
  H5Dvlen_reclaim(mem_type.get(), space.get(), transfer_list(), pointers.data());
  return values;
}

std::vector<std::string> read_fixed_strings(hid_t dataset, hid_t file_type, hsize_t n, const std::string& where) {
  const std::size_t size = H5Tget_size(file_type);
  std::vector<char> buffer(n * size + 1, '\0');
  check_status(H5Dread(dataset, file_type, H5S_ALL, H5S_ALL, transfer_list(), buffer.data()), where,
               "cannot read strings");
  std::vector<std::string> values;
  values.reserve(n);
  const H5T_str_t pad = H5Tget_strpad(file_type);
  for (hsize_t i = 0; i < n; ++i) values.push_back(trim_fixed(buffer.data() + i * size, size, pad));
  return values;
}
}  // namespace

std::vector<std::string> read_strings(hid_t dataset, const std::string& where) {
  Handle file_type(H5Dget_type(dataset));
  if (H5Tget_class(file_type.get()) != H5T_STRING) throw DataError(where + ": not a string dataset");
  const hsize_t n = length(dataset, where);
  if (H5Tis_variable_str(file_type.get()) > 0) return read_variable_strings(dataset, file_type.get(), n, where);
  return read_fixed_strings(dataset, file_type.get(), n, where);
}

}  // namespace qg::results::h5
