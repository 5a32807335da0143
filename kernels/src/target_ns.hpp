#pragma once
// The inline namespace of one CPU target's copy of the hot sweep kernels (target_kernels.hpp).
// kernels/CMakeLists.txt defines it per target (x86_64_v3, ...); the objects of qg_kernels
// itself, which use the same headers for the live streams, get `baseline`.
#ifndef QG_KERNEL_TARGET_NS
#define QG_KERNEL_TARGET_NS baseline
#endif
