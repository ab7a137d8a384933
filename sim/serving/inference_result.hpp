#pragma once
/// @file inference_result.hpp
/// Result of one inference-serving simulation. Field names follow the CLI result contract in DESIGN.md.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/hardware/power_model.hpp"
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

/// Power and energy of a serving workload over its run (see serving_power.hpp). Facility figures include the PUE;
/// "tokens" are output tokens.
struct ServingPower {
  double gpu_power_W = 0;       ///< mean board power of one GPU over the run, idle time included
  double busy_gpu_power_W = 0;  ///< board power of one GPU while its replica runs steps
  double node_power_W = 0;      ///< mean power of one node at the wall at that activity (GPUs, other parts, PSU loss)
  double it_power_W = 0;  ///< mean IT power: the GPUs, their share of their nodes' other parts, fabric and storage
  double facility_power_W = 0;   ///< it_power_W x PUE
  double pue = 0;                ///< the facility's PUE in effect
  int nodes = 0;                 ///< nodes the workload's GPUs occupy (a partial node's other parts count pro rata)
  double energy_J = 0;           ///< facility energy over the run's duration_s
  double energy_per_step_J = 0;  ///< facility energy of one replica over its mean step, at its busy draw
  double energy_per_million_tokens_J = 0;              ///< energy_J per million output tokens
  double carbon_kg = 0;                                ///< CO2e of energy_J at the facility's grid intensity
  double carbon_per_million_tokens_kg = 0;             ///< carbon_kg per million output tokens
  double electricity_cost_usd = 0;                     ///< price of energy_J at the facility's electricity price
  double electricity_cost_per_million_tokens_usd = 0;  ///< electricity_cost_usd per million output tokens
  hw::GpuActivity activity;  ///< one GPU's time over the run, mean over the GPUs, seconds (sums to about duration_s)
  std::vector<std::pair<std::string, double>> breakdown_W;  ///< IT power by part, watts, summing to it_power_W
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

  ServingPower power;  ///< it_power_W = 0 when nothing was simulated (the layout does not fit)

  double interval_s = 0;
  std::vector<TimeSeriesPoint> series;
  std::vector<std::string> notes;
};

}  // namespace capsim::sim::serving
