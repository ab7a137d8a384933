// capsim: the command-line face of CapSim. Only this file turns errors into exit codes (DESIGN.md):
// 0 success, 1 invalid or infeasible scenario, 2 bad command line, 3 internal error.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "sim/core/error.hpp"
#include "sim/core/interrupt.hpp"

namespace {

int exit_code(capsim::ExitCode code) { return static_cast<int>(code); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"CapSim: AI-infrastructure simulator and capacity planner"};
  app.set_version_flag("--version", std::string("capsim ") + CAPSIM_VERSION);
  app.require_subcommand(1);

  capsim::cli::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Simulate a scenario and print a summary (or --json)");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (default: the bundled Llama 3 70B pre-training)");
  run_cmd->add_option("--engine", run.engine, "Engine: analytical or des (default: the scenario's)")
      ->check(CLI::IsMember({"analytical", "des"}));
  run_cmd->add_flag("--json", run.json, "Print the result document as JSON on stdout, and nothing else");
  run_cmd->add_option("--out", run.out_dir, "Also write result.json, summary.txt and report.html into this folder");
  run_cmd->add_option("--trace", run.trace,
                      "des engine: write a Chrome trace (Perfetto) of one training iteration to this file");
  run_cmd->add_flag("--strict", run.strict,
                    "Exit 1 also when an SLO is missed or the run has warnings (a workload that does not fit always "
                    "exits 1)");

  capsim::cli::ValidateOptions validate;
  auto* validate_cmd =
      app.add_subcommand("validate", "Compare predictions with published measurements (scenarios/validation)");
  validate_cmd->add_option("--dir", validate.dir, "Folder of validation suites");
  validate_cmd->add_option("--suite", validate.suite, "Run only this suite (a folder name)");
  validate_cmd->add_option("--engine", validate.engine, "Engine: analytical or des")
      ->check(CLI::IsMember({"analytical", "des"}));
  auto* validate_json = validate_cmd->add_flag("--json", validate.json, "Print the tables as JSON");
  validate_cmd->add_flag("--summary", validate.summary,
                         "Print one Markdown table line per suite: rows, mean and max |error|, bias, rows too "
                         "fast and too slow (the table README.md quotes)")
      ->excludes(validate_json);
  validate_cmd->add_option("--profile", validate.profile,
                            "Calibration profile (a file, or \"builtin\" for the measured H100 profile CapSim ships): also show "
                            "the error with it applied to its GPU type");

  capsim::cli::PlanServingOptions plan_serving;
  auto* plan_serving_cmd = app.add_subcommand(
      "plan-serving", "Find the cheapest fleet (GPU type, TP, whole nodes) that serves a rate within the SLO");
  plan_serving_cmd->add_option("scenario", plan_serving.scenario, "Scenario with an inference workload")->required();
  plan_serving_cmd->add_option("--rate", plan_serving.rate, "Target rate, e.g. 50/s (default: the workload's)");
  plan_serving_cmd->add_option("--workload", plan_serving.workload, "Inference workload to plan (default: the first)");
  plan_serving_cmd->add_option("--gpus", plan_serving.gpus, "Comma-separated GPU ids to consider (default: all)");
  plan_serving_cmd->add_option("--window", plan_serving.window, "Simulated arrivals per trial (default: 10 min)");
  plan_serving_cmd->add_option("--headroom", plan_serving.headroom, "Spare capacity kept (default: 20%)");
  plan_serving_cmd->add_option("--check-window", plan_serving.check_window,
                               "The best fleet's long check: at least this much of arrivals (default: 1 h; 0 skips)");
  plan_serving_cmd->add_option("--top", plan_serving.top, "Candidates checked as whole fleets")->check(CLI::Range(1, 100));
  plan_serving_cmd->add_flag("--json", plan_serving.json, "Print the plan as JSON on stdout, and nothing else");

  capsim::cli::CollectiveOptions collective;
  auto* collective_cmd = capsim::cli::add_collective_command(app, collective);
  capsim::cli::PlanOptions plan;
  auto* plan_cmd = capsim::cli::add_plan_command(app, plan);
  capsim::cli::CalibrateOptions calibrate;
  auto* calibrate_cmd = capsim::cli::add_calibrate_command(app, calibrate);
  capsim::cli::SearchOptions search;
  auto* search_cmd = capsim::cli::add_search_command(app, search);
  capsim::cli::FleetCompareOptions fleet_compare;
  auto* fleet_compare_cmd = capsim::cli::add_fleet_compare_command(app, fleet_compare);

  // Ctrl-C: kill DES children, remove the output file being written, end at once (sim/core/interrupt.hpp).
  capsim::install_interrupt_handler();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : exit_code(capsim::ExitCode::bad_command_line);
  }

  try {
    if (*run_cmd) return capsim::cli::run_command(run);
    if (*validate_cmd) return capsim::cli::validate_command(validate);
    if (*collective_cmd) return capsim::cli::collective_command(collective);
    if (*plan_cmd) return capsim::cli::plan_command(plan);
    if (*calibrate_cmd) return capsim::cli::calibrate_command(calibrate);
    if (*search_cmd) return capsim::cli::search_command(search);
    if (*fleet_compare_cmd) return capsim::cli::fleet_compare_command(fleet_compare);
    if (*plan_serving_cmd) return capsim::cli::plan_serving_command(plan_serving);
    return exit_code(capsim::ExitCode::bad_command_line);
  } catch (const capsim::InputError& e) {
    std::cerr << "capsim: the input is invalid:\n";
    for (const auto& d : e.diagnostics()) std::cerr << "  " << d.to_string() << '\n';
    return exit_code(capsim::ExitCode::invalid_input);
  } catch (const capsim::InfeasibleError& e) {
    std::cerr << "capsim: infeasible: " << e.what() << '\n';
    return exit_code(capsim::ExitCode::invalid_input);
  } catch (const capsim::UsageError& e) {
    std::cerr << "capsim: " << e.what() << '\n';
    return exit_code(capsim::ExitCode::bad_command_line);
  } catch (const std::exception& e) {
    std::cerr << "capsim: internal error: " << e.what() << "\nPlease report this with the scenario that caused it.\n";
    return exit_code(capsim::ExitCode::internal_error);
  }
}
