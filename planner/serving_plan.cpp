#include "planner/serving_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/inference_step.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"
#include "sim/serving/serving_simulation.hpp"

namespace capsim::planner {

namespace {

using workloads::InferenceJob;
using workloads::LoadMode;

/// Vidur (MLSys'24) quotes these SLOs; they stand in when the scenario names none.
constexpr double kDefaultTtftP90_s = 2.0;
constexpr double kDefaultTpotP99_s = 0.2;
/// Capacity search: lowest rate tried, doublings or halvings, and bisections (2^-6: under 2% of the bracket).
constexpr double kLowestRate_per_s = 0.01;
constexpr int kMaxDoublings = 24;
constexpr int kBisections = 6;
/// Replicas the fleet check may add before it gives up on a candidate.
constexpr int kMaxExtraReplicas = 3;

/// A candidate not yet evaluated.
ServingCandidate layout(const std::string& gpu, int tp, int pp) {
  ServingCandidate c;
  c.gpu = gpu;
  c.tp = tp;
  c.pp = pp;
  c.gpus_per_replica = tp * pp;
  return c;
}

class Planner {
 public:
  Planner(const Scenario& scenario, const InferenceJob& base, const ServingPlanOptions& options, ServingPlan& plan)
      : scenario_(scenario), base_(base), options_(options), plan_(plan) {}

  ServingCandidate evaluate(const hw::ClusterSpec& cluster, int tp);
  /// What the plan minimizes: GPUs at the target rate, or GPU-hours over the rate curve when there is one.
  double cost(const ServingCandidate& c) const;
  /// The least a layout of `gpus_per_replica` GPUs can cost: one replica all the time.
  double cost_floor(int gpus_per_replica) const;
  /// Replicas of `c` that meet the SLO at `rate` as a whole fleet behind the scenario's router, starting from
  /// ceil(rate / capacity); the last simulation goes to `result`.
  int fleet_size(const hw::ClusterSpec& cluster, const ServingCandidate& c, double rate,
                 sim::serving::InferenceResult& result);
  void check_fleet(const hw::ClusterSpec& cluster, ServingCandidate& c);
  /// Sizes the fleet of the cheapest candidate over the day for every interval of the rate curve.
  void plan_curve(const std::vector<hw::ClusterSpec>& clusters);

 private:
  InferenceJob trial_job(int tp, int replicas, double rate) const;
  sim::serving::InferenceResult simulate(const hw::ClusterSpec& cluster, const InferenceJob& job) {
    ++plan_.trials;
    return sim::serving::simulate_serving(cluster, job, scenario_.simulation.seed);
  }
  static bool meets(const sim::serving::InferenceResult& r) { return r.fits_in_memory && r.slo_met && r.completed > 0; }

  const Scenario& scenario_;
  const InferenceJob& base_;
  const ServingPlanOptions& options_;
  ServingPlan& plan_;
};

InferenceJob Planner::trial_job(int tp, int replicas, double rate) const {
  InferenceJob job = base_;
  job.tp = tp;
  job.replicas = replicas;
  job.prefill_replicas = 0;
  job.slo = plan_.slo;
  job.load.mode = base_.load.mode == LoadMode::gamma ? LoadMode::gamma : LoadMode::poisson;
  job.load.rate_per_s = rate;
  job.load.rate_curve = {};
  job.load.requests = 0;
  job.load.duration_s = plan_.window_s;
  return job;
}

ServingCandidate Planner::evaluate(const hw::ClusterSpec& cluster, int tp) {
  ServingCandidate c = layout(cluster.gpu.id, tp, base_.pp);
  if (!cluster.gpu.supports(base_.precision)) {
    c.why_not = "no " + std::string(hw::to_string(base_.precision)) + " math";
    return c;
  }
  const InferenceJob one = trial_job(tp, 1, kLowestRate_per_s);
  const workloads::InferenceStepModel model(cluster, one);
  if (!model.memory().fits()) {
    c.why_not = "does not fit: " + units::format_bytes(model.memory().shortfall_B()) + " over per GPU";
    return c;
  }
  const double ttft = model.unloaded_prefill_s(base_.input_tokens);
  const double tpot = model.unloaded_tpot_s(base_.input_tokens + base_.output_tokens / 2.0);
  if ((plan_.slo.ttft_s > 0 && ttft > plan_.slo.ttft_s) || (plan_.slo.tpot_s > 0 && tpot > plan_.slo.tpot_s)) {
    c.why_not =
        "misses the SLO even unloaded (TTFT " + units::format_time(ttft) + ", TPOT " + units::format_time(tpot) + ")";
    return c;
  }
  // Bracket the capacity from one replica's unloaded pace (a request at a time), then bisect.
  const double pace = 1.0 / (ttft + std::max(0, base_.output_tokens - 1) * tpot);
  double lo = 0;
  double hi = 0;
  double rate = std::max(kLowestRate_per_s, pace);
  for (int i = 0; i < kMaxDoublings; ++i) {
    const bool ok = meets(simulate(cluster, trial_job(tp, 1, rate)));
    (ok ? lo : hi) = rate;
    if (lo > 0 && hi > 0) break;
    rate = ok ? 2 * rate : rate / 2;
    if (rate < kLowestRate_per_s) break;
  }
  if (lo > 0 && hi > 0) {
    for (int i = 0; i < kBisections; ++i) {
      const double mid = (lo + hi) / 2;
      (meets(simulate(cluster, trial_job(tp, 1, mid))) ? lo : hi) = mid;
    }
  }
  if (lo <= 0) {
    c.why_not = "misses the SLO even at " + units::format_count(kLowestRate_per_s) + " requests/s";
    return c;
  }
  c.feasible = true;
  c.capacity_per_replica = lo;
  c.replicas = std::max(1, static_cast<int>(std::ceil(plan_.rate_per_s / lo - 1e-9)));
  c.gpus = c.replicas * c.gpus_per_replica;
  return c;
}

int replicas_at(const ServingCandidate& c, double rate) {
  return std::max(1, static_cast<int>(std::ceil(rate / c.capacity_per_replica - 1e-9)));
}

int Planner::fleet_size(const hw::ClusterSpec& cluster, const ServingCandidate& c, double rate,
                        sim::serving::InferenceResult& result) {
  auto run = [&](int n) {
    InferenceJob job = trial_job(c.tp, n, rate);
    job.router = base_.router;
    return simulate(cluster, job);
  };
  int n = replicas_at(c, rate);
  result = run(n);
  if (meets(result) && n > 1) {
    // Routing over a fleet smooths each replica's arrivals: one replica fewer may do.
    sim::serving::InferenceResult fewer = run(n - 1);
    if (meets(fewer)) {
      result = std::move(fewer);
      return n - 1;
    }
  }
  for (int extra = 0; !meets(result) && extra < kMaxExtraReplicas; ++extra) result = run(++n);
  return n;
}

void Planner::check_fleet(const hw::ClusterSpec& cluster, ServingCandidate& c) {
  c.replicas = fleet_size(cluster, c, plan_.rate_per_s, c.fleet);
  c.fleet_checked = meets(c.fleet);
  c.gpus = c.replicas * c.gpus_per_replica;
}

double Planner::cost(const ServingCandidate& c) const {
  const auto& curve = base_.load.rate_curve;
  if (curve.empty()) return c.gpus;
  double gpu_hours = 0;
  for (double rate : curve.rates_per_s)
    gpu_hours += replicas_at(c, rate) * c.gpus_per_replica * curve.interval_s / 3600;
  return gpu_hours;
}

double Planner::cost_floor(int gpus_per_replica) const {
  const auto& curve = base_.load.rate_curve;
  return curve.empty() ? gpus_per_replica : gpus_per_replica * curve.period_s() / 3600;
}

void Planner::plan_curve(const std::vector<hw::ClusterSpec>& clusters) {
  const auto& curve = base_.load.rate_curve;
  if (curve.empty() || plan_.ranked.empty()) return;
  for (auto& c : plan_.ranked) c.gpu_hours_per_cycle = cost(c);
  const auto best = std::min_element(plan_.ranked.begin(), plan_.ranked.end(), [](const auto& a, const auto& b) {
    return a.gpu_hours_per_cycle < b.gpu_hours_per_cycle;
  });
  const auto& cluster =
      *std::find_if(clusters.begin(), clusters.end(), [&](const auto& cl) { return cl.gpu.id == best->gpu; });
  // Every distinct rate of the curve gets its own fleet check, so that each interval's count is simulated.
  std::map<double, int> sized;
  const double hours = curve.interval_s / 3600.0;
  int peak = 0;
  best->gpu_hours_per_cycle = 0;
  for (std::size_t i = 0; i < curve.rates_per_s.size(); ++i) {
    const double rate = curve.rates_per_s[i];
    if (sized.count(rate) == 0) {
      sim::serving::InferenceResult ignored;
      sized[rate] = fleet_size(cluster, *best, rate, ignored);
    }
    const int n = sized[rate];
    peak = std::max(peak, n);
    plan_.daily.push_back({static_cast<double>(i) * curve.interval_s, rate, n, n * best->gpus_per_replica});
    best->gpu_hours_per_cycle += n * best->gpus_per_replica * hours;
  }
  plan_.cycle_gpu_hours = best->gpu_hours_per_cycle;
  plan_.peak_fleet_gpu_hours = peak * best->gpus_per_replica * curve.period_s() / 3600;
  // The curve's best goes first: it is the answer to a daily question.
  std::rotate(plan_.ranked.begin(), best, best + 1);
}

const InferenceJob& find_workload(const Scenario& scenario, const std::string& name) {
  for (const auto& w : scenario.workloads) {
    const auto* job = std::get_if<InferenceJob>(&w);
    if (job && (name.empty() || job->name == name)) return *job;
  }
  throw UsageError(name.empty() ? "the scenario has no inference workload to plan"
                                : "the scenario has no inference workload named \"" + name + "\"");
}

double target_rate(const InferenceJob& job, const ServingPlanOptions& options) {
  if (options.rate_per_s > 0) return options.rate_per_s;
  const auto& load = job.load;
  if (!load.rate_curve.empty())
    return *std::max_element(load.rate_curve.rates_per_s.begin(), load.rate_curve.rates_per_s.end());
  if (load.rate_per_s > 0) return load.rate_per_s;
  if (load.mode == LoadMode::trace && load.trace.size() > 1 && load.trace.back().arrival_s > 0) {
    return static_cast<double>(load.trace.size()) / load.trace.back().arrival_s;
  }
  throw UsageError("workload \"" + job.name + "\" has no arrival rate (its load is " +
                   (load.mode == LoadMode::offline ? "offline" : "closed-loop") + "): pass --rate, e.g. --rate 50");
}

std::vector<hw::ClusterSpec> candidate_clusters(const Scenario& scenario, const ServingPlanOptions& options) {
  std::vector<hw::ClusterSpec> out;
  auto wanted = [&](const std::string& id) {
    return options.gpus.empty() || std::find(options.gpus.begin(), options.gpus.end(), id) != options.gpus.end();
  };
  if (wanted(scenario.cluster.gpu.id)) out.push_back(scenario.cluster);  // keeps the scenario's overrides
  const auto& catalog = hw::GpuCatalog::builtin();
  for (const auto& id : catalog.ids()) {
    if (id != scenario.cluster.gpu.id && wanted(id)) out.push_back(hw::default_cluster(*catalog.find(id), 1));
  }
  for (const auto& id : options.gpus) {
    if (id != scenario.cluster.gpu.id && catalog.find(id) == nullptr) {
      throw UsageError("unknown GPU \"" + id + "\" in --gpus");
    }
  }
  return out;
}

}  // namespace

ServingPlan plan_serving(const Scenario& scenario, const ServingPlanOptions& options) {
  const InferenceJob& base = find_workload(scenario, options.workload);
  ServingPlan plan;
  plan.workload = base.name;
  plan.model = base.model.name;
  plan.rate_per_s = target_rate(base, options);
  plan.slo = base.slo;
  if (plan.slo.empty()) {
    plan.slo = workloads::Slo{kDefaultTtftP90_s, 90, kDefaultTpotP99_s, 99};
    plan.default_slo = true;
  }
  plan.window_s = base.load.duration_s > 0 ? std::min(options.window_s, base.load.duration_s) : options.window_s;
  Planner planner(scenario, base, options, plan);
  const auto clusters = candidate_clusters(scenario, options);
  std::vector<std::pair<const hw::ClusterSpec*, int>> layouts;  // (GPU, TP), TP within one scale-up domain
  for (const hw::ClusterSpec& cluster : clusters) {
    const int domain = std::max(1, std::min(cluster.scale_up.domain_gpus, cluster.gpus_per_node));
    const auto& m = base.model;
    for (int tp = 1; tp <= domain; tp *= 2) {
      if (m.heads % tp == 0 && (m.kv_heads % tp == 0 || tp % m.kv_heads == 0)) layouts.emplace_back(&cluster, tp);
    }
  }
  // Small replicas first: once a plan is found, a layout whose single replica already costs more is not tried.
  std::stable_sort(layouts.begin(), layouts.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  double best_cost = std::numeric_limits<double>::infinity();
  for (const auto& [cluster, tp] : layouts) {
    // The scenario's own GPU is always tried in full, as the runner-up a reader compares with.
    if (cluster->gpu.id != scenario.cluster.gpu.id && planner.cost_floor(tp * base.pp) > best_cost) {
      ServingCandidate skipped = layout(cluster->gpu.id, tp, base.pp);
      skipped.skipped = true;
      skipped.why_not = "not tried: one replica alone costs more than the best plan found";
      plan.infeasible.push_back(std::move(skipped));
      continue;
    }
    ServingCandidate c = planner.evaluate(*cluster, tp);
    if (c.feasible) best_cost = std::min(best_cost, planner.cost(c));
    (c.feasible ? plan.ranked : plan.infeasible).push_back(std::move(c));
  }
  auto cheaper = [](const ServingCandidate& a, const ServingCandidate& b) {
    if (a.gpus != b.gpus) return a.gpus < b.gpus;
    return a.capacity_per_replica / a.gpus_per_replica > b.capacity_per_replica / b.gpus_per_replica;
  };
  std::sort(plan.ranked.begin(), plan.ranked.end(), cheaper);
  const std::size_t checked =
      std::min<std::size_t>(plan.ranked.size(), static_cast<std::size_t>(std::max(1, options.top)));
  for (std::size_t i = 0; i < checked; ++i) {
    auto& c = plan.ranked[i];
    const auto it = std::find_if(clusters.begin(), clusters.end(), [&](const auto& cl) { return cl.gpu.id == c.gpu; });
    planner.check_fleet(*it, c);
  }
  std::stable_sort(plan.ranked.begin(), plan.ranked.begin() + static_cast<std::ptrdiff_t>(checked),
                   [&](const auto& a, const auto& b) {
                     if (a.fleet_checked != b.fleet_checked) return a.fleet_checked;
                     return cheaper(a, b);
                   });
  planner.plan_curve(clusters);
  return plan;
}

}  // namespace capsim::planner
