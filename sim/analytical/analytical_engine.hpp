#pragma once
/// @file analytical_engine.hpp
/// The closed-form engine: one training step from per-layer costs, a pipeline-schedule formula and collective
/// models, in microseconds. Used directly by design-space search through estimate_training_step().

#include "sim/engine.hpp"

namespace capsim::hw {
class GemmModel;
}
namespace capsim::net {
class NcclCollectives;
}

namespace capsim::sim {

/// The parts of one training step, seconds. Plain data: the hot path of design-space search allocates nothing.
struct StepEstimate {
  double compute_s = 0;        ///< GEMMs, attention, memory-bound kernels on the critical stage (incl. recompute)
  double tp_comm_s = 0;        ///< tensor-parallel collectives on the critical stage
  double cp_comm_s = 0;        ///< exposed context-parallel exchange
  double ep_comm_s = 0;        ///< expert-parallel all-to-all
  double pp_comm_s = 0;        ///< pipeline send/recv on the critical path
  double bubble_s = 0;         ///< pipeline fill and drain
  double dp_comm_s = 0;        ///< gradient reduction not hidden behind backward
  double param_gather_s = 0;   ///< ZeRO parameter all-gather not hidden behind forward
  /// compute slowed by the hidden data-parallel collectives: their NCCL kernels hold SMs the GEMMs lose
  double dp_contention_s = 0;
  double optimizer_s = 0;      ///< optimizer step (memory-bound)
  double step_time_s = 0;      ///< sum of the above
  double model_flops = 0;      ///< per step, Megatron-Core convention
  double hardware_flops = 0;   ///< per step, executed (recompute included, causal blocks skipped)
  MemoryBreakdown memory;
};

/// Model FLOPs of one step by Megatron-Core's formula (num_floating_point_operations in megatron/training): no
/// recompute, full (non-causal) attention scores, logits included.
double megatron_model_flops(const workloads::TrainingJob& job);

/// Estimates one step. `job` must already be checked (divisibility, GPU count); see planner/scenario.
StepEstimate estimate_training_step(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job);
/// The same with the GPU's GEMM model (sustained clocks) and the cluster's collectives already built: they depend
/// on the cluster alone, so a design search builds them once per cluster instead of once per layout (building the
/// collectives plans the fabric). Gives exactly what the overload above gives.
StepEstimate estimate_training_step(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job,
                                    const hw::GemmModel& gemm, const net::NcclCollectives& collectives);

/// Power and energy of `job` from how its GPUs spend step `e` (compute-bound, memory-bound, communicating,
/// waiting), plus its share of the fabric and storage, and the facility plan of the whole cluster. Energy to train
/// is left 0 (the caller knows the run length).
PowerResult training_power(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job, const StepEstimate& e);

/// The analytical engine behind the Engine interface.
class AnalyticalEngine final : public Engine {
 public:
  std::string name() const override { return "analytical"; }
  TrainingResult run_training(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) const override;
};

}  // namespace capsim::sim
