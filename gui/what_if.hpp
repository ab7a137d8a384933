#pragma once
/// @file what_if.hpp
/// The what-if edits the scenario panel makes to a training workload, checked and run without Qt, so that the
/// panel only collects numbers and the tests can drive the logic directly.

#include <optional>
#include <string>
#include <vector>

#include "models/hardware/precision.hpp"
#include "models/workloads/transformer.hpp"
#include "planner/scenario.hpp"
#include "sim/engine.hpp"

namespace capsim::gui {

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

/// The what-if fields of `job` as the scenario gives them.
WhatIf what_if_of(const workloads::TrainingJob& job);

/// GPUs all workloads of `scenario` need when workload `index` uses `w`.
long long gpus_needed(const planner::Scenario& scenario, int index, const WhatIf& w);

/// Problems with running training workload `index` of `scenario` with `w`, as the scenario checks word them
/// ("tp 6 does not divide heads (64): use a tp that divides 64: ..."); empty when the layout can run.
std::vector<std::string> check_what_if(const planner::Scenario& scenario, int index, const WhatIf& w);

/// Copies `w` into training workload `index` of `scenario`. Precondition: that workload is a training job.
void apply_what_if(planner::Scenario& scenario, int index, const WhatIf& w);

/// Applies `w` to a copy of `base`, checks it and runs it on `engine` ("" = the scenario's own). Never throws for
/// bad input or an engine refusal (capsim::Error): those become `problems`.
WhatIfOutcome evaluate_what_if(const planner::Scenario& base, int index, const WhatIf& w, const std::string& engine);

}  // namespace capsim::gui
