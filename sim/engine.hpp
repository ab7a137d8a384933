#pragma once
/// @file engine.hpp
/// The interface both engines ("analytical" and "des") implement, and the results they return.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/workloads/checkpoint.hpp"
#include "models/workloads/data_loading.hpp"
#include "models/workloads/placement.hpp"
#include "models/workloads/reliability.hpp"
#include "models/workloads/transformer.hpp"

namespace capsim::sim {

/// Memory one GPU needs for a training job, bytes.
struct MemoryBreakdown {
  double weights_B = 0;
  double gradients_B = 0;
  double optimizer_B = 0;
  double activations_B = 0;
  double buffers_B = 0;  ///< communication buffers, workspace, allocator fragmentation, CUDA context

  double total_B() const { return weights_B + gradients_B + optimizer_B + activations_B + buffers_B; }
};

/// A fabric link and how busy it was (DES only).
struct LinkUse {
  std::string name;
  double bytes = 0;
  double utilization = 0;  ///< bytes / (bandwidth x step time)
};

/// Power and energy of one training workload: its nodes plus their share of the fabric and storage.
struct PowerResult {
  double it_power_W = 0;        ///< average IT power over a step, watts at the wall
  double facility_power_W = 0;  ///< it_power_W x PUE
  double pue = 0;
  double gpu_power_W = 0;       ///< average board power of one GPU
  double node_power_W = 0;      ///< average power of one node (GPUs, overhead, PSU loss)
  double idle_node_power_W = 0; ///< one node of this type with no job
  double node_peak_W = 0;       ///< provisioned power of one node (racks and hall checks use it)
  int nodes = 0;                ///< nodes the job occupies
  double energy_per_step_J = 0;   ///< facility energy of one step
  double energy_to_train_J = 0;   ///< facility energy of the whole run; 0 without a token count
  double carbon_to_train_kg = 0;  ///< CO2e of energy_to_train_J at the grid intensity
  double electricity_cost_usd = 0;  ///< price of energy_to_train_J
  long racks = 0;               ///< racks for the whole cluster's nodes under the rack limit
  int nodes_per_rack = 0;
  /// IT power by part (gpus, cpus, memory, nics, scale_up_switches, fans, drives, other, psu_loss, fabric,
  /// storage), watts, summing to it_power_W.
  std::vector<std::pair<std::string, double>> breakdown_W;
  std::vector<std::string> problems;  ///< facility limits the cluster breaks (rack, hall power, cooling)
};

/// One sample of a DES power trace: average power over the period that starts at `time_s`.
struct PowerSample {
  double time_s = 0;     ///< start of the sampled period, simulated seconds
  double gpu_W = 0;      ///< board power of the job's GPUs (SimGrid's host energy plugin)
  double network_W = 0;  ///< the job's share of the fabric's switch ports (SimGrid's link energy plugin)
  double total_W = 0;    ///< IT power at the wall: GPUs and node overhead over the PSU efficiency, network, storage
};

/// Power over simulated time of one DES training step (`simulation.des.power_trace`).
struct PowerTrace {
  double period_s = 0;  ///< sampling period; the last sample's period ends at span_s and may be shorter
  double span_s = 0;    ///< simulated time covered: from 0 to the end of the job's last simulated activity
  double energy_J = 0;  ///< IT energy over span_s, from the plugins' counters (the samples average it exactly)
  double mean_W = 0;    ///< energy_J / span_s
  double peak_W = 0;    ///< highest total_W of any sample
  std::vector<PowerSample> samples;

  bool empty() const { return samples.empty(); }
};

/// Checkpoint cost of a training workload on one storage tier.
struct CheckpointTierResult {
  std::string tier;  ///< tier name
  std::string kind;  ///< "local-nvme", "parallel-fs" or "object-store"
  workloads::CheckpointCost cost;
};

/// A checkpoint the DES wrote during a simulated step, its flows crossing the fabric to the storage servers.
struct SimulatedCheckpoint {
  std::string mode;  ///< "sync" or "async"; empty when the DES wrote none
  std::string tier;  ///< tier name
  double bytes = 0;           ///< the job's checkpoint, every shard once
  double write_s = 0;         ///< from the first byte (after the GPU-to-host copy, when async) to the last one stored
  double stall_s = 0;         ///< compute held: until the write ended (sync) or for the GPU-to-host copy (async)
  double step_time_s = 0;     ///< the step that wrote it, the stall included
  double step_without_s = 0;  ///< the same step on the same platform without a checkpoint
  /// (step_time_s - stall_s) / step_without_s: how much the checkpoint's traffic slowed the step's own work.
  double contention_slowdown = 1;
};

/// Checkpoints and data loading of a training workload (the planner fills it once the step time is known).
struct StorageResult {
  workloads::CheckpointSize checkpoint;
  std::string checkpoint_tier;  ///< tier the job checkpoints to
  std::string checkpoint_mode;  ///< "sync" or "async"
  std::vector<CheckpointTierResult> tiers;
  std::string data_tier;  ///< tier the training data is read from
  workloads::DataLoadingResult data;
  SimulatedCheckpoint des_checkpoint;  ///< DES engine with `simulation.des.checkpoint` only
  std::optional<workloads::PlacementResult> placement;  ///< with `storage.placement` only
};

/// Result of one training workload. Field names follow the CLI result contract in DESIGN.md.
struct TrainingResult {
  std::string name;
  int gpus = 0;
  double step_time_s = 0;
  double tokens_per_s = 0;
  double model_flops_per_step = 0;   ///< Megatron-Core convention: no recompute, full attention score FLOPs
  double model_tflops_per_gpu = 0;   ///< model FLOPs / step time / GPUs, in TFLOP/s
  double mfu = 0;                    ///< model FLOPs / (step time x GPUs x dense peak of the precision)
  double hardware_flops_per_step = 0;  ///< what the GPUs execute, recompute and causal skipping included
  MemoryBreakdown memory;
  double memory_capacity_B = 0;
  bool fits_in_memory = true;
  std::vector<std::string> memory_advice;  ///< ways to make it fit, when it does not
  /// Named parts of the step (compute, tp_comm, pp_comm, dp_comm, bubble, ...), seconds; they sum to step_time_s.
  std::vector<std::pair<std::string, double>> breakdown_s;
  int micro_batches = 0;
  double tokens_per_step = 0;
  double time_to_train_s = 0;  ///< 0 when the job gives no token count
  std::vector<std::string> notes;  ///< facts a planner should see (e.g. uneven pipeline split)
  std::vector<LinkUse> busiest_links;  ///< most utilized fabric links over the step (DES only)
  StorageResult storage;                   ///< checkpoints and data loading (planner)
  workloads::ReliabilityResult reliability;  ///< failures, checkpoint interval and goodput (planner)
  PowerResult power;  ///< analytical engine only for now; it_power_W = 0 when not computed
  PowerTrace power_trace;  ///< DES with `simulation.des.power_trace` only; empty otherwise
};

/// A simulation engine. Engines hold no global state; each call is independent and thread-safe.
class Engine {
 public:
  virtual ~Engine() = default;
  /// Engine name as the CLI spells it ("analytical", "des").
  virtual std::string name() const = 0;
  /// Simulates one training step of `job` on `cluster`. Throws capsim::InfeasibleError when the layout cannot run.
  virtual TrainingResult run_training(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) const = 0;
  /// Simulates one step of every job at once on `cluster`. Engines that model a shared fabric make the jobs
  /// interfere; the default runs them one by one.
  virtual std::vector<TrainingResult> run_trainings(const hw::ClusterSpec& cluster,
                                                    const std::vector<workloads::TrainingJob>& jobs) const {
    std::vector<TrainingResult> results;
    for (const auto& job : jobs) results.push_back(run_training(cluster, job));
    return results;
  }
};

}  // namespace capsim::sim
