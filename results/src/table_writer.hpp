#pragma once
// The HDF5 TableWriter: one chunked, extendible 1-D dataset per column, filled from column
// buffers. The datasets are created at the first flush, after kChunkRows rows, when the table's
// size is known to be at least one chunk, or at close with one chunk of the table's own size: a
// small table is written once, never created with 512 KiB chunks and remade. From then on the
// buffers are flushed every kFlushRows rows (a quarter chunk, written straight to the file: the
// columns have no fill value), so that no flush, with its write and digest, costs rank 0 a whole
// chunk of every column at once, least of all at the end of a stage. Each column's digest
// (dataset_hash.hpp) is taken from the buffers as they are written and stored at close.
#include <cstdint>
#include <string>
#include <vector>

#include "dataset_hash.hpp"
#include "h5.hpp"
#include "qg/results/run_file.hpp"

namespace qg::results {

//! Writes one table of a run file; owned by the RunFile that created it.
class H5TableWriter final : public TableWriter {
 public:
  //! Rows per chunk, and per flush until the datasets exist (64 Ki rows = 512 KiB per float64 column).
  static constexpr hsize_t kChunkRows = 65536;
  //! Rows per flush once the datasets exist: a quarter of a chunk.
  static constexpr hsize_t kFlushRows = kChunkRows / 4;

  //! Creates `group` and checks that no column exists yet; the column datasets are created
  //! later (create_datasets). `where` prefixes error messages.
  H5TableWriter(hid_t file, const std::string& group, const std::vector<Column>& columns, std::string where);

  void append(std::span<const double> rows) override;
  std::uint64_t rows() const override { return written_ + buffered_; }
  void sync_each_block() override { sync_each_block_ = true; }
  //! Writes buffered rows and closes the datasets; later appends throw IoError.
  void close();
  //! Whether `path` ("/sweep/sharpe") is one of this table's columns, created yet or not.
  bool holds(const std::string& path) const;

 private:
  struct Sink {
    Column column;
    h5::Handle dataset;
    std::vector<double> f64;
    std::vector<std::int64_t> i64;
    DatasetHash hash;
  };
  //! Appends column `column` of the first `n` rows of `rows` (row-major, `width` values a row).
  static void append_column(Sink& sink, std::span<const double> rows, std::size_t width, std::size_t column,
                            std::size_t n);
  //! Rows the buffers hold before a flush: kChunkRows before the datasets exist, kFlushRows after.
  hsize_t block_rows() const { return created_ ? kFlushRows : kChunkRows; }
  void flush();
  //! Stores each column's digest as its `sha256` attribute.
  void store_digests();
  //! Creates the column datasets, chunked by `chunk_rows`, unless they exist.
  void create_datasets(hsize_t chunk_rows);

  hid_t file_;
  std::string group_;
  std::string where_;
  std::vector<Sink> sinks_;
  hsize_t buffered_ = 0;
  hsize_t written_ = 0;
  bool created_ = false;
  bool closed_ = false;
  bool sync_each_block_ = false;  // sync_each_block()
};

}  // namespace qg::results
