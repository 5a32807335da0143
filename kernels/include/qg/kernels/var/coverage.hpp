#pragma once
// VaR backtest statistics over a 0/1 exception sequence (1 = the loss exceeded the VaR).
//
// Kupiec POF (unconditional coverage), with p = 1 - a, x exceptions in n days, phat = x/n:
//   LR_pof = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-phat)^(n-x) phat^x]           ~ chi2(1)
// Christoffersen independence, with n_ij the count of days in state j after a day in state i,
// pi01 = n01/(n00+n01), pi11 = n11/(n10+n11), pi = (n01+n11)/(n00+n01+n10+n11):
//   LR_ind = -2 ln[(1-pi)^(n00+n10) pi^(n01+n11)]
//            + 2 ln[(1-pi01)^n00 pi01^n01 (1-pi11)^n10 pi11^n11]              ~ chi2(1)
// Conditional coverage: LR_cc = LR_pof + LR_ind                              ~ chi2(2)
// with 0 ln 0 = 0 throughout. Basel traffic light: with X ~ Binomial(n, p), green while
// P(X <= x) < 0.95, red once P(X <= x) >= 0.9999, yellow between; for n = 250 and a = 0.99
// that is green 0-4, yellow 5-9, red 10+ (the Basel table).
#include <cstdint>
#include <span>

namespace qg::kernels::var {

enum class Zone : std::uint8_t { kGreen = 0, kYellow = 1, kRed = 2 };

//! The backtest statistics of one confidence level.
struct CoverageTest {
  std::int64_t n = 0, exceptions = 0;
  std::int64_t n00 = 0, n01 = 0, n10 = 0, n11 = 0;
  double lr_pof = 0, p_pof = 1;
  double lr_ind = 0, p_ind = 1;
  double lr_cc = 0, p_cc = 1;
  Zone zone = Zone::kGreen;
};

//! Statistics of `exceptions` (each 0 or 1, oldest first) for VaR at level a.
CoverageTest coverage_test(std::span<const std::uint8_t> exceptions, double a);

//! Basel traffic-light zone of x exceptions in n days at level a.
Zone traffic_light(std::int64_t x, std::int64_t n, double a);

//! "green", "yellow" or "red".
const char* zone_name(Zone zone);

}  // namespace qg::kernels::var
