#pragma once
/// @file result_json.hpp
/// The result document of `capsim run --json` (schema "capsim/result/v1"), keys as DESIGN.md's CLI contract names
/// them.

#include <nlohmann/json.hpp>

#include "planner/run.hpp"

namespace capsim::planner {

/// One training result as the contract's object (`name`, `kind`, `gpus`, `step_time_s`, ... `breakdown_s`).
nlohmann::ordered_json to_json(const sim::TrainingResult& result);
/// One inference result: the contract's `ttft_s`, `tpot_s`, `e2e_s` (each with p50/p90/p99), `output_tokens_per_s`,
/// `requests_per_s`, then goodput, KV-cache use, queues and the time series.
nlohmann::ordered_json to_json(const sim::serving::InferenceResult& result);
/// The whole result document.
nlohmann::ordered_json to_json(const ScenarioResult& result);


}  // namespace capsim::planner
