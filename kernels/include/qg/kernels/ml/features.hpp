#pragma once
// The feature catalogue of `job: train` (docs/train.md): columns computed from one series of
// closes, each known at the close of its bar t. With r_t = c_t / c_{t-1} - 1:
//   lagged_returns L  ret_lag_k = r_{t-k+1}, k = 1..L                      defined from t = L
//   volatility w      sample sd (ddof 1) of r_{t-w+1..t}                    defined from t = w
//   rsi p             Wilder: AG, AL start as the mean of the first p gains / losses of
//                     c_t - c_{t-1}, then AG_t = AG_{t-1}(1 - 1/p) + G_t / p;
//                     RSI = 100 AG / (AG + AL), 50 when both are 0          defined from t = p
//   sma_ratio w       c_t / mean(c_{t-w+1..t}) - 1                          defined from t = w - 1
//   zscore w          (c_t - mean) / sd (ddof 1) of c_{t-w+1..t}, 0 if sd=0 defined from t = w - 1
//   skew w            adjusted Fisher-Pearson skewness (pandas' rolling skew) of r_{t-w+1..t},
//                     0 when their variance is 0                             defined from t = w
// Bars before a column is defined hold NaN.
#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qg::kernels::ml {

enum class FeatureKind : std::uint8_t { kLaggedReturns, kVolatility, kRsi, kSmaRatio, kZscore, kSkew };

//! One entry of the catalogue: its kind and its one parameter (lags, window or period).
struct FeatureSpec {
  FeatureKind kind = FeatureKind::kLaggedReturns;
  int param = 1;
};

//! "lagged_returns", "volatility", "rsi", "sma_ratio", "zscore", "skew".
std::string_view feature_kind_name(FeatureKind kind);
//! The kind named `name`, or nullopt.
std::optional<FeatureKind> feature_kind(std::string_view name);
//! Every kind's name, in catalogue order.
std::vector<std::string_view> feature_kind_names();
//! The name of a kind's parameter: "lags", "window" or "period".
std::string_view feature_param_name(FeatureKind kind);
//! The smallest parameter a kind accepts (volatility and zscore 2, skew 3, the others 1).
int feature_min_param(FeatureKind kind);
//! Columns a feature adds (L for lagged_returns, 1 otherwise).
int feature_width(const FeatureSpec& spec);
//! The first bar at which every column of the feature is defined.
std::int64_t feature_first_bar(const FeatureSpec& spec);
//! Column names, in column order: ret_lag_1.., vol_5, rsi_14, sma_ratio_20, zscore_20, skew_20.
std::vector<std::string> feature_names(std::span<const FeatureSpec> specs);
//! Total columns of a feature list.
int feature_columns(std::span<const FeatureSpec> specs);
//! The first bar at which every feature of the list is defined (0 for an empty list).
std::int64_t features_first_bar(std::span<const FeatureSpec> specs);

//! Fills `out` (closes.size() x feature_columns(specs)) with the features of `close`. Rolling
//! means and variances are updated in O(1) per bar and recomputed exactly every kResyncBars
//! bars, so the rounding of the running sums cannot accumulate over long series; skewness is
//! taken in two passes per window.
void compute_features(std::span<const double> close, std::span<const FeatureSpec> specs,
                      Eigen::Ref<Eigen::MatrixXd> out);
//! Plain-loop reference: every window summed afresh, two-pass moments. Never optimized.
void compute_features_ref(std::span<const double> close, std::span<const FeatureSpec> specs,
                          Eigen::Ref<Eigen::MatrixXd> out);

//! Bars between exact recomputations of the rolling sums in compute_features.
inline constexpr std::int64_t kResyncBars = 256;

}  // namespace qg::kernels::ml
