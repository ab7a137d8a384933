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

/// The most requests one run may send. The loop keeps every request for exact percentiles, about 150 bytes each
/// with its metrics: 10 million is about 1.5 GB and a minute on a 2-core machine (1.7 million, a day at 20/s, took
/// 7.6 s and 262 MB). Scenarios estimated above it are refused before running (planner/serving_scenario.cpp); a run
/// that passes it anyway (a closed loop, whose arrivals follow its own speed) stops with capsim::InfeasibleError.
inline constexpr double kMaxRequests = 10'000'000;

/// Requests `load` will send, estimated before running: `requests`, else the mean rate (or the rate curve's mean)
/// times the duration (kDefaultRunDuration_s when none), the trace's rows, or at most users / think time x duration
/// for a closed loop with a think time. 0 when unknown: a closed loop without think time sends as fast as it is served.
double estimated_requests(const workloads::Load& load);

/// Simulates `job` on replicas of `cluster`'s GPU. `seed` seeds the load's random streams (arrivals, lengths).
/// Never throws for a layout that does not fit: the result says so (fits_in_memory false, nothing simulated). Throws
/// capsim::InfeasibleError when the run would send more than kMaxRequests requests.
InferenceResult simulate_serving(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job,
                                 std::uint64_t seed);

}  // namespace capsim::sim::serving
