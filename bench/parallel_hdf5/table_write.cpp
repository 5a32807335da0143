// Writes N rows of the sweep row layout (docs/hdf5-schema.md: /sweep/combo and /sweep/symbol
// int64, two params and eleven metrics float64: 15 columns, 120 bytes a row) in two ways:
//   single:   rank 0 receives batches of rows from the other ranks and appends them to chunked
//             extendible datasets, as the coordinator's table writer does (serial HDF5 calls);
//   parallel: every rank writes its own contiguous share of fixed-size datasets with collective
//             MPI-IO writes (parallel HDF5).
// Built by bench/parallel_hdf5.py with mpicxx against Debian's libhdf5-openmpi; not part of
// the project's build. Prints one JSON line from rank 0: rows, seconds to the last write,
// seconds to commit (close + fsync), rows/s, file bytes.
#include <fcntl.h>
#include <hdf5.h>
#include <mpi.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr int kColumns = 15;
constexpr int kIntColumns = 2;
constexpr hsize_t kChunkRows = 65536;  // the coordinator's table chunk (results/src/table_writer.hpp)
//! Rows a rank writes per collective call: larger than a chunk, since every call synchronises
//! the ranks (measured: 65,536-row calls were 2.5x slower on 3 ranks).
constexpr hsize_t kCollectiveRows = 16 * kChunkRows;
const char* const kNames[kColumns] = {"combo",  "symbol", "p_fast",   "p_slow",     "total_return",
                                      "cagr",   "sharpe", "sortino",  "volatility", "max_drawdown",
                                      "calmar", "trades", "turnover", "exposure",   "win_rate"};

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "table_write: %s failed\n", what);
  MPI_Abort(MPI_COMM_WORLD, 2);
}

//! Row `r`'s values, as a sweep task would produce them (any deterministic content will do).
void fill_rows(std::uint64_t first, std::uint64_t n, std::vector<double>& rows) {
  rows.resize(n * kColumns);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t r = first + i;
    double* row = rows.data() + i * kColumns;
    row[0] = static_cast<double>(r % 1000000), row[1] = static_cast<double>(r / 1000000);
    for (int c = 2; c < kColumns; ++c) row[c] = static_cast<double>(r) * 1e-6 + c;
  }
}

//! Column `c` of `rows` (row-major), as the type the dataset stores.
void column_of(const std::vector<double>& rows, int c, std::vector<std::int64_t>& i64, std::vector<double>& f64) {
  const std::size_t n = rows.size() / kColumns;
  if (c < kIntColumns) {
    i64.resize(n);
    for (std::size_t i = 0; i < n; ++i) i64[i] = static_cast<std::int64_t>(rows[i * kColumns + c]);
  } else {
    f64.resize(n);
    for (std::size_t i = 0; i < n; ++i) f64[i] = rows[i * kColumns + c];
  }
}

hid_t file_type(int c) { return c < kIntColumns ? H5T_STD_I64LE : H5T_IEEE_F64LE; }
hid_t mem_type(int c) { return c < kIntColumns ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE; }

//! Writes rows [first, first + n) of every column at their place in `sets` (extending them when
//! `extend`), with transfer list `dxpl`.
void write_rows(const std::vector<hid_t>& sets, const std::vector<double>& rows, hsize_t first, hsize_t n, bool extend,
                hid_t dxpl) {
  std::vector<std::int64_t> i64;
  std::vector<double> f64;
  for (int c = 0; c < kColumns; ++c) {
    if (extend) {
      const hsize_t size = first + n;
      check(H5Dset_extent(sets[c], &size) >= 0, "H5Dset_extent");
    }
    column_of(rows, c, i64, f64);
    const hid_t space = H5Dget_space(sets[c]);
    check(H5Sselect_hyperslab(space, H5S_SELECT_SET, &first, nullptr, &n, nullptr) >= 0, "select");
    const hid_t mem = H5Screate_simple(1, &n, nullptr);
    if (n == 0) H5Sselect_none(space), H5Sselect_none(mem);
    const void* data = c < kIntColumns ? static_cast<const void*>(i64.data()) : static_cast<const void*>(f64.data());
    check(H5Dwrite(sets[c], mem_type(c), mem, space, dxpl, data) >= 0, "H5Dwrite");
    H5Sclose(mem), H5Sclose(space);
  }
}

std::vector<hid_t> create_columns(hid_t file, hsize_t rows, bool extendible) {
  const hid_t group = H5Gcreate2(file, "sweep", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<hid_t> sets;
  for (int c = 0; c < kColumns; ++c) {
    const hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = kChunkRows;
    const hid_t space = extendible ? H5Screate_simple(1, &zero, &unlimited) : H5Screate_simple(1, &rows, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    if (extendible) H5Pset_chunk(dcpl, 1, &chunk);  // parallel: contiguous, its size known up front
    if (!extendible) H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
    sets.push_back(H5Dcreate2(group, kNames[c], file_type(c), space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    check(sets.back() >= 0, "H5Dcreate2");
    H5Pclose(dcpl), H5Sclose(space);
  }
  H5Gclose(group);
  return sets;
}

void fsync_path(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) ::fsync(fd), ::close(fd);
}

//! Rank 0 writes, the others send batches of kChunkRows rows, batch b from rank 1 + b % (size-1).
double single_writer(const std::string& path, std::uint64_t rows, int rank, int size) {
  const std::uint64_t batches = (rows + kChunkRows - 1) / kChunkRows;
  std::vector<double> buffer;
  if (rank != 0) {
    for (std::uint64_t b = static_cast<std::uint64_t>(rank - 1); b < batches;
         b += static_cast<std::uint64_t>(size - 1)) {
      const std::uint64_t n = std::min<std::uint64_t>(kChunkRows, rows - b * kChunkRows);
      fill_rows(b * kChunkRows, n, buffer);
      MPI_Send(buffer.data(), static_cast<int>(buffer.size()), MPI_DOUBLE, 0, 0, MPI_COMM_WORLD);
    }
    return 0;
  }
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  check(file >= 0, "H5Fcreate");
  auto sets = create_columns(file, 0, true);
  for (std::uint64_t b = 0; b < batches; ++b) {
    const std::uint64_t n = std::min<std::uint64_t>(kChunkRows, rows - b * kChunkRows);
    buffer.resize(n * kColumns);
    MPI_Recv(buffer.data(), static_cast<int>(buffer.size()), MPI_DOUBLE, 1 + static_cast<int>(b % (size - 1)), 0,
             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    write_rows(sets, buffer, b * kChunkRows, n, true, H5P_DEFAULT);
  }
  const double written = MPI_Wtime();
  for (hid_t s : sets) H5Dclose(s);
  H5Fclose(file);
  fsync_path(path);
  return written;
}

//! Every rank writes its contiguous share of contiguous datasets, kCollectiveRows rows per
//! collective call.
double parallel_writes(const std::string& path, std::uint64_t rows, int rank, int size) {
  const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  check(file >= 0, "H5Fcreate (MPI-IO)");
  auto sets = create_columns(file, rows, false);
  const hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  const std::uint64_t share = (rows + static_cast<std::uint64_t>(size) - 1) / static_cast<std::uint64_t>(size);
  const std::uint64_t begin = std::min<std::uint64_t>(rows, share * static_cast<std::uint64_t>(rank));
  const std::uint64_t end = std::min<std::uint64_t>(rows, begin + share);
  const std::uint64_t rounds = (share + kCollectiveRows - 1) / kCollectiveRows;  // the same on every rank
  std::vector<double> buffer;
  for (std::uint64_t k = 0; k < rounds; ++k) {
    const std::uint64_t first = std::min<std::uint64_t>(end, begin + k * kCollectiveRows);
    const std::uint64_t n = std::min<std::uint64_t>(kCollectiveRows, end - first);
    fill_rows(first, n, buffer);
    write_rows(sets, buffer, first, n, false, dxpl);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const double written = MPI_Wtime();
  for (hid_t s : sets) H5Dclose(s);
  H5Pclose(dxpl), H5Fclose(file), H5Pclose(fapl);
  if (rank == 0) fsync_path(path);
  return written;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 4 || size < 2) {
    if (rank == 0) std::fprintf(stderr, "usage: mpiexec -n N table_write single|parallel ROWS FILE (N >= 2)\n");
    MPI_Finalize();
    return 1;
  }
  const std::string mode = argv[1], path = argv[3];
  const std::uint64_t rows = std::strtoull(argv[2], nullptr, 10);
  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();
  const double written =
      mode == "single" ? single_writer(path, rows, rank, size) : parallel_writes(path, rows, rank, size);
  MPI_Barrier(MPI_COMM_WORLD);
  const double done = MPI_Wtime();
  if (rank == 0) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    std::printf(
        "{\"mode\": \"%s\", \"ranks\": %d, \"rows\": %llu, \"write_s\": %.3f, \"commit_s\": %.3f, "
        "\"total_s\": %.3f, \"rows_per_s\": %.0f, \"file_bytes\": %lld}\n",
        mode.c_str(), size, static_cast<unsigned long long>(rows), written - start, done - written, done - start,
        static_cast<double>(rows) / (done - start), static_cast<long long>(st.st_size));
  }
  MPI_Finalize();
  return 0;
}
