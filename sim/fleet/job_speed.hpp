#pragma once
/// @file job_speed.hpp
/// How fast a fleet job runs where it was placed, from the analytical engine: the job's shape (model and
/// parallelism, data parallelism grown to its GPUs) is costed on the cluster once packed and once per spread it
/// gets (its nodes over more leaves, so more of its collectives climb oversubscribed uplinks). Results are cached
/// by (shape, GPUs, leaves), so a million jobs cost a few hundred engine calls.

#include <cstdint>
#include <unordered_map>

#include "sim/fleet/fleet_spec.hpp"

namespace capsim::fleet {

/// A job size's costs, packed.
struct ShapeCosts {
  double step_s = 0;         ///< one step, packed
  double tokens_per_step = 0;
  /// training time a checkpoint costs: its stall plus, when asynchronous, the steps its write slows
  /// (workloads::CheckpointLoad::cost_s, as `capsim run` costs it)
  double checkpoint_stall_s = 0;
  double restore_s = 0;           ///< reading the last checkpoint back after an interruption
  /// training time between checkpoints, as `capsim run` chooses it (workloads::checkpoint_interval: Daly's for the
  /// job's own MTBF and the checkpoint's cost, floored by its durable time, or the policy's); 0 = no checkpoints
  double interval_s = 0;
  double mtbf_s = 0;              ///< the job's interruption MTBF from the per-component rates (failures on)
};

class JobSpeed {
 public:
  explicit JobSpeed(const FleetSpec& spec);

  /// Costs of `gpus` GPUs of `shape`, packed (cached). Throws capsim::InfeasibleError when the shape cannot run
  /// on that many GPUs.
  const ShapeCosts& costs(std::uint32_t shape, int gpus);
  /// Step time packed / step time with the job's `nodes` spread over `leaves` leaves: 1 when packed, below 1
  /// when spreading makes its collectives slower (cached).
  double speed(std::uint32_t shape, int gpus, int nodes, int leaves);
  /// Engine evaluations so far.
  std::int64_t evaluations() const { return evaluations_; }
  /// The training job the engine costs for `gpus` GPUs of `shape`.
  workloads::TrainingJob job_for(std::uint32_t shape, int gpus) const;

 private:
  double step_time(const workloads::TrainingJob& job, double nodes_per_leaf);

  const FleetSpec& spec_;
  std::unordered_map<std::uint64_t, ShapeCosts> costs_;
  std::unordered_map<std::uint64_t, double> speeds_;
  std::int64_t evaluations_ = 0;
};

}  // namespace capsim::fleet
