#pragma once
/// @file serving_load_curve.hpp
/// Throughput and latency of one inference workload against its load: the serving model that `capsim run` uses
/// (sim::serving::simulate_serving) run at several multiples of the workload's arrival rate, and the replicas a day
/// of its rate curve needs at the capacity that curve shows. Qt-free and free of globals: the desktop app runs it on
/// a background thread.

#include <cstdint>
#include <string>
#include <vector>

#include "planner/scenario.hpp"

namespace capsim::gui {

/// One run of the load curve.
struct LoadPoint {
  double rate_factor = 0;          ///< multiple of the workload's own load (rate, users or trace pace)
  double offered_per_s = 0;        ///< requests/s offered (users / (think + unloaded E2E) for a closed loop)
  double requests_per_s = 0;       ///< completed requests/s: the throughput
  double output_tokens_per_s = 0;  ///< output tokens/s over the run
  double goodput_per_s = 0;        ///< completed requests/s within the SLO
  double ttft_p90_s = 0;
  double tpot_p99_s = 0;
  double kv_utilization_mean = 0;
  double queue_mean = 0;
  std::int64_t requests = 0;  ///< requests the run sent
  bool slo_met = true;        ///< the SLO's percentiles within target and nothing unfinished (true without an SLO)
};

/// A load curve and how it was run.
struct LoadCurve {
  std::string workload;
  int replicas = 0;
  std::string load_axis;          ///< what the factors scale: "arrival rate", "users" or "trace pace"
  double base_rate_per_s = 0;     ///< the workload's own rate (its curve's peak), requests/s; users for a closed loop
  double window_s = 0;            ///< simulated arrivals per point, seconds (0 = the workload's own request count)
  bool has_slo = false;           ///< the workload names an SLO
  std::vector<LoadPoint> points;  ///< in the order of the factors
  std::string note;               ///< why there is no curve (an offline load), or ""
};

/// The factors the desktop app runs: a quarter of the load to three times it.
std::vector<double> default_rate_factors();

/// Runs inference workload `workload_index` (0 = the scenario's first inference workload, the order of
/// planner::ScenarioResult::inference) at each of `rate_factors` times its load, with the scenario's seed. To stay
/// cheap each point sends arrivals for a window of 2,000 requests at the base rate (60 s to 10 min, never longer
/// than the workload's own duration) at a flat rate (a rate curve's peak); a closed loop scales its users and a
/// trace replays faster. An offline load returns no points and a note. Throws capsim::UsageError when there is no
/// such workload.
LoadCurve serving_load_curve(const planner::Scenario& scenario, int workload_index,
                             const std::vector<double>& rate_factors);

/// One interval of the replica plan.
struct ReplicaPlanPoint {
  double start_s = 0;
  double rate_per_s = 0;
  int replicas_needed = 0;
};

/// Replicas needed over one cycle of a rate curve (a day for 24 hourly rates).
struct ReplicaPlan {
  std::vector<ReplicaPlanPoint> points;  ///< one per interval of the curve; 24 hourly points at a flat rate
  double capacity_per_replica = 0;       ///< requests/s one replica serves (0: unknown, no points)
  double headroom = 0;
  int deployed_replicas = 0;  ///< the workload's replicas, for comparison
  bool flat = false;          ///< the workload has no rate curve: its flat rate over a day
};

/// Requests/s one replica serves from `curve`: the highest offered rate that met the SLO (the highest throughput
/// without an SLO), divided by the replicas. 0 when no point qualifies.
double capacity_per_replica(const LoadCurve& curve);

/// The replicas `job`'s rate curve needs at `capacity_per_replica` with `headroom` spare (planner::replicas_for, as
/// `capsim plan-serving` sizes it before its fleet trials). Empty points when the capacity is 0 or the load has no
/// rate (closed loop, offline).
ReplicaPlan replica_plan(const workloads::InferenceJob& job, double capacity_per_replica, double headroom = 0.2);

/// Inference workload `workload_index` of `scenario` (the order of ScenarioResult::inference), or nullptr.
const workloads::InferenceJob* inference_workload(const planner::Scenario& scenario, int workload_index);

}  // namespace capsim::gui
