// The market store's public functions (docs/hdf5-schema.md): reading through StoreReader,
// writing through StoreWriter.
#include "qg/results/market_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "h5.hpp"
#include "qg/core/error.hpp"
#include "qg/core/sha256.hpp"
#include "qg/core/time.hpp"
#include "store_reader.hpp"
#include "store_writer.hpp"

namespace qg::results {

MarketData read_store(const std::filesystem::path& store, const DataSelection& selection) {
  return StoreReader(store).read(selection);
}

std::vector<SymbolInfo> store_info(const std::filesystem::path& store) { return StoreReader(store).info(); }

void write_store(const std::filesystem::path& store, const MarketData& data) {
  StoreWriter writer(store, ExistingSymbols::kReplace);
  for (const SymbolBars& bars : data.symbols) {
    // Checked one symbol at a time: a failure anywhere still leaves the old store untouched.
    check_symbol_bars(store, bars);
    const std::size_t index = writer.add_symbol(bars.symbol, bars.real_fields);
    for (std::size_t i = 0; i < bars.size(); ++i)
      writer.append(index, Bar{bars.date[i], bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]});
  }
  writer.commit();
}

std::string upgrade_store(const std::filesystem::path& store) {
  std::string version;
  {
    const StoreReader reader(store);
    if (!reader.legacy()) return reader.version();
    version = reader.version();
  }
  StoreWriter writer(store, ExistingSymbols::kReplace);  // adds nothing: every symbol is copied
  writer.commit();
  return version;
}

std::string store_digest(const std::filesystem::path& store) { return sha256_file(store); }

namespace {

//! Size and modification time (ns) of a file; IoError when it cannot be examined.
std::pair<std::uint64_t, std::int64_t> size_and_mtime(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw IoError(path + ": cannot examine the market-data store");
  constexpr std::int64_t kNs = 1'000'000'000;
  return {static_cast<std::uint64_t>(st.st_size),
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * kNs + st.st_mtim.tv_nsec};
}

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "this host";
  return name.data();
}

//! StoreReader::check_index of the file at ref.path, its errors naming this host.
void check_index_here(const StoreRef& ref) {
  try {
    StoreReader(ref.path).check_index(ref.symbols);
  } catch (const DataError& e) {
    throw DataError(std::string(e.what()) + " (on " + host_name() + ")");
  }
}

}  // namespace

std::uint64_t selected_bar_bytes(const std::filesystem::path& store, const DataSelection& selection) {
  return StoreReader(store).selected_rows(selection) * kBarBytes;
}

std::optional<MarketData> read_store_within(const std::filesystem::path& store, const DataSelection& selection,
                                            std::uint64_t limit) {
  const StoreReader reader(store);
  const std::uint64_t bytes = reader.selected_rows(selection) * kBarBytes;
  if (bytes != 0 && (limit == 0 || bytes > limit)) return std::nullopt;
  return reader.read(selection);
}

StoreRef index_store(const std::filesystem::path& store, const DataSelection& selection) {
  StoreRef ref;
  ref.path = store.string();
  std::tie(ref.size, ref.mtime_ns) = size_and_mtime(ref.path);
  ref.symbols = StoreReader(store).index(selection);
  return ref;
}

void verify_store(const StoreRef& ref) {
  const auto [size, mtime_ns] = size_and_mtime(ref.path);
  if (size == ref.size && mtime_ns == ref.mtime_ns) return check_index_here(ref);
  const auto seen = [](std::uint64_t bytes, std::int64_t ns) {
    return std::to_string(bytes) + " bytes, modified " + iso_utc(ns / 1'000'000'000) + " (+" +
           std::to_string(ns % 1'000'000'000) + " ns)";
  };
  throw DataError(ref.path + " on " + host_name() + " is not the market-data store the coordinator opened: here " +
                  seen(size, mtime_ns) + "; the coordinator's: " + seen(ref.size, ref.mtime_ns) + ", SHA-256 " +
                  ref.sha256 + ". Every rank must read the same file (a shared filesystem), unchanged during the run");
}

}  // namespace qg::results
