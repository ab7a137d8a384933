#pragma once
/// @file scheduler.hpp
/// A vLLM-like (V1) scheduler for one replica: continuous batching with a token budget per step, chunked prefill,
/// first-come first-served admission, and preemption with recompute when the KV cache runs out.
///
/// Each step it walks the running requests in admission order, giving each the tokens it needs (one for a decode,
/// the rest of its prompt for a prefill, capped by the budget); a request that needs a KV block when none is free
/// preempts the newest running request, which drops its cache and goes back to the head of the queue to be
/// recomputed (vLLM's RECOMPUTE). If nothing was preempted it then admits queued requests in order while the budget,
/// the sequence limit and the KV cache allow. Under KvAdmission::reserve a request is admitted only with blocks for
/// its whole prompt and output (TensorRT-LLM's GUARANTEED_NO_EVICT), so nothing is ever preempted.
///
/// With pipeline parallelism the replica runs `lanes` micro-batches at once (vLLM's virtual engines): each lane has
/// its own running set and limits; the queue and the KV cache are shared.

#include <cstdint>
#include <deque>
#include <vector>

#include "models/workloads/inference_step.hpp"
#include "models/workloads/serving.hpp"
#include "sim/serving/request.hpp"

namespace capsim::sim::serving {

/// One request's share of a step.
struct ScheduledChunk {
  Request* request = nullptr;
  int tokens = 0;
};

/// The step a lane runs: its requests and what the step-time model needs to know about them.
struct StepPlan {
  int lane = 0;
  std::vector<ScheduledChunk> chunks;
  workloads::StepBatch batch;

  bool empty() const { return chunks.empty(); }
};

/// Requests a finished step changed.
struct StepOutcome {
  std::vector<Request*> finished;  ///< emitted their last token
  std::vector<Request*> handoffs;  ///< prefill-only replica: emitted their first token and left with their cache
  std::int64_t tokens_emitted = 0;
};

/// The scheduler of one replica. Requests are owned by the simulation; the scheduler keeps pointers.
class Scheduler {
 public:
  /// `prefill_only`: requests leave after their first token (disaggregated prefill replica).
  Scheduler(const workloads::ServingSettings& settings, std::int64_t kv_blocks, int lanes, bool prefill_only);

  /// Queues `r` at the back (FCFS).
  void enqueue(Request* r);
  /// Plans `lane`'s next step at time `now_s`. Returns false (and an empty plan) when it has nothing to run.
  bool plan(int lane, double now_s, StepPlan& plan);
  /// Applies `plan` once its step has run: advances every request, emits tokens at `now_s`, frees what finished.
  void complete(const StepPlan& plan, double now_s, StepOutcome& out);

  /// True if a request of this size can ever be served (its prompt and output fit in the whole cache).
  bool can_ever_fit(const Request& r) const {
    return pool_.blocks_for(r.input_tokens + r.output_tokens) <= pool_.total();
  }
  std::size_t waiting() const { return waiting_.size(); }
  std::size_t running() const;
  const KvBlockPool& kv() const { return pool_; }
  std::int64_t preemptions() const { return preemptions_; }
  /// Tokens left to process over every queued and running request (prompt left plus output left).
  std::int64_t outstanding_tokens() const { return outstanding_; }

 private:
  /// Blocks `r` must add to hold its cache after processing `tokens` more tokens.
  std::int64_t blocks_needed(const Request& r, int tokens) const;
  void preempt(Request* r);
  void add_chunk(StepPlan& plan, Request* r, int tokens) const;
  void admit(int lane, double now_s, int& budget, StepPlan& plan);

  workloads::ServingSettings settings_;
  KvBlockPool pool_;
  bool prefill_only_;
  std::deque<Request*> waiting_;
  std::vector<std::vector<Request*>> running_;  ///< per lane, in admission order
  std::int64_t preemptions_ = 0;
  std::int64_t outstanding_ = 0;
};

}  // namespace capsim::sim::serving
