#pragma once
// Natural logarithms of an array, four lanes at a time through glibc's vector math library
// (libmvec), for the logistic objective (logistic.cpp). vector_log.cpp alone is compiled with
// -ffast-math, which is what makes GCC call libmvec's log for its loop (as the VaR kernels'
// vector_math.cpp does). libmvec's log is within 4 ulp of the correctly rounded value; the same
// binary gives the same bits for the same input, whatever the threads or ranks.
#include <span>

namespace qg::kernels::ml {

//! v[i] = log(v[i]) for finite positive v[i] (the objective's 1 + exp(-|z|), in [1, 2]).
void log_in_place(std::span<double> v);

}  // namespace qg::kernels::ml
