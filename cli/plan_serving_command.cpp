#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "planner/result_json.hpp"
#include "planner/serving_plan.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using units::format_count;
using units::format_time;

planner::ServingPlanOptions plan_options(const PlanServingOptions& o) {
  planner::ServingPlanOptions p;
  p.workload = o.workload;
  p.top = o.top;
  if (!o.rate.empty()) {
    std::string error;
    const auto rate = units::parse(o.rate, units::Dimension::frequency, &error);
    if (!rate || *rate <= 0) throw UsageError("--rate " + o.rate + ": " + (error.empty() ? "must be positive" : error));
    p.rate_per_s = *rate;
  }
  if (!o.window.empty()) {
    std::string error;
    const auto window = units::parse(o.window, units::Dimension::time, &error);
    if (!window || *window <= 0) {
      throw UsageError("--window " + o.window + ": " + (error.empty() ? "must be positive" : error));
    }
    p.window_s = *window;
  }
  std::stringstream list(o.gpus);
  for (std::string id; std::getline(list, id, ',');) {
    if (!id.empty()) p.gpus.push_back(id);
  }
  return p;
}

/// "1 replica", "3 replicas".
std::string plural(long long n, const std::string& word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

/// Hours and minutes since the start of the curve: "09:00", "26:30".
std::string clock(double t_s) {
  const auto minutes = static_cast<long long>(std::llround(t_s / 60));
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::string slo_words(const workloads::Slo& slo) {
  std::string s;
  if (slo.ttft_s > 0) s = fmt::format("TTFT p{} <= {}", slo.ttft_percentile, format_time(slo.ttft_s));
  if (slo.tpot_s > 0) {
    s += fmt::format("{}TPOT p{} <= {}", s.empty() ? "" : ", ", slo.tpot_percentile, format_time(slo.tpot_s));
  }
  return s;
}

void print_plan(const planner::ServingPlan& plan, std::ostream& out) {
  out << fmt::format("CapSim plan-serving: workload \"{}\" ({}) at {}/s\n", plan.workload, plan.model,
                     format_count(plan.rate_per_s));
  out << fmt::format("SLO: {}{}; {} of arrivals per trial; {} simulations\n", slo_words(plan.slo),
                     plan.default_slo ? " (none in the scenario: Vidur's)" : "", format_time(plan.window_s),
                     plan.trials);
  out << "Cost: GPU-hours (GPUs x hours), until the TCO model brings prices\n\n";
  if (plan.ranked.empty()) {
    out << "No layout meets the SLO.\n";
  } else {
    const auto& b = plan.ranked.front();
    out << fmt::format("Best: {} x TP{} on {} = {} ({} GPU-hours per hour)\n", plural(b.replicas, "replica"), b.tp,
                       b.gpu, plural(b.gpus, "GPU"), b.gpus);
    if (b.fleet_checked) {
      out << fmt::format("      the fleet at {}/s: TTFT p90 {}, TPOT p99 {}, goodput {}/s, KV cache {} used\n",
                         format_count(plan.rate_per_s), format_time(b.fleet.ttft_s.p90),
                         format_time(b.fleet.tpot_s.p99), format_count(b.fleet.goodput_requests_per_s),
                         units::format_percent(b.fleet.kv_utilization_mean));
    }
    out << fmt::format("\n  {:>2}  {:<16}{:>3}  {:>16}  {:>8}  {:>5}  {:>10}  {:>10}  {}\n", "#", "GPU", "TP",
                       "capacity/replica", "replicas", "GPUs", "TTFT p90", "TPOT p99", "fleet check");
    for (std::size_t i = 0; i < plan.ranked.size(); ++i) {
      const auto& c = plan.ranked[i];
      const bool ran = c.fleet.completed > 0;
      out << fmt::format("  {:>2}  {:<16}{:>3}  {:>14}/s  {:>8}  {:>5}  {:>10}  {:>10}  {}\n", i + 1, c.gpu, c.tp,
                         format_count(c.capacity_per_replica), c.replicas, c.gpus,
                         ran ? format_time(c.fleet.ttft_s.p90) : "-", ran ? format_time(c.fleet.tpot_s.p99) : "-",
                         !ran              ? "not run"
                         : c.fleet_checked ? "meets the SLO"
                                           : "misses the SLO");
    }
  }
  std::vector<std::string> skipped;
  for (const auto& c : plan.infeasible) {
    if (c.skipped) skipped.push_back(fmt::format("{} TP{}", c.gpu, c.tp));
  }
  if (skipped.size() < plan.infeasible.size()) {
    out << "\nNot feasible:\n";
    for (const auto& c : plan.infeasible) {
      if (!c.skipped) out << fmt::format("  {} TP{}: {}\n", c.gpu, c.tp, c.why_not);
    }
  }
  if (!skipped.empty()) {
    out << fmt::format("\nNot tried (one replica alone costs more than the best plan): {}\n", fmt::join(skipped, ", "));
  }
  if (!plan.daily.empty()) {
    const auto& b = plan.ranked.front();
    out << fmt::format("\nAutoscaled over the rate curve ({} intervals), {} x TP{}:\n", plan.daily.size(), b.gpu, b.tp);
    out << fmt::format("  {:>10}  {:>10}  {:>8}  {:>5}\n", "from", "rate", "replicas", "GPUs");
    for (const auto& p : plan.daily) {
      out << fmt::format("  {:>10}  {:>8}/s  {:>8}  {:>5}\n", clock(p.start_s), format_count(p.rate_per_s), p.replicas,
                         p.gpus);
    }
    out << fmt::format("  GPU-hours per cycle: {} autoscaled, {} with the peak fleet throughout\n",
                       format_count(plan.cycle_gpu_hours), format_count(plan.peak_fleet_gpu_hours));
  }
}

nlohmann::ordered_json plan_json(const planner::ServingPlan& plan) {
  nlohmann::ordered_json j;
  j["schema"] = "capsim/plan-serving/v1";
  j["workload"] = plan.workload;
  j["model"] = plan.model;
  j["rate_per_s"] = plan.rate_per_s;
  j["slo"] = {{"ttft_s", plan.slo.ttft_s},
              {"ttft_percentile", plan.slo.ttft_percentile},
              {"tpot_s", plan.slo.tpot_s},
              {"tpot_percentile", plan.slo.tpot_percentile},
              {"default", plan.default_slo}};
  j["window_s"] = plan.window_s;
  j["trials"] = plan.trials;
  auto candidate = [](const planner::ServingCandidate& c) {
    nlohmann::ordered_json o = {{"gpu", c.gpu}, {"tp", c.tp}, {"pp", c.pp}, {"gpus_per_replica", c.gpus_per_replica}};
    if (!c.feasible) {
      o["why_not"] = c.why_not;
      return o;
    }
    o["capacity_per_replica_requests_per_s"] = c.capacity_per_replica;
    o["replicas"] = c.replicas;
    o["gpus"] = c.gpus;
    o["gpu_hours_per_hour"] = c.gpus;
    o["fleet_checked"] = c.fleet_checked;
    if (c.fleet.completed > 0) o["fleet"] = planner::to_json(c.fleet);
    if (c.gpu_hours_per_cycle > 0) o["gpu_hours_per_cycle"] = c.gpu_hours_per_cycle;
    return o;
  };
  j["candidates"] = nlohmann::ordered_json::array();
  for (const auto& c : plan.ranked) j["candidates"].push_back(candidate(c));
  j["infeasible"] = nlohmann::ordered_json::array();
  for (const auto& c : plan.infeasible) j["infeasible"].push_back(candidate(c));
  if (!plan.daily.empty()) {
    auto& d = j["autoscaled"];
    d["intervals"] = nlohmann::ordered_json::array();
    for (const auto& p : plan.daily) {
      d["intervals"].push_back(
          {{"start_s", p.start_s}, {"rate_per_s", p.rate_per_s}, {"replicas", p.replicas}, {"gpus", p.gpus}});
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
    print_plan(plan, std::cout);
  }
  return 0;
}

}  // namespace capsim::cli
