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
  std::vector<std::string> warnings;  ///< e.g. workloads the chosen engine does not simulate yet
};

/// Runs `scenario` with `engine_override` if not empty, else the scenario's own engine. Throws capsim::UsageError for
/// an unknown engine name and capsim::InfeasibleError when a workload cannot run.
ScenarioResult run_scenario(const Scenario& scenario, const std::string& engine_override = "");

}  // namespace capsim::planner
