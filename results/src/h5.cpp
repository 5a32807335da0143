#include "h5.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "qg/core/error.hpp"

namespace qg::results::h5 {

// ---- handles and errors ----

Handle::Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    close();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
  }
  return *this;
}

bool Handle::close() noexcept {
  if (id_ < 0) return true;
  QuietErrors quiet;  // destructors run outside any caller's QuietErrors scope
  herr_t status = 0;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      status = H5Fclose(id_);
      break;
    case H5I_GROUP:
      status = H5Gclose(id_);
      break;
    case H5I_DATASET:
      status = H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      status = H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      status = H5Tclose(id_);
      break;
    case H5I_ATTR:
      status = H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      status = H5Pclose(id_);
      break;
    default:
      status = H5Idec_ref(id_) < 0 ? -1 : 0;
      break;
  }
  id_ = H5I_INVALID_HID;
  return status >= 0;
}

QuietErrors::QuietErrors() {
  H5Eget_auto2(H5E_DEFAULT, &old_func_, &old_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

QuietErrors::~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, old_func_, old_data_); }

namespace {
herr_t keep_innermost(unsigned n, const H5E_error2_t* error, void* out) {
  if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
  return 0;
}

//! The sec2 driver's I/O failures run over several lines (time, file name, buffer address,
//! offsets, errno); keep "file write failed: REASON" on one line.
std::string condense_io_failure(const std::string& text) {
  const std::string key = "error message = '";
  const auto start = text.find(key);
  if (start == std::string::npos) return text;
  const auto end = text.find('\'', start + key.size());
  const auto colon = text.find(':');
  const std::string what = colon == std::string::npos ? std::string("I/O failed") : text.substr(0, colon);
  return what + ": " + text.substr(start + key.size(), end == std::string::npos ? end : end - start - key.size());
}
}  // namespace

std::string last_error() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &text);
  return condense_io_failure(text);
}

void throw_io(const std::string& where, const std::string& what) {
  const std::string reason = last_error();
  throw IoError(where + ": " + what + (reason.empty() ? "" : " (" + reason + ")"));
}

hid_t check(hid_t id, const std::string& where, const std::string& what) {
  if (id < 0) throw_io(where, what);
  return id;
}

void check_status(herr_t status, const std::string& where, const std::string& what) {
  if (status < 0) throw_io(where, what);
}

std::string where(const std::filesystem::path& file, const std::string& object) {
  return object.empty() ? file.string() : file.string() + ":" + object;
}

std::string join(const std::string& parent, const std::string& child) {
  if (parent.empty() || parent == "/") return "/" + child;
  return parent + "/" + child;
}

std::string absolute(const std::string& object) {
  std::string out = object.empty() || object.front() != '/' ? "/" + object : object;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

// ---- files ----

Handle create_file(const std::filesystem::path& path) {
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  // SEMI: closing the file fails loudly if a dataset was left open, instead of silently
  // keeping the file open past the rename.
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI);
  return Handle(
      check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), path.string(), "cannot create HDF5 file"));
}

Handle open_file(const std::filesystem::path& path, bool writable) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IoError(path.string() + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw DataError(path.string() + ": not an HDF5 file");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI);
  const unsigned flags = writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY;
  return Handle(check(H5Fopen(path.c_str(), flags, fapl.get()), path.string(), "cannot open HDF5 file"));
}

void close_file(Handle& file, const std::filesystem::path& path) {
  if (!file.close()) throw_io(path.string(), "cannot close HDF5 file");
}

void divert_writes(const Handle& file) noexcept {
  if (!file) return;
  QuietErrors quiet;
  void* vfd = nullptr;
  if (H5Fget_vfd_handle(file.get(), H5P_DEFAULT, &vfd) < 0 || vfd == nullptr) return;
  const int memory = ::memfd_create("quantgrid-discarded", MFD_CLOEXEC);
  if (memory < 0) return;
  ::dup2(memory, *static_cast<int*>(vfd));  // the descriptor now names the memory file
  ::close(memory);
}

void abandon_file(Handle& file) noexcept {
  if (!file) return;
  QuietErrors quiet;
  divert_writes(file);
  const unsigned kinds = H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR | H5F_OBJ_LOCAL;
  const ssize_t open = H5Fget_obj_count(file.get(), kinds);
  if (open > 0) {
    std::vector<hid_t> ids(static_cast<std::size_t>(open));
    const ssize_t n = H5Fget_obj_ids(file.get(), kinds, ids.size(), ids.data());
    for (ssize_t i = 0; i < n; ++i) Handle(ids[static_cast<std::size_t>(i)]).close();
  }
  file.close();
}

// ---- objects ----

bool exists(hid_t file, const std::string& object) {
  const std::string path = absolute(object);
  if (path == "/") return true;
  std::string prefix;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    prefix = path.substr(0, slash);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    start = slash + 1;
  }
  return true;
}

Handle open_object(hid_t file, const std::string& object, const std::string& where) {
  const std::string path = absolute(object);
  if (!exists(file, path)) throw DataError(where + ": no object " + path);
  return Handle(check(H5Oopen(file, path.c_str(), H5P_DEFAULT), where, "cannot open " + path));
}

Handle require_group(hid_t file, const std::string& group, const std::string& where) {
  const std::string path = absolute(group);
  if (exists(file, path))
    return Handle(check(H5Gopen2(file, path.c_str(), H5P_DEFAULT), where, "cannot open group " + path));
  Handle lcpl = link_creation_list();
  Handle gcpl = group_creation_list();
  return Handle(
      check(H5Gcreate2(file, path.c_str(), lcpl.get(), gcpl.get(), H5P_DEFAULT), where, "cannot create group " + path));
}

H5O_type_t object_type(hid_t loc, const std::string& name) {
  if (name.starts_with('/') && !exists(loc, name)) return H5O_TYPE_UNKNOWN;
  H5O_info_t info{};
  if (H5Oget_info_by_name2(loc, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return info.type;
}

Handle link_creation_list() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8);
  return lcpl;
}

Handle group_creation_list() {
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_obj_track_times(gcpl.get(), 0);
  return gcpl;
}

Handle utf8_string_type() {
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

// ---- quantgrid conventions ----

void require_schema(hid_t file, const std::filesystem::path& path, int supported_major, const std::string& what) {
  Handle root(check(H5Oopen(file, "/", H5P_DEFAULT), path.string(), "cannot open root group"));
  const auto version = read_string_attribute(root.get(), "schema_version", path.string());
  if (!version) throw DataError(path.string() + ": not a " + what + " (no schema_version attribute)");
  int major = 0;
  const char* begin = version->data();
  const auto [end, ec] = std::from_chars(begin, begin + version->size(), major);
  if (ec != std::errc() || end == begin)
    throw DataError(path.string() + ": unreadable schema_version '" + *version + "'");
  if (major > supported_major)
    throw DataError(path.string() + ": schema version " + *version + " is newer than this quantgrid understands (" +
                    std::to_string(supported_major) + ".x); upgrade quantgrid");
}

// ---- durability ----

void sync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(path.string() + ": cannot open for fsync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) throw IoError(path.string() + ": fsync failed: " + std::strerror(saved));
}

namespace {

//! The file descriptor of a file open with the sec2 driver, or -1 for another driver.
int sec2_descriptor(hid_t file) noexcept {
  const hid_t fapl = H5Fget_access_plist(file);
  if (fapl < 0) return -1;
  const bool sec2 = H5Pget_driver(fapl) == H5FD_SEC2;  // its handle is a file descriptor
  H5Pclose(fapl);
  void* handle = nullptr;
  if (!sec2 || H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || handle == nullptr) return -1;
  return *static_cast<int*>(handle);
}

}  // namespace

void start_writeback(hid_t file) noexcept {
  const int fd = sec2_descriptor(file);
  if (fd >= 0) (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

void sync_data(hid_t file, const std::string& where) {
  const int fd = sec2_descriptor(file);
  if (fd >= 0 && ::fdatasync(fd) != 0) throw IoError(where + ": fdatasync failed: " + std::strerror(errno));
}

void rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  rename_over(from, to);
  sync_parent_folder(to);
}

void rename_over(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0)
    throw IoError(from.string() + ": cannot rename to " + to.string() + ": " + std::strerror(errno));
}

void sync_parent_folder(const std::filesystem::path& path) noexcept {
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace qg::results::h5
