#include "chunk_read.hpp"

#include <libdeflate.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "h5.hpp"
#include "qg/core/error.hpp"

namespace qg::results::h5 {
namespace {

//! Where shuffle and deflate sit in a dataset's filter pipeline (-1: absent), when it holds no other.
struct Pipeline {
  int shuffle = -1;
  int deflate = -1;

  //! Whether the filter at `index` ran on a chunk whose filter mask is `skipped`.
  static bool ran(int index, std::uint32_t skipped) { return index >= 0 && (skipped & (1U << index)) == 0; }
};

//! The pipeline of `dcpl` when it is shuffle and deflate, either or none, in that order.
bool plain_pipeline(hid_t dcpl, Pipeline& pipeline) {
  const int n = H5Pget_nfilters(dcpl);
  if (n < 0 || n > 2) return false;
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t n_values = 0;
    const H5Z_filter_t id =
        H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &n_values, nullptr, 0, nullptr, &config);
    if (id == H5Z_FILTER_SHUFFLE && pipeline.shuffle < 0 && pipeline.deflate < 0)
      pipeline.shuffle = i;
    else if (id == H5Z_FILTER_DEFLATE && pipeline.deflate < 0)
      pipeline.deflate = i;
    else
      return false;
  }
  return true;
}

//! Undoes HDF5's shuffle for rows [lo, hi) of a chunk of `rows` elements of `size` bytes: byte b of
//! element r is at planes[b * rows + r].
void unshuffle(const unsigned char* planes, std::size_t rows, std::size_t size, std::size_t lo, std::size_t hi,
               unsigned char* out) {
  for (std::size_t b = 0; b < size; ++b) {
    const unsigned char* plane = planes + b * rows;
    for (std::size_t r = lo; r < hi; ++r) out[(r - lo) * size + b] = plane[r];
  }
}

struct DecompressorFree {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};
using Decompressor = std::unique_ptr<libdeflate_decompressor, DecompressorFree>;

//! A chunk's stored bytes: where they are in the read buffer, how many, which filters ran on them.
struct StoredChunk {
  hsize_t index = 0;
  std::size_t at = 0;
  std::size_t bytes = 0;
  bool deflated = false;
  bool shuffled = false;
};

}  // namespace

bool read_range_decoding_chunks(hid_t dataset, hid_t mem_type, hsize_t first, hsize_t n, void* out,
                                const std::string& where) {
  if (n == 0) return true;
  Handle dcpl(H5Dget_create_plist(dataset));
  Handle file_type(H5Dget_type(dataset));
  Handle space(H5Dget_space(dataset));
  Pipeline pipeline;
  hsize_t chunk_rows = 0, rows = 0;
  if (!dcpl || !file_type || !space || H5Pget_layout(dcpl.get()) != H5D_CHUNKED ||
      H5Pget_chunk(dcpl.get(), 1, &chunk_rows) != 1 || chunk_rows == 0 ||
      H5Sget_simple_extent_ndims(space.get()) != 1 || H5Sget_simple_extent_dims(space.get(), &rows, nullptr) != 1 ||
      first + n > rows || H5Tequal(file_type.get(), mem_type) <= 0 || !plain_pipeline(dcpl.get(), pipeline))
    return false;
  const std::size_t size = H5Tget_size(mem_type);
  const std::size_t chunk_bytes = chunk_rows * size;

  // The chunks' stored bytes, one HDF5 call after the other (its calls hold one lock).
  std::vector<StoredChunk> chunks;
  std::size_t total = 0;
  {
    const QuietErrors quiet;  // a chunk never written is an answer here, not an error to print
    for (hsize_t c = first / chunk_rows; c <= (first + n - 1) / chunk_rows; ++c) {
      const hsize_t offset[1] = {c * chunk_rows};
      hsize_t stored = 0;
      if (H5Dget_chunk_storage_size(dataset, offset, &stored) < 0 || stored == 0) return false;
      chunks.push_back(StoredChunk{c, total, static_cast<std::size_t>(stored)});
      total += static_cast<std::size_t>(stored);
    }
  }
  const auto buffer = std::make_unique_for_overwrite<unsigned char[]>(total);
  for (StoredChunk& chunk : chunks) {
    const hsize_t offset[1] = {chunk.index * chunk_rows};
    std::uint32_t skipped = 0;
    check_status(H5Dread_chunk(dataset, H5P_DEFAULT, offset, &skipped, buffer.get() + chunk.at), where,
                 "cannot read the chunk at row " + std::to_string(offset[0]));
    chunk.deflated = Pipeline::ran(pipeline.deflate, skipped);
    chunk.shuffled = Pipeline::ran(pipeline.shuffle, skipped);
    if (!chunk.deflated && chunk.bytes != chunk_bytes) return false;  // stored unfiltered, yet not a whole chunk
  }

  // Inflated and unshuffled in parallel, each chunk's rows straight into their place in `out`.
  tbb::enumerable_thread_specific<Decompressor> decompressors;
  tbb::enumerable_thread_specific<std::vector<unsigned char>> scratches;
  auto* to = static_cast<unsigned char*>(out);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks.size(), 1), [&](const auto& range) {
    for (std::size_t k = range.begin(); k < range.end(); ++k) {
      const StoredChunk& chunk = chunks[k];
      const hsize_t start = chunk.index * chunk_rows;
      const std::size_t lo = static_cast<std::size_t>(std::max(first, start) - start);
      const std::size_t hi = static_cast<std::size_t>(std::min(first + n, start + chunk_rows) - start);
      unsigned char* dst = to + (start + lo - first) * size;
      const unsigned char* data = buffer.get() + chunk.at;
      if (chunk.deflated) {
        Decompressor& d = decompressors.local();
        if (!d) d.reset(libdeflate_alloc_decompressor());
        if (!d) throw std::bad_alloc();
        std::vector<unsigned char>& scratch = scratches.local();
        scratch.resize(chunk_bytes);
        std::size_t got = 0;
        if (libdeflate_zlib_decompress(d.get(), data, chunk.bytes, scratch.data(), chunk_bytes, &got) !=
                LIBDEFLATE_SUCCESS ||
            got != chunk_bytes)
          throw IoError(where + ": the chunk at row " + std::to_string(start) +
                        " does not inflate to a whole chunk (a damaged file?)");
        data = scratch.data();
      }
      if (chunk.shuffled)
        unshuffle(data, chunk_rows, size, lo, hi, dst);
      else
        std::memcpy(dst, data + lo * size, (hi - lo) * size);
    }
  });
  return true;
}

}  // namespace qg::results::h5
