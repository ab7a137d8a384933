#pragma once
/// @file capacity.hpp
/// The simulated capacity behind every GPU-hour of a plan. Each demand item is simulated once per GPU type an option
/// uses: a training campaign's layout (step time, throughput, goodput after failures and checkpoints, power; scaled
/// out by data parallelism when it would miss its deadline), and an inference service's replica (the highest rate
/// one replica serves within the workload's SLO, found by the plan-serving machinery). Months, prices and Monte Carlo
/// samples are then arithmetic on these shapes (cost_model.hpp): no simulation per month or per sample.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/workloads/reliability.hpp"
#include "planner/tco/plan_result.hpp"
#include "planner/tco/study.hpp"

namespace capsim::planner::tco {

/// A training campaign (or one run of a recurring job) on one GPU type.
struct TrainingCapacity {
  CapacityShape shape;
  double gpus = 0;              ///< GPUs of the layout
  double failure_free_hours = 0;  ///< tokens / throughput, hours
  double tokens = 0;
  double busy_W_per_gpu = 0;    ///< IT power per GPU while it trains (fabric and storage share included)
  double pue = 1;
  double checkpoint_bytes = 0;
  double dataset_bytes = 0;     ///< bytes read for the tokens
  // What the goodput depends on, so that failure-rate and spot sensitivities recompute it without simulating: the
  // checkpoint's cost as `capsim run` found it (stall, contention, durable time), the scenario's interval if any.
  workloads::CheckpointLoad checkpoint;
  double requested_interval_s = 0;  ///< the scenario's checkpoint interval; 0 = automatic
  double restart_s = 0, failure_rate_per_s = 0;
  double step_time_s = 0;
};

/// One inference replica on one GPU type.
struct ServiceCapacity {
  CapacityShape shape;
  int gpus_per_replica = 1;
  double capacity_per_s = 0;     ///< requests/s within the SLO
  double replica_W = 0;          ///< IT power of one replica at that load
  double pue = 1;
  double output_tokens_per_request = 0;
  double input_tokens_per_request = 0;
  double restart_s = 600;        ///< a replica lost to a spot reclaim is back after this (the scenario's restart)
};

/// Every shape of a study, by (demand index, GPU type).
struct CapacityModel {
  std::map<std::pair<std::size_t, std::string>, TrainingCapacity> training;
  std::map<std::pair<std::size_t, std::string>, ServiceCapacity> services;
  std::map<std::string, double> idle_W_per_gpu;      ///< an owned GPU with nothing to do, its node's share
  std::map<std::string, double> peak_W_per_gpu;      ///< provisioned power per GPU (node peak / GPUs), with fabric
  std::map<std::string, double> node_peak_W;         ///< provisioned power of one node, fabric not included
  std::map<std::string, int> gpus_per_node;
  std::map<std::string, double> nics_per_gpu;
  std::vector<std::string> notes;
  std::map<std::string, FleetFacts> fleets;  ///< by fleet scenario path: its run (on-prem options' `fleet`)
  /// Fabric capex of the fleets priced in detail, per GPU type and node count: the fast path of the tornado and the
  /// Monte Carlo reuses it (or scales the nearest fleet's per node) instead of building a fabric graph per sample.
  mutable std::map<std::string, std::map<int, double>> network_usd;
};

/// Goodput of a campaign with failures scaled by `failure_factor` and `extra_rate_per_s` more interruptions (spot
/// reclaims), at the interval `capsim run` would choose for that rate (workloads::checkpoint_interval: Daly's for the
/// checkpoint's whole cost, floored by its durable time, or the scenario's). At factor 1 and no extra rate it is the
/// run's own goodput.
double training_goodput(const TrainingCapacity& t, double failure_factor, double extra_rate_per_s);

/// Simulates what the study's options need. Throws capsim::InputError (at the demand item's JSON path) when a demand
/// cannot run on an option's GPU type: it does not fit, or no layout meets the deadline.
CapacityModel build_capacity(const Study& study);

}  // namespace capsim::planner::tco
