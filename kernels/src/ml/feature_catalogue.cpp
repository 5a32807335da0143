// Names, parameters and warm-up of the feature catalogue (features.hpp).
#include <algorithm>
#include <array>

#include "qg/kernels/ml/features.hpp"

namespace qg::kernels::ml {
namespace {

struct KindInfo {
  FeatureKind kind;
  std::string_view name, param, prefix;
  int min_param;
};

constexpr std::array<KindInfo, 6> kKinds = {{{FeatureKind::kLaggedReturns, "lagged_returns", "lags", "ret_lag_", 1},
                                             {FeatureKind::kVolatility, "volatility", "window", "vol_", 2},
                                             {FeatureKind::kRsi, "rsi", "period", "rsi_", 1},
                                             {FeatureKind::kSmaRatio, "sma_ratio", "window", "sma_ratio_", 1},
                                             {FeatureKind::kZscore, "zscore", "window", "zscore_", 2},
                                             {FeatureKind::kSkew, "skew", "window", "skew_", 3}}};

const KindInfo& info(FeatureKind kind) { return kKinds[static_cast<std::size_t>(kind)]; }

}  // namespace

std::string_view feature_kind_name(FeatureKind kind) { return info(kind).name; }

std::optional<FeatureKind> feature_kind(std::string_view name) {
  for (const auto& k : kKinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

std::vector<std::string_view> feature_kind_names() {
  std::vector<std::string_view> out;
  for (const auto& k : kKinds) out.push_back(k.name);
  return out;
}

std::string_view feature_param_name(FeatureKind kind) { return info(kind).param; }

int feature_min_param(FeatureKind kind) { return info(kind).min_param; }

int feature_width(const FeatureSpec& spec) { return spec.kind == FeatureKind::kLaggedReturns ? spec.param : 1; }

std::int64_t feature_first_bar(const FeatureSpec& spec) {
  const bool on_closes = spec.kind == FeatureKind::kSmaRatio || spec.kind == FeatureKind::kZscore;
  return on_closes ? spec.param - 1 : spec.param;
}

std::vector<std::string> feature_names(std::span<const FeatureSpec> specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) {
    const std::string prefix(info(s.kind).prefix);
    if (s.kind != FeatureKind::kLaggedReturns) {
      out.push_back(prefix + std::to_string(s.param));
      continue;
    }
    for (int k = 1; k <= s.param; ++k) out.push_back(prefix + std::to_string(k));
  }
  return out;
}

int feature_columns(std::span<const FeatureSpec> specs) {
  int n = 0;
  for (const auto& s : specs) n += feature_width(s);
  return n;
}

std::int64_t features_first_bar(std::span<const FeatureSpec> specs) {
  std::int64_t first = 0;
  for (const auto& s : specs) first = std::max(first, feature_first_bar(s));
  return first;
}

}  // namespace qg::kernels::ml
