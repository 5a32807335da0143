// The one error line every command ends with when it fails.
#include <iostream>

#include "commands.hpp"
#include "qg/core/exit_code.hpp"

namespace qg::app {

int report_error(const std::exception& e) {
  std::cerr << "quantgrid: error: " << e.what() << "\n";
  return exit_code(e);
}

}  // namespace qg::app
