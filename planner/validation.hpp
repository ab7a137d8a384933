#pragma once
/// @file validation.hpp
/// Runs the validation suites (scenarios/validation/<suite>/*.json, each with a `validation` block naming the
/// published measurement) and compares predictions with measurements.

#include <string>
#include <vector>

namespace capsim::planner {

/// One scenario of a suite: prediction against publication.
struct ValidationRow {
  std::string label;   ///< the scenario's validation.label, else its name
  std::string file;
  std::string metric;  ///< e.g. "step_time_s"
  double measured = 0;
  double predicted = 0;
  double error = 0;  ///< (predicted - measured) / measured
};

/// A folder of validation scenarios sharing a source.
struct ValidationSuite {
  std::string name;    ///< folder name
  std::string source;  ///< first line of the folder's SOURCE.md, if any
  std::vector<ValidationRow> rows;
  double mean_abs_error = 0;
  double max_abs_error = 0;
};

/// Runs every suite under `root` (sorted by name), or only `only_suite` when not empty, on `engine`. Throws
/// capsim::InputError if a scenario is invalid or lacks a validation block, capsim::UsageError if `root` or the
/// suite does not exist.
std::vector<ValidationSuite> run_validation(const std::string& root, const std::string& engine,
                                            const std::string& only_suite = "");

}  // namespace capsim::planner
