#pragma once
/// @file des_engine.hpp
/// The discrete-event engine: SimGrid 3.32 runs each training step event by event on the cluster's fabric, in a
/// child process. Only sim/des/ includes SimGrid.

#include <string>
#include <vector>

#include "sim/engine.hpp"

namespace capsim::sim {

/// Cables lost on the route between two nodes (rail-merged: a link stands for `nics_per_node` cables).
struct FailedCables {
  int from_node = 0;
  int to_node = 0;
  int tier = 0;    ///< 0: the node's own NIC cables to its leaf; 1: leaf to spine; 2: spine to core
  int cables = 1;  ///< how many of the bundle's cables are down (fewer than nics_per_node)
};

/// A checkpoint written during the simulated step (`simulation.des.checkpoint`). The storage tier's servers sit on
/// the fabric as a few endpoint hosts, each standing for a group of servers; every GPU's shard crosses the fabric
/// from its node to one of them, sharing node, leaf and spine links with the training flows.
struct DesCheckpoint {
  bool enabled = false;
  /// sync: the step's compute waits until the whole checkpoint is written; async: it waits for the GPU-to-host
  /// copy, then the writes run beside the training flows.
  workloads::CheckpointMode mode = workloads::CheckpointMode::async;
  hw::StorageTier tier = hw::default_parallel_fs();  ///< a parallel-fs or object-store tier
  double host_copy_bw_Bps = 25e9;  ///< async: GPU-to-host copy bandwidth per GPU (workloads::CheckpointPolicy)
};

/// Power over simulated time (`simulation.des.power_trace`): SimGrid's host and link energy plugins meter the GPUs
/// and the fabric, sampled every `period_s` (des_power.hpp). Off by default: the plugins cost time on every activity.
struct DesPowerTrace {
  bool enabled = false;
  double period_s = 0;  ///< sampling period, seconds; 0 = the slowest job's analytical step time / 200
};

/// The most ops and flows one DES run may create, estimated from the layout before the child is forked (larger runs
/// are refused with capsim::InfeasibleError). DESIGN.md's largest case, a 405B step on 16,384 GPUs, is about 5
/// million and takes 30 s and 2 GB; 50 million would take minutes and pass the child's memory budget.
inline constexpr double kMaxDesActivities = 50e6;

/// Options of the DES engine beyond the scenario's jobs.
struct DesEngineOptions {
  std::vector<double> slowdown;  ///< per GPU rank: compute takes this many times longer (stragglers)
  std::string trace_path;        ///< write a Chrome trace of the first job's step here when set
  std::vector<FailedCables> failed;  ///< failed cables; the link keeps the capacity of the rest of its bundle
  /// When enabled, every job also writes one checkpoint in a second simulated step; the first step (the one
  /// reported as the step time) runs on the same platform with the storage idle, so their difference is the
  /// checkpoint's cost (TrainingResult::storage.des_checkpoint).
  DesCheckpoint checkpoint;
  DesPowerTrace power_trace;  ///< when enabled, every job's result has a power_trace (of the step without checkpoint)
};

/// SimGrid-backed engine. Results share the analytical engine's memory and FLOP accounting; step time and its
/// communication and idle parts come from the simulation.
class DesEngine final : public Engine {
 public:
  explicit DesEngine(DesEngineOptions options = {}) : options_(std::move(options)) {}
  std::string name() const override { return "des"; }
  TrainingResult run_training(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) const override;
  std::vector<TrainingResult> run_trainings(const hw::ClusterSpec& cluster,
                                            const std::vector<workloads::TrainingJob>& jobs) const override;

 private:
  DesEngineOptions options_;
};

}  // namespace capsim::sim
