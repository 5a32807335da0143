// The one mapping from errors to exit codes (qg/core/exit_code.hpp), as docs/cli.md states it.
#include <gtest/gtest.h>

#include "qg/core/exit_code.hpp"

namespace qg {
namespace {

TEST(ExitCode, EachErrorKindAsDocumented) {
  EXPECT_EQ(exit_code(ErrorKind::kConfig), 1);
  EXPECT_EQ(exit_code(ErrorKind::kData), 2);
  EXPECT_EQ(exit_code(ErrorKind::kIo), 2);
  EXPECT_EQ(exit_code(ErrorKind::kKernel), 4);
  EXPECT_EQ(exit_code(ErrorKind::kCluster), 4);
  EXPECT_EQ(exit_code(ErrorKind::kInternal), 4);
  EXPECT_EQ(exit_code(static_cast<ErrorKind>(200)), 4);  // e.g. decoded from a corrupt message
}

TEST(ExitCode, ExceptionsByTheirKind) {
  EXPECT_EQ(exit_code(ConfigError("x")), kExitConfig);
  EXPECT_EQ(exit_code(IoError("x")), kExitData);
  EXPECT_EQ(exit_code(ClusterError("x")), kExitInternal);
  EXPECT_EQ(exit_code(std::runtime_error("not ours")), kExitInternal);
  EXPECT_EQ(error_kind(DataError("x")), ErrorKind::kData);
  EXPECT_EQ(error_kind(std::logic_error("not ours")), ErrorKind::kInternal);
}

}  // namespace
}  // namespace qg
