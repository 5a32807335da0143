#include "qg/kernels/round_trips.hpp"

#include <cstdlib>

#include "qg/core/error.hpp"

namespace qg::kernels {
namespace {

//! The trip opening at bar `entry`, followed to its exit bar or the end of the path.
RoundTrip follow_trip(std::span<const double> r, std::span<const std::int8_t> held, double k, std::int64_t entry) {
  const auto n = static_cast<std::int64_t>(held.size());
  const std::int8_t side = held[entry];
  const double unit_cost = k * std::abs(static_cast<double>(side));
  RoundTrip trip;
  trip.entry_bar = entry;
  trip.side = side;
  trip.growth = 1.0 + side * r[entry] - unit_cost;
  trip.cost = unit_cost;
  std::int64_t t = entry + 1;
  while (t < n && held[t] == side) trip.growth *= 1.0 + side * r[t++];
  if (t == n) return trip;  // still open at the end
  trip.exit_bar = t;
  trip.growth *= 1.0 - unit_cost;
  trip.cost += unit_cost;
  return trip;
}

}  // namespace

std::vector<RoundTrip> round_trips(std::span<const double> returns, std::span<const std::int8_t> held, double k) {
  if (returns.size() != held.size()) throw KernelError("round_trips: returns and positions differ in length");
  std::vector<RoundTrip> trips;
  for (std::size_t t = 1; t < held.size(); ++t) {
    if (held[t] == 0 || held[t] == held[t - 1]) continue;
    trips.push_back(follow_trip(returns, held, k, static_cast<std::int64_t>(t)));
  }
  return trips;
}

}  // namespace qg::kernels
