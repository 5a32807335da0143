#pragma once
// Random inputs of the correlated-draw tests (test_var_correlate.cpp, test_var_packed_factor.cpp).
#include <Eigen/Dense>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace qg::kernels::var::test_inputs {

//! A random lower factor with a positive diagonal; the upper triangle holds garbage (1e300) that
//! a triangular product must not read.
inline Eigen::MatrixXd random_lower(int n, std::mt19937_64& gen) {
  std::normal_distribution<double> dist;
  Eigen::MatrixXd l(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) l(i, j) = i < j ? 1e300 : dist(gen);
  for (int i = 0; i < n; ++i) l(i, i) = std::fabs(l(i, i)) + 0.1;
  return l;
}

//! `count` standard normal draws.
inline std::vector<double> random_normals(std::size_t count, std::mt19937_64& gen) {
  std::normal_distribution<double> dist;
  std::vector<double> z(count);
  for (double& x : z) x = dist(gen);
  return z;
}

}  // namespace qg::kernels::var::test_inputs
