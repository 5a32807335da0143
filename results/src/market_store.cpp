// The market store's public functions (docs/hdf5-schema.md): reading through StoreReader,
// writing through StoreWriter.
#include "qg/results/market_store.hpp"

#include "h5.hpp"
#include "qg/core/sha256.hpp"
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

}  // namespace qg::results
