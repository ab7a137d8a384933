#pragma once
/// @file scenario.hpp
/// A scenario file (schema "capsim/scenario/v1") after parsing and checking.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/hardware/cluster.hpp"
#include "models/hardware/storage_tier.hpp"
#include "models/workloads/checkpoint.hpp"
#include "models/workloads/data_loading.hpp"
#include "models/workloads/placement.hpp"
#include "models/workloads/reliability.hpp"
#include "models/workloads/serving.hpp"
#include "models/workloads/transformer.hpp"
#include "planner/fleet_scenario.hpp"
#include "sim/des/des_engine.hpp"

namespace capsim::planner {

/// Engine and run options from `simulation`.
struct SimulationOptions {
  std::string engine = "analytical";  ///< "analytical" or "des"
  unsigned long long seed = 1;
  sim::DesEngineOptions des;          ///< stragglers and trace file for the DES engine (`simulation.des`)
};

/// A published measurement a validation scenario is checked against (`validation` block).
struct ValidationTarget {
  std::string metric;   ///< result key, e.g. "step_time_s", or "gpu_hours" / "cost_usd" of a whole training run
  std::string workload; ///< workload name the metric belongs to
  double measured = 0;  ///< published value, in the metric's SI unit (GPU-hours for "gpu_hours", USD for "cost_usd")
  std::string source;   ///< paper / document and table
  std::string label;    ///< short row label for tables
  /// USD per GPU-second the publication priced its GPU time at (`price_per_gpu_hour`, e.g. "$2/h"); "cost_usd"
  /// only, 0 otherwise.
  double price_usd_per_gpu_s = 0;
};

/// Storage tiers and where training jobs put checkpoints and read data (`storage`).
struct StorageOptions {
  std::vector<hw::StorageTier> tiers;  ///< empty = the defaults: nvme, pfs, s3
  workloads::CheckpointPolicy checkpoint;
  workloads::DataLoaderSpec data;
  std::optional<workloads::PlacementSpec> placement;  ///< `storage.placement`: hot/warm/cold tiers; none = unplaced
};

/// A scenario ready to simulate. Every workload has been checked against the cluster.
struct Scenario {
  std::string file;  ///< path it was read from ("" for built-in / in-memory)
  std::string name;
  hw::ClusterSpec cluster;
  std::vector<std::variant<workloads::TrainingJob, workloads::InferenceJob>> workloads;
  SimulationOptions simulation;
  std::optional<ValidationTarget> validation;
  StorageOptions storage;                 ///< `storage`
  workloads::ReliabilitySpec reliability; ///< `reliability`
  std::optional<FleetScenario> fleet;     ///< `fleet`: many teams' jobs on the cluster (then `workloads` may be empty)
};

/// Parses and checks a scenario document. `file` names it in diagnostics and anchors relative paths (hf_config,
/// catalog files). Collects every problem, then throws capsim::InputError listing them all; throws
/// capsim::InfeasibleError never: infeasibility that needs simulation is the engine's to report.
Scenario load_scenario(const nlohmann::json& doc, const std::string& file);

/// Reads `path` and calls load_scenario. Empty files, unreadable files and invalid JSON become capsim::InputError
/// with the line and column of the syntax error.
Scenario load_scenario_file(const std::string& path);

/// Parses scenario text (used by the fuzz test and the GUI). `file` is only a label.
Scenario load_scenario_text(const std::string& text, const std::string& file);

}  // namespace capsim::planner
