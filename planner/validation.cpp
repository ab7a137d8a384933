#include "planner/validation.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "planner/json_reader.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {

namespace fs = std::filesystem;

namespace {

/// GPU-hours of the whole run: every GPU of the job for the effective time to train, failures, restarts and
/// checkpoint stalls included (the way GPU-hour figures are published: GPUs x wall-clock time).
double gpu_hours(const sim::TrainingResult& r) {
  return r.gpus * r.reliability.effective_time_to_train_s / 3600;
}

double metric_value(const sim::TrainingResult& r, const ValidationTarget& target) {
  const std::string& metric = target.metric;
  if (metric == "gpu_hours") return gpu_hours(r);
  if (metric == "cost_usd") return gpu_hours(r) * 3600 * target.price_usd_per_gpu_s;
  if (metric == "step_time_s") return r.step_time_s;
  if (metric == "tokens_per_s") return r.tokens_per_s;
  if (metric == "mfu") return r.mfu;
  if (metric == "model_tflops_per_gpu") return r.model_tflops_per_gpu;
  if (metric == "it_power_W") return r.power.it_power_W;
  throw Error("validation metric \"" + metric + "\" is not a training result key");
}

double metric_value(const sim::serving::InferenceResult& r, const std::string& metric) {
  if (metric == "output_tokens_per_s") return r.output_tokens_per_s;
  if (metric == "requests_per_s") return r.requests_per_s;
  throw Error("validation metric \"" + metric + "\" is not an inference result key");
}

/// The metric of workload `name`, from whichever kind of result has it; throws InputError naming `file` if none.
double predicted_value(const ScenarioResult& result, const ValidationTarget& target, const fs::path& file) {
  for (const auto& r : result.training) {
    if (r.name == target.workload) return metric_value(r, target);
  }
  for (const auto& r : result.inference) {
    if (r.name == target.workload) return metric_value(r, target.metric);
  }
  throw InputError({{file.string(), "/validation/workload", "no workload named \"" + target.workload + "\"", ""}});
}

/// The profile of `gpu_id` among `profiles`, or nullptr.
const hw::CalibrationProfile* profile_for(const std::vector<hw::CalibrationProfile>& profiles,
                                          const std::string& gpu_id) {
  for (const auto& p : profiles) {
    if (p.gpu == gpu_id) return &p;
  }
  return nullptr;
}

ValidationSuite run_suite(const fs::path& dir, const std::string& engine,
                          const std::vector<hw::CalibrationProfile>& profiles) {
  ValidationSuite suite;
  suite.name = dir.filename().string();
  std::ifstream source(dir / "SOURCE.md");
  std::string line;
  while (suite.source.empty() && std::getline(source, line)) {
    if (!line.empty() && line[0] != '#') suite.source = line;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const Scenario scenario = load_scenario_file(file.string());
    if (!scenario.validation) {
      throw InputError({{file.string(), "/validation", "a validation scenario needs a \"validation\" block",
                         "add {\"metric\", \"workload\", \"measured\", \"source\"}"}});
    }
    const ValidationTarget& target = *scenario.validation;
    const ScenarioResult result = run_scenario(scenario, engine);
    ValidationRow row;
    row.label = target.label.empty() ? scenario.name : target.label;
    row.file = file.string();
    row.metric = target.metric;
    row.measured = target.measured;
    row.predicted = predicted_value(result, target, file);
    row.error = (row.predicted - row.measured) / row.measured;
    if (const hw::CalibrationProfile* profile = profile_for(profiles, scenario.cluster.gpu.id)) {
      Scenario calibrated = scenario;
      hw::apply_profile(calibrated.cluster.gpu, *profile);
      row.calibrated = true;
      row.predicted_profile = predicted_value(run_scenario(calibrated, engine), target, file);
      row.error_profile = (row.predicted_profile - row.measured) / row.measured;
      suite.calibrated_rows += 1;
      suite.mean_abs_error_profile += std::abs(row.error_profile);
      suite.mean_abs_error_datasheet += std::abs(row.error);
    }
    suite.rows.push_back(row);
  }
  double sum = 0;
  for (const auto& row : suite.rows) {
    sum += std::abs(row.error);
    suite.max_abs_error = std::max(suite.max_abs_error, std::abs(row.error));
  }
  if (!suite.rows.empty()) suite.mean_abs_error = sum / suite.rows.size();
  if (suite.calibrated_rows > 0) {
    suite.mean_abs_error_profile /= suite.calibrated_rows;
    suite.mean_abs_error_datasheet /= suite.calibrated_rows;
  }
  return suite;
}

}  // namespace

std::vector<ValidationSuite> run_validation(const std::string& root, const std::string& engine,
                                            const std::string& only_suite,
                                            const std::vector<hw::CalibrationProfile>& profiles) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw UsageError("validation folder " + root + " does not exist; pass --dir to point at scenarios/validation");
  }
  std::vector<fs::path> dirs;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
    if (entry.is_directory() && (only_suite.empty() || entry.path().filename() == only_suite)) {
      dirs.push_back(entry.path());
    }
  }
  if (dirs.empty() && (only_suite.empty() || names.empty())) throw UsageError("no validation suites under " + root);
  if (dirs.empty()) {
    std::sort(names.begin(), names.end());
    const std::string near = closest_match(only_suite, names);
    throw UsageError("no validation suite \"" + only_suite + "\" under " + root + " (" +
                     (near.empty() ? "" : "did you mean \"" + near + "\"? ") +
                     "suites: " + join_alternatives(names, ", ") + ")");
  }
  std::sort(dirs.begin(), dirs.end());
  std::vector<ValidationSuite> suites;
  for (const auto& dir : dirs) suites.push_back(run_suite(dir, engine, profiles));
  return suites;
}

}  // namespace capsim::planner
