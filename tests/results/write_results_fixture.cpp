// Writes DIR/sweep.h5 (the shared sweep fixture), DIR/walkforward.h5 (a synthetic walk-forward
// run) and DIR/future.h5 (schema 2.0) for the Python reader's test.
#include <cstdio>
#include <exception>
#include <filesystem>

#include "sweep_fixture.hpp"
#include "walkforward_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    qg::results::testing::write_sweep_fixture(dir / "sweep.h5");
    qg::results::testing::write_walkforward_fixture(dir / "walkforward.h5");
    auto future = qg::results::RunFile::create(dir / "future.h5");
    future->set_attribute("/", "schema_version", "2.0");
    future->set_attribute("/", "schema_major", 2);
    future->commit();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
