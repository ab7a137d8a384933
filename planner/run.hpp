#pragma once
/// @file run.hpp
/// Runs every workload of a scenario on the engine it names and gathers the results.

#include <string>
#include <vector>

#include "planner/fabric_inventory.hpp"
#include "planner/scenario.hpp"
#include "sim/engine.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::planner {

/// Results of one scenario run.
struct ScenarioResult {
  std::string scenario_name;
  std::string engine;
  FabricInventory fabric;  ///< the cluster's scale-out fabric, counted once per scenario
  std::vector<sim::TrainingResult> training;
  std::vector<sim::serving::InferenceResult> inference;  ///< in the scenario's order of inference workloads
  /// Implausible inputs, idle GPUs, options that do not apply, workloads that do not fit or miss their SLO: one
  /// sentence each, starting with the JSON path when one input is responsible.
  std::vector<std::string> warnings;

  /// A workload does not fit in GPU memory: the answer is "no", and `capsim run` exits 1 after printing it.
  bool infeasible() const;
  /// An inference workload misses its SLO (`capsim run --strict` exits 1).
  bool slo_missed() const;
};

/// Runs `scenario` with `engine_override` if not empty, else the scenario's own engine. Throws capsim::UsageError for
/// an unknown engine name and capsim::InfeasibleError when a workload cannot run.
ScenarioResult run_scenario(const Scenario& scenario, const std::string& engine_override = "");

/// Warnings about the scenario's inputs alone, before anything runs: a NIC under 1 Gb/s, a scale-up bandwidth above
/// the GPU's catalog figure (bandwidths are per direction), an SLO over a minute, GPUs no workload uses.
std::vector<std::string> input_warnings(const Scenario& scenario);

}  // namespace capsim::planner
