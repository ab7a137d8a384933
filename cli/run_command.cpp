#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/summary_printer.hpp"
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

}  // namespace

int run_command(const RunOptions& options) {
  planner::Scenario scenario = load(options);
  if (!options.trace.empty()) {
    if ((options.engine.empty() ? scenario.simulation.engine : options.engine) != "des") {
      throw UsageError("--trace needs the des engine (add --engine des)");
    }
    scenario.simulation.des.trace_path = options.trace;
  }
  const planner::ScenarioResult result = planner::run_scenario(scenario, options.engine);
  const std::string json_text = planner::to_json(result).dump(2) + "\n";
  std::ostringstream summary;
  print_summary(scenario, result, summary);

  if (!options.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    if (ec) throw UsageError("cannot create output folder " + options.out_dir + ": " + ec.message());
    write_file_atomically((std::filesystem::path(options.out_dir) / "result.json").string(), json_text);
    write_file_atomically((std::filesystem::path(options.out_dir) / "summary.txt").string(), summary.str());
  }
  std::cout << (options.json ? json_text : summary.str());
  return 0;
}

}  // namespace capsim::cli
