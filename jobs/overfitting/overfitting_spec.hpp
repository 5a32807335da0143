#pragma once
// The `overfitting` section of a sweep or walk-forward spec (docs/spec-reference.md):
//   overfitting: {pbo_blocks: 16}          # on, with S CSCV blocks (even, 2..32)
//   overfitting: false | {enabled: false}  # off (sweeps only)
#include "qg/jobs/spec_reader.hpp"

namespace qg::jobs {

struct OverfittingSpec {
  bool enabled = true;
  int pbo_blocks = 16;     // S of CSCV: even, 2..32
  bool requested = false;  // the spec has an `overfitting` section
};

//! Reads the section over `defaults` (the job kind's); `may_disable` false (walk-forward)
//! makes `false` / `enabled: false` an error. ConfigError "ORIGIN:LINE: overfitting...: what".
OverfittingSpec read_overfitting_spec(const detail::Field& field, OverfittingSpec defaults, bool may_disable);

}  // namespace qg::jobs
