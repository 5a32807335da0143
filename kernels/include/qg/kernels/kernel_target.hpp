#pragma once
// The CPU target of the hot sweep kernels. They are built for x86-64-v3 (AVX2, FMA; 4 parameter
// sets per vector) and x86-64-v4 (AVX-512; 8 per vector), and for x86-64-v2 (SSE4.2) when the
// rest of the build is (CMake QG_ARCH, QG_KERNEL_TARGETS). Each process picks one the first time
// it needs them: the one named by the environment variable QG_KERNEL_TARGET when set (an error
// when this build lacks it or this CPU cannot run it), else the best this CPU runs.
#include <span>
#include <string_view>

namespace qg::kernels {

//! The target chosen for this process, e.g. "x86-64-v3". Throws KernelError when
//! QG_KERNEL_TARGET names no target or one this CPU cannot run.
std::string_view kernel_target();
//! The targets this build has, oldest first, e.g. x86-64-v3, x86-64-v4.
std::span<const std::string_view> kernel_targets();
//! True when this CPU (and OS) can run the kernels of `target`; false for an unknown name.
bool cpu_supports_kernel_target(std::string_view target);

}  // namespace qg::kernels
