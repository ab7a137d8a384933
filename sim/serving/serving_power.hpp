#pragma once
/// @file serving_power.hpp
/// Power and energy of a serving workload: each replica's steps split into the power model's GPU activity
/// (compute-bound, memory-bound, communicating) while the run goes, its time without a step as idle, and at the end
/// the board, node, IT and facility power and the energy per step, per run and per million output tokens.

#include <cstdint>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/hardware/power_model.hpp"
#include "models/workloads/inference_step.hpp"
#include "models/workloads/serving.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::sim::serving {

/// Splits a step's time into hw::GpuActivity, per GPU of the busiest pipeline stage. Compute-bound time is the
/// step's FLOPs at the best GEMM rate: 2 x active parameters of the stage's layers per GPU x tokens (at the serving
/// math precision), plus 4 x query width per GPU x layers for each query-key pair of the prefill chunks and each
/// cached token the decodes read, plus 2 x hidden x vocab / tp per sampled sequence (both 16-bit). Communication is
/// the step's TP all-reduces and PP send; memory-bound is the rest. Cheap: three multiplies per step.
class StepActivityModel {
 public:
  StepActivityModel(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job);

  /// Adds the activity of a step over `batch` that took `time` to `activity`.
  void add(const workloads::StepBatch& batch, const workloads::StepTime& time, hw::GpuActivity& activity) const {
    const double comm = time.tp_comm_s + time.pp_comm_s;
    const double work = time.stage_s - comm;
    const double compute = batch.tokens() * s_per_token_ +
                           (batch.prefill_attention_pairs + batch.decode_context_tokens) * s_per_attention_pair_ +
                           batch.sampled_seqs * s_per_sample_;
    const double bound = compute < work ? compute : work;
    activity.compute_bound_s += bound;
    activity.memory_bound_s += work - bound;
    activity.comm_s += comm;
  }

 private:
  double s_per_token_ = 0;           ///< linear layers of the stage at the best rate, seconds per token
  double s_per_attention_pair_ = 0;  ///< attention of the stage at the best 16-bit rate, seconds per query-key pair
  double s_per_sample_ = 0;          ///< output projection at the best 16-bit rate, seconds per sampled sequence
};

/// Power and energy of `job` over a run of `duration_s` in which replica i's GPUs were busy as `busy[i]` says (one
/// entry per replica, idle time not included) and `output_tokens` output tokens came out, `steps` steps ran. The
/// workload's IT power counts its GPUs, their share (GPUs / GPUs per node) of their nodes' other parts, and their
/// share of the cluster's scale-out fabric and storage, as training_power (analytical_engine.cpp) does.
ServingPower serving_power(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job,
                           const std::vector<hw::GpuActivity>& busy, double duration_s, double output_tokens,
                           std::int64_t steps);

}  // namespace capsim::sim::serving
