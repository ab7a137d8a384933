#include "sim/serving/scheduler.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace capsim::sim::serving {
namespace CAPSIM_UNITY_ID {

Request make_request(int input, int output) {
  Request r;
  r.input_tokens = input;
  r.output_tokens = output;
  return r;
}

workloads::ServingSettings settings(int max_seqs, int budget) {
  workloads::ServingSettings s;
  s.max_num_seqs = max_seqs;
  s.max_batched_tokens = budget;
  return s;
}

/// Runs steps until every request finished (or `max_steps`), checking each plan; returns the steps run.
int run_to_end(Scheduler& s, int max_steps, int budget) {
  StepPlan plan;
  StepOutcome out;
  int steps = 0;
  for (double t = 0; steps < max_steps && s.plan(0, t, plan); t += 1) {
    EXPECT_LE(plan.batch.tokens(), budget);
    s.complete(plan, t + 1, out);
    ++steps;
  }
  return steps;
}

TEST(Scheduler, ChunkedPrefillCapsTheTokensOfEveryStep) {
  Scheduler s(settings(256, 512), 100'000, 1, false);
  Request long_prompt = make_request(2000, 3);
  s.enqueue(&long_prompt);
  StepPlan plan;
  StepOutcome out;
  std::vector<int> chunks;
  for (double t = 0; s.plan(0, t, plan); t += 1) {
    chunks.push_back(plan.batch.tokens());
    s.complete(plan, t + 1, out);
  }
  // 2000 prompt tokens in budget-sized chunks (512, 512, 512, 464), the first token with the last chunk, then 2
  // decodes.
  EXPECT_EQ(chunks, (std::vector<int>{512, 512, 512, 464, 1, 1}));
  EXPECT_DOUBLE_EQ(long_prompt.first_token_s, 4.0);
  EXPECT_DOUBLE_EQ(long_prompt.finish_s, 6.0);
}

TEST(Scheduler, RunningDecodesGoBeforeQueuedPrefills) {
  Scheduler s(settings(256, 64), 100'000, 1, false);
  Request first = make_request(10, 50);
  Request second = make_request(500, 5);
  s.enqueue(&first);
  StepPlan plan;
  StepOutcome out;
  ASSERT_TRUE(s.plan(0, 0, plan));
  s.complete(plan, 1, out);
  s.enqueue(&second);
  ASSERT_TRUE(s.plan(0, 1, plan));
  ASSERT_EQ(plan.chunks.size(), 2u);
  EXPECT_EQ(plan.chunks[0].request, &first);  // the decode first...
  EXPECT_EQ(plan.chunks[0].tokens, 1);
  EXPECT_EQ(plan.chunks[1].tokens, 63);  // ...and the new prompt gets what is left of the budget
}

TEST(Scheduler, MaxNumSeqsLimitsTheBatch) {
  Scheduler s(settings(4, 8192), 100'000, 1, false);
  std::deque<Request> requests(10, make_request(8, 8));
  for (auto& r : requests) s.enqueue(&r);
  StepPlan plan;
  ASSERT_TRUE(s.plan(0, 0, plan));
  EXPECT_EQ(plan.chunks.size(), 4u);
  EXPECT_EQ(s.waiting(), 6u);
}

TEST(Scheduler, PreemptsTheNewestRequestWhenTheKvCacheRunsOutAndRecomputesIt) {
  // 8 blocks of 16 tokens; two requests of 40 + 40 tokens need 5 blocks each at the end.
  Scheduler s(settings(256, 8192), 8, 1, false);
  Request a = make_request(40, 40);
  Request b = make_request(40, 40);
  s.enqueue(&a);
  s.enqueue(&b);
  const int steps = run_to_end(s, 1000, 8192);
  EXPECT_LT(steps, 1000);
  EXPECT_GE(b.preemptions, 1);
  EXPECT_EQ(a.preemptions, 0);  // the older request keeps its cache
  EXPECT_GT(b.first_token_s, 0);
  EXPECT_GT(b.finish_s, a.finish_s);
  EXPECT_EQ(s.kv().used(), 0);
  EXPECT_EQ(s.outstanding_tokens(), 0);
}

TEST(Scheduler, ReserveAdmissionNeverPreemptsButQueuesInstead) {
  workloads::ServingSettings st = settings(256, 8192);
  st.admission = workloads::KvAdmission::reserve;
  Scheduler s(st, 8, 1, false);
  Request a = make_request(40, 40);
  Request b = make_request(40, 40);
  s.enqueue(&a);
  s.enqueue(&b);
  StepPlan plan;
  ASSERT_TRUE(s.plan(0, 0, plan));
  EXPECT_EQ(plan.chunks.size(), 1u);  // b waits: a reserved 5 of the 8 blocks
  EXPECT_EQ(s.kv().used(), 5);
  run_to_end(s, 1000, 8192);
  EXPECT_EQ(a.preemptions + b.preemptions, 0);
  EXPECT_GE(b.first_token_s, a.finish_s);
}

TEST(Scheduler, PrefillOnlyReplicaHandsRequestsOffAfterTheFirstToken) {
  Scheduler s(settings(256, 8192), 1000, 1, true);
  Request r = make_request(100, 10);
  s.enqueue(&r);
  StepPlan plan;
  StepOutcome out;
  ASSERT_TRUE(s.plan(0, 0, plan));
  s.complete(plan, 1, out);
  ASSERT_EQ(out.handoffs.size(), 1u);
  EXPECT_EQ(r.generated, 1);
  EXPECT_EQ(r.computed, 100);  // its cache travels with it
  EXPECT_EQ(s.kv().used(), 0);
  EXPECT_FALSE(s.plan(0, 1, plan));
}

TEST(KvBlockPool, CountsWholeBlocks) {
  KvBlockPool pool(10, 16);
  EXPECT_EQ(pool.blocks_for(1), 1);
  EXPECT_EQ(pool.blocks_for(16), 1);
  EXPECT_EQ(pool.blocks_for(17), 2);
  EXPECT_TRUE(pool.allocate(10));
  EXPECT_FALSE(pool.allocate(1));
  pool.release(4);
  EXPECT_EQ(pool.free(), 4);
}

}  // namespace
}  // namespace capsim::sim::serving
