#pragma once
/// @file search_space.hpp
/// What design-space search tries: the axes (from a scenario's `search` block and the command line) and the
/// clusters they make, each with its price per GPU-second and its power per activity state.

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/workloads/transformer.hpp"
#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"

namespace capsim::planner::search {

/// The axes to search and how to price a configuration. Empty lists mean "the scenario's own value".
struct SearchSpec {
  std::vector<std::string> gpu_types;          ///< catalog ids (`search.gpu`, --gpu)
  std::vector<int> cluster_gpus;               ///< GPU counts of the cluster (`search.gpus`, --gpus)
  std::vector<double> oversubscription;        ///< leaf oversubscription ratios (`search.oversubscription`)
  std::vector<hw::Precision> precisions;       ///< math precisions (`search.precision`)
  std::vector<int> micro_batches{1, 2, 4, 8};  ///< `search.micro_batch`
  int max_tp = 64;                             ///< largest tensor-parallel degree tried (`search.max_tp`)
  int max_pp = 128;                            ///< largest pipeline depth tried (`search.max_pp`)
  int max_cp = 16;                             ///< largest context-parallel degree tried (`search.max_cp`)
  int max_virtual_stages = 8;                  ///< largest interleave tried (`search.max_virtual_stages`)
  double price_usd_per_gpu_s = 0;     ///< a given price (`search.price_per_gpu_hour`, --price); 0 = the price book's
  std::string pricing = "on-demand";  ///< price-book pricing model when no price is given (`search.pricing`)
  double budget_usd = 0;              ///< `search.budget`, --budget: dearer configurations are infeasible; 0 = none
  double deadline_s = 0;              ///< --deadline: size each GPU type for this wall time; 0 = none
};

/// Reads a scenario's `search` block into `spec` (problems to `reader`, JSON pointers under "/search").
void read_search_block(const nlohmann::json& block, JsonReader& reader, SearchSpec& spec);

/// Parses scenario text with an optional top-level `search` block: the block fills `spec` (command-line axes set
/// later replace it), the rest must be a valid scenario. Throws capsim::InputError with every problem.
Scenario load_search_scenario(const std::string& text, const std::string& file, SearchSpec& spec);
/// Reads `path` and calls load_search_scenario.
Scenario load_search_scenario_file(const std::string& path, SearchSpec& spec);

/// Power of the whole job, facility watts (PUE included, fabric and storage share included), while its GPUs spend
/// all their time in one state. Energy of a step is the sum of state seconds times these (the power model is linear
/// in the time shares; tests/search holds it to the engine's own figure).
struct StatePower {
  double compute_bound_W = 0;
  double memory_bound_W = 0;
  double comm_W = 0;
  double idle_W = 0;
};

/// One cluster the search tries: a GPU type, a size, a fabric and a precision.
struct Variant {
  hw::ClusterSpec cluster;
  hw::Precision precision = hw::Precision::bf16;
  int gpus = 0;                    ///< every configuration of the variant uses all of them
  double price_usd_per_gpu_s = 0;  ///< what one GPU-second costs
  std::string price_source;        ///< "given" or the price-book instance and pricing
  double best_gemm_flop_rate = 0;  ///< per GPU, FLOP/s: what the power model counts as tensor-core time
  double peak_flop_rate = 0;       ///< dense peak of the precision, FLOP/s (MFU)
  StatePower power;
};

/// A search ready to run: the workload, its clusters and the axes.
struct SearchProblem {
  std::string scenario_name;
  workloads::TrainingJob job;    ///< the scenario's first training workload; its parallelism is what varies
  std::string workload_pointer;  ///< "/workloads/0"
  std::vector<Variant> variants;
  SearchSpec spec;
  std::vector<int> tp_values;  ///< divisors of heads up to max_tp, ascending
};

/// Builds the problem. Throws capsim::InputError naming the JSON path or option: no training workload, an unknown
/// GPU, a cluster size that is not whole nodes, a precision the GPU lacks, no price for a GPU type.
SearchProblem make_search_problem(const Scenario& scenario, const SearchSpec& spec);

/// Facility watts of `job` (parallelism and precision set) on `cluster` per activity state, from the engine's own
/// power function.
StatePower state_power(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job);

}  // namespace capsim::planner::search
