#pragma once
/// @file breakdown_part.hpp
/// The DES tests' look-up of one part of a step's breakdown.

#include <string>

#include "sim/engine.hpp"

namespace capsim::sim::testing {

/// Seconds of the part `name` of `r`'s step breakdown; 0 when the step has none.
inline double part(const TrainingResult& r, const std::string& name) {
  for (const auto& [k, v] : r.breakdown_s) {
    if (k == name) return v;
  }
  return 0;
}

}  // namespace capsim::sim::testing
