#pragma once
// The hot sweep kernels (the strategies' fused sweep paths and the lane backtest) are compiled
// once per CPU target (kernels/CMakeLists.txt, QG_KERNEL_TARGETS: x86-64-v3 and x86-64-v4, and
// x86-64-v2 when QG_ARCH is, each with its own -march) and one copy is chosen per process at run
// time (kernel_target.cpp). Each copy lives
// in its own inline namespace (target_ns.hpp), so that their inline functions and lane widths
// never meet; code still names them qg::kernels::detail, lanes and simd.
#include <array>
#include <string_view>

#include "qg/kernels/backtest.hpp"
#include "qg/kernels/strategy.hpp"

namespace qg::kernels {

//! One target's copy of the hot kernels.
struct TargetKernels {
  std::string_view name;                      //!< "x86-64-v3"
  int lane_width;                             //!< parameter sets per vector
  std::array<const Strategy*, 6> strategies;  //!< in registry order (registry.cpp)
  //! backtest_metrics_range after its argument checks.
  void (*backtest_metrics_range)(const PreparedSeries&, PositionRows, double, BarRange, double*);
};

//! The copy of `name` ("x86-64-v3"), or nullptr when this build has none.
const TargetKernels* target_kernels(std::string_view name);

//! The copies, each defined in its target's objects (target_table.cpp) when the build has it
//! (QG_KERNELS_X86_64_V3, ... defined).
const TargetKernels& target_kernels_x86_64_v2();
const TargetKernels& target_kernels_x86_64_v3();
const TargetKernels& target_kernels_x86_64_v4();

//! The copy chosen for this process (kernel_target.cpp): QG_KERNEL_TARGET when set, else the
//! best this CPU runs. Throws KernelError when QG_KERNEL_TARGET names no target or one this CPU
//! cannot run.
const TargetKernels& active_kernels();

}  // namespace qg::kernels
