#include "table_writer.hpp"

#include <algorithm>
#include <bit>
#include <utility>

#include "qg/core/error.hpp"

namespace qg::results {

namespace {
// Measured on 10^7 rows x 8 columns: uncompressed 1.6-1.9 s for 642 MB, shuffle + deflate(1)
// 8.8-9.8 s for 178 MB. Five times slower writes is too much for the coordinator's hot path,
// so tables stay uncompressed; `h5repack -f SHUF -f GZIP=1` can shrink an archived run.
constexpr bool kCompressTables = false;
// Columns are stored little-endian; the digest hashes the buffers, which must hold those bytes.
static_assert(std::endian::native == std::endian::little, "column digests assume a little-endian host");
}  // namespace

H5TableWriter::H5TableWriter(hid_t file, const std::string& group, const std::vector<Column>& columns,
                             std::string where)
    : file_(file), group_(h5::absolute(group)), where_(std::move(where)) {
  h5::QuietErrors quiet;
  if (columns.empty()) throw InternalError(where_ + ": table " + group_ + " has no columns");
  h5::require_group(file, group_, where_);
  sinks_.reserve(columns.size());
  for (const Column& column : columns) {
    const std::string path = h5::join(group_, column.name);
    const bool repeated =
        std::any_of(sinks_.begin(), sinks_.end(), [&](const Sink& sink) { return sink.column.name == column.name; });
    if (repeated || h5::exists(file, path)) throw IoError(where_ + ": column " + path + " already exists");
    const hid_t type = column.type == ColumnType::kInt64 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    sinks_.push_back(Sink{column, h5::Handle(), {}, {}, DatasetHash::of_type(path, type)});
  }
}

void H5TableWriter::append(std::span<const double> rows) {
  h5::QuietErrors quiet;
  const std::size_t width = sinks_.size();
  if (closed_) throw IoError(where_ + ": table " + group_ + " appended to after commit");
  if (rows.size() % width != 0)
    throw InternalError(where_ + ": table " + group_ + ": " + std::to_string(rows.size()) +
                        " values is not a whole number of rows of " + std::to_string(width));
  std::size_t row = 0;
  const std::size_t n_rows = rows.size() / width;
  while (row < n_rows) {
    const std::size_t take = std::min<std::size_t>(n_rows - row, block_rows() - buffered_);
    for (std::size_t c = 0; c < width; ++c) append_column(sinks_[c], rows.subspan(row * width), width, c, take);
    row += take;
    buffered_ += take;
    if (buffered_ == block_rows()) flush();
  }
}

void H5TableWriter::append_column(Sink& sink, std::span<const double> rows, std::size_t width, std::size_t column,
                                  std::size_t n) {
  // Column by column: one resize per block, then a strided gather the compiler keeps in registers.
  const double* from = rows.data() + column;
  if (sink.column.type == ColumnType::kInt64) {
    const std::size_t at = sink.i64.size();
    sink.i64.resize(at + n);
    std::int64_t* to = sink.i64.data() + at;
    for (std::size_t r = 0; r < n; ++r) to[r] = static_cast<std::int64_t>(from[r * width]);
  } else {
    const std::size_t at = sink.f64.size();
    sink.f64.resize(at + n);
    double* to = sink.f64.data() + at;
    for (std::size_t r = 0; r < n; ++r) to[r] = from[r * width];
  }
}

void H5TableWriter::create_datasets(hsize_t chunk_rows) {
  // A chunk is stored whole: a table that ends below kChunkRows rows would cost 512 KiB per
  // column on disk (and in the final fsync), so close() creates it with a chunk of its size.
  if (created_) return;
  h5::Handle parent = h5::open_object(file_, group_, where_);
  for (Sink& sink : sinks_) {
    const hid_t type = sink.column.type == ColumnType::kInt64 ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    // Write-through: a full block is in the file (and its write-back started) when flush() returns,
    // instead of in HDF5's chunk cache until close, where the last two blocks of every column
    // would be written, and then synced, after the stage.
    sink.dataset = h5::create_extendible(parent.get(), sink.column.name, type, chunk_rows, kCompressTables, where_,
                                         h5::ChunkCache::kWriteThrough);
  }
  created_ = true;
}

void H5TableWriter::flush() {
  const bool full = buffered_ == block_rows();  // before create_datasets, which changes the block
  create_datasets(kChunkRows);
  for (Sink& sink : sinks_) {
    hsize_t size = written_;
    const std::string where = where_ + ":" + h5::join(group_, sink.column.name);
    if (sink.column.type == ColumnType::kInt64) {
      h5::append(sink.dataset.get(), H5T_NATIVE_INT64, sink.i64.data(), buffered_, size, where);
      sink.hash.update(sink.i64.data(), sink.i64.size() * sizeof(std::int64_t));
      sink.i64.clear();
    } else {
      h5::append(sink.dataset.get(), H5T_NATIVE_DOUBLE, sink.f64.data(), buffered_, size, where);
      sink.hash.update(sink.f64.data(), sink.f64.size() * sizeof(double));
      sink.f64.clear();
    }
  }
  // Full blocks go to disk now, so the commit's fsync waits for the last rows only. A table's
  // last, partial flush is left to that fsync: the metadata HDF5 writes at close dirties the
  // same pages again, and a small run would start writeback once per table for nothing.
  if (full && sync_each_block_)
    h5::sync_data(file_, where_);
  else if (full)
    h5::start_writeback(file_);
  written_ += buffered_;
  buffered_ = 0;
}

void H5TableWriter::store_digests() {
  for (Sink& sink : sinks_) {
    const std::string where = where_ + ":" + h5::join(group_, sink.column.name);
    h5::write_attribute(sink.dataset.get(), kDatasetDigestAttribute, sink.hash.finish({written_}), where);
  }
}

bool H5TableWriter::holds(const std::string& path) const {
  return std::any_of(sinks_.begin(), sinks_.end(),
                     [&](const Sink& sink) { return h5::join(group_, sink.column.name) == path; });
}

void H5TableWriter::close() {
  if (closed_) return;
  h5::QuietErrors quiet;
  create_datasets(std::max<hsize_t>(buffered_, 1));  // a table never flushed fits in one chunk
  flush();
  store_digests();
  // Write every cached chunk while all datasets are still open: a full disk fails here, and the
  // run file can then close them all cleanly. A failed H5Dclose would leave a half-closed dataset
  // behind that HDF5 cannot release, even at exit.
  for (Sink& sink : sinks_)
    h5::check_status(H5Dflush(sink.dataset.get()), where_, "cannot write column " + sink.column.name);
  for (Sink& sink : sinks_) {
    if (!sink.dataset.close()) h5::throw_io(where_, "cannot close column " + sink.column.name);
    std::vector<double>().swap(sink.f64);  // release the buffers: the file may live on
    std::vector<std::int64_t>().swap(sink.i64);
  }
  closed_ = true;
}

}  // namespace qg::results
