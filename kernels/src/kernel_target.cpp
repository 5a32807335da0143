#include "qg/kernels/kernel_target.hpp"

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "qg/core/error.hpp"
#include "target_kernels.hpp"

namespace qg::kernels {
namespace {

constexpr std::array<std::string_view, 3> kKnown = {"x86-64-v2", "x86-64-v3", "x86-64-v4"};

//! "x86-64-v3, x86-64-v4": the targets this build has.
std::string built_list() {
  std::string out;
  for (std::string_view t : kernel_targets()) out += (out.empty() ? "" : ", ") + std::string(t);
  return out;
}

//! QG_KERNEL_TARGET's copy, checked against this CPU.
const TargetKernels& forced_kernels(const std::string& name) {
  const TargetKernels* k = target_kernels(name);
  if (k == nullptr)
    throw KernelError("QG_KERNEL_TARGET=" + name + ": not a kernel target of this build (" + built_list() + ")");
  if (!cpu_supports_kernel_target(name))
    throw KernelError("QG_KERNEL_TARGET=" + name + ": this CPU cannot run it (" + name + " instructions missing)");
  return *k;
}

const TargetKernels& choose_kernels() {
  const char* forced = std::getenv("QG_KERNEL_TARGET");
  if (forced != nullptr && *forced != '\0') return forced_kernels(forced);
  const auto built = kernel_targets();
  for (auto it = built.rbegin(); it != built.rend(); ++it)
    if (cpu_supports_kernel_target(*it)) return *target_kernels(*it);
  // A CPU below the oldest target: the rest of the binary (QG_ARCH) would not run on it either.
  throw KernelError("this CPU runs none of the kernel targets of this build (" + built_list() + ")");
}

}  // namespace

const TargetKernels* target_kernels(std::string_view name) {
#ifdef QG_KERNELS_X86_64_V2
  if (name == kKnown[0]) return &target_kernels_x86_64_v2();
#endif
#ifdef QG_KERNELS_X86_64_V3
  if (name == kKnown[1]) return &target_kernels_x86_64_v3();
#endif
#ifdef QG_KERNELS_X86_64_V4
  if (name == kKnown[2]) return &target_kernels_x86_64_v4();
#endif
  (void)name;
  return nullptr;
}

const TargetKernels& active_kernels() {
  static const TargetKernels& chosen = choose_kernels();  // a throw leaves it unset: the next call retries
  return chosen;
}

std::string_view kernel_target() { return active_kernels().name; }

std::span<const std::string_view> kernel_targets() {
  static const std::vector<std::string_view> built = [] {
    std::vector<std::string_view> out;
    for (std::string_view t : kKnown)
      if (target_kernels(t) != nullptr) out.push_back(t);
    return out;
  }();
  return built;
}

bool cpu_supports_kernel_target(std::string_view target) {
  // The features that define each level (x86-64 psABI), spelled as both GCC and Clang accept
  // them: GCC 12 also takes "x86-64-v3" itself, Clang 14 does not.
  __builtin_cpu_init();
  const bool v2 = __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
  const bool v3 = v2 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                  __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  const bool v4 = v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                  __builtin_cpu_supports("avx512vl");
  if (target == kKnown[0]) return v2;
  if (target == kKnown[1]) return v3;
  if (target == kKnown[2]) return v4;
  return false;
}

}  // namespace qg::kernels
