// Fits one linear model for tests/reference/train_reference.py. Input file: a header line
// "KIND N P A B" (KIND ridge|logistic|elastic_net; A = alpha or C; B = l1_ratio or 0), then N
// lines of P features and the label. Prints the coefficients, then the intercept, one per line
// with 17 significant digits, then "converged 0|1".
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "qg/kernels/ml/linear_model.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: train_reference_fit INPUT\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::string kind;
  Eigen::Index n = 0, p = 0;
  double a = 0, b = 0;
  if (!(in >> kind >> n >> p >> a >> b)) {
    std::cerr << argv[1] << ": bad header\n";
    return 2;
  }
  Eigen::MatrixXd x(n, p);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < p; ++j) in >> x(i, j);
    in >> y(i);
  }
  using namespace qg::kernels::ml;
  LinearFit fit;
  if (kind == "ridge") {
    fit = fit_ridge(x, y, a);
  } else if (kind == "logistic") {
    fit = fit_logistic(x, y, a);
  } else if (kind == "elastic_net") {
    fit = fit_elastic_net(x, y, a, b);
  } else {
    std::cerr << "unknown kind " << kind << "\n";
    return 2;
  }
  for (Eigen::Index j = 0; j < p; ++j) std::printf("%.17g\n", fit.coef(j));
  std::printf("%.17g\nconverged %d\n", fit.intercept, fit.converged ? 1 : 0);
  return 0;
}
