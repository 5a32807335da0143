#pragma once
// Reading a compressed 1-D dataset's rows with the chunks decoded in parallel. HDF5 decodes a read's
// chunks one after the other, under its global lock, with zlib; a store's columns are shuffled and
// deflated chunks (store_writer.cpp), and their decoding was most of the time a run spent reading
// its bars, on one core while the others waited for the stage (docs/performance.md, section 7).
// Here HDF5 only hands over each chunk's stored bytes (H5Dread_chunk); libdeflate inflates them, at
// about twice zlib's speed, and the chunks are inflated and unshuffled on the TBB pool.
#include <hdf5.h>

#include <string>

namespace qg::results::h5 {

//! Reads elements [first, first + n) of a 1-D chunked dataset into `out` when its elements are
//! stored as `mem_type` (no conversion) and its filters are shuffle and deflate, either, or none, in
//! that order: returns true. Returns false, having read nothing, for any other dataset (contiguous,
//! another type or filter, a chunk never written); the caller reads it through HDF5 (read_range).
//! IoError naming `where` when a chunk cannot be read or does not decode to a whole chunk.
bool read_range_decoding_chunks(hid_t dataset, hid_t mem_type, hsize_t first, hsize_t n, void* out,
                                const std::string& where);

}  // namespace qg::results::h5
