// Compiled with -ffast-math (kernels/CMakeLists.txt): the loop below becomes calls of libmvec's
// four-lane log (_ZGVdN4v_log under x86-64-v3). Nothing else belongs in this file.
#include "vector_log.hpp"

#include <cmath>
#include <cstddef>

namespace qg::kernels::ml {

void log_in_place(std::span<double> v) {
  double* p = v.data();
  const std::size_t n = v.size();
  for (std::size_t i = 0; i < n; ++i) p[i] = std::log(p[i]);
}

}  // namespace qg::kernels::ml
