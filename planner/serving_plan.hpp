#pragma once
/// @file serving_plan.hpp
/// Capacity planning for inference (`capsim plan-serving`): the cheapest GPU type, TP degree and fleet of whole
/// nodes that serve a target rate within an SLO with stated headroom, with the runners-up; over a rate curve, the
/// autoscaled fleet per interval and the cost per cycle (a day for 24 hourly rates).
///
/// Method. For each candidate (GPU, TP) it finds one replica's capacity: the highest request rate at which a lone
/// replica still meets the SLO, by doubling and bisection over trials of `window_s` of Poisson (or the load's gamma)
/// arrivals. A fleet for rate R needs ceil(R x (1 + headroom) / capacity) replicas, packed onto whole nodes of the
/// GPU's node size; the nodes then run as many replicas as they hold. Cost is GPUs x the price of a GPU-hour from
/// the price book; a GPU type without a price ranks after every priced one, by GPU count. The cheapest fleets are
/// then simulated whole at the target rate with the scenario's router, and the best one over a long window
/// (serving_check.hpp), growing until it passes.

#include <optional>
#include <string>
#include <vector>

#include "planner/scenario.hpp"
#include "planner/serving_check.hpp"
#include "planner/serving_fleet.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::planner {

/// What to plan for.
struct ServingPlanOptions {
  std::string workload;           ///< inference workload name; empty = the scenario's first inference workload
  double rate_per_s = 0;          ///< target rate; 0 = the workload's rate (the peak of its curve)
  double window_s = 600;          ///< arrivals per capacity trial and per fleet trial, seconds (the load's duration
                                  ///< does not bound it: the trial window is the planner's choice)
  double headroom = 0.2;          ///< spare capacity kept: fleets are sized for rate x (1 + headroom)
  FleetCheckSettings check;       ///< the best fleet's long check; check.min_window_s = 0 skips it
  std::vector<std::string> gpus;  ///< GPU ids to consider; empty = the scenario's GPU and every catalog GPU
  int top = 5;                    ///< candidates simulated as whole fleets (and shown with their results)
  GpuPriceLookup prices;          ///< price of a GPU-hour; empty = the built-in price book's cheapest on-demand
  std::string price_source;       ///< where `prices` come from, in words; empty with the built-in book
};

/// One (GPU, TP) layout and what it needs.
struct ServingCandidate {
  std::string gpu;
  int tp = 1;
  int pp = 1;
  int gpus_per_replica = 1;
  int gpus_per_node = 8;            ///< the node (or instance) the fleet is bought or rented in
  bool feasible = false;
  std::string why_not;              ///< when not feasible or skipped: no such math, does not fit, SLO unreachable
  bool skipped = false;             ///< not evaluated: one node already costs more than the best plan
  double capacity_per_replica = 0;  ///< requests/s one replica serves within the SLO
  int replicas_needed = 0;          ///< ceil(rate x (1 + headroom) / capacity) at the target rate
  int nodes = 0;                    ///< whole nodes that hold them
  int replicas = 0;                 ///< replicas the nodes run (at least replicas_needed)
  int gpus = 0;                     ///< nodes x gpus_per_node: what is paid for
  std::optional<GpuHourPrice> price;  ///< none: no price in the price book
  double cost_per_hour_usd = 0;       ///< gpus x price per GPU-hour (0 without a price)
  bool fleet_checked = false;         ///< simulated as a whole fleet at the target rate, and met the SLO
  sim::serving::InferenceResult fleet;  ///< that simulation (when run)
  std::string not_checked;              ///< why it was not simulated as a whole fleet
  FleetCheck long_check;                ///< the long check (run on the best candidates only)
  double gpu_hours_per_cycle = 0;       ///< over the rate curve (0 without a curve)
  double cost_per_cycle_usd = 0;        ///< over the rate curve, priced (0 without a curve or a price)
};

/// Autoscaled fleet in one interval of the rate curve.
struct ServingPlanInterval {
  double start_s = 0;
  double rate_per_s = 0;
  int replicas = 0;
  int nodes = 0;
  int gpus = 0;
};

/// The plan.
struct ServingPlan {
  std::string workload;
  std::string model;
  double rate_per_s = 0;
  double headroom = 0;
  workloads::Slo slo;
  bool default_slo = false;  ///< the scenario named none: Vidur's TTFT p90 <= 2 s, TPOT p99 <= 200 ms
  double window_s = 0;       ///< arrivals per capacity and fleet trial
  std::string arrivals;      ///< the trials' arrival process: "Poisson" or "gamma (burstiness 2)"
  std::string price_source;  ///< where the prices come from, in words
  FleetCheckSettings check;
  std::vector<ServingCandidate> ranked;      ///< feasible, cheapest first (priced before unpriced)
  std::vector<ServingCandidate> infeasible;  ///< with why_not (skipped ones too)
  std::vector<ServingPlanInterval> daily;    ///< the best candidate over the curve (empty without a curve)
  double cycle_gpu_hours = 0;                ///< GPU-hours over one cycle of the curve, autoscaled
  double peak_fleet_gpu_hours = 0;           ///< the same cycle with the peak fleet all the time
  int trials = 0;                            ///< simulations run
};

/// Plans the serving of one inference workload of `scenario`. Throws capsim::UsageError when the scenario has no
/// such workload or no target rate can be found, capsim::InputError when the built-in price book is malformed.
ServingPlan plan_serving(const Scenario& scenario, const ServingPlanOptions& options);

}  // namespace capsim::planner
