#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/plan_serving_summary.hpp"
#include "planner/result_json.hpp"
#include "planner/serving_plan.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

/// A positive time given on the command line; `zero_ok` also accepts "0".
double parse_window(const std::string& flag, const std::string& text, bool zero_ok) {
  std::string error;
  const auto window = units::parse(text, units::Dimension::time, &error);
  if (!window || *window < 0 || (*window == 0 && !zero_ok)) {
    throw UsageError(flag + " " + text + ": " + (error.empty() ? "must be positive" : error));
  }
  return *window;
}

/// "20%", "0.2" or "20 %": a share of at least 0.
double parse_headroom(const std::string& text) {
  std::string number = text;
  double scale = 1;
  if (const auto pct = number.find('%'); pct != std::string::npos) {
    number.erase(pct);
    scale = 0.01;
  }
  const auto value = units::parse(number, units::Dimension::count);
  if (!value || *value < 0 || *value * scale > 10) {
    throw UsageError("--headroom " + text + ": expected a share of spare capacity such as 20% or 0.2 (0 to 1000%)");
  }
  return *value * scale;
}

planner::ServingPlanOptions plan_options(const PlanServingOptions& o) {
  planner::ServingPlanOptions p;
  p.workload = o.workload;
  p.top = o.top;
  if (!o.rate.empty()) {
    std::string error;
    const auto rate = units::parse(o.rate, units::Dimension::frequency, &error, units::BareNumber::si);
    if (!rate || *rate <= 0) throw UsageError("--rate " + o.rate + ": " + (error.empty() ? "must be positive" : error));
    p.rate_per_s = *rate;
  }
  if (!o.window.empty()) p.window_s = parse_window("--window", o.window, false);
  if (!o.check_window.empty()) p.check.min_window_s = parse_window("--check-window", o.check_window, true);
  if (!o.headroom.empty()) p.headroom = parse_headroom(o.headroom);
  std::stringstream list(o.gpus);
  for (std::string id; std::getline(list, id, ',');) {
    if (!id.empty()) p.gpus.push_back(id);
  }
  return p;
}

nlohmann::ordered_json price_json(const std::optional<planner::GpuHourPrice>& price) {
  if (!price) return nullptr;
  return {{"usd_per_gpu_hour", price->usd_per_gpu_hour}, {"instance", price->instance},
          {"instance_name", price->instance_name},       {"instance_gpus", price->instance_gpus},
          {"pricing", price->pricing},                   {"date", price->date},
          {"source", price->source}};
}

nlohmann::ordered_json long_check_json(const planner::FleetCheck& k) {
  nlohmann::ordered_json j = {{"passed", k.passed}, {"replicas", k.fleet.replicas}, {"nodes", k.fleet.nodes},
                              {"gpus", k.fleet.gpus}, {"window_s", k.window_s}};
  j["tries"] = nlohmann::ordered_json::array();
  for (const auto& t : k.tries) {
    j["tries"].push_back({{"replicas", t.fleet.replicas},
                          {"nodes", t.fleet.nodes},
                          {"window_s", t.window_s},
                          {"settled", t.settling.settled},
                          {"in_system_third_quarter", t.settling.third_quarter},
                          {"in_system_last_quarter", t.settling.last_quarter},
                          {"requests", t.requests},
                          {"preemptions", t.preemptions},
                          {"kv_utilization_peak", t.kv_peak},
                          {"ttft_p90_s", t.ttft_p90_s},
                          {"ttft_p99_s", t.ttft_p99_s},
                          {"tpot_p99_s", t.tpot_p99_s},
                          {"queue_max", t.queue_max},
                          {"slo_met", t.slo_met},
                          {"passed", t.passed},
                          {"verdict", t.verdict}});
  }
  j["fleet"] = planner::to_json(k.result);
  return j;
}

nlohmann::ordered_json candidate_json(const planner::ServingCandidate& c) {
  nlohmann::ordered_json o = {{"gpu", c.gpu},
                              {"tp", c.tp},
                              {"pp", c.pp},
                              {"gpus_per_replica", c.gpus_per_replica},
                              {"gpus_per_node", c.gpus_per_node},
                              {"price", price_json(c.price)}};
  if (!c.feasible) {
    o["skipped"] = c.skipped;
    o["why_not"] = c.why_not;
    return o;
  }
  o["capacity_per_replica_requests_per_s"] = c.capacity_per_replica;
  o["replicas_needed"] = c.replicas_needed;
  o["nodes"] = c.nodes;
  o["replicas"] = c.replicas;
  o["gpus"] = c.gpus;
  o["gpu_hours_per_hour"] = c.gpus;
  if (c.price) o["cost_per_hour_usd"] = c.cost_per_hour_usd;
  o["fleet_checked"] = c.fleet_checked;
  if (c.fleet.completed > 0) o["fleet"] = planner::to_json(c.fleet);
  if (!c.not_checked.empty()) o["not_checked"] = c.not_checked;
  if (c.long_check.ran) o["long_check"] = long_check_json(c.long_check);
  if (c.gpu_hours_per_cycle > 0) o["gpu_hours_per_cycle"] = c.gpu_hours_per_cycle;
  if (c.price && c.cost_per_cycle_usd > 0) o["cost_per_cycle_usd"] = c.cost_per_cycle_usd;
  return o;
}

nlohmann::ordered_json plan_json(const planner::ServingPlan& plan) {
  nlohmann::ordered_json j;
  j["schema"] = "capsim/plan-serving/v1";
  j["workload"] = plan.workload;
  j["model"] = plan.model;
  j["rate_per_s"] = plan.rate_per_s;
  j["headroom"] = plan.headroom;
  j["sized_for_rate_per_s"] = plan.rate_per_s * (1 + plan.headroom);
  j["slo"] = {{"ttft_s", plan.slo.ttft_s},
              {"ttft_percentile", plan.slo.ttft_percentile},
              {"tpot_s", plan.slo.tpot_s},
              {"tpot_percentile", plan.slo.tpot_percentile},
              {"default", plan.default_slo}};
  j["window_s"] = plan.window_s;
  j["arrivals"] = plan.arrivals;
  j["capacity_per_replica_means"] =
      "the highest request rate one replica serves while meeting the SLO, found by bisection over trials of window_s "
      "seconds of arrivals";
  j["price_source"] = plan.price_source;
  j["long_check"] = {{"min_window_s", plan.check.min_window_s},
                     {"max_window_s", plan.check.max_window_s},
                     {"growth_tolerance", plan.check.growth_tolerance},
                     {"max_preemption_share", plan.check.max_preemption_share}};
  j["trials"] = plan.trials;
  j["candidates"] = nlohmann::ordered_json::array();
  for (const auto& c : plan.ranked) j["candidates"].push_back(candidate_json(c));
  j["infeasible"] = nlohmann::ordered_json::array();
  for (const auto& c : plan.infeasible) j["infeasible"].push_back(candidate_json(c));
  if (!plan.daily.empty()) {
    auto& d = j["autoscaled"];
    d["intervals"] = nlohmann::ordered_json::array();
    for (const auto& p : plan.daily) {
      d["intervals"].push_back({{"start_s", p.start_s},
                                {"rate_per_s", p.rate_per_s},
                                {"replicas", p.replicas},
                                {"nodes", p.nodes},
                                {"gpus", p.gpus}});
    }
    d["gpu_hours_per_cycle"] = plan.cycle_gpu_hours;
    d["peak_fleet_gpu_hours_per_cycle"] = plan.peak_fleet_gpu_hours;
  }
  return j;
}

}  // namespace

int plan_serving_command(const PlanServingOptions& options) {
  const planner::Scenario scenario = planner::load_scenario_file(options.scenario);
  const planner::ServingPlan plan = planner::plan_serving(scenario, plan_options(options));
  if (options.json) {
    std::cout << plan_json(plan).dump(2) << '\n';
  } else {
    print_serving_plan(plan, std::cout);
  }
  return 0;
}

}  // namespace capsim::cli
