#pragma once
/// @file replica.hpp
/// One serving replica: its scheduler, its step-time model and its pipeline lanes, plus the statistics the results
/// report (busy time, KV-cache use, queue length).

#include <cstdint>
#include <vector>

#include "models/hardware/power_model.hpp"
#include "models/workloads/inference_step.hpp"
#include "sim/serving/scheduler.hpp"
#include "sim/serving/serving_power.hpp"

namespace capsim::sim::serving {

/// What a replica does in a disaggregated layout.
enum class ReplicaRole {
  mixed,    ///< prefill and decode (no disaggregation)
  prefill,  ///< prefill only; hands each request and its KV cache to a decode replica after the first token
  decode,   ///< decode only; receives requests with their cache
};

/// A step a lane has started, and when its tokens are ready.
struct StartedStep {
  int lane = 0;
  double done_s = 0;
};

/// One replica. With pp > 1 it runs up to pp micro-batches (lanes) in flight, one entering the first stage each
/// stage time.
class Replica {
 public:
  /// `model` and `activity` must outlive the replica.
  Replica(int index, ReplicaRole role, const workloads::InferenceStepModel& model, const StepActivityModel& activity,
          const workloads::ServingSettings& settings, int pp);

  int index() const { return index_; }
  ReplicaRole role() const { return role_; }
  /// Queues a request (it is now this replica's).
  void enqueue(Request* r);
  /// Starts a step on every idle lane that has work, at `now_s` or when the first stage frees up; appends them.
  void start_idle_lanes(double now_s, std::vector<StartedStep>& started);
  /// Ends `lane`'s step at `now_s` and reports what changed.
  void finish_step(int lane, double now_s, StepOutcome& out);

  const Scheduler& scheduler() const { return scheduler_; }
  double busy_s() const { return busy_s_; }
  /// How one GPU of the busiest stage spent the steps started so far (idle time not included), seconds.
  const hw::GpuActivity& step_activity() const { return activity_; }
  std::int64_t steps() const { return steps_; }
  /// Integral of KV blocks in use over time, block-seconds.
  double kv_block_seconds() const { return kv_block_seconds_; }
  double kv_peak_fraction() const { return kv_peak_; }
  std::size_t max_waiting() const { return max_waiting_; }
  std::int64_t tokens_scheduled() const { return tokens_scheduled_; }

 private:
  int index_;
  ReplicaRole role_;
  const workloads::InferenceStepModel* model_;
  const StepActivityModel* activity_model_;
  Scheduler scheduler_;
  std::vector<StepPlan> plans_;  ///< per lane, the step in flight
  std::vector<bool> busy_;
  double stage_free_s_ = 0;  ///< when the first pipeline stage can take the next micro-batch
  double busy_s_ = 0;
  hw::GpuActivity activity_;
  std::int64_t steps_ = 0;
  std::int64_t tokens_scheduled_ = 0;
  double kv_block_seconds_ = 0;
  double kv_peak_ = 0;
  std::size_t max_waiting_ = 0;
};

}  // namespace capsim::sim::serving
