#pragma once
/// @file serving_check.hpp
/// The long check of a serving fleet (`plan-serving`'s last step). A capacity trial of ten minutes can hide what a
/// day shows: near saturation the KV cache fills now and then, preempted requests recompute their prompts, and the
/// queue can run away for an hour (a 24-hour run of a fleet approved on 10-minute trials preempted 9,659 times and
/// reached a 10.8 s p99 TTFT). So the chosen fleet is simulated as a whole, behind the scenario's router, over a
/// window long enough for queues and KV-cache use to settle, and grown until it passes.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "planner/serving_fleet.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::planner {

/// How long and how strictly a fleet is checked.
struct FleetCheckSettings {
  double min_window_s = 3600;      ///< arrivals simulated at first, seconds
  double max_window_s = 4 * 3600;  ///< the window doubles up to this while requests in the system keep growing
  /// Settled: requests in service and waiting, averaged over the last quarter of the arrivals, exceed the third
  /// quarter's by at most this share (plus one request, for small fleets).
  double growth_tolerance = 0.05;
  /// The KV cache may run out (a preemption) for at most this share of the requests: 1 in 10,000.
  double max_preemption_share = 1e-4;
  int max_extra_replicas = 3;  ///< replicas (their whole nodes) added to a failing fleet before giving up
};

/// Whether the requests in the system stopped growing over a run's arrivals. Requests in service hold the KV cache,
/// so their count is what its use follows.
struct Settling {
  bool settled = true;
  double third_quarter = 0;  ///< requests in service and waiting, mean over the third quarter of the arrivals
  double last_quarter = 0;   ///< the same over the last quarter
};

/// Settling of `result`, a run with `window_s` seconds of arrivals, from its time series.
Settling settling(const sim::serving::InferenceResult& result, double window_s, double growth_tolerance);

/// One simulation of the check and what it showed.
struct FleetCheckTry {
  NodeFleet fleet;
  double window_s = 0;  ///< arrivals simulated, seconds
  Settling settling;
  bool passed = false;
  std::string verdict;  ///< "passes", or "fails: " and why; "still growing: window doubled" when it went on
  std::int64_t requests = 0;
  std::int64_t preemptions = 0;
  double kv_peak = 0;  ///< KV-cache use at its peak, share of the cache
  double ttft_p90_s = 0;
  double ttft_p99_s = 0;
  double tpot_p99_s = 0;
  std::int64_t queue_max = 0;
  bool slo_met = false;
};

/// The check of one candidate.
struct FleetCheck {
  bool ran = false;
  bool passed = false;
  NodeFleet fleet;      ///< the last fleet tried: the one that passed, when one did
  double window_s = 0;  ///< arrivals of the last simulation, seconds
  std::vector<FleetCheckTry> tries;
  sim::serving::InferenceResult result;  ///< the last simulation
};

/// Simulates a fleet of `replicas` replicas at the target rate over `window_s` seconds of arrivals.
using FleetSimulation = std::function<sim::serving::InferenceResult(int replicas, double window_s)>;

/// Checks `fleet`: simulates it over `min_window_s` of arrivals, doubling the window up to `max_window_s` while it
/// has not settled. It passes when it settled, met the SLO with nothing left unfinished, and preempted at most
/// `max_preemption_share` of its requests. A fleet that fails grows by one replica (its whole nodes) and is checked
/// again over the window reached so far, at most `max_extra_replicas` times.
FleetCheck check_fleet_long(const NodeFleet& fleet, int gpus_per_replica, int gpus_per_node,
                            const FleetCheckSettings& settings, const FleetSimulation& simulate);

}  // namespace capsim::planner
