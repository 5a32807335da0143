#pragma once
// Black-Scholes prices of European options on a non-dividend-paying underlying.
#include <cstddef>

namespace qg::kernels::var {

enum class OptionType : unsigned char { kCall, kPut };

//! Price of a European option: spot s, strike k, time to expiry t (years), continuously
//! compounded rate r, volatility sigma (annual). At t <= 0 the intrinsic value; s <= 0 is
//! treated as a worthless underlying.
double bs_price(OptionType type, double s, double k, double t, double r, double sigma);

//! Delta (d price / d spot) of the same option.
double bs_delta(OptionType type, double s, double k, double t, double r, double sigma);

//! Prices for n spots at once, written to `out` (vectorised; same conventions as bs_price,
//! agreeing with it to about 1e-14 relative).
void bs_price_block(OptionType type, const double* spots, std::size_t n, double k, double t, double r, double sigma,
                    double* out);

}  // namespace qg::kernels::var
