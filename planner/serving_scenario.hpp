#pragma once
/// @file serving_scenario.hpp
/// Private to planner/scenario*.cpp: reads the keys of an inference workload that describe how it is served (load,
/// request lengths, precisions, engine settings, SLO, router, disaggregation), checking each with its JSON pointer.
///
/// Keys (all optional unless said):
///  - "load": {"mode": "concurrency" | "poisson" | "gamma" | "offline" | "trace", "users", "rate",
///    "rate_curve": {"interval": "1 h", "rates": ["5/s", ...]}, "burstiness" (gamma's coefficient of variation),
///    "think_time", "requests", "duration", "trace": CSV path}
///  - "input_tokens", "output_tokens": a whole number, or {"distribution": "fixed" | "uniform" | "lognormal" |
///    "trace", "mean", "sigma", "min", "max"}
///  - "weight_precision" (default: "precision"), "kv_cache_precision" (default: 16-bit)
///  - "serving": {"max_num_seqs", "max_batched_tokens", "chunked_prefill", "block_tokens",
///    "gpu_memory_utilization", "kv_admission": "on-demand" | "reserve"}
///  - "slo": {"ttft_p50|p90|p99": time, "tpot_p50|p90|p99": time}
///  - "router": "round-robin" | "least-outstanding"; "disaggregation": {"prefill_replicas": N}
///  - "report_interval": time-series bucket

#include "planner/json_reader.hpp"
#include "planner/scenario_checks.hpp"

namespace capsim::planner::detail {

/// Reads every serving key of inference workload `w` into `wd.serve` (replicas and parallelism excepted).
void parse_serving_keys(ObjectReader& w, WorkloadDraft& wd);

}  // namespace capsim::planner::detail
