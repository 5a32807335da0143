// CSV import: the three layouts, one test per validation error (each checking FILE:LINE), and
// store safety on failure.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "qg/core/error.hpp"
#include "qg/results/market_store.hpp"
#include "temp_dir.hpp"

namespace qg::results {
namespace {

using testing::TempDir;

class CsvImport : public ::testing::Test {
 protected:
  std::filesystem::path csv(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    testing::write_text(path, text);
    return path;
  }
  std::filesystem::path store() const { return dir_ / "store.h5"; }

  //! Imports `text` expecting DataError "FILE:LINE: ..." containing `fragment`.
  void expect_error(const std::string& text, int line, const std::string& fragment) {
    const auto path = csv("bad.csv", text);
    try {
      import_csv(path, store(), {});
      ADD_FAILURE() << "expected DataError for:\n" << text;
    } catch (const DataError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(path.string() + ":" + std::to_string(line) + ": ", 0), 0u) << message;
      EXPECT_NE(message.find(fragment), std::string::npos) << message;
    }
    EXPECT_FALSE(std::filesystem::exists(store()));
    EXPECT_EQ(testing::files_in(dir_.path()), std::vector<std::string>{"bad.csv"});  // no temporary or lock file left
  }

  TempDir dir_;
};

constexpr const char* kOhlcv =
    "date,open,high,low,close,volume\n"
    "2024-01-02,10,11,9,10.5,100\n"
    "2024-01-03,10.5,12,10,11.5,200\n";

TEST_F(CsvImport, SingleSymbolOhlcvTakesSymbolFromFileStem) {
  const auto infos = import_csv(csv("SPY.csv", kOhlcv), store(), {});
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].added.symbol, "SPY");
  EXPECT_EQ(infos[0].added.first, 20240102);
  EXPECT_EQ(infos[0].added.last, 20240103);
  EXPECT_FALSE(infos[0].existed);
  const auto data = read_store(store(), {});
  ASSERT_EQ(data.symbols.size(), 1u);
  EXPECT_EQ(data.symbols[0].close, (std::vector<double>{10.5, 11.5}));
  EXPECT_EQ(data.symbols[0].volume, (std::vector<double>{100, 200}));
}

TEST_F(CsvImport, OhlcvWithSymbolOptionCaseInsensitiveHeaderAndCompactDates) {
  const auto path = csv("x.csv", " Date , OPEN,High,low , Close\r\n20240102,1,2,0.5,1.5\r\n\r\n20240105,1,2,1,2\r\n");
  import_csv(path, store(), {"QQQ"});
  const auto data = read_store(store(), {});
  ASSERT_EQ(data.symbols.size(), 1u);
  EXPECT_EQ(data.symbols[0].symbol, "QQQ");
  EXPECT_EQ(data.symbols[0].date, (std::vector<std::int32_t>{20240102, 20240105}));
  EXPECT_EQ(data.symbols[0].volume, (std::vector<double>{0, 0}));
}

TEST_F(CsvImport, WideClosesLayout) {
  import_csv(csv("closes.csv", "date,AAPL,MSFT\n2024-01-02,185.5,370\n2024-01-03,,372.25\n2024-01-04,184,371\n"),
             store(), {});
  const auto data = read_store(store(), {});
  ASSERT_EQ(data.symbols.size(), 2u);
  EXPECT_EQ(data.symbols[0].symbol, "AAPL");
  EXPECT_EQ(data.symbols[0].date, (std::vector<std::int32_t>{20240102, 20240104}));  // empty cell: no bar
  EXPECT_EQ(data.symbols[0].open, data.symbols[0].close);
  EXPECT_EQ(data.symbols[0].high, data.symbols[0].low);
  EXPECT_EQ(data.symbols[1].close, (std::vector<double>{370, 372.25, 371}));
  EXPECT_EQ(data.symbols[1].volume, (std::vector<double>{0, 0, 0}));
}

TEST_F(CsvImport, LongLayoutWithInterleavedSymbols) {
  import_csv(csv("long.csv",
                 "date,symbol,open,high,low,close,volume\n"
                 "2024-01-02,B,1,2,1,2,5\n2024-01-02,A,3,4,3,4,6\n2024-01-03,B,2,3,2,3,7\n2024-01-03,A,4,5,4,5,8\n"),
             store(), {});
  const auto data = read_store(store(), {});
  ASSERT_EQ(data.symbols.size(), 2u);
  EXPECT_EQ(data.symbols[0].symbol, "B");
  EXPECT_EQ(data.symbols[0].close, (std::vector<double>{2, 3}));
  EXPECT_EQ(data.symbols[1].symbol, "A");
  EXPECT_EQ(data.symbols[1].volume, (std::vector<double>{6, 8}));
}

TEST_F(CsvImport, ManyRowsAcrossChunks) {
  std::string text = "date,symbol,open,high,low,close\n";
  int rows = 0;
  for (int year = 1950; year < 2010; ++year)
    for (int month = 1; month <= 12; ++month)
      for (int day = 1; day <= 28; ++day, ++rows)
        for (const char* symbol : {"X", "Y", "Z"})
          text += std::to_string(year * 10000 + month * 100 + day) + "," + symbol + ",1,2,1,1.5\n";
  import_csv(csv("big.csv", text), store(), {});
  for (const auto& info : store_info(store())) EXPECT_EQ(info.bars, rows);
}

TEST_F(CsvImport, ImportIntoExistingStoreAddsSymbols) {
  import_csv(csv("SPY.csv", kOhlcv), store(), {});
  import_csv(csv("closes.csv", "date,AAPL\n2024-01-02,185\n"), store(), {});
  const CsvImportOptions replace{"", ExistingSymbols::kReplace};
  import_csv(csv("SPY.csv", "date,open,high,low,close\n2024-02-01,1,1,1,1\n"), store(), replace);
  const auto infos = store_info(store());
  ASSERT_EQ(infos.size(), 2u);
  EXPECT_EQ(infos[0].symbol, "SPY");
  EXPECT_EQ(infos[0].first, 20240201);
  EXPECT_EQ(infos[1].symbol, "AAPL");
}

TEST_F(CsvImport, FailedImportLeavesStoreUnchanged) {
  import_csv(csv("SPY.csv", kOhlcv), store(), {});
  const std::string before = testing::read_bytes(store());
  std::string text = "date,symbol,open,high,low,close\n";
  for (int day = 1; day <= 28; ++day)
    text += "202401" + std::string(day < 10 ? "0" : "") + std::to_string(day) + ",NEW,1,2,1,1\n";
  text += "2024-01-02,SPY,1,2,1,-1\n";
  EXPECT_THROW(import_csv(csv("long.csv", text), store(), {}), DataError);
  EXPECT_EQ(testing::read_bytes(store()), before);
  EXPECT_EQ(testing::files_in(dir_.path()), (std::vector<std::string>{"SPY.csv", "long.csv", "store.h5"}));
}

// ---- an existing symbol: refused, appended or replaced ----

TEST_F(CsvImport, ReimportingASymbolIsRefusedAndSaysWhatToPass) {
  import_csv(csv("SPY.csv", kOhlcv), store(), {});
  const std::string before = testing::read_bytes(store());
  try {
    import_csv(csv("SPY.csv", kOhlcv), store(), {});
    FAIL() << "re-import accepted";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("SPY.csv:2: "), std::string::npos) << message;
    EXPECT_NE(message.find("symbol 'SPY' is already in the store (2 bars, 2024-01-02 to 2024-01-03); pass --append"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("--replace"), std::string::npos) << message;
  }
  EXPECT_EQ(testing::read_bytes(store()), before);
}

TEST_F(CsvImport, AppendAddsOnlyDatesAfterTheStoresLast) {
  import_csv(csv("SPY.csv", kOhlcv), store(), {});
  const std::string more =
      "date,open,high,low,close,volume\n"
      "2024-01-02,99,99,99,99,9\n"  // already in the store: left out
      "2024-01-03,99,99,99,99,9\n"  // likewise
      "2024-01-04,12,13,11,12.5,300\n";
  const auto imported = import_csv(csv("SPY.csv", more), store(), {"", ExistingSymbols::kAppend});
  ASSERT_EQ(imported.size(), 1u);
  EXPECT_TRUE(imported[0].existed);
  EXPECT_EQ(imported[0].skipped, 2);
  EXPECT_EQ(imported[0].added.bars, 1);
  const auto data = read_store(store(), {});
  EXPECT_EQ(data.symbols[0].date, (std::vector<std::int32_t>{20240102, 20240103, 20240104}));
  EXPECT_EQ(data.symbols[0].close, (std::vector<double>{10.5, 11.5, 12.5}));
}

TEST_F(CsvImport, ReplaceDropsTheOldHistory) {
  import_csv(csv("SPY.csv", kOhlcv), store(), {});
  import_csv(csv("SPY.csv", "date,open,high,low,close\n2023-05-05,1,2,1,1.5\n"), store(),
             {"", ExistingSymbols::kReplace});
  const auto data = read_store(store(), {});
  EXPECT_EQ(data.symbols[0].date, (std::vector<std::int32_t>{20230505}));
}

// ---- which fields are real ----

TEST_F(CsvImport, WideClosesAreRecordedAsClosesOnly) {
  import_csv(csv("closes.csv", "date,AAPL\n2024-01-02,185\n2024-01-03,186\n"), store(), {});
  import_csv(csv("SPY.csv", "date,open,high,low,close\n2024-01-02,1,2,1,1.5\n"), store(), {});
  const auto data = read_store(store(), {});
  EXPECT_EQ(data.symbols[0].real_fields, kCloseOnly);
  EXPECT_EQ(data.symbols[1].real_fields, kAllBarFields & ~std::uint32_t{kFieldVolume});  // no volume column
}

// ---- hostile input ----

TEST_F(CsvImport, InvalidUtf8OrNulInASymbolNameIsRefused) {
  expect_error("date,symbol,open,high,low,close\n2024-01-02,AB\xFF,1,2,1,1\n", 2, "not valid UTF-8");
  expect_error(std::string("date,symbol,open,high,low,close\n2024-01-02,A\0B,1,2,1,1\n", 55), 2, "control character");
}

TEST_F(CsvImport, OverlongLineIsRefusedQuotingOnlyItsStart) {
  std::string text = "date,open,high,low,close\n2024-01-02,1,2,1,";
  text += std::string(kMaxCsvLineBytes + 10, '7');
  const auto path = csv("bad.csv", text + "\n");
  try {
    import_csv(path, store(), {});
    FAIL() << "accepted";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(path.string() + ":2: line is longer than 1048576 bytes", 0), 0u) << message.substr(0, 200);
    EXPECT_LT(message.size(), 300u);
  }
}

TEST_F(CsvImport, BadLongFieldIsQuotedOnlyAtItsStart) {
  std::string field(100001, '9');
  field[0] = 'x';
  try {
    import_csv(csv("bad.csv", "date,open,high,low,close\n2024-01-02,1,2,1," + field + "\n"), store(), {});
    FAIL() << "accepted";
  } catch (const DataError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unparsable number 'x999999999999999999999999999999999999999...' (100001 bytes)"),
              std::string::npos)
        << message.substr(0, 300);
    EXPECT_LT(message.size(), 300u);
  }
}

// ---- one test per error class ----

TEST_F(CsvImport, UnknownColumn) {
  expect_error("date,open,high,low,close,adj_close\n", 1, "unknown column 'adj_close'");
}

TEST_F(CsvImport, MissingRequiredColumns) {
  expect_error("date,symbol,open,close\n2024-01-02,A,1,1\n", 1, "missing required column(s): high, low");
}

TEST_F(CsvImport, WrongFieldCount) {
  expect_error("date,open,high,low,close\n2024-01-02,1,2,1\n", 2, "expected 5 fields, found 4");
}

TEST_F(CsvImport, UnparsableDate) {
  expect_error("date,open,high,low,close\n2024-01-02,1,2,1,1\n2024-02-30,1,2,1,1\n", 3, "unparsable date '2024-02-30'");
}

TEST_F(CsvImport, UnparsableNumberNamesColumn) {
  expect_error("date,open,high,low,close\n2024-01-02,1,2,one,1\n", 2, "unparsable number 'one' in column low");
}

TEST_F(CsvImport, DatesNotIncreasing) {
  expect_error("date,open,high,low,close\n2024-01-03,1,2,1,1\n2024-01-02,1,2,1,1\n", 3, "strictly increasing");
}

TEST_F(CsvImport, DuplicateDate) {
  expect_error("date,AAPL\n2024-01-02,1\n2024-01-03,1\n2024-01-03,1\n", 4, "duplicate date 2024-01-03 for symbol AAPL");
}

TEST_F(CsvImport, NonFinitePrice) {
  expect_error("date,open,high,low,close\n2024-01-02,1,inf,1,1\n", 2, "non-finite high price");
}

TEST_F(CsvImport, NonPositivePrice) {
  expect_error("date,symbol,open,high,low,close\n2024-01-02,A,0,2,1,1\n", 2, "non-positive open price 0");
}

TEST_F(CsvImport, HighBelowLow) {
  expect_error("date,open,high,low,close\n2024-01-02,1,1,2,1\n", 2, "high 1 is below low 2");
}

TEST_F(CsvImport, NegativeVolume) {
  expect_error("date,open,high,low,close,volume\n2024-01-02,1,2,1,1,-5\n", 2, "negative volume -5");
}

TEST_F(CsvImport, EmptyFile) { expect_error("", 1, "empty file"); }

TEST_F(CsvImport, HeaderWithoutRows) { expect_error("date,open,high,low,close\n", 2, "no data rows"); }

TEST_F(CsvImport, MissingCsvIsIoError) { EXPECT_THROW(import_csv(dir_ / "none.csv", store(), {}), IoError); }

}  // namespace
}  // namespace qg::results
