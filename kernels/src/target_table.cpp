// One target's table of the hot kernels, compiled into each target's objects with its -march
// (kernels/CMakeLists.txt defines QG_KERNEL_TARGET_NS, QG_KERNEL_TARGET_NAME and
// QG_KERNEL_TARGET_TABLE, the function below, e.g. target_kernels_x86_64_v3).
#include "backtest_runs.hpp"
#include "simd.hpp"
#include "strategies/all.hpp"
#include "target_kernels.hpp"

namespace qg::kernels {

const TargetKernels& QG_KERNEL_TARGET_TABLE() {
  static const TargetKernels kTable = {
      QG_KERNEL_TARGET_NAME,
      simd::kWidth,
      {&detail::sma_crossover_strategy(), &detail::ema_crossover_strategy(), &detail::bollinger_strategy(),
       &detail::rsi_strategy(), &detail::donchian_strategy(), &detail::momentum_strategy()},
      &runs::backtest_metrics_range_runs,
  };
  return kTable;
}

}  // namespace qg::kernels
