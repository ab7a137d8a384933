/// Writes the reports of the test fixtures into a folder, for the Chromium test and for people to look at:
/// plan-report.html and plan-costs.csv from plan_fixture.hpp, run-report.html from the bundled default scenario,
/// fleet-report.html from the fleet-policy-compare example.
/// Usage: capsim_write_report_fixture DIR

#include <filesystem>
#include <iostream>

#include "planner/report/fleet_report.hpp"
#include "planner/report/plan_report.hpp"
#include "planner/report/scenario_report.hpp"
#include "sim/core/atomic_file.hpp"
#include "tests/report/plan_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: capsim_write_report_fixture DIR\n";
    return 2;
  }
  try {
    namespace report = capsim::planner::report;
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    const capsim::planner::tco::PlanResult plan = report::test::make_plan_fixture();
    capsim::write_file_atomically((dir / "plan-report.html").string(), report::plan_report_html(plan));
    capsim::write_file_atomically((dir / "plan-costs.csv").string(), report::plan_costs_csv(plan));
    const capsim::planner::Scenario scenario =
        capsim::planner::load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/default.json");
    capsim::write_file_atomically((dir / "run-report.html").string(),
                                  report::scenario_report_html(capsim::planner::run_scenario(scenario), scenario));
    const capsim::planner::Scenario fleet_scenario = capsim::planner::load_scenario_file(
        std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/fleet-policy-compare.json");
    const capsim::planner::PreparedFleet fleet = capsim::planner::prepare_fleet(fleet_scenario);
    capsim::write_file_atomically(
        (dir / "fleet-report.html").string(),
        report::fleet_report_html(fleet_scenario, fleet, capsim::planner::run_fleet_scenario(fleet)));
  } catch (const std::exception& e) {
    std::cerr << "capsim_write_report_fixture: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
