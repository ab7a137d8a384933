#include "sim/serving/serving_simulation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "tests/serving/serving_fixtures.hpp"

namespace capsim::sim::serving {
namespace CAPSIM_UNITY_ID {

using workloads::LoadMode;

workloads::InferenceJob closed_loop(const std::string& preset, int tp, int users, int input, int output,
                                    long long requests) {
  workloads::InferenceJob job = test::serving_job(preset, tp, input, output, requests);
  job.load.mode = LoadMode::concurrency;
  job.load.users = users;
  return job;
}

/// Poisson arrivals at `rate` for `duration_s` on `replicas` replicas of one GPU each.
workloads::InferenceJob open_loop(int input, int output, double rate, double duration_s, int replicas = 1) {
  workloads::InferenceJob job = test::serving_job("llama3-8b", 1, input, output, 0, replicas);
  job.load.mode = LoadMode::poisson;
  job.load.rate_per_s = rate;
  job.load.duration_s = duration_s;
  return job;
}

TEST(ServingSimulation, LittlesLawHoldsInClosedLoop) {
  const auto job = closed_loop("llama3-8b", 1, 32, 1000, 200, 3200);
  const InferenceResult r = simulate_serving(test::serving_cluster(), job, 1);
  ASSERT_EQ(r.completed, 3200);
  // Users in the system = throughput x time each spends there (no think time); the last round drains, so a little
  // under 32.
  const double in_system = r.requests_per_s * r.e2e_s.mean;
  EXPECT_NEAR(in_system, 32.0, 0.03 * 32);
  EXPECT_NEAR(r.running_mean + r.queue_mean, in_system, 0.01 * in_system);
}

TEST(ServingSimulation, TtftExplodesOnceTheKvCacheSaturates) {
  // 70B FP8 on TP2 with a 16-bit KV cache: a replica holds ~228k tokens, about 50 requests of 4000 + 500 tokens.
  const auto cluster = test::serving_cluster();
  auto fp8 = [](workloads::InferenceJob job) {
    job.precision = job.weight_precision = hw::Precision::fp8;
    return job;
  };
  const InferenceResult light = simulate_serving(cluster, fp8(closed_loop("llama3-70b", 2, 24, 4000, 500, 480)), 1);
  const InferenceResult heavy = simulate_serving(cluster, fp8(closed_loop("llama3-70b", 2, 160, 4000, 500, 3200)), 1);
  EXPECT_LT(light.kv_utilization_peak, 0.7);
  EXPECT_GT(heavy.kv_utilization_peak, 0.95);
  EXPECT_GT(heavy.preemptions, 0);
  EXPECT_GT(heavy.ttft_s.p90, 10 * light.ttft_s.p90);
  // Past saturation more users add queueing, not throughput.
  EXPECT_LT(heavy.output_tokens_per_s, 2.5 * light.output_tokens_per_s);
}

TEST(ServingSimulation, TtftExplodesOnceTheBatchLimitSaturates) {
  const auto cluster = test::serving_cluster();
  auto job = closed_loop("llama3-8b", 1, 8, 500, 200, 400);
  job.serving.max_num_seqs = 16;
  const InferenceResult below = simulate_serving(cluster, job, 1);
  job.load.users = 64;
  job.load.requests = 3200;
  const InferenceResult above = simulate_serving(cluster, job, 1);
  EXPECT_GT(above.ttft_s.p50, 20 * below.ttft_s.p50);
  EXPECT_NEAR(above.running_mean, 16, 1.0);  // the limit, full all the time
  EXPECT_GT(above.queue_mean, 40);
}

TEST(ServingSimulation, PoissonLoadArrivesAtItsRate) {
  const auto job = open_loop(200, 50, 20, 600);
  const InferenceResult r = simulate_serving(test::serving_cluster(), job, 7);
  EXPECT_NEAR(static_cast<double>(r.requests), 12000, 400);  // 3.6 standard deviations
  EXPECT_EQ(r.unfinished, 0);
  EXPECT_NEAR(r.requests_per_s, 20, 1.0);
  std::int64_t arrivals = 0;
  for (const auto& p : r.series) arrivals += p.arrivals;
  EXPECT_EQ(arrivals, r.requests);
}

TEST(ServingSimulation, BurstyArrivalsRaiseTheTailAtTheSameRate) {
  auto job = open_loop(2000, 100, 10, 600);
  const InferenceResult smooth = simulate_serving(test::serving_cluster(), job, 3);
  job.load.mode = LoadMode::gamma;
  job.load.burstiness = 4;
  const InferenceResult bursty = simulate_serving(test::serving_cluster(), job, 3);
  EXPECT_NEAR(bursty.requests_per_s, smooth.requests_per_s, 0.15 * smooth.requests_per_s);
  EXPECT_GT(bursty.ttft_s.p99, 2 * smooth.ttft_s.p99);
}

TEST(ServingSimulation, SameSeedSameRunOtherSeedOtherRun) {
  auto job = open_loop(500, 100, 5, 120);
  job.input_lengths = {workloads::LengthKind::lognormal, 500, 0.8, 1, 8000};
  const auto cluster = test::serving_cluster();
  const InferenceResult a = simulate_serving(cluster, job, 11);
  const InferenceResult b = simulate_serving(cluster, job, 11);
  const InferenceResult c = simulate_serving(cluster, job, 12);
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.ttft_s.p99, b.ttft_s.p99);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_NE(a.ttft_s.p99, c.ttft_s.p99);
}

TEST(ServingSimulation, DisaggregatedDecodeReplicasKeepTpotFreeOfPrefills) {
  // Long prompts, short answers: on mixed replicas every step that carries a prompt chunk stalls the decodes.
  auto job = open_loop(8000, 100, 8, 300, 4);
  const auto cluster = test::serving_cluster();
  const InferenceResult mixed = simulate_serving(cluster, job, 5);
  job.prefill_replicas = 2;
  const InferenceResult split = simulate_serving(cluster, job, 5);
  EXPECT_EQ(split.unfinished, 0);
  EXPECT_EQ(split.completed, split.requests);
  EXPECT_LT(split.tpot_s.p90, 0.7 * mixed.tpot_s.p90);
  // The first token still needs the whole prompt, and then its cache crosses the fabric before decoding.
  EXPECT_GT(split.ttft_s.p50, split.unloaded_ttft_s);
}

TEST(ServingSimulation, LeastOutstandingRoutingBeatsRoundRobinOnMixedLengths) {
  auto job = open_loop(2000, 300, 24, 300, 4);
  job.input_lengths = {workloads::LengthKind::lognormal, 2000, 1.2, 1, 32000};
  job.output_lengths = {workloads::LengthKind::lognormal, 300, 1.0, 1, 4000};
  const auto cluster = test::serving_cluster();
  const InferenceResult rr = simulate_serving(cluster, job, 9);
  job.router = workloads::RouterPolicy::least_outstanding;
  const InferenceResult lo = simulate_serving(cluster, job, 9);
  // Round-robin lands short requests behind long prompts; counting tokens steers around them.
  EXPECT_LT(lo.ttft_s.p99, rr.ttft_s.p99);
  EXPECT_LT(lo.queue_s.p99, rr.queue_s.p99);
}

TEST(ServingSimulation, PipelineStagesWorkOnSeveralMicroBatchesAtOnce) {
  // Two stages hold half the layers each; with one micro-batch per stage in flight the replica does about twice the
  // work of one stage alone, and a token still passes both stages.
  auto job = test::serving_job("llama3-70b", 2, 1000, 200, 2000);
  job.precision = job.weight_precision = hw::Precision::fp8;
  const auto cluster = test::serving_cluster();
  const InferenceResult one_stage = simulate_serving(cluster, job, 1);
  job.pp = 2;
  const InferenceResult two_stages = simulate_serving(cluster, job, 1);
  EXPECT_GT(two_stages.output_tokens_per_s, 1.6 * one_stage.output_tokens_per_s);
  EXPECT_GT(two_stages.unloaded_tpot_s, 0.9 * one_stage.unloaded_tpot_s);
}

TEST(ServingSimulation, OfflineRunCountsEveryOutputToken) {
  const auto job = test::serving_job("llama3-8b", 1, 300, 77, 500);
  const InferenceResult r = simulate_serving(test::serving_cluster(), job, 1);
  ASSERT_EQ(r.completed, 500);
  EXPECT_NEAR(r.output_tokens_per_s * r.duration_s, 500.0 * 77, 1e-6 * 500 * 77);
  double tokens = 0;
  for (const auto& p : r.series) tokens += p.output_tokens_per_s * r.interval_s;
  EXPECT_NEAR(tokens, 500.0 * 77, 1.0);
}

TEST(ServingSimulation, AModelThatDoesNotFitRunsNothing) {
  const InferenceResult r = simulate_serving(test::serving_cluster(), test::serving_job("llama3-70b", 1, 100, 10), 1);
  EXPECT_FALSE(r.fits_in_memory);
  EXPECT_EQ(r.completed, 0);
  EXPECT_FALSE(r.notes.empty());
}

TEST(ServingSimulation, RequestsLongerThanTheWholeCacheAreRejected) {
  auto job = test::serving_job("llama3-70b", 2, 400'000, 10, 20);
  const InferenceResult r = simulate_serving(test::serving_cluster(), job, 1);
  EXPECT_EQ(r.rejected, 20);
  EXPECT_EQ(r.completed, 0);
  EXPECT_FALSE(r.slo_met);
}

}  // namespace
}  // namespace capsim::sim::serving
