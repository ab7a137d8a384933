// `capsim fleet-compare`: the same fleet under several policies (and placements), one table.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/fleet_summary.hpp"
#include "planner/fleet_json.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"
#include "sim/fleet/fleet_engine.hpp"

namespace capsim::cli {

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

void check_names(const std::vector<std::string>& items, const std::vector<std::string>& known, const char* what) {
  for (const auto& p : items) {
    if (std::find(known.begin(), known.end(), p) == known.end()) {
      std::string all;
      for (const auto& k : known) all += (all.empty() ? "" : ", ") + k;
      throw UsageError("unknown " + std::string(what) + " \"" + p + "\" (known: " + all + ")");
    }
  }
}

}  // namespace

CLI::App* add_fleet_compare_command(CLI::App& app, FleetCompareOptions& o) {
  auto* cmd = app.add_subcommand("fleet-compare", "Run a scenario's fleet under several scheduling policies");
  cmd->add_option("scenario", o.scenario, "Scenario with a \"fleet\" block")->required();
  cmd->add_option("--policies", o.policies,
                  "Comma-separated policies (default: every one the fleet can use): fifo, fifo-backfill, "
                  "best-effort-fifo, sjf, srtf, las, priority, quota, quota-borrow, fair-share, drf");
  cmd->add_option("--placements", o.placements, "Comma-separated placements: packed, spread, topology (default: "
                                                "the scenario's)");
  cmd->add_flag("--json", o.json, "Print {\"runs\": [fleet, ...]} as JSON on stdout, and nothing else");
  return cmd;
}

int fleet_compare_command(const FleetCompareOptions& o) {
  const planner::Scenario scenario = planner::load_scenario_file(o.scenario);
  if (!scenario.fleet) throw UsageError(o.scenario + " has no \"fleet\" block to compare policies on");
  const planner::PreparedFleet fleet = planner::prepare_fleet(scenario);
  std::vector<std::string> policies = split_list(o.policies);
  if (policies.empty()) {
    bool quotas = false;
    for (const auto& t : fleet.spec.teams) quotas = quotas || t.quota_gpus > 0;
    for (const auto& p : fleet::policy_names()) {
      if (!quotas && (p == "quota" || p == "quota-borrow")) continue;
      policies.push_back(p);
    }
  }
  check_names(policies, fleet::policy_names(), "policy");
  std::vector<std::string> placements = split_list(o.placements);
  if (placements.empty()) placements.push_back(fleet::placement_name(fleet.spec.placement));
  check_names(placements, fleet::placement_names(), "placement");
  bool quotas = false;
  for (const auto& t : fleet.spec.teams) quotas = quotas || t.quota_gpus > 0;
  for (const auto& p : policies) {
    if (!quotas && (p == "quota" || p == "quota-borrow")) {
      throw UsageError("policy \"" + p + "\" needs team quotas, and no team of " + o.scenario +
                       " has one (give teams a \"quota_gpus\")");
    }
  }
  std::vector<planner::FleetRunOptions> runs;
  for (const auto& pl : placements) {
    for (const auto& p : policies) runs.push_back({p, pl});
  }
  // Runs are independent and deterministic; two at a time on two cores, results in the order asked.
  std::vector<fleet::FleetResult> results(runs.size());
  const unsigned width = std::max(1u, std::min(std::thread::hardware_concurrency(), 4u));
  for (std::size_t from = 0; from < runs.size(); from += width) {
    std::vector<std::future<fleet::FleetResult>> batch;
    for (std::size_t i = from; i < std::min(runs.size(), from + width); ++i) {
      batch.push_back(std::async(std::launch::async, [&, i] { return planner::run_fleet_scenario(fleet, runs[i]); }));
    }
    for (std::size_t i = 0; i < batch.size(); ++i) results[from + i] = batch[i].get();
  }
  if (o.json) {
    nlohmann::json doc{{"scenario", scenario.name}, {"runs", nlohmann::json::array()}};
    for (const auto& r : results) doc["runs"].push_back(planner::fleet_to_json(r, false));
    std::cout << doc.dump(2) << '\n';
  } else {
    std::cout << fleet_comparison(scenario, fleet, results) << std::flush;
  }
  return 0;
}

}  // namespace capsim::cli
