#pragma once
/// @file serving_plan.hpp
/// Capacity planning for inference (`capsim plan-serving`): the cheapest GPU type, TP degree and replica count that
/// serve a target rate within an SLO, with the runners-up; over a rate curve, the autoscaled replica count per
/// interval and the GPU-hours per cycle (a day for 24 hourly rates).
///
/// Method: for each candidate (GPU, TP) it finds one replica's capacity, the highest Poisson (or the load's gamma)
/// rate at which a lone replica still meets the SLO, by doubling and bisection over short simulations. A fleet for
/// rate R then needs ceil(R / capacity) replicas; splitting a Poisson stream over replicas only smooths each one's
/// arrivals, so this is conservative. The best candidates are then checked by simulating the whole fleet with the
/// scenario's router, one replica fewer first. Cost is GPU-hours until prices arrive (the TCO work).

#include <string>
#include <vector>

#include "planner/scenario.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::planner {

/// What to plan for.
struct ServingPlanOptions {
  std::string workload;           ///< inference workload name; empty = the scenario's first inference workload
  double rate_per_s = 0;          ///< target rate; 0 = the workload's rate (the peak of its curve)
  double window_s = 600;          ///< simulated arrivals per trial, seconds (the load's duration when shorter)
  std::vector<std::string> gpus;  ///< GPU ids to consider; empty = the scenario's GPU and every catalog GPU
  int top = 5;                    ///< candidates the fleet check runs on (and the table shows)
};

/// One (GPU, TP) layout and what it needs.
struct ServingCandidate {
  std::string gpu;
  int tp = 1;
  int pp = 1;
  int gpus_per_replica = 1;
  bool feasible = false;
  std::string why_not;              ///< when not feasible: no such math, does not fit, SLO unreachable
  bool skipped = false;             ///< not evaluated: even one replica costs more than the best plan
  double capacity_per_replica = 0;  ///< requests/s one replica serves within the SLO
  int replicas = 0;                 ///< at the target rate
  int gpus = 0;
  bool fleet_checked = false;
  sim::serving::InferenceResult fleet;  ///< the fleet simulation at the target rate (when checked)
  double gpu_hours_per_cycle = 0;       ///< over the rate curve (0 without a curve)
};

/// Autoscaled fleet in one interval of the rate curve.
struct ServingPlanInterval {
  double start_s = 0;
  double rate_per_s = 0;
  int replicas = 0;
  int gpus = 0;
};

/// The plan.
struct ServingPlan {
  std::string workload;
  std::string model;
  double rate_per_s = 0;
  workloads::Slo slo;
  bool default_slo = false;  ///< the scenario named none: Vidur's TTFT p90 <= 2 s, TPOT p99 <= 200 ms
  double window_s = 0;
  std::vector<ServingCandidate> ranked;      ///< feasible, cheapest first
  std::vector<ServingCandidate> infeasible;  ///< with why_not
  std::vector<ServingPlanInterval> daily;    ///< the best candidate over the curve (empty without a curve)
  double cycle_gpu_hours = 0;                ///< GPU-hours over one cycle of the curve, autoscaled
  double peak_fleet_gpu_hours = 0;           ///< the same cycle with the peak fleet all the time
  int trials = 0;                            ///< simulations run
};

/// Plans the serving of one inference workload of `scenario`. Throws capsim::UsageError when the scenario has no
/// such workload or no target rate can be found.
ServingPlan plan_serving(const Scenario& scenario, const ServingPlanOptions& options);

}  // namespace capsim::planner
