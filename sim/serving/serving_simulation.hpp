#pragma once
/// @file serving_simulation.hpp
/// The request-level serving simulation: a load, a router and replicas with vLLM-like schedulers, run as a
/// discrete-event loop over arrivals and step completions.

#include <cstdint>

#include "models/hardware/cluster.hpp"
#include "models/workloads/serving.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::sim::serving {

/// How long a run lasts when the load names neither `duration` nor `requests` (open and closed loops), seconds.
inline constexpr double kDefaultRunDuration_s = 600;

/// Simulates `job` on replicas of `cluster`'s GPU. `seed` seeds the load's random streams (arrivals, lengths).
/// Never throws for a layout that does not fit: the result says so (fits_in_memory false, nothing simulated).
InferenceResult simulate_serving(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job,
                                 std::uint64_t seed);

}  // namespace capsim::sim::serving
