#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <variant>

#include "cli/commands.hpp"
#include "cli/fleet_summary.hpp"
#include "cli/summary_printer.hpp"
#include "planner/fleet_json.hpp"
#include "planner/report/fleet_report.hpp"
#include "planner/report/scenario_report.hpp"
#include "planner/result_json.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"

namespace capsim::cli {

std::vector<EmbeddedFile> builtin_scenario_files();

std::string data_dir() {
  if (const char* env = std::getenv("CAPSIM_DATA_DIR"); env && *env) return env;
  return CAPSIM_DEFAULT_DATA_DIR;
}

namespace {

planner::Scenario load(const RunOptions& options) {
  if (!options.scenario.empty()) return planner::load_scenario_file(options.scenario);
  // The default scenario is compiled in, so `capsim run` works from any folder.
  const auto files = builtin_scenario_files();
  return planner::load_scenario_text(std::string(files.front().content), "<built-in default.json>");
}

bool has_training(const planner::Scenario& scenario) {
  for (const auto& workload : scenario.workloads) {
    if (std::holds_alternative<workloads::TrainingJob>(workload)) return true;
  }
  return false;
}

/// Exit status of a finished run (DESIGN.md): 1 when a workload does not fit; with --strict also when an SLO is
/// missed or anything was warned about, so that a CI gate fails on it. The reason goes to stderr.
int exit_status(const planner::ScenarioResult& result, bool strict) {
  if (result.infeasible()) {
    std::cerr << "capsim: infeasible: a workload does not fit in GPU memory (exit 1; the advice is above)\n";
    return static_cast<int>(ExitCode::invalid_input);
  }
  if (strict && (result.slo_missed() || !result.warnings.empty())) {
    std::cerr << "capsim: --strict: " << (result.slo_missed() ? "an SLO is missed" : "the run has warnings")
              << " (exit 1)\n";
    return static_cast<int>(ExitCode::invalid_input);
  }
  return static_cast<int>(ExitCode::success);
}

}  // namespace

/// A scenario with a `fleet` block runs the fleet engine: many teams' jobs on the cluster.
int run_fleet(const planner::Scenario& scenario, const RunOptions& options) {
  if (!options.trace.empty()) throw UsageError("--trace draws one training step on the des engine, not a fleet");
  if (!options.engine.empty() && options.engine != "analytical") {
    throw UsageError("a fleet's job speeds come from the analytical engine; --engine " + options.engine +
                     " does not apply (compare placements with capsim fleet-compare --placements)");
  }
  if (!options.out_dir.empty()) prepare_output_folder(options.out_dir);  // before any work
  const planner::PreparedFleet fleet = planner::prepare_fleet(scenario);
  const fleet::FleetResult result = planner::run_fleet_scenario(fleet);
  nlohmann::json doc{{"scenario", scenario.name}, {"engine", "fleet"}, {"fleet", planner::fleet_to_json(result)}};
  doc["notes"] = fleet.notes;
  const std::string json_text = doc.dump(2) + "\n";
  const std::string summary = fleet_summary(scenario, fleet, result);
  if (!options.out_dir.empty()) {
    const std::filesystem::path dir(options.out_dir);
    write_file_atomically((dir / "result.json").string(), json_text);
    write_file_atomically((dir / "summary.txt").string(), summary);
    write_file_atomically((dir / "series.csv").string(), planner::fleet_series_csv(result));
    write_file_atomically((dir / "report.html").string(), planner::report::fleet_report_html(scenario, fleet, result));
  }
  std::cout << (options.json ? json_text : summary) << std::flush;
  if (options.strict && !result.warnings.empty()) {
    std::cerr << "capsim: --strict: the run has warnings (exit 1)\n";
    return static_cast<int>(ExitCode::invalid_input);
  }
  return static_cast<int>(ExitCode::success);
}

int run_command(const RunOptions& options) {
  planner::Scenario scenario = load(options);
  if (scenario.fleet) return run_fleet(scenario, options);
  if (!options.trace.empty() && !has_training(scenario)) {
    throw UsageError("--trace draws a training step on the des engine, and this scenario has no training workload");
  }
  if (!options.trace.empty()) {
    if ((options.engine.empty() ? scenario.simulation.engine : options.engine) != "des") {
      throw UsageError("--trace needs the des engine (add --engine des)");
    }
    scenario.simulation.des.trace_path = options.trace;
  }
  if (!options.out_dir.empty()) prepare_output_folder(options.out_dir);  // before any work
  const planner::ScenarioResult result = planner::run_scenario(scenario, options.engine);
  const std::string json_text = planner::to_json(result).dump(2) + "\n";
  std::ostringstream summary;
  print_summary(scenario, result, summary);

  if (!options.out_dir.empty()) {
    write_file_atomically((std::filesystem::path(options.out_dir) / "result.json").string(), json_text);
    write_file_atomically((std::filesystem::path(options.out_dir) / "summary.txt").string(), summary.str());
    write_file_atomically((std::filesystem::path(options.out_dir) / "report.html").string(),
                          planner::report::scenario_report_html(result, scenario));
  }
  std::cout << (options.json ? json_text : summary.str()) << std::flush;
  return exit_status(result, options.strict);
}

}  // namespace capsim::cli
