#include "sim/serving/scheduler.hpp"

#include <algorithm>

namespace capsim::sim::serving {

Scheduler::Scheduler(const workloads::ServingSettings& settings, std::int64_t kv_blocks, int lanes, bool prefill_only)
    : settings_(settings),
      pool_(kv_blocks, settings.block_tokens),
      prefill_only_(prefill_only),
      running_(static_cast<std::size_t>(std::max(1, lanes))) {}

void Scheduler::enqueue(Request* r) {
  waiting_.push_back(r);
  outstanding_ += r->outstanding_tokens();
}

std::size_t Scheduler::running() const {
  std::size_t n = 0;
  for (const auto& lane : running_) n += lane.size();
  return n;
}

std::int64_t Scheduler::blocks_needed(const Request& r, int tokens) const {
  return std::max<std::int64_t>(0, pool_.blocks_for(static_cast<std::int64_t>(r.computed) + tokens) - r.blocks);
}

void Scheduler::preempt(Request* r) {
  const std::int64_t before = r->outstanding_tokens();
  pool_.release(r->blocks);
  r->blocks = 0;
  r->computed = 0;
  r->lane = -1;
  ++r->preemptions;
  ++preemptions_;
  outstanding_ += r->outstanding_tokens() - before;
  waiting_.push_front(r);
}

void Scheduler::add_chunk(StepPlan& plan, Request* r, int tokens) const {
  plan.chunks.push_back(ScheduledChunk{r, tokens});
  workloads::StepBatch& b = plan.batch;
  if (tokens == 1) {
    // One query attending to the cache: a decode (or the last token of a prompt), bound by reading the KV cache.
    ++b.decode_seqs;
    b.decode_context_tokens += r->computed + 1.0;
  } else {
    const double c = tokens;
    b.prefill_tokens += tokens;
    b.prefill_attention_pairs += c * (r->computed + (c + 1.0) / 2.0);
  }
  if (r->computed + tokens >= r->known()) ++b.sampled_seqs;
}

bool Scheduler::plan(int lane, double now_s, StepPlan& plan) {
  plan.lane = lane;
  plan.chunks.clear();
  plan.batch = workloads::StepBatch{};
  std::vector<Request*>& run = running_[static_cast<std::size_t>(lane)];
  int budget = settings_.max_batched_tokens;
  bool preempted = false;
  for (std::size_t i = 0; i < run.size() && budget > 0; ++i) {
    Request* r = run[i];
    const int tokens = std::min(r->to_compute(), budget);
    const std::int64_t need = blocks_needed(*r, tokens);
    bool self_preempted = false;
    while (need > pool_.free()) {
      // Out of cache: the newest running request of this lane gives its blocks back (vLLM V1 preempts from the
      // tail of the running list), possibly the request itself.
      Request* victim = run.back();
      run.pop_back();
      preempt(victim);
      preempted = true;
      if (victim == r) {
        self_preempted = true;
        break;
      }
    }
    if (self_preempted) break;
    pool_.allocate(need);
    r->blocks += need;
    add_chunk(plan, r, tokens);
    budget -= tokens;
  }
  // vLLM admits nothing new in a step that had to preempt: the cache is already short.
  if (!preempted) admit(lane, now_s, budget, plan);
  return !plan.empty();
}

void Scheduler::admit(int lane, double now_s, int& budget, StepPlan& plan) {
  std::vector<Request*>& run = running_[static_cast<std::size_t>(lane)];
  const auto max_seqs = static_cast<std::size_t>(std::max(1, settings_.max_num_seqs));
  while (!waiting_.empty() && budget > 0 && run.size() < max_seqs) {
    Request* r = waiting_.front();
    int tokens = r->to_compute();
    if (!settings_.chunked_prefill && tokens > budget) {
      // Without chunking a prompt goes in whole; one longer than the budget runs alone rather than never.
      if (!plan.empty()) break;
    } else {
      tokens = std::min(tokens, budget);
    }
    // A prefill-only replica keeps a request until its first token: that is all it has to reserve.
    const int lifetime = r->input_tokens + (prefill_only_ ? 1 : r->output_tokens);
    const std::int64_t need = settings_.admission == workloads::KvAdmission::reserve
                                  ? std::max<std::int64_t>(0, pool_.blocks_for(lifetime) - r->blocks)
                                  : blocks_needed(*r, tokens);
    if (need > pool_.free()) break;  // FCFS: nobody overtakes the head of the queue
    pool_.allocate(need);
    r->blocks += need;
    waiting_.pop_front();
    run.push_back(r);
    r->lane = lane;
    if (r->first_scheduled_s < 0) r->first_scheduled_s = now_s;
    add_chunk(plan, r, tokens);
    budget -= tokens;
  }
}

void Scheduler::complete(const StepPlan& plan, double now_s, StepOutcome& out) {
  out.finished.clear();
  out.handoffs.clear();
  out.tokens_emitted = 0;
  bool removed = false;
  for (const ScheduledChunk& chunk : plan.chunks) {
    Request* r = chunk.request;
    const std::int64_t before = r->outstanding_tokens();
    r->computed += chunk.tokens;
    if (r->computed >= r->known()) {
      ++r->generated;
      ++out.tokens_emitted;
      if (r->first_token_s < 0) r->first_token_s = now_s;
    }
    outstanding_ += r->outstanding_tokens() - before;
    const bool done = r->finished();
    const bool leaves = done || (prefill_only_ && r->generated >= 1);
    if (!leaves) continue;
    outstanding_ -= r->outstanding_tokens();
    pool_.release(r->blocks);
    r->blocks = 0;
    r->lane = -1;
    removed = true;
    if (done) {
      r->finish_s = now_s;
      out.finished.push_back(r);
    } else {
      out.handoffs.push_back(r);
    }
  }
  if (removed) {
    auto& run = running_[static_cast<std::size_t>(plan.lane)];
    run.erase(std::remove_if(run.begin(), run.end(), [](const Request* r) { return r->lane < 0; }), run.end());
  }
}

}  // namespace capsim::sim::serving
