// A parsed fleet made ready to run (services sized by the serving model, GPU-hours priced, hard-quota checks) and
// the run itself.

#include <algorithm>
#include <map>

#include "planner/fleet_scenario.hpp"
#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"
#include "planner/serving_fleet.hpp"
#include "planner/serving_plan.hpp"
#include "planner/tco/price_book.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"
#include "sim/fleet/fleet_engine.hpp"

namespace capsim::planner {

PreparedFleet prepare_fleet(const Scenario& scenario) {
  if (!scenario.fleet) throw UsageError("the scenario has no \"fleet\" block");
  const FleetScenario& fs = *scenario.fleet;
  PreparedFleet out;
  out.spec = fs.spec;
  out.notes = fs.notes;
  fleet::FleetSpec& spec = out.spec;
  // Checkpoints go to the scenario's checkpoint tier.
  spec.checkpoint_policy = scenario.storage.checkpoint;
  const auto& tiers = scenario.storage.tiers;
  for (const auto& t : tiers) {
    if (t.name == scenario.storage.checkpoint.tier) spec.checkpoint_tier = t;
  }
  // Hard quotas: a job larger than what its team may ever hold never runs.
  for (std::size_t i = 0; i < spec.jobs.size(); ++i) {
    const auto& j = spec.jobs[i];
    const auto& team = spec.teams[j.team];
    int cap = spec.cluster.total_gpus();
    if (spec.policy == fleet::Policy::quota) cap = team.quota_gpus;
    if (spec.policy == fleet::Policy::quota_borrow && team.borrowing_limit >= 0) {
      cap = team.quota_gpus + team.borrowing_limit;
    }
    if (j.gpus > cap) {
      const std::size_t line = i < fs.trace_lines.size() ? fs.trace_lines[i] : 0;
      throw InfeasibleError(
          (line > 0 ? fs.trace_file + " line " + std::to_string(line) : std::string("a generated job")) + " needs " +
          std::to_string(j.gpus) + " GPUs but team \"" + team.name + "\" may hold at most " + std::to_string(cap) +
          " under policy " + fleet::policy_name(spec.policy) + " (raise its quota or borrowing limit, or cap the job)");
    }
  }
  // Services that name a workload: one replica's capacity within the SLO, from the serving model.
  for (std::size_t s = 0; s < spec.services.size(); ++s) {
    fleet::FleetService& svc = spec.services[s];
    if (fs.service_workloads[s].empty() || svc.replica_capacity_rps > 0) continue;
    ServingPlanOptions o;
    o.workload = fs.service_workloads[s];
    o.gpus = {scenario.cluster.gpu.id};
    o.check.min_window_s = 0;
    o.top = 1;
    o.headroom = svc.headroom;
    const ServingPlan plan = plan_serving(scenario, o);
    const ServingCandidate* best = nullptr;
    for (const auto& c : plan.ranked) {
      if (c.gpus_per_replica == svc.replica_gpus && (best == nullptr || c.capacity_per_replica > best->capacity_per_replica)) {
        best = &c;
      }
    }
    if (best == nullptr && !plan.ranked.empty()) best = &plan.ranked.front();
    if (best == nullptr || best->capacity_per_replica <= 0) {
      throw InfeasibleError("service \"" + svc.name + "\": no replica of workload \"" + fs.service_workloads[s] +
                            "\" meets its SLO on " + scenario.cluster.gpu.id);
    }
    svc.replica_gpus = best->gpus_per_replica;
    svc.replica_capacity_rps = best->capacity_per_replica;
    if (svc.slo.empty()) {
      svc.slo = "p" + std::to_string(plan.slo.ttft_percentile) + " TTFT <= " + units::format_time(plan.slo.ttft_s);
    }
    out.notes.push_back("service \"" + svc.name + "\": one TP" + std::to_string(best->tp) + " replica serves " +
                        units::format_count(svc.replica_capacity_rps) + " requests/s within " + svc.slo +
                        " (serving model, " + std::to_string(plan.trials) + " trials)");
  }
  // The price of a GPU-hour: given, a named instance, or the cheapest on-demand instance with this GPU.
  if (fs.price_per_gpu_hour_usd > 0) {
    out.price_per_gpu_hour_usd = fs.price_per_gpu_hour_usd;
    out.price_source = "fleet.price_per_gpu_hour";
  } else {
    const tco::PriceBook& book = tco::PriceBook::builtin();
    const auto lookup = cheapest_instance_prices(book);
    if (auto price = lookup(scenario.cluster.gpu.id)) {
      out.price_per_gpu_hour_usd = price->usd_per_gpu_hour;
      out.price_source = price->instance_name + " " + price->pricing + " (" + price->source + ", " + price->date + ")";
    }
    if (!fs.instance.empty()) {
      const auto* inst = book.instance(fs.instance);
      const auto it = inst != nullptr ? inst->hourly.find("on-demand") : std::map<std::string, tco::Price>::const_iterator{};
      if (inst == nullptr || it == inst->hourly.end()) {
        const std::string near = closest_match(fs.instance, book.instance_ids());
        throw InfeasibleError("fleet.instance: the price book has no on-demand instance \"" + fs.instance + "\"" +
                              (near.empty() ? "" : " (did you mean \"" + near + "\"?)"));
      }
      out.price_per_gpu_hour_usd = it->second.value / std::max(1, inst->gpus);
      out.price_source = inst->name + " on-demand (" + it->second.use.source + ", " + it->second.use.date + ")";
    }
  }
  return out;
}

fleet::FleetResult run_fleet_scenario(const PreparedFleet& prepared, const FleetRunOptions& options) {
  const fleet::FleetSpec* spec = &prepared.spec;
  fleet::FleetSpec changed;
  if (!options.policy.empty() || !options.placement.empty()) {
    changed = prepared.spec;
    if (!options.policy.empty()) changed.policy = fleet::policy_from_name(options.policy);
    if (!options.placement.empty()) changed.placement = fleet::placement_from_name(options.placement);
    spec = &changed;
  }
  fleet::FleetResult result = fleet::run_fleet(*spec);
  result.price_per_gpu_hour_usd = prepared.price_per_gpu_hour_usd;
  result.price_source = prepared.price_source;
  for (auto& t : result.teams) t.cost_usd = t.gpu_hours * prepared.price_per_gpu_hour_usd;
  return result;
}

}  // namespace capsim::planner
