// Axis value lists and the three search methods. Every builder is a pure function of its
// arguments, so every rank derives the same parameter sets from the same spec.
#include "search/param_space.hpp"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "search/sobol.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::jobs {
namespace {

// Index tuples of drawn sets, to drop repeated draws without comparing doubles.
struct IndexHash {
  std::size_t operator()(const std::vector<std::uint32_t>& v) const {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a over the indices
    for (std::uint32_t x : v) h = (h ^ x) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
  }
};
using IndexSet = std::unordered_set<std::vector<std::uint32_t>, IndexHash>;

bool satisfies(std::span<const Constraint> where, std::span<const double> set) {
  return std::all_of(where.begin(), where.end(), [&](const Constraint& c) { return c.holds(set); });
}

void init_combos(ComboSet& out, std::span<const ParamAxis> axes) {
  out.n_params = axes.size();
  out.values.clear();
}

// Appends `set` unless the strategy rejects it; every kept set passed `where` already.
void keep_if_valid(ComboSet& out, std::span<const double> set, const kernels::Strategy& strategy) {
  if (!strategy.invalid_reason(set).empty()) {
    ++out.skipped_invalid;
    return;
  }
  if (out.size() >= kMaxCombos)
    throw SearchError("more than " + std::to_string(kMaxCombos) +
                      " parameter sets; narrow the ranges or use fewer samples");
  out.values.insert(out.values.end(), set.begin(), set.end());
}

void set_from_indices(std::span<const ParamAxis> axes, std::span<const std::uint32_t> idx, std::vector<double>& set) {
  for (std::size_t p = 0; p < axes.size(); ++p) set[p] = axes[p].values[idx[p]];
}

// Uniform index in [0, n) from two 32-bit words through a 53-bit fraction.
std::uint32_t uniform_index(std::uint32_t hi, std::uint32_t lo, std::size_t n) {
  const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11;
  const double u = static_cast<double>(bits) * 0x1p-53;
  return static_cast<std::uint32_t>(
      std::min<double>(std::floor(u * static_cast<double>(n)), static_cast<double>(n - 1)));
}

// Draw `draw` of a random search: Philox4x32-10 with key (seed) and counter (draw, block),
// one block of four words per two parameters.
void random_draw(std::span<const ParamAxis> axes, std::uint64_t seed, std::uint64_t draw,
                 std::vector<std::uint32_t>& idx) {
  using Philox = r123::Philox4x32;
  const Philox::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  Philox rng;
  for (std::size_t p = 0; p < axes.size(); p += 2) {
    const Philox::ctr_type ctr = {{static_cast<std::uint32_t>(draw), static_cast<std::uint32_t>(draw >> 32),
                                   static_cast<std::uint32_t>(p / 2), 0}};
    const Philox::ctr_type r = rng(ctr, key);
    idx[p] = uniform_index(r[0], r[1], axes[p].values.size());
    if (p + 1 < axes.size()) idx[p + 1] = uniform_index(r[2], r[3], axes[p + 1].values.size());
  }
}

}  // namespace

std::string_view search_method_name(SearchMethod method) {
  switch (method) {
    case SearchMethod::kGrid:
      return "grid";
    case SearchMethod::kRandom:
      return "random";
    case SearchMethod::kSobol:
      return "sobol";
  }
  return "grid";
}

std::vector<double> step_values(double from, double to, double step) {
  const double tol = 1e-9 * std::max({std::abs(from), std::abs(to), step});
  const auto last = static_cast<std::uint64_t>(std::floor((to + tol - from) / step));
  std::vector<double> out;
  out.reserve(last + 1);
  for (std::uint64_t k = 0; k <= last; ++k) {
    const double v = from + static_cast<double>(k) * step;
    out.push_back(std::abs(v - to) <= tol ? to : std::min(v, to));
  }
  return out;
}

std::vector<double> count_values(double from, double to, std::uint64_t count, bool log, bool integer) {
  std::vector<double> out;
  for (std::uint64_t i = 0; i < count; ++i) {
    const double f = count > 1 ? static_cast<double>(i) / static_cast<double>(count - 1) : 0.0;
    double v = log ? from * std::pow(to / from, f) : from + (to - from) * f;
    if (i + 1 == count && count > 1) v = to;  // exact end point
    if (integer) v = std::round(v);
    if (out.empty() || v != out.back()) out.push_back(v);
  }
  return out;
}

ComboSet grid_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                     const kernels::Strategy& strategy) {
  ComboSet out;
  init_combos(out, axes);
  double points = 1;
  for (const auto& axis : axes) points *= static_cast<double>(axis.values.size());
  if (points > static_cast<double>(kMaxGridPoints))
    throw SearchError("the grid has " + std::to_string(static_cast<std::uint64_t>(points)) + " points, more than " +
                      std::to_string(kMaxGridPoints) + "; use random or sobol search, or coarser steps");
  std::vector<std::uint32_t> idx(axes.size(), 0);
  std::vector<double> set(axes.size());
  // Odometer: the last axis turns fastest, so the first parameter is the slowest.
  while (true) {
    set_from_indices(axes, idx, set);
    ++out.candidates;
    if (satisfies(where, set))
      keep_if_valid(out, set, strategy);
    else
      ++out.rejected_where;
    std::size_t p = axes.size();
    while (p > 0 && ++idx[p - 1] == axes[p - 1].values.size()) idx[--p] = 0;
    if (p == 0) break;
  }
  return out;
}

ComboSet random_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                       const kernels::Strategy& strategy, const SearchSpec& search) {
  ComboSet out;
  init_combos(out, axes);
  const std::uint64_t max_draws = 100 * search.samples;  // below 1% acceptance, give up
  std::vector<std::uint32_t> idx(axes.size(), 0);
  std::vector<double> set(axes.size());
  IndexSet seen;
  std::uint64_t accepted = 0;
  for (std::uint64_t draw = 0; accepted < search.samples; ++draw) {
    if (draw == max_draws)
      throw SearchError("only " + std::to_string(accepted) + " of " + std::to_string(max_draws) +
                        " random draws satisfy `where` (under 1%); widen the ranges or relax the constraints");
    random_draw(axes, search.seed, draw, idx);
    set_from_indices(axes, idx, set);
    ++out.candidates;
    if (!satisfies(where, set)) {
      ++out.rejected_where;
      continue;
    }
    ++accepted;
    if (!seen.insert(idx).second)
      ++out.duplicates;
    else
      keep_if_valid(out, set, strategy);
  }
  return out;
}

ComboSet sobol_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                      const kernels::Strategy& strategy, const SearchSpec& search) {
  ComboSet out;
  init_combos(out, axes);
  std::vector<std::size_t> varying;  // axes that get a Sobol dimension
  for (std::size_t p = 0; p < axes.size(); ++p)
    if (axes[p].values.size() > 1) varying.push_back(p);
  if (varying.size() > SobolSequence::kMaxDims)
    throw SearchError("sobol search supports at most " + std::to_string(SobolSequence::kMaxDims) +
                      " varying parameters, got " + std::to_string(varying.size()));
  std::vector<std::uint32_t> idx(axes.size(), 0);
  std::vector<double> set(axes.size());
  std::vector<double> u(std::max<std::size_t>(varying.size(), 1));
  SobolSequence sobol(static_cast<unsigned>(u.size()));
  IndexSet seen;
  for (std::uint64_t i = 0; i < search.samples; ++i) {
    sobol.next(u);  // the first call yields point 1: the origin is skipped
    for (std::size_t d = 0; d < varying.size(); ++d) {
      const std::size_t n = axes[varying[d]].values.size();
      idx[varying[d]] = static_cast<std::uint32_t>(
          std::min(n - 1, static_cast<std::size_t>(std::floor(u[d] * static_cast<double>(n)))));
    }
    set_from_indices(axes, idx, set);
    ++out.candidates;
    if (!satisfies(where, set))
      ++out.rejected_where;
    else if (!seen.insert(idx).second)
      ++out.duplicates;
    else
      keep_if_valid(out, set, strategy);
  }
  return out;
}

ComboSet build_combos(std::span<const ParamAxis> axes, std::span<const Constraint> where,
                      const kernels::Strategy& strategy, const SearchSpec& search) {
  switch (search.method) {
    case SearchMethod::kRandom:
      return random_combos(axes, where, strategy, search);
    case SearchMethod::kSobol:
      return sobol_combos(axes, where, strategy, search);
    case SearchMethod::kGrid:
      break;
  }
  return grid_combos(axes, where, strategy);
}

}  // namespace qg::jobs
