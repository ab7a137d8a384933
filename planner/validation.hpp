#pragma once
/// @file validation.hpp
/// Runs the validation suites (scenarios/validation/<suite>/*.json, each with a `validation` block naming the
/// published measurement) and compares predictions with measurements.

#include <string>
#include <vector>

#include "models/hardware/calibration_profile.hpp"

namespace capsim::planner {

/// One scenario of a suite: prediction against publication.
struct ValidationRow {
  std::string label;   ///< the scenario's validation.label, else its name
  std::string file;
  std::string metric;  ///< e.g. "step_time_s"
  double measured = 0;
  double predicted = 0;
  double error = 0;  ///< (predicted - measured) / measured
  bool calibrated = false;         ///< a calibration profile applied to this row's GPU
  double predicted_profile = 0;    ///< prediction with the profile applied (when `calibrated`)
  double error_profile = 0;        ///< (predicted_profile - measured) / measured
};

/// A folder of validation scenarios sharing a source.
struct ValidationSuite {
  std::string name;    ///< folder name
  std::string source;  ///< first line of the folder's SOURCE.md, if any
  std::vector<ValidationRow> rows;
  double mean_abs_error = 0;
  double max_abs_error = 0;
  int calibrated_rows = 0;                ///< rows the profile applied to
  double mean_abs_error_profile = 0;      ///< over the calibrated rows, with the profile
  double mean_abs_error_datasheet = 0;    ///< over the same rows, datasheet figures only
};

/// Runs every suite under `root` (sorted by name), or only `only_suite` when not empty, on `engine`. Throws
/// capsim::InputError if a scenario is invalid or lacks a validation block, capsim::UsageError if `root` or the
/// suite does not exist. Rows whose GPU has a profile in `profiles` are also predicted with it applied.
std::vector<ValidationSuite> run_validation(const std::string& root, const std::string& engine,
                                            const std::string& only_suite = "",
                                            const std::vector<hw::CalibrationProfile>& profiles = {});

}  // namespace capsim::planner
