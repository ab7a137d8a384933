#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "planner/validation.hpp"
#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

std::string format_metric(const std::string& metric, double value) {
  if (metric == "step_time_s") return fmt::format("{:.2f} s", value);
  if (metric == "mfu") return units::format_percent(value);
  if (metric == "output_tokens_per_s") return fmt::format("{:.0f} tok/s", value);
  return fmt::format("{:.4g}", value);
}

void print_suite(const planner::ValidationSuite& suite, std::ostream& out) {
  out << fmt::format("Suite {} ({} rows)\n", suite.name, suite.rows.size());
  if (!suite.source.empty()) out << "  Source: " << suite.source << '\n';
  out << fmt::format("  {:<36} {:>12} {:>12} {:>9}\n", "row", "measured", "predicted", "error");
  for (const auto& row : suite.rows) {
    out << fmt::format("  {:<36} {:>12} {:>12} {:>+8.1f}%\n", row.label, format_metric(row.metric, row.measured),
                       format_metric(row.metric, row.predicted), row.error * 100);
  }
  out << fmt::format("  mean |error| {:.2f}%, max |error| {:.2f}%\n\n", suite.mean_abs_error * 100,
                     suite.max_abs_error * 100);
}

}  // namespace

int validate_command(const ValidateOptions& options) {
  const std::string dir = options.dir.empty() ? (std::filesystem::path(data_dir()) / "validation").string()
                                              : options.dir;
  const auto suites = planner::run_validation(dir, options.engine, options.suite);
  if (options.json) {
    nlohmann::json doc = {{"schema", "capsim/validation/v1"}, {"engine", options.engine}, {"suites", nlohmann::json::array()}};
    for (const auto& s : suites) {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& r : s.rows) {
        rows.push_back({{"label", r.label}, {"file", r.file}, {"metric", r.metric}, {"measured", r.measured},
                        {"predicted", r.predicted}, {"error", r.error}});
      }
      doc["suites"].push_back({{"name", s.name}, {"source", s.source}, {"rows", rows},
                               {"mean_abs_error", s.mean_abs_error}, {"max_abs_error", s.max_abs_error}});
    }
    std::cout << doc.dump(2) << '\n';
  } else {
    std::cout << fmt::format("CapSim validation, {} engine: predicted against published measurements\n\n",
                             options.engine);
    for (const auto& s : suites) print_suite(s, std::cout);
  }
  return 0;
}

}  // namespace capsim::cli
