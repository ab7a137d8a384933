#include "sim/serving/replica.hpp"

#include <algorithm>

namespace capsim::sim::serving {

Replica::Replica(int index, ReplicaRole role, const workloads::InferenceStepModel& model,
                 const StepActivityModel& activity, const workloads::ServingSettings& settings, int pp)
    : index_(index),
      role_(role),
      model_(&model),
      activity_model_(&activity),
      scheduler_(settings, model.memory().kv_blocks, std::max(1, pp), role == ReplicaRole::prefill),
      plans_(static_cast<std::size_t>(std::max(1, pp))),
      busy_(static_cast<std::size_t>(std::max(1, pp)), false) {}

void Replica::enqueue(Request* r) {
  r->replica = index_;
  scheduler_.enqueue(r);
  max_waiting_ = std::max(max_waiting_, scheduler_.waiting());
}

void Replica::start_idle_lanes(double now_s, std::vector<StartedStep>& started) {
  for (std::size_t lane = 0; lane < plans_.size(); ++lane) {
    if (busy_[lane]) continue;
    StepPlan& plan = plans_[lane];
    const bool has_work = scheduler_.plan(static_cast<int>(lane), now_s, plan);
    max_waiting_ = std::max(max_waiting_, scheduler_.waiting());  // preemptions requeue
    if (!has_work) continue;
    const workloads::StepTime t = model_->step_time(plan.batch);
    // The micro-batch enters the first stage once the previous one has left it.
    const double start = std::max(now_s, stage_free_s_);
    stage_free_s_ = start + t.stage_s;
    busy_[lane] = true;
    busy_s_ += t.stage_s;
    activity_model_->add(plan.batch, t, activity_);
    ++steps_;
    tokens_scheduled_ += plan.batch.tokens();
    const auto& kv = scheduler_.kv();
    if (kv.total() > 0) {
      kv_block_seconds_ += static_cast<double>(kv.used()) * t.stage_s;
      kv_peak_ = std::max(kv_peak_, static_cast<double>(kv.used()) / static_cast<double>(kv.total()));
    }
    started.push_back(StartedStep{static_cast<int>(lane), start + t.latency_s});
  }
}

void Replica::finish_step(int lane, double now_s, StepOutcome& out) {
  const auto l = static_cast<std::size_t>(lane);
  busy_[l] = false;
  scheduler_.complete(plans_[l], now_s, out);
  plans_[l].chunks.clear();
}

}  // namespace capsim::sim::serving
