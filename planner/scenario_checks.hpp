#pragma once
/// @file scenario_checks.hpp
/// Private to planner/scenario*.cpp: a scenario after parsing but before the cross-field checks, and the checks.

#include <set>
#include <string>
#include <vector>

#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"

namespace capsim::planner::detail {

/// One workload as parsed, with what the checks need to know about where its values came from.
struct WorkloadDraft {
  std::string pointer;  ///< "/workloads/3"
  bool training = true;
  bool model_ok = false;        ///< the model parsed without problems
  bool parallelism_ok = false;  ///< its parallelism (and, for inference, replicas) parsed without problems
  bool precision_ok = false;
  bool dp_given = false;
  std::set<std::string> model_keys;  ///< model fields the scenario wrote itself (the rest came from a preset)
  bool load_mode_ok = false;         ///< inference: load.mode parsed
  std::set<std::string> load_keys;   ///< inference: the keys `load` has
  workloads::TrainingJob train;      ///< filled when `training`
  workloads::InferenceJob serve;     ///< filled otherwise

  const std::string& name() const { return training ? train.name : serve.name; }
  workloads::TransformerModel& model() { return training ? train.model : serve.model; }
  hw::Precision precision() const { return training ? train.precision : serve.precision; }
};

/// A whole scenario as parsed.
struct ScenarioDraft {
  Scenario scenario;        ///< everything but `workloads`, which the checks fill
  bool cluster_ok = false;  ///< the cluster (GPU, nodes, gpus_per_node) parsed without problems
  std::vector<WorkloadDraft> workloads;
};

/// Runs every cross-field check, records problems in `reader`, derives defaults that depend on other fields
/// (dp, head_dim, expert_ffn_hidden) and moves the workloads into `draft.scenario.workloads`.
void check_scenario(ScenarioDraft& draft, JsonReader& reader);

}  // namespace capsim::planner::detail
