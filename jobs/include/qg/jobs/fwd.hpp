#pragma once
// Forward declarations of the jobs layer.

namespace qg::jobs {
struct SpecHeader;
class Reducer;
class Job;
struct ParamAxis;
struct Constraint;
struct SearchSpec;
struct ComboSet;
class SobolSequence;
struct SweepSpec;
class SweepJob;
class SweepReducer;
}  // namespace qg::jobs
