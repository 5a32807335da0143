#pragma once
// Thin RAII and error-reporting layer over the HDF5 C API, private to qg::results.
// Every failing call becomes a qg::IoError (or DataError) naming the file and the object,
// with HDF5's own innermost reason appended; HDF5's automatic stderr dump is silenced.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qg::results::h5 {

//! Owns one HDF5 identifier of any kind and closes it with the matching H5?close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  //! Closes the identifier now; returns false when HDF5 reported a failure.
  bool close() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
};

//! Turns HDF5's automatic error printing off for the current thread while in scope.
class QuietErrors {
 public:
  QuietErrors();
  ~QuietErrors();
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t old_func_ = nullptr;
  void* old_data_ = nullptr;
};

//! The most specific message on the current HDF5 error stack ("" when empty).
std::string last_error();
//! Throws IoError "WHERE: what (HDF5 reason)". Call right after the failing HDF5 call.
[[noreturn]] void throw_io(const std::string& where, const std::string& what);
//! Returns `id`, or throws IoError via throw_io when it is negative.
hid_t check(hid_t id, const std::string& where, const std::string& what);
//! Throws IoError via throw_io when `status` is negative.
void check_status(herr_t status, const std::string& where, const std::string& what);

//! "FILE" or "FILE:/object" for messages.
std::string where(const std::filesystem::path& file, const std::string& object = "");
//! "/a/b" for ("/a", "b"); handles a root or empty parent.
std::string join(const std::string& parent, const std::string& child);
//! Prefixes '/' when missing and strips a trailing one ("sweep/" -> "/sweep").
std::string absolute(const std::string& object);

//! Creates (truncating) a file written without modification times, so equal content gives
//! equal bytes.
Handle create_file(const std::filesystem::path& path);
//! Opens an existing file read-only or read-write.
Handle open_file(const std::filesystem::path& path, bool writable);
//! Closes a file, failing if any object in it is still open.
void close_file(Handle& file, const std::filesystem::path& path);
//! Points the descriptor of a file that is being thrown away at an anonymous memory file, so
//! that whatever HDF5 still writes while its objects and the file are closed (metadata, cached
//! chunks) cannot fail on a full disk; a failed close would leave the file open inside HDF5,
//! whose clean-up at exit then crashes. The file's own content is discarded. Never throws.
void divert_writes(const Handle& file) noexcept;
//! Closes a file that is being thrown away: diverts its writes (divert_writes), closes every
//! object still open in it, then the file. Never throws.
void abandon_file(Handle& file) noexcept;

//! True when every component of `object` exists ("/" always exists).
bool exists(hid_t file, const std::string& object);
//! Opens a group or dataset by absolute path.
Handle open_object(hid_t file, const std::string& object, const std::string& where);
//! Opens the group, creating it and its parents when missing.
Handle require_group(hid_t file, const std::string& group, const std::string& where);
//! H5O_type_t of an object, or H5O_TYPE_UNKNOWN when it does not exist.
H5O_type_t object_type(hid_t loc, const std::string& name);

//! Link creation list that creates missing parent groups and stores UTF-8 names.
Handle link_creation_list();
//! Group/dataset creation list without modification times (byte-reproducible files).
Handle group_creation_list();
//! Variable-length UTF-8 string type.
Handle utf8_string_type();

//! Writes (replacing) a scalar attribute.
void write_attribute(hid_t object, const std::string& name, const std::string& value, const std::string& where);
void write_attribute(hid_t object, const std::string& name, std::int64_t value, const std::string& where);
void write_attribute(hid_t object, const std::string& name, double value, const std::string& where);
//! Reads a string attribute (variable or fixed length, ASCII or UTF-8); nullopt when absent.
std::optional<std::string> read_string_attribute(hid_t object, const std::string& name, const std::string& where);
//! Names of an object's attributes, in name order.
std::vector<std::string> attribute_names(hid_t object, const std::string& where);

//! Whether a dataset's writes stay in HDF5's chunk cache (1 MiB a dataset) until evicted or closed, or go to
//! the file as each H5Dwrite ends (for a writer that writes whole chunks and wants them written now). A
//! write-through dataset has no fill value written (H5D_FILL_TIME_NEVER): the first write into a chunk writes
//! its rows alone, not the whole chunk with the rest filled; rows past the dataset's end are never read.
enum class ChunkCache { kCached, kWriteThrough };

//! Creates an empty chunked 1-D dataset that can grow without limit.
Handle create_extendible(hid_t loc, const std::string& name, hid_t file_type, hsize_t chunk_rows, bool compress,
                         const std::string& where, ChunkCache cache = ChunkCache::kCached);
//! Appends `n` elements of `mem_type` at position `size` (in/out: the dataset's length).
void append(hid_t dataset, hid_t mem_type, const void* data, hsize_t n, hsize_t& size, const std::string& where);
//! Length of a 1-D dataset; throws DataError when it is not 1-D.
hsize_t length(hid_t dataset, const std::string& where);
//! Reads elements [first, first + n) of a 1-D dataset converted to `mem_type`.
void read_range(hid_t dataset, hid_t mem_type, hsize_t first, hsize_t n, void* out, const std::string& where);
//! Writes a whole 1-D dataset in one go (contiguous layout); returns it, still open.
Handle write_vector(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, const void* data, hsize_t n,
                    const std::string& where);
//! Writes a 1-D variable-length UTF-8 string dataset; returns it, still open.
Handle write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values,
                     const std::string& where);
//! Reads a 1-D string dataset (variable or fixed length); DataError when it holds no strings.
std::vector<std::string> read_strings(hid_t dataset, const std::string& where);

//! Checks the root `schema_version` attribute ("MAJOR.MINOR"): DataError when it is missing
//! (`what` names the expected kind of file) or its major is newer than `supported_major`.
void require_schema(hid_t file, const std::filesystem::path& path, int supported_major, const std::string& what);

//! Flushes a closed file to stable storage (fsync of the file and its directory).
void sync_file(const std::filesystem::path& path);
//! Starts writing the file's dirty pages to the disk without waiting (sync_file_range with
//! SYNC_FILE_RANGE_WRITE), so that the fsync at commit finds little left to write. Best effort:
//! files of other drivers than sec2, and any failure, are left to that fsync, which reports them.
void start_writeback(hid_t file) noexcept;
//! Waits until the pages written to the file so far are on the disk (fdatasync), so that the
//! fsync at commit waits for what came after only; IoError naming `where` when it fails. Files
//! of other drivers than sec2 are left to that fsync.
void sync_data(hid_t file, const std::string& where);
//! rename(2) with IoError naming both paths, then the fsync of the folder (sync_parent_folder).
void rename_file(const std::filesystem::path& from, const std::filesystem::path& to);
//! rename(2) with IoError naming both paths; the new directory entry is not yet durable.
void rename_over(const std::filesystem::path& from, const std::filesystem::path& to);
//! Persists the directory entries of the folder holding `path` (fsync of the folder). A failure
//! only weakens durability, not correctness, and is ignored.
void sync_parent_folder(const std::filesystem::path& path) noexcept;

}  // namespace qg::results::h5
