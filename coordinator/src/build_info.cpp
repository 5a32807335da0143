#include "qg/coordinator/build_info.hpp"

#include "qg/core/error.hpp"
#include "qg/kernels/kernel_target.hpp"

#ifndef QG_VERSION
#define QG_VERSION "0.0.0"
#endif
#ifndef QG_ARCH_NAME
#define QG_ARCH_NAME "generic"
#endif

namespace qg::coordinator {
namespace {

//! The x86-64 micro-architecture level (psABI x86-64-v2/v3/v4) the compiler targets.
std::string x86_level() {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512CD__) && defined(__AVX512DQ__) && \
    defined(__AVX512VL__)
  return "x86-64-v4";
#elif defined(__AVX2__) && defined(__FMA__) && defined(__BMI__) && defined(__BMI2__) && defined(__F16C__)
  return "x86-64-v3";
#elif defined(__SSE4_2__) && defined(__SSSE3__) && defined(__POPCNT__)
  return "x86-64-v2";
#elif defined(__x86_64__)
  return "x86-64";
#else
  return "";
#endif
}

//! The widest vector extensions the compiler may use, e.g. "AVX2 FMA".
std::string vector_extensions() {
#if defined(__AVX512F__)
  std::string ext = "AVX512F";
#elif defined(__AVX2__)
  std::string ext = "AVX2";
#elif defined(__AVX__)
  std::string ext = "AVX";
#elif defined(__SSE4_2__)
  std::string ext = "SSE4.2";
#elif defined(__SSE2__)
  std::string ext = "SSE2";
#elif defined(__ARM_NEON)
  std::string ext = "NEON";
#else
  std::string ext = "scalar";
#endif
#if defined(__FMA__)
  ext += " FMA";
#endif
  return ext;
}

//! The sweep kernels' run-time target, or why none could be chosen.
std::string kernels_line() {
  try {
    return std::string(kernels::kernel_target());
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

}  // namespace

std::string_view build_version() { return QG_VERSION; }

std::string build_target() {
  const std::string level = x86_level();
  const std::string isa = level.empty() ? vector_extensions() : level + ": " + vector_extensions();
  return std::string(QG_ARCH_NAME) + " (" + isa + ")";
}

std::string version_line() {
  return "quantgrid " + std::string(build_version()) + " (commit " + std::string(build_commit()) + "; target " +
         build_target() + "; kernels " + kernels_line() + ")";
}

}  // namespace qg::coordinator
