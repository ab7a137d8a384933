#include "planner/serving_check.hpp"

#include <cmath>

#include "sim/core/units.hpp"

namespace capsim::planner {

namespace {

using sim::serving::InferenceResult;
using sim::serving::LatencyStats;

double at_percentile(const LatencyStats& s, int p) { return p >= 99 ? s.p99 : p >= 90 ? s.p90 : s.p50; }

/// Why a settled run fails, or "" when it passes.
std::string failure(const InferenceResult& r, const FleetCheckSettings& settings) {
  if (!r.fits_in_memory) return "the replica does not fit in memory";
  if (r.unfinished > 0) return units::format_integer(static_cast<double>(r.unfinished)) + " requests unfinished";
  if (!r.slo_met) {
    std::string s = "misses the SLO (";
    if (r.slo.ttft_s > 0) {
      s += "TTFT p" + std::to_string(r.slo.ttft_percentile) + " " +
           units::format_time(at_percentile(r.ttft_s, r.slo.ttft_percentile));
    }
    if (r.slo.tpot_s > 0) {
      s += std::string(r.slo.ttft_s > 0 ? ", " : "") + "TPOT p" + std::to_string(r.slo.tpot_percentile) + " " +
           units::format_time(at_percentile(r.tpot_s, r.slo.tpot_percentile));
    }
    return s + ")";
  }
  if (static_cast<double>(r.preemptions) > settings.max_preemption_share * static_cast<double>(r.requests)) {
    return "the KV cache ran out: " + units::format_integer(static_cast<double>(r.preemptions)) +
           " preemptions, more than 1 per " + units::format_integer(1 / settings.max_preemption_share) + " requests";
  }
  return "";
}

FleetCheckTry summarize(const NodeFleet& fleet, double window_s, const Settling& s, const InferenceResult& r) {
  FleetCheckTry t;
  t.fleet = fleet;
  t.window_s = window_s;
  t.settling = s;
  t.requests = r.requests;
  t.preemptions = r.preemptions;
  t.kv_peak = r.kv_utilization_peak;
  t.ttft_p90_s = r.ttft_s.p90;
  t.ttft_p99_s = r.ttft_s.p99;
  t.tpot_p99_s = r.tpot_s.p99;
  t.queue_max = r.queue_max;
  t.slo_met = r.slo_met;
  return t;
}

}  // namespace

Settling settling(const InferenceResult& r, double window_s, double growth_tolerance) {
  Settling s;
  double third = 0, last = 0;
  int n_third = 0, n_last = 0;
  for (const auto& p : r.series) {
    // Whole intervals of the arrival period only: the drain after the last arrival empties the system.
    if (p.start_s < window_s / 2 || p.start_s + r.interval_s > window_s + 1e-9) continue;
    const double in_system = p.running + p.queued;
    if (p.start_s < 0.75 * window_s) {
      third += in_system;
      ++n_third;
    } else {
      last += in_system;
      ++n_last;
    }
  }
  if (n_third == 0 || n_last == 0) return s;  // too short a window to tell: nothing grew that can be seen
  s.third_quarter = third / n_third;
  s.last_quarter = last / n_last;
  s.settled = s.last_quarter <= s.third_quarter * (1 + growth_tolerance) + 1;
  return s;
}

FleetCheck check_fleet_long(const NodeFleet& start, int gpus_per_replica, int gpus_per_node,
                            const FleetCheckSettings& settings, const FleetSimulation& simulate) {
  FleetCheck check;
  check.ran = true;
  NodeFleet fleet = start;
  double window = settings.min_window_s;
  for (int extra = 0;;) {
    InferenceResult r = simulate(fleet.replicas, window);
    const Settling s = settling(r, window, settings.growth_tolerance);
    FleetCheckTry t = summarize(fleet, window, s, r);
    const std::string why = failure(r, settings);
    if (!s.settled && why.empty() && 2 * window <= settings.max_window_s + 1e-9) {
      // Within the SLO but still growing: a longer window shows whether it levels off or runs away.
      t.verdict = "still growing: window doubled";
      check.tries.push_back(t);
      window *= 2;
      continue;
    }
    t.passed = s.settled && why.empty();
    t.verdict = t.passed       ? "passes"
                : !why.empty() ? "fails: " + why
                               : "fails: requests in the system still growing after " + units::format_time(window);
    check.tries.push_back(t);
    check.fleet = fleet;
    check.window_s = window;
    check.result = std::move(r);
    check.passed = t.passed;
    if (t.passed || extra >= settings.max_extra_replicas) return check;
    fleet = one_more_replica(fleet, gpus_per_replica, gpus_per_node);
    ++extra;
  }
}

}  // namespace capsim::planner
