#pragma once
/// @file engine.hpp
/// The interface both engines ("analytical" and "des") implement, and the results they return.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/hardware/cluster.hpp"
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
