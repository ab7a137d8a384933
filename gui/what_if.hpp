#pragma once
/// @file what_if.hpp
/// The what-if edits the scenario panel makes to a training workload, checked and run without Qt, so that the
/// panel only collects numbers and the tests can drive the logic directly.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/hardware/cluster.hpp"
#include "models/hardware/precision.hpp"
#include "models/workloads/transformer.hpp"
#include "planner/scenario.hpp"
#include "sim/engine.hpp"

namespace capsim::gui {

/// Which GPU figures the models read: the catalog's datasheet figures, or a measured calibration profile.
enum class HardwareFigures { datasheet, measured };

/// The clusters a what-if starts from, before any power cap.
///
/// Why copies: the scenario loader applies the calibration profile and then the power cap to scenario.cluster.gpu in
/// place, and a cap cannot be undone exactly (it scales rates by a clock factor and rewrites their sources). So the
/// what-if never edits the loaded GPU: it takes one of these uncapped clusters and applies the new cap to a copy, and
/// a cap set back to none gives the file's speed bit for bit. They are made by the loader itself, reading the same
/// document with `cluster.power.gpu_power_cap` (and for `datasheet` also `cluster.calibration`) removed, so user GPU
/// catalogs and a profile file resolve exactly as they did when the scenario was loaded.
struct HardwareBaseline {
  hw::ClusterSpec datasheet;              ///< catalog figures, no profile, no cap
  std::optional<hw::ClusterSpec> measured;  ///< a profile applied, no cap: the file's `cluster.calibration` when it
                                            ///< names one, else the profile CapSim ships for the GPU; empty if neither
  std::string measured_source;  ///< "builtin" or the profile file the scenario names ("" when `measured` is empty)
  HardwareFigures file_figures = HardwareFigures::datasheet;  ///< what the scenario itself uses
};

/// The baseline of scenario document `doc` (read from `file`). Throws like planner::load_scenario for a bad document.
HardwareBaseline hardware_baseline(const nlohmann::json& doc, const std::string& file);
/// Reads and parses `path`, then hardware_baseline. Throws capsim::InputError when it cannot.
HardwareBaseline hardware_baseline_file(const std::string& path);

/// The fields of one training workload the panel lets a planner change.
struct WhatIf {
  int tp = 1;
  int pp = 1;
  int dp = 1;
  int micro_batch = 1;
  int global_batch = 1;
  int virtual_stages = 1;
  workloads::Recompute recompute = workloads::Recompute::none;
  int zero = 0;  ///< ZeRO stage 0..3
  hw::Precision precision = hw::Precision::bf16;
  double gpu_power_cap_W = 0;  ///< board power limit (`cluster.power.gpu_power_cap`), watts; 0 = none
  HardwareFigures figures = HardwareFigures::datasheet;  ///< datasheet or measured-profile GPU figures

  bool operator==(const WhatIf&) const = default;
};

/// What one evaluation produced: a result, or the problems that stopped it.
struct WhatIfOutcome {
  std::optional<sim::TrainingResult> result;  ///< empty when `problems` is not
  std::vector<std::string> problems;          ///< why it cannot run, sentences for people
  std::vector<std::string> warnings;          ///< the run's warnings (e.g. inference workloads not simulated)
  std::string engine;                         ///< engine that ran it
  double elapsed_s = 0;                       ///< wall time of the engine run, seconds
};

/// Index in `scenario.workloads` of the first training workload, or -1 when there is none.
int first_training_index(const planner::Scenario& scenario);

/// The what-if fields of `job` as the scenario gives them (power cap none, datasheet figures).
WhatIf what_if_of(const workloads::TrainingJob& job);
/// The what-if fields of training workload `index` of `scenario`, its cluster's power cap and figures included.
WhatIf what_if_of(const planner::Scenario& scenario, const HardwareBaseline& hardware, int index);

/// The uncapped cluster `w` runs on: `hardware.measured` or `hardware.datasheet` (nullptr when `w` asks for a
/// measured profile there is none of).
const hw::ClusterSpec* chosen_cluster(const HardwareBaseline& hardware, const WhatIf& w);

/// GPUs all workloads of `scenario` need when workload `index` uses `w`.
long long gpus_needed(const planner::Scenario& scenario, int index, const WhatIf& w);

/// Problems with running training workload `index` of `scenario` with `w`, as the scenario checks word them
/// ("tp 6 does not divide heads (64): use a tp that divides 64: ..."); empty when the layout can run.
/// The power cap and figures are checked as the scenario loader checks them (planner/facility_scenario.cpp).
std::vector<std::string> check_what_if(const planner::Scenario& scenario, const HardwareBaseline& hardware, int index,
                                       const WhatIf& w);

/// Copies `w` into training workload `index` of `scenario`, and sets its cluster to a copy of the chosen uncapped
/// cluster of `hardware` with `w`'s power cap applied (hw::apply_power_cap, after the profile, as the loader does).
/// Preconditions: that workload is a training job; chosen_cluster(hardware, w) is not null.
void apply_what_if(planner::Scenario& scenario, const HardwareBaseline& hardware, int index, const WhatIf& w);

/// Applies `w` to a copy of `base`, checks it and runs it on `engine` ("" = the scenario's own). Never throws for
/// bad input or an engine refusal (capsim::Error): those become `problems`.
WhatIfOutcome evaluate_what_if(const planner::Scenario& base, const HardwareBaseline& hardware, int index,
                               const WhatIf& w, const std::string& engine);

}  // namespace capsim::gui
