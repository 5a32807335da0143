#pragma once
// Bounded Sharpe estimates for the CSCV splits: a cheap estimate of every trial's per-bar Sharpe
// (one reciprocal square root estimate and a Newton step instead of three divisions and a square
// root) with a proven interval [low(e), high(e)] around the exact value, and the split's two
// decisions taken from the estimates: the in-sample best (best_index's tie rule) and its
// out-of-sample rank (tie_averaged_rank's). Only the trials whose interval leaves a decision
// open are computed exactly, through the caller's `exact(i)`; the exact values decide, so the
// answers are those of best_index and tie_averaged_rank over every exact value, bit for bit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>
#include <algorithm>

#include "qg/kernels/overfitting.hpp"

namespace qg::kernels::sharpe_bounds {

//! The interval around an estimate e: the exact value lies in [low(e), high(e)]. The estimates'
//! own arithmetic errs by under 6.6e-7 |e| (sharpe_bounds.cpp); 2^-18 = 3.8e-6 leaves a wide
//! margin. `absolute` adds the error of the sums the estimate starts from: absolute_float(k) for
//! estimates_float() and estimates_difference_float(); kAbsolute (all but nothing) where an
//! estimate's error is only relative.
inline constexpr double kRelative = 0x1p-18;
inline constexpr double kAbsolute = 0x1p-80;
inline double low(float e, double absolute = kAbsolute) {
  return double(e) - (kRelative * std::fabs(double(e)) + absolute);
}
inline double high(float e, double absolute = kAbsolute) {
  return double(e) + (kRelative * std::fabs(double(e)) + absolute);
}

//! The tie tolerance of every selection and rank: 1e-12 max(1, |v|).
inline double tolerance(double v) { return 1e-12 * std::max(1.0, std::fabs(v)); }

//! The largest estimate of a call (-inf if all are NaN) and the largest with NaN read as +inf.
struct EstimateMax {
  float finite, any;
};

//! The float estimates' share of Cauchy-Schwarz's bound: a trial's t2 must be NaN (no estimate
//! of either half) unless (sum_j |s1_j|)^2 <= kAbsShare 2 m t2 (1 + 2^-20) over its 2k block sums
//! (pbo.cpp's add_totals). Block sums of L bars have |s1_j| <= sqrt(L s2_j) and, unless their bars
//! are nearly constant, about sqrt(L s2_j / L): real returns in blocks of some 20 bars or more pass.
inline constexpr double kAbsShare = 1.0 / 32;

//! The absolute term of the estimates from float sums (estimates_float and
//! estimates_difference_float) of halves of k blocks: sharpe_bounds.cpp derives 0.78 (k + 3) 2^-24
//! for the float sums' rounding; this claims 2.6 times that.
inline double absolute_float(int k) { return (k + 3) * 0x1p-23; }

//! The least sum of squares a half of each trial needs for a float estimate: floor[i] = t2[i] / 4
//! for t2 the trial's sum of squares over all 2k blocks rounded to float (NaN where kAbsShare's
//! check fails), NaN (no estimate) unless t2[i] is in [2^-90, 2^90] and 2 <= m <= 2^24. The same for
//! every split: computed once a tile of trials.
void share_floors(const float* t2, double m, std::size_t count, float* floor);

//! est[i] estimates the exact per-bar Sharpe (the CSCV lanes' formula over m bars) of a half of
//! trial i from float sums: s1, s2 the half's sums of k blocks (each block sum rounded to float,
//! added in ascending block order in float, from 0), floor from share_floors, the arithmetic in
//! float. The exact value is that of the half's double sums. The interval is
//! [low(e, absolute_float(k)), high(e, absolute_float(k))]; NaN (no interval: such trials are
//! computed exactly whenever a decision involves them) unless the half keeps its floor (s2 >=
//! floor: a quarter of t2) and its variance 63/64 of its sum of squares (a per-bar Sharpe below
//! about 1/8).
EstimateMax estimates_float(const float* s1, const float* s2, const float* floor, double m, std::size_t count,
                            float* est);

//! estimates_float() of the other half of every trial's blocks, whose sums are t1 - s1 and
//! t2 - s2 in float: t1, t2 the
//! trial's sums over all 2k blocks (double sums rounded to float), floor from share_floors of t2,
//! s1, s2 one half's float sums as for estimates_float. The same interval and checks, for the
//! other half's sums.
EstimateMax estimates_difference_float(const float* t1, const float* t2, const float* floor, const float* s1,
                                       const float* s2, double m, std::size_t count, float* est);

//! The smallest finite float e with pred(e) for a predicate that is false below some point and
//! true from it on; -inf when it holds for every finite float, +inf when for none.
template <class Pred>
float first_satisfying(Pred pred);
//! The same float, searched from `guess` outwards (steps doubling until pred changes, then
//! bisection): a few evaluations of pred when the guess is within a few units in the last place
//! of the answer, instead of about 32. A non-finite guess searches the whole range.
template <class Pred>
float first_satisfying(Pred pred, float guess);

//! Guesses for first_satisfying of high(e, absolute) >= t (or > t) and of low(e, absolute) >= t
//! (or > t): the solutions of the interval's formula in real arithmetic, rounded to float.
float guess_high_reaches(double t, double absolute);
float guess_low_reaches(double t, double absolute);

//! Trials in tiles of `tile` (the last may be short): per tile the largest non-NaN estimate
//! (-inf if none) and the largest with NaN read as +inf.
struct Tiles {
  std::size_t tile;
  std::span<const float> max_finite, max_any;
};

//! best_index over the exact values, from the estimates: the exact values of the trials whose
//! high() reaches the floor of the largest low() (best_index's floor, which only grows with the
//! maximum) decide. {index, its exact value}; nullopt when an exact value is not finite.
struct Pick {
  std::size_t index;
  double value;
};
template <class Exact>
std::optional<Pick> best_index(std::span<const float> est, const Tiles& tiles, Exact&& exact,
                               double absolute = kAbsolute);

//! tie_averaged_rank of a trial whose exact value is v among the trials of `est`: a trial whose
//! interval lies wholly below v - tol, within [v - tol, v + tol] or above v + tol counts as such;
//! the others are computed exactly. nullopt when an exact value is not finite.
template <class Exact>
std::optional<double> tie_averaged_rank(std::span<const float> est, double v, Exact&& exact,
                                        double absolute = kAbsolute);

// ---- templates ----

namespace detail {
//! Order-preserving integer key of a non-NaN float (-0 and +0 share key 0), and its inverse.
std::int32_t key(float f);
float from_key(std::int32_t k);
//! The limits of tie_averaged_rank's sure counts: an estimate e counts below when e < below,
//! tied when tie_lo <= e < tie_hi, and is settled (needs no exact value) when it counts below
//! or tied or e >= above; NaN is never settled.
struct RankLimits {
  float below, above, tie_lo, tie_hi;
};
//! Over est[0, n) in chunks of `chunk` floats (the last may be short): how many count below and
//! tied, and into `open` (cleared first) the start of every chunk that holds an estimate not
//! settled. One pass, the counts kept in vector lanes across the chunks.
void count_settled(const float* est, std::size_t n, const RankLimits& lim, std::size_t chunk, std::size_t& below,
                   std::size_t& tie, std::vector<std::size_t>& open);
}  // namespace detail

namespace detail {
//! The float of the smallest key in (lo, hi] where `holds` is true, given it is false at lo and
//! true at hi (bisection over the keys).
template <class Holds>
float bisect_keys(Holds& holds, std::int64_t lo, std::int64_t hi) {
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (holds(mid) ? hi : lo) = mid;
  }
  return from_key(static_cast<std::int32_t>(hi));
}
}  // namespace detail

template <class Pred>
float first_satisfying(Pred pred) {
  const float top = std::numeric_limits<float>::max();
  if (pred(-top)) return -std::numeric_limits<float>::infinity();
  if (!pred(top)) return std::numeric_limits<float>::infinity();
  const auto holds = [&](std::int64_t k) { return pred(detail::from_key(static_cast<std::int32_t>(k))); };
  return detail::bisect_keys(holds, detail::key(-top), detail::key(top));
}

template <class Pred>
float first_satisfying(Pred pred, float guess) {
  if (!std::isfinite(guess)) return first_satisfying(pred);
  const float top = std::numeric_limits<float>::max();
  if (pred(-top)) return -std::numeric_limits<float>::infinity();
  if (!pred(top)) return std::numeric_limits<float>::infinity();
  const std::int64_t bottom = detail::key(-top), ceiling = detail::key(top), g = detail::key(guess);
  const auto holds = [&](std::int64_t k) { return pred(detail::from_key(static_cast<std::int32_t>(k))); };
  std::int64_t lo = g, hi = g;  // pred false at lo, true at hi, once the search below ends
  if (holds(g)) {
    for (std::int64_t step = 1;; step *= 2) {
      lo = std::max(bottom, hi - step);
      if (lo == bottom || !holds(lo)) break;
      hi = lo;
    }
  } else {
    for (std::int64_t step = 1;; step *= 2) {
      hi = std::min(ceiling, lo + step);
      if (hi == ceiling || holds(hi)) break;
      lo = hi;
    }
  }
  return detail::bisect_keys(holds, lo, hi);
}

template <class Exact>
std::optional<Pick> best_index(std::span<const float> est, const Tiles& tiles, Exact&& exact, double absolute) {
  float top = -std::numeric_limits<float>::infinity();
  for (float t : tiles.max_finite) top = t > top ? t : top;
  // Every exact value is at least its low(), so the maximum M >= low(top), and every trial
  // within the tie tolerance of M is at least best_index's floor of low(top).
  const double l = std::isinf(top) ? -std::numeric_limits<double>::infinity() : low(top, absolute);
  const double floor = l - tolerance(l);
  const float reach =
      first_satisfying([&](float e) { return high(e, absolute) >= floor; }, guess_high_reaches(floor, absolute));
  std::vector<Pick> candidates;  // in index order; NaN estimates are candidates
  for (std::size_t t = 0; t < tiles.max_any.size(); ++t) {
    if (tiles.max_any[t] < reach) continue;
    for (std::size_t i = t * tiles.tile; i < std::min(est.size(), (t + 1) * tiles.tile); ++i) {
      if (est[i] < reach) continue;
      candidates.push_back({i, exact(i)});
      if (!std::isfinite(candidates.back().value)) return std::nullopt;
    }
  }
  if (candidates.empty()) return std::nullopt;
  double m = candidates[0].value;
  for (const Pick& c : candidates) m = std::max(m, c.value);
  const double top_floor = m - tolerance(m);
  for (const Pick& c : candidates)
    if (c.value >= top_floor) return c;
  return std::nullopt;
}

template <class Exact>
std::optional<double> tie_averaged_rank(std::span<const float> est, double v, Exact&& exact, double absolute) {
  const double tol = tolerance(v), t1 = v - tol, t2 = v + tol;  // as kernels::tie_averaged_rank
  const float below_lim =
      first_satisfying([&](float e) { return high(e, absolute) >= t1; }, guess_high_reaches(t1, absolute));
  const float above_lim =
      first_satisfying([&](float e) { return low(e, absolute) > t2; }, guess_low_reaches(t2, absolute));
  const float tie_lo =
      first_satisfying([&](float e) { return low(e, absolute) >= t1; }, guess_low_reaches(t1, absolute));
  const float tie_hi =
      first_satisfying([&](float e) { return high(e, absolute) > t2; }, guess_high_reaches(t2, absolute));
  constexpr std::size_t kChunk = 64;
  std::size_t below = 0, ties = 0;
  std::vector<std::size_t> open;  // chunks holding a trial whose interval leaves the count open
  detail::count_settled(est.data(), est.size(), {below_lim, above_lim, tie_lo, tie_hi}, kChunk, below, ties, open);
  for (const std::size_t c : open) {
    for (std::size_t i = c; i < std::min(est.size(), c + kChunk); ++i) {
      const float e = est[i];
      if (e < below_lim || e >= above_lim || (e >= tie_lo && e < tie_hi)) continue;  // counted
      const double x = exact(i);
      if (!std::isfinite(x)) return std::nullopt;
      if (x < t1)
        ++below;
      else if (x <= t2)
        ++ties;
    }
  }
  return static_cast<double>(below) + (static_cast<double>(ties) + 1.0) / 2.0;
}

}  // namespace qg::kernels::sharpe_bounds
