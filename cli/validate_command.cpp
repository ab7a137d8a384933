#include <filesystem>
#include <iostream>
#include <optional>

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
  if (metric == "gpu_hours") return units::format_count(value) + " GPU-h";
  if (metric == "cost_usd") return units::format_money(value);
  return fmt::format("{:.4g}", value);
}

void print_suite(const planner::ValidationSuite& suite, bool with_profile, std::ostream& out) {
  out << fmt::format("Suite {} ({} rows)\n", suite.name, suite.rows.size());
  if (!suite.source.empty()) out << "  Source: " << suite.source << '\n';
  out << fmt::format("  {:<36} {:>12} {:>12} {:>9}", "row", "measured", "predicted", "error");
  out << (with_profile ? fmt::format(" {:>12} {:>9}\n", "w/ profile", "error") : "\n");
  for (const auto& row : suite.rows) {
    out << fmt::format("  {:<36} {:>12} {:>12} {:>+8.1f}%", row.label, format_metric(row.metric, row.measured),
                       format_metric(row.metric, row.predicted), row.error * 100);
    if (with_profile && row.calibrated) {
      out << fmt::format(" {:>12} {:>+8.1f}%", format_metric(row.metric, row.predicted_profile),
                         row.error_profile * 100);
    } else if (with_profile) {
      out << fmt::format(" {:>12} {:>9}", "-", "-");
    }
    out << '\n';
  }
  out << fmt::format("  mean |error| {:.2f}%, max |error| {:.2f}%\n", suite.mean_abs_error * 100,
                     suite.max_abs_error * 100);
  if (with_profile && suite.calibrated_rows > 0) {
    out << fmt::format("  on the {} rows of the profile's GPU: mean |error| {:.2f}% datasheet, {:.2f}% with profile\n",
                       suite.calibrated_rows, suite.mean_abs_error_datasheet * 100,
                       suite.mean_abs_error_profile * 100);
  }
  out << '\n';
}

/// The Markdown table README.md quotes (tests/cli/golden/validate-summary.txt): one line per suite.
void print_summary(const std::vector<planner::ValidationSuite>& suites, const std::string& engine, std::ostream& out) {
  out << fmt::format("| suite ({} engine) | rows | mean \\|error\\| | max \\|error\\| | mean error | predicted low / high |\n",
                     engine);
  out << "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& suite : suites) {
    double bias = 0;
    int low = 0;
    int high = 0;
    for (const auto& row : suite.rows) {
      bias += row.error;
      low += row.error < 0 ? 1 : 0;
      high += row.error > 0 ? 1 : 0;
    }
    if (!suite.rows.empty()) bias /= static_cast<double>(suite.rows.size());
    out << fmt::format("| {} | {} | {:.2f}% | {:.2f}% | {:+.2f}% | {} / {} |\n", suite.name, suite.rows.size(),
                       suite.mean_abs_error * 100, suite.max_abs_error * 100, bias * 100, low, high);
  }
}

}  // namespace

int validate_command(const ValidateOptions& options) {
  const std::string dir = options.dir.empty() ? (std::filesystem::path(data_dir()) / "validation").string()
                                              : options.dir;
  // "builtin": every profile CapSim ships, each applied to the rows of its own GPU type.
  std::vector<hw::CalibrationProfile> profiles;
  if (options.profile == hw::kBuiltinProfile) {
    profiles = hw::builtin_profiles();
  } else if (!options.profile.empty()) {
    profiles.push_back(hw::read_profile(options.profile));
  }
  const bool with_profile = !profiles.empty();
  const auto suites = planner::run_validation(dir, options.engine, options.suite, profiles);
  if (options.summary) {
    print_summary(suites, options.engine, std::cout);
  } else if (options.json) {
    nlohmann::json doc = {{"schema", "capsim/validation/v1"}, {"engine", options.engine}, {"suites", nlohmann::json::array()}};
    for (const auto& s : suites) {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& r : s.rows) {
        rows.push_back({{"label", r.label}, {"file", r.file}, {"metric", r.metric}, {"measured", r.measured},
                        {"predicted", r.predicted}, {"error", r.error}});
        if (r.calibrated) rows.back().update({{"predicted_profile", r.predicted_profile}, {"error_profile", r.error_profile}});
      }
      doc["suites"].push_back({{"name", s.name}, {"source", s.source}, {"rows", rows},
                               {"mean_abs_error", s.mean_abs_error}, {"max_abs_error", s.max_abs_error}});
    }
    std::cout << doc.dump(2) << '\n';
  } else {
    std::cout << fmt::format("CapSim validation, {} engine: predicted against published measurements\n",
                             options.engine);
    for (const auto& p : profiles) {
      std::cout << "With calibration profile " << p.file << " (" << p.gpu << ", " << p.provenance.device << ", "
                << p.provenance.timestamp.substr(0, 10) << ")\n";
    }
    std::cout << '\n';
    for (const auto& s : suites) print_suite(s, with_profile, std::cout);
  }
  return 0;
}

}  // namespace capsim::cli
