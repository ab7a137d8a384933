#include "gui/serving_load_curve.hpp"

#include <algorithm>
#include <cmath>

#include "planner/serving_fleet.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"
#include "sim/serving/serving_simulation.hpp"

namespace capsim::gui {

namespace {

using workloads::InferenceJob;
using workloads::LoadMode;

/// Requests per point at the base rate: enough for p99s over a few hundred requests, about 0.1 s of simulation
/// each on the 2-core build machine for the example chat workloads.
constexpr double kRequestsPerPoint = 2000;
constexpr double kMinWindow_s = 60;   // the queue settles within a minute at the examples' rates
constexpr double kMaxWindow_s = 600;  // sim::serving::kDefaultRunDuration_s
using units::kSecondsPerDay;
constexpr double kHourly_s = 3600;

/// The workload's own arrival rate: its rate, its curve's peak, or its trace's mean rate; 0 when it has none.
double own_rate(const InferenceJob& job) {
  const auto& load = job.load;
  if (!load.rate_curve.empty()) {
    return *std::max_element(load.rate_curve.rates_per_s.begin(), load.rate_curve.rates_per_s.end());
  }
  if (load.mode == LoadMode::trace && load.trace.size() > 1 && load.trace.back().arrival_s > 0) {
    return static_cast<double>(load.trace.size()) / load.trace.back().arrival_s;
  }
  return load.mode == LoadMode::poisson || load.mode == LoadMode::gamma ? load.rate_per_s : 0;
}

/// The window of arrivals each point simulates: kRequestsPerPoint at `rate`, within the bounds, never longer than
/// the workload's own duration.
double window_for(const InferenceJob& job, double rate) {
  double window = rate > 0 ? kRequestsPerPoint / rate : kMaxWindow_s;
  window = std::clamp(window, kMinWindow_s, kMaxWindow_s);
  if (job.load.duration_s > 0) window = std::min(window, job.load.duration_s);
  return window;
}

/// Output tokens/s while arrivals last, after the first requests have had time to finish: the run's own figures
/// count the drain after the last arrival, which on a short window pulls an underloaded run's throughput well
/// under its offered load (a 13 s tail on a 67 s window: -17%).
double steady_output_tokens_per_s(const sim::serving::InferenceResult& r, double window_s) {
  const double from = std::min(r.e2e_s.p50, window_s / 3);
  double sum = 0;
  int n = 0;
  for (const auto& p : r.series) {
    if (p.start_s >= from && p.start_s + r.interval_s <= window_s + 1e-9) {
      sum += p.output_tokens_per_s;
      ++n;
    }
  }
  return n > 0 ? sum / n : r.output_tokens_per_s;
}

LoadPoint point_of(const sim::serving::InferenceResult& r, const InferenceJob& job, double factor, double offered,
                   double window_s) {
  LoadPoint p;
  p.rate_factor = factor;
  p.offered_per_s = offered;
  p.output_tokens_per_s = steady_output_tokens_per_s(r, window_s);
  // Requests/s from tokens/s at the workload's mean output length: a run's unfinished requests carry part of
  // their tokens, so tokens per completed request would overstate the length under overload.
  p.requests_per_s = job.output_tokens > 0 ? p.output_tokens_per_s / job.output_tokens : r.requests_per_s;
  // Goodput keeps the run's share of good requests among the completed ones.
  p.goodput_per_s = r.requests_per_s > 0 ? p.requests_per_s * r.goodput_requests_per_s / r.requests_per_s : 0;
  p.ttft_p90_s = r.ttft_s.p90;
  p.tpot_p99_s = r.tpot_s.p99;
  p.kv_utilization_mean = r.kv_utilization_mean;
  p.queue_mean = r.queue_mean;
  p.requests = r.requests;
  p.slo_met = r.fits_in_memory && r.slo_met && r.completed > 0;
  return p;
}

}  // namespace

std::vector<double> default_rate_factors() { return {0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0}; }

const InferenceJob* inference_workload(const planner::Scenario& scenario, int workload_index) {
  int seen = 0;
  for (const auto& w : scenario.workloads) {
    const auto* job = std::get_if<InferenceJob>(&w);
    if (job == nullptr) continue;
    if (seen++ == workload_index) return job;
  }
  return nullptr;
}

LoadCurve serving_load_curve(const planner::Scenario& scenario, int workload_index,
                             const std::vector<double>& rate_factors) {
  const InferenceJob* base = inference_workload(scenario, workload_index);
  if (base == nullptr) {
    throw UsageError("the scenario has no inference workload " + std::to_string(workload_index));
  }
  LoadCurve curve;
  curve.workload = base->name;
  curve.replicas = base->replicas;
  curve.has_slo = !base->slo.empty();
  const auto& load = base->load;
  if (load.mode == LoadMode::offline) {
    curve.note = "an offline load (every request queued at once) has no load axis";
    return curve;
  }
  const bool closed = load.mode == LoadMode::concurrency;
  const bool trace = load.mode == LoadMode::trace;
  curve.load_axis = closed ? "users" : trace ? "trace pace" : "arrival rate";
  curve.base_rate_per_s = closed ? load.users : own_rate(*base);
  for (double factor : rate_factors) {
    InferenceJob job = *base;
    job.report_interval_s = 0;
    double offered = 0;
    if (closed) {
      job.load.users = std::max(1, static_cast<int>(std::lround(load.users * factor)));
      job.load.requests = 0;
      job.load.duration_s = std::min(load.duration_s > 0 ? load.duration_s : kMaxWindow_s, kMaxWindow_s);
      curve.window_s = job.load.duration_s;
    } else if (trace) {
      // The trace's own requests and lengths, arriving `factor` times as fast.
      for (auto& row : job.load.trace) row.arrival_s /= factor;
      offered = curve.base_rate_per_s * factor;
      curve.window_s = job.load.trace.empty() ? 0 : job.load.trace.back().arrival_s;
    } else {
      offered = curve.base_rate_per_s * factor;
      job.load.rate_curve = {};
      job.load.rate_per_s = offered;
      job.load.requests = 0;
      curve.window_s = window_for(*base, curve.base_rate_per_s);
      job.load.duration_s = curve.window_s;
    }
    const sim::serving::InferenceResult r =
        sim::serving::simulate_serving(scenario.cluster, job, scenario.simulation.seed);
    const double window = trace ? job.load.trace.empty() ? 0 : job.load.trace.back().arrival_s : curve.window_s;
    if (closed && r.duration_s > 0) offered = static_cast<double>(r.requests) / std::min(r.duration_s, window);
    curve.points.push_back(point_of(r, job, factor, offered, window));
  }
  return curve;
}

double capacity_per_replica(const LoadCurve& curve) {
  if (curve.replicas <= 0) return 0;
  double best = 0;
  for (const LoadPoint& p : curve.points) {
    if (!curve.has_slo) {
      best = std::max(best, p.requests_per_s);
    } else if (p.slo_met) {
      best = std::max(best, p.offered_per_s);
    }
  }
  return best / curve.replicas;
}

ReplicaPlan replica_plan(const InferenceJob& job, double capacity, double headroom) {
  ReplicaPlan plan;
  plan.capacity_per_replica = capacity;
  plan.headroom = headroom;
  plan.deployed_replicas = job.replicas;
  if (capacity <= 0) return plan;
  const auto& curve = job.load.rate_curve;
  if (!curve.empty()) {
    for (std::size_t i = 0; i < curve.rates_per_s.size(); ++i) {
      const double rate = curve.rates_per_s[i];
      plan.points.push_back(
          {static_cast<double>(i) * curve.interval_s, rate, planner::replicas_for(rate, capacity, headroom)});
    }
    return plan;
  }
  const double rate = own_rate(job);
  if (rate <= 0) return plan;
  plan.flat = true;
  for (double t = 0; t < kSecondsPerDay; t += kHourly_s) {
    plan.points.push_back({t, rate, planner::replicas_for(rate, capacity, headroom)});
  }
  return plan;
}

}  // namespace capsim::gui
