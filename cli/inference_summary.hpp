#pragma once
/// @file inference_summary.hpp
/// The inference part of `capsim run`'s summary: latency percentiles, throughput, SLO and goodput, KV cache and
/// queues of one serving workload.

#include <ostream>

#include "models/workloads/serving.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::cli {

/// Prints one inference workload's layout, load, engine settings and results.
void print_inference(const workloads::InferenceJob& job, const sim::serving::InferenceResult& r, std::ostream& out);

/// "concurrency, 50 users", "poisson, 50/s for 1.00 h", ...: the load in words.
std::string describe_load(const workloads::Load& load);

}  // namespace capsim::cli
