// The logistic objective's vector log (kernels/src/ml/vector_log.hpp, libmvec) against the
// scalar libm log it replaces: libmvec documents at most 4 ulp, checked here over the range
// the objective uses ([1, 2]: 1 + exp(-|z|)) and over many binades either side.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ml/vector_log.hpp"

namespace qg::kernels::ml {
namespace {

//! |a - b| in units of the last place of b.
double ulps(double a, double b) {
  const double ulp = std::nextafter(std::fabs(b), std::numeric_limits<double>::infinity()) - std::fabs(b);
  return std::fabs(a - b) / ulp;
}

void expect_within_4_ulp(const std::vector<double>& in) {
  std::vector<double> v = in;
  log_in_place(v);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double want = std::log(in[i]);
    if (want == 0.0)
      EXPECT_LE(std::fabs(v[i]), 1e-300) << in[i];
    else
      EXPECT_LE(ulps(v[i], want), 4.0) << in[i] << ": " << v[i] << " vs " << want;
  }
}

TEST(MlVectorLog, ObjectiveRangeWithin4Ulp) {
  std::vector<double> in;
  for (int i = 0; i <= 100003; ++i) in.push_back(1.0 + i / 100003.0);  // [1, 2], an odd count: a tail lane
  in.push_back(std::nextafter(1.0, 2.0));
  in.push_back(1.0 + 1e-300);
  expect_within_4_ulp(in);
}

TEST(MlVectorLog, ManyBinadesWithin4Ulp) {
  std::vector<double> in;
  for (int e = -1000; e <= 1000; e += 7)
    for (double m : {1.0, 1.1, 1.5, 1.9999}) in.push_back(std::ldexp(m, e));
  expect_within_4_ulp(in);
  std::vector<double> exact = {1.0, 1.0, 1.0};  // log 1 = 0 in every lane and the tail
  log_in_place(exact);
  for (double v : exact) EXPECT_EQ(v, 0.0);
}

}  // namespace
}  // namespace qg::kernels::ml
