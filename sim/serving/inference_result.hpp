#pragma once
/// @file inference_result.hpp
/// Result of one inference-serving simulation. Field names follow the CLI result contract in DESIGN.md.

#include <cstdint>
#include <string>
#include <vector>

#include "models/workloads/inference_memory.hpp"
#include "models/workloads/serving.hpp"

namespace capsim::sim::serving {

/// Summary of a latency distribution over the completed requests, seconds.
struct LatencyStats {
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double max = 0;
};

/// One interval of the run, for plots.
struct TimeSeriesPoint {
  double start_s = 0;
  std::int64_t arrivals = 0;
  double running = 0;  ///< requests being served, time average over the interval (all replicas)
  double queued = 0;   ///< requests waiting for their first step, time average
  double output_tokens_per_s = 0;
  double ttft_p90_s = 0;  ///< of the requests whose first token came in this interval (0 if none did)
  std::int64_t first_tokens = 0;
};

/// Result of one inference workload.
struct InferenceResult {
  std::string name;
  std::string gpu;  ///< catalog id
  int gpus = 0;
  int replicas = 0;
  int prefill_replicas = 0;  ///< disaggregated prefill replicas (0 = none)
  int tp = 1;
  int pp = 1;
  workloads::InferenceMemory memory;  ///< per GPU of a replica
  bool fits_in_memory = true;

  std::int64_t requests = 0;  ///< arrived
  std::int64_t completed = 0;
  std::int64_t unfinished = 0;  ///< still running or queued when the run stopped (the drain limit)
  std::int64_t rejected = 0;    ///< longer than a replica's whole KV cache: never servable
  double duration_s = 0;        ///< from the first arrival to the last completion (or the stop)

  LatencyStats ttft_s;   ///< time to first token
  LatencyStats tpot_s;   ///< time per output token after the first: (e2e - ttft) / (output - 1)
  LatencyStats e2e_s;    ///< arrival to last token
  LatencyStats queue_s;  ///< arrival to first step
  double output_tokens_per_s = 0;
  double input_tokens_per_s = 0;
  double requests_per_s = 0;

  workloads::Slo slo;
  double goodput_requests_per_s = 0;  ///< completed requests within both SLO thresholds, per second
  double slo_attainment = 0;          ///< share of arrived requests within both thresholds
  bool slo_met = true;                ///< the SLO's percentiles are within their targets, and nothing unfinished

  double kv_utilization_mean = 0;  ///< KV blocks in use / blocks, time average over the run and the replicas
  double kv_utilization_peak = 0;
  double queue_mean = 0;       ///< requests waiting, time average (all replicas)
  std::int64_t queue_max = 0;  ///< the longest queue of one replica
  double running_mean = 0;
  std::int64_t preemptions = 0;
  std::int64_t steps = 0;
  double mean_step_tokens = 0;
  double busy_share = 0;  ///< share of the run the replicas' first stages were busy

  double unloaded_ttft_s = 0;  ///< one request alone: prefill of the mean prompt
  double unloaded_tpot_s = 0;  ///< one request alone: a decode step at the mean context

  double interval_s = 0;
  std::vector<TimeSeriesPoint> series;
  std::vector<std::string> notes;
};

}  // namespace capsim::sim::serving
