#include "planner/serving_plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/inference_step.hpp"
#include "planner/tco/price_book.hpp"
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
/// Replicas the fleet check at the target rate may add before it gives up on a candidate.
constexpr int kMaxExtraReplicas = 3;

/// A candidate not yet evaluated.
ServingCandidate layout(const hw::ClusterSpec& cluster, int tp, int pp) {
  ServingCandidate c;
  c.gpu = cluster.gpu.id;
  c.tp = tp;
  c.pp = pp;
  c.gpus_per_replica = tp * pp;
  c.gpus_per_node = std::max(1, cluster.gpus_per_node);
  return c;
}

class Planner {
 public:
  Planner(const Scenario& scenario, const InferenceJob& base, const ServingPlanOptions& options, ServingPlan& plan)
      : scenario_(scenario), base_(base), options_(options), plan_(plan) {}

  ServingCandidate evaluate(const hw::ClusterSpec& cluster, int tp);
  /// Sets `c`'s fleet to `fleet` and prices it (per hour at the target rate, per cycle over the curve).
  void set_fleet(ServingCandidate& c, const NodeFleet& fleet) const;
  /// What the ranking minimizes: USD per hour (or per cycle of the curve); GPUs (or GPU-hours) without a price.
  double cost(const ServingCandidate& c) const;
  /// The least any fleet of `cluster`'s GPU can cost: one node all the time (infinite without a price).
  double cost_floor(const hw::ClusterSpec& cluster, const std::optional<GpuHourPrice>& price) const;
  /// Simulates the fleet of `c` at the target rate over the trial window, adding replicas (whole nodes) while it
  /// misses the SLO, up to kMaxExtraReplicas.
  void check_fleet(const hw::ClusterSpec& cluster, ServingCandidate& c);
  /// The long check of `c` (serving_check.hpp); `c` takes the fleet it ends with.
  void check_long(const hw::ClusterSpec& cluster, ServingCandidate& c);
  /// Sizes the fleet of the best candidate for every interval of the rate curve.
  void plan_curve(const hw::ClusterSpec& cluster);

 private:
  InferenceJob trial_job(int tp, int replicas, double rate, double window_s) const;
  sim::serving::InferenceResult simulate(const hw::ClusterSpec& cluster, const InferenceJob& job) {
    ++plan_.trials;
    return sim::serving::simulate_serving(cluster, job, scenario_.simulation.seed);
  }
  sim::serving::InferenceResult fleet_run(const hw::ClusterSpec& cluster, const ServingCandidate& c, int replicas,
                                          double rate, double window_s) {
    InferenceJob job = trial_job(c.tp, replicas, rate, window_s);
    job.router = base_.router;
    return simulate(cluster, job);
  }
  /// Whole-node fleet that meets the SLO at `rate` over the trial window, from the headroom sizing up.
  NodeFleet fleet_at(const hw::ClusterSpec& cluster, const ServingCandidate& c, double rate, NodeFleet fleet,
                     sim::serving::InferenceResult& result);
  static bool meets(const sim::serving::InferenceResult& r) { return r.fits_in_memory && r.slo_met && r.completed > 0; }

  const Scenario& scenario_;
  const InferenceJob& base_;
  const ServingPlanOptions& options_;
  ServingPlan& plan_;
};

InferenceJob Planner::trial_job(int tp, int replicas, double rate, double window_s) const {
  InferenceJob job = base_;
  job.tp = tp;
  job.replicas = replicas;
  job.prefill_replicas = 0;
  job.slo = plan_.slo;
  job.load.mode = base_.load.mode == LoadMode::gamma ? LoadMode::gamma : LoadMode::poisson;
  job.load.rate_per_s = rate;
  job.load.rate_curve = {};
  job.load.requests = 0;
  job.load.duration_s = window_s;
  job.report_interval_s = 0;  // the run picks its intervals: about 60 over the window, which settling reads
  return job;
}

ServingCandidate Planner::evaluate(const hw::ClusterSpec& cluster, int tp) {
  ServingCandidate c = layout(cluster, tp, base_.pp);
  if (!cluster.gpu.supports(base_.precision)) {
    c.why_not = "no " + std::string(hw::to_string(base_.precision)) + " math";
    return c;
  }
  const double window = plan_.window_s;
  const InferenceJob one = trial_job(tp, 1, kLowestRate_per_s, window);
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
    const bool ok = meets(simulate(cluster, trial_job(tp, 1, rate, window)));
    (ok ? lo : hi) = rate;
    if (lo > 0 && hi > 0) break;
    rate = ok ? 2 * rate : rate / 2;
    if (rate < kLowestRate_per_s) break;
  }
  if (lo > 0 && hi > 0) {
    for (int i = 0; i < kBisections; ++i) {
      const double mid = (lo + hi) / 2;
      (meets(simulate(cluster, trial_job(tp, 1, mid, window))) ? lo : hi) = mid;
    }
  }
  if (lo <= 0) {
    c.why_not = "misses the SLO even at " + units::format_count(kLowestRate_per_s) + " requests/s";
    return c;
  }
  c.feasible = true;
  c.capacity_per_replica = lo;
  c.replicas_needed = replicas_for(plan_.rate_per_s, lo, plan_.headroom);
  set_fleet(c, pack_on_nodes(c.replicas_needed, c.gpus_per_replica, c.gpus_per_node));
  return c;
}

void Planner::set_fleet(ServingCandidate& c, const NodeFleet& fleet) const {
  c.nodes = fleet.nodes;
  c.replicas = fleet.replicas;
  c.gpus = fleet.gpus;
  c.cost_per_hour_usd = c.price ? c.gpus * c.price->usd_per_gpu_hour : 0;
  const auto& curve = base_.load.rate_curve;
  if (curve.empty()) return;
  c.gpu_hours_per_cycle = 0;
  for (double rate : curve.rates_per_s) {
    const int n = replicas_for(rate, c.capacity_per_replica, plan_.headroom);
    c.gpu_hours_per_cycle += pack_on_nodes(n, c.gpus_per_replica, c.gpus_per_node).gpus * curve.interval_s / 3600;
  }
  c.cost_per_cycle_usd = c.price ? c.gpu_hours_per_cycle * c.price->usd_per_gpu_hour : 0;
}

double Planner::cost(const ServingCandidate& c) const {
  const bool curve = !base_.load.rate_curve.empty();
  if (c.price) return curve ? c.cost_per_cycle_usd : c.cost_per_hour_usd;
  return curve ? c.gpu_hours_per_cycle : c.gpus;
}

double Planner::cost_floor(const hw::ClusterSpec& cluster, const std::optional<GpuHourPrice>& price) const {
  if (!price) return std::numeric_limits<double>::infinity();
  const auto& curve = base_.load.rate_curve;
  const double hours = curve.empty() ? 1.0 : curve.period_s() / 3600;
  return std::max(1, cluster.gpus_per_node) * price->usd_per_gpu_hour * hours;
}

NodeFleet Planner::fleet_at(const hw::ClusterSpec& cluster, const ServingCandidate& c, double rate, NodeFleet fleet,
                            sim::serving::InferenceResult& result) {
  result = fleet_run(cluster, c, fleet.replicas, rate, plan_.window_s);
  for (int extra = 0; !meets(result) && extra < kMaxExtraReplicas; ++extra) {
    fleet = one_more_replica(fleet, c.gpus_per_replica, c.gpus_per_node);
    result = fleet_run(cluster, c, fleet.replicas, rate, plan_.window_s);
  }
  return fleet;
}

void Planner::check_fleet(const hw::ClusterSpec& cluster, ServingCandidate& c) {
  const NodeFleet start{c.nodes, c.gpus, c.replicas};
  set_fleet(c, fleet_at(cluster, c, plan_.rate_per_s, start, c.fleet));
  c.fleet_checked = meets(c.fleet);
}

void Planner::check_long(const hw::ClusterSpec& cluster, ServingCandidate& c) {
  const NodeFleet start{c.nodes, c.gpus, c.replicas};
  c.long_check = check_fleet_long(start, c.gpus_per_replica, c.gpus_per_node, plan_.check,
                                  [&](int replicas, double window_s) {
                                    return fleet_run(cluster, c, replicas, plan_.rate_per_s, window_s);
                                  });
  if (c.long_check.fleet.replicas != c.replicas) {
    // The fleet grew: the table's trial figures describe the fleet as it now stands.
    set_fleet(c, c.long_check.fleet);
    c.fleet = fleet_run(cluster, c, c.replicas, plan_.rate_per_s, plan_.window_s);
    c.fleet_checked = meets(c.fleet);
  }
}

void Planner::plan_curve(const hw::ClusterSpec& cluster) {
  const auto& curve = base_.load.rate_curve;
  if (curve.empty() || plan_.ranked.empty()) return;
  ServingCandidate& best = plan_.ranked.front();
  // Every distinct rate of the curve gets its own fleet trial, so that each interval's count is simulated; the peak
  // keeps at least the fleet the long check approved.
  std::map<double, NodeFleet> sized;
  const double hours = curve.interval_s / 3600.0;
  int peak_gpus = 0;
  best.gpu_hours_per_cycle = 0;
  for (std::size_t i = 0; i < curve.rates_per_s.size(); ++i) {
    const double rate = curve.rates_per_s[i];
    if (sized.count(rate) == 0) {
      sim::serving::InferenceResult ignored;
      const int needed = replicas_for(rate, best.capacity_per_replica, plan_.headroom);
      NodeFleet f = fleet_at(cluster, best, rate, pack_on_nodes(needed, best.gpus_per_replica, best.gpus_per_node),
                             ignored);
      if (rate >= plan_.rate_per_s && best.replicas > f.replicas) f = {best.nodes, best.gpus, best.replicas};
      sized[rate] = f;
    }
    const NodeFleet& f = sized[rate];
    peak_gpus = std::max(peak_gpus, f.gpus);
    plan_.daily.push_back({static_cast<double>(i) * curve.interval_s, rate, f.replicas, f.nodes, f.gpus});
    best.gpu_hours_per_cycle += f.gpus * hours;
  }
  best.cost_per_cycle_usd = best.price ? best.gpu_hours_per_cycle * best.price->usd_per_gpu_hour : 0;
  plan_.cycle_gpu_hours = best.gpu_hours_per_cycle;
  plan_.peak_fleet_gpu_hours = peak_gpus * curve.period_s() / 3600;
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

const hw::ClusterSpec& cluster_of(const std::vector<hw::ClusterSpec>& clusters, const ServingCandidate& c) {
  return *std::find_if(clusters.begin(), clusters.end(), [&](const auto& cl) { return cl.gpu.id == c.gpu; });
}

}  // namespace

ServingPlan plan_serving(const Scenario& scenario, const ServingPlanOptions& options) {
  const InferenceJob& base = find_workload(scenario, options.workload);
  ServingPlan plan;
  plan.workload = base.name;
  plan.model = base.model.name;
  plan.rate_per_s = target_rate(base, options);
  plan.headroom = std::max(0.0, options.headroom);
  plan.slo = base.slo;
  if (plan.slo.empty()) {
    plan.slo = workloads::Slo{kDefaultTtftP90_s, 90, kDefaultTpotP99_s, 99};
    plan.default_slo = true;
  }
  plan.window_s = options.window_s;
  plan.arrivals = base.load.mode == LoadMode::gamma
                      ? "gamma (burstiness " + units::format_count(base.load.burstiness) + ")"
                      : "Poisson";
  plan.check = options.check;
  plan.check.min_window_s = options.check.min_window_s > 0 ? std::max(options.check.min_window_s, plan.window_s) : 0;
  plan.check.max_window_s = std::max(plan.check.max_window_s, plan.check.min_window_s);
  const GpuPriceLookup prices =
      options.prices ? options.prices : cheapest_instance_prices(tco::PriceBook::builtin(), "on-demand");
  plan.price_source = !options.price_source.empty() ? options.price_source
                      : options.prices              ? "the prices given"
                                                    : "the built-in price book (models/hardware/prices/): the "
                                                      "cheapest on-demand instance of each GPU type";
  Planner planner(scenario, base, options, plan);
  const auto clusters = candidate_clusters(scenario, options);
  std::map<std::string, std::optional<GpuHourPrice>> price_of;
  for (const auto& cluster : clusters) price_of[cluster.gpu.id] = prices(cluster.gpu.id);
  std::vector<std::pair<const hw::ClusterSpec*, int>> layouts;  // (GPU, TP), TP within one scale-up domain
  for (const hw::ClusterSpec& cluster : clusters) {
    // TP stays inside one scale-up domain. A domain spans nodes past one 8-GPU baseboard (GB200 NVL72: 72 GPUs on
    // 4-GPU trays; a TPU slice), as the collective model reads it (NcclCollectives); else it is the node.
    const int su = cluster.scale_up.domain_gpus;
    const int domain = std::max(1, su > std::max(cluster.gpus_per_node, 8) ? su : std::min(su, cluster.gpus_per_node));
    const auto& m = base.model;
    for (int tp = 1; tp <= domain; tp *= 2) {
      if (m.heads % tp == 0 && (m.kv_heads % tp == 0 || tp % m.kv_heads == 0)) layouts.emplace_back(&cluster, tp);
    }
  }
  // Cheapest nodes first, small replicas first: once a plan is found, a GPU type whose one node already costs more
  // is not tried. Unpriced GPU types come last and are always tried (nothing bounds their cost).
  auto floor_of = [&](const hw::ClusterSpec* cl) { return planner.cost_floor(*cl, price_of[cl->gpu.id]); };
  std::stable_sort(layouts.begin(), layouts.end(), [&](const auto& a, const auto& b) {
    const double fa = floor_of(a.first), fb = floor_of(b.first);
    return fa != fb ? fa < fb : a.second < b.second;
  });
  double best_cost = std::numeric_limits<double>::infinity();  // over priced plans
  for (const auto& [cluster, tp] : layouts) {
    const double floor = floor_of(cluster);
    // The scenario's own GPU is always tried in full, as the runner-up a reader compares with.
    if (cluster->gpu.id != scenario.cluster.gpu.id && std::isfinite(floor) && floor > best_cost * (1 + 1e-9)) {
      ServingCandidate skipped = layout(*cluster, tp, base.pp);
      skipped.skipped = true;
      skipped.price = price_of[cluster->gpu.id];
      const std::string per = base.load.rate_curve.empty() ? " an hour" : " a cycle";
      skipped.why_not = "one node already costs " + units::format_money(floor) + per +
                        ", more than the best plan (" + units::format_money(best_cost) + ")";
      plan.infeasible.push_back(std::move(skipped));
      continue;
    }
    ServingCandidate c = planner.evaluate(*cluster, tp);
    c.price = price_of[cluster->gpu.id];
    if (c.feasible) {
      planner.set_fleet(c, {c.nodes, c.gpus, c.replicas});
      if (c.price) best_cost = std::min(best_cost, planner.cost(c));
    }
    (c.feasible ? plan.ranked : plan.infeasible).push_back(std::move(c));
  }
  // Priced before unpriced; then cost; at equal cost the fleet with more capacity to spare, then fewer GPUs.
  auto cheaper = [&](const ServingCandidate& a, const ServingCandidate& b) {
    if (a.price.has_value() != b.price.has_value()) return a.price.has_value();
    const double ca = planner.cost(a), cb = planner.cost(b);
    if (std::fabs(ca - cb) > 1e-9 * std::max(ca, cb)) return ca < cb;
    const double spare_a = a.replicas * a.capacity_per_replica, spare_b = b.replicas * b.capacity_per_replica;
    if (spare_a != spare_b) return spare_a > spare_b;
    return a.gpus < b.gpus;
  };
  std::stable_sort(plan.ranked.begin(), plan.ranked.end(), cheaper);
  const std::size_t checked =
      std::min<std::size_t>(plan.ranked.size(), static_cast<std::size_t>(std::max(1, options.top)));
  for (std::size_t i = 0; i < plan.ranked.size(); ++i) {
    auto& c = plan.ranked[i];
    if (i < checked) {
      planner.check_fleet(cluster_of(clusters, c), c);
    } else {
      c.not_checked = "not simulated as a fleet: only the " + std::to_string(checked) + " cheapest are (--top)";
    }
  }
  // A fleet that failed a check ranks after those that passed; the cheapest one left gets the long check, until
  // the cheapest has passed it.
  auto usable = [](const ServingCandidate& c) { return c.fleet_checked && (!c.long_check.ran || c.long_check.passed); };
  auto rank_checked = [&] {
    std::stable_sort(plan.ranked.begin(), plan.ranked.begin() + static_cast<std::ptrdiff_t>(checked),
                     [&](const auto& a, const auto& b) {
                       if (usable(a) != usable(b)) return usable(a);
                       return cheaper(a, b);
                     });
  };
  rank_checked();
  for (std::size_t round = 0; plan.check.min_window_s > 0 && round < checked; ++round) {
    ServingCandidate& best = plan.ranked.front();
    if (!usable(best) || best.long_check.ran) break;
    planner.check_long(cluster_of(clusters, best), best);
    rank_checked();
  }
  if (!plan.ranked.empty()) planner.plan_curve(cluster_of(clusters, plan.ranked.front()));
  return plan;
}

}  // namespace capsim::planner
