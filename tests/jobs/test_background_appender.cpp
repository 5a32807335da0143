// BackgroundAppender: each hand-over reaches the table whole and in order, wait() returns once it
// has, rows not handed over are never appended, and what the table's append throws reaches the
// caller. Expected values are the rows the test appended, in the order it appended them.
#include <gtest/gtest.h>

#include <stdexcept>

#include "fake_run_file.hpp"
#include "sweep/background_appender.hpp"

using qg::jobs::BackgroundAppender;
using qg::testing::FakeTable;

namespace {

//! A table whose every append throws.
class FailingTable final : public qg::results::TableWriter {
 public:
  void append(std::span<const double>) override { throw std::runtime_error("disk full"); }
  std::uint64_t rows() const override { return 0; }
};

FakeTable two_columns() {
  return FakeTable({{"a", qg::results::ColumnType::kFloat64}, {"b", qg::results::ColumnType::kFloat64}});
}

}  // namespace

TEST(BackgroundAppender, HandOversReachTheTableWholeAndInOrder) {
  FakeTable table = two_columns();
  std::vector<double> expected;
  std::vector<std::size_t> expected_blocks;
  {
    BackgroundAppender appender(table);
    for (int block = 0; block < 50; ++block) {  // some while the thread still appends the one before
      const int n_rows = 1 + block % 7;
      for (int r = 0; r < n_rows; ++r) {
        const double row[2] = {double(block), double(r)};
        appender.rows().insert(appender.rows().end(), row, row + 2);
        expected.insert(expected.end(), row, row + 2);
      }
      expected_blocks.push_back(static_cast<std::size_t>(n_rows));
      appender.hand_over();
    }
    appender.wait();
    EXPECT_EQ(table.values, expected);
    EXPECT_EQ(table.appended_rows, expected_blocks);
  }
}

TEST(BackgroundAppender, RowsNotHandedOverAreNotAppended) {
  FakeTable table = two_columns();
  {
    BackgroundAppender appender(table);
    appender.rows() = {1, 2};
    appender.hand_over();
    appender.rows() = {3, 4};  // never handed over
  }
  EXPECT_EQ(table.values, (std::vector<double>{1, 2}));
}

TEST(BackgroundAppender, WhatTheTableThrowsReachesTheCaller) {
  FailingTable table;
  BackgroundAppender appender(table);
  appender.rows() = {1, 2};
  appender.hand_over();
  EXPECT_THROW(appender.wait(), std::runtime_error);
  appender.rows() = {3, 4};
  EXPECT_THROW(appender.hand_over(), std::runtime_error);  // and every later call
}
