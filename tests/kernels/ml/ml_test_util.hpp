#pragma once
// Data generators shared by the model-training kernel tests.
#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace qg::kernels::ml::testing {

//! A geometric random walk of closes from 100 with daily sd 1.5%.
inline std::vector<double> random_closes(std::uint32_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 0.015);
  std::vector<double> c(n);
  double price = 100.0;
  for (double& v : c) v = price *= std::exp(z(rng));
  return c;
}

//! n x p standard normal features.
inline Eigen::MatrixXd random_matrix(std::uint32_t seed, Eigen::Index n, Eigen::Index p) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  Eigen::MatrixXd x(n, p);
  for (Eigen::Index j = 0; j < p; ++j)
    for (Eigen::Index i = 0; i < n; ++i) x(i, j) = z(rng);
  return x;
}

//! y = x b + 0.3 + noise, with b_j = (j + 1) / p.
inline Eigen::VectorXd linear_target(const Eigen::MatrixXd& x, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0.0, 0.5);
  Eigen::VectorXd b(x.cols());
  for (Eigen::Index j = 0; j < b.size(); ++j) b(j) = static_cast<double>(j + 1) / static_cast<double>(b.size());
  Eigen::VectorXd y = (x * b).array() + 0.3;
  for (Eigen::Index i = 0; i < y.size(); ++i) y(i) += z(rng);
  return y;
}

//! Labels 1 with probability sigmoid(x b - 0.2), b as in linear_target.
inline Eigen::VectorXd logistic_labels(const Eigen::MatrixXd& x, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Eigen::VectorXd y(x.rows());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    double z = -0.2;
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      z += x(i, j) * static_cast<double>(j + 1) / static_cast<double>(x.cols());
    y(i) = u(rng) < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  return y;
}

}  // namespace qg::kernels::ml::testing
