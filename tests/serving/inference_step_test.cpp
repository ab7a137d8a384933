#include "models/workloads/inference_step.hpp"

#include <gtest/gtest.h>

#include "tests/serving/serving_fixtures.hpp"

namespace capsim::workloads {
namespace CAPSIM_UNITY_ID {

StepBatch decode_batch(int seqs, double context) {
  StepBatch b;
  b.decode_seqs = seqs;
  b.decode_context_tokens = seqs * context;
  b.sampled_seqs = seqs;
  return b;
}

StepBatch prefill_batch(int tokens) {
  StepBatch b;
  b.prefill_tokens = tokens;
  b.prefill_attention_pairs = tokens * (tokens + 1.0) / 2.0;
  b.sampled_seqs = 1;
  return b;
}

TEST(InferenceStep, LoneDecodeStepTakesAboutTheTimeToReadTheWeights) {
  const auto cluster = test::serving_cluster();
  const InferenceJob job = test::serving_job("llama3-8b", 1, 1000, 200);
  const InferenceStepModel model(cluster, job);
  const double read_weights_s = model.memory().weights_B / cluster.gpu.hbm_achieved_Bps;
  const double step = model.step_time(decode_batch(1, 1000)).latency_s;
  EXPECT_GT(step, read_weights_s);
  EXPECT_LT(step, 1.6 * read_weights_s);  // launches and the KV read add a little, not a lot
}

TEST(InferenceStep, DecodeBatchesAreNearlyFreeUntilComputeBinds) {
  const auto cluster = test::serving_cluster();
  const InferenceStepModel model(cluster, test::serving_job("llama3-8b", 1, 100, 100));
  const double one = model.step_time(decode_batch(1, 100)).latency_s;
  const double sixteen = model.step_time(decode_batch(16, 100)).latency_s;
  const double four_k = model.step_time(decode_batch(4096, 100)).latency_s;
  EXPECT_LT(sixteen, 1.15 * one);  // weight-bound: 16 sequences cost about what one does
  EXPECT_GT(four_k, 5 * one);      // compute-bound at thousands of tokens
}

TEST(InferenceStep, FourBitWeightsDecodeFasterThanSixteenBit) {
  const auto cluster = test::serving_cluster();
  InferenceJob bf16 = test::serving_job("llama3-70b", 4, 1000, 200);
  InferenceJob int4 = bf16;
  int4.weight_precision = hw::Precision::int4;
  const InferenceStepModel full(cluster, bf16);
  const InferenceStepModel quarter(cluster, int4);
  EXPECT_NEAR(quarter.memory().weights_B / full.memory().weights_B, 0.27, 0.05);  // 16-bit embeddings stay
  EXPECT_LT(quarter.step_time(decode_batch(1, 1000)).linear_s, 0.4 * full.step_time(decode_batch(1, 1000)).linear_s);
}

TEST(InferenceStep, PrefillGrowsWithTokensAndAttentionQuadratically) {
  const auto cluster = test::serving_cluster();
  const InferenceStepModel model(cluster, test::serving_job("llama3-8b", 1, 8192, 1));
  const StepTime a = model.step_time(prefill_batch(4096));
  const StepTime b = model.step_time(prefill_batch(8192));
  EXPECT_NEAR(b.linear_s / a.linear_s, 2.0, 0.15);
  EXPECT_NEAR(b.attention_s / a.attention_s, 4.0, 0.3);
}

TEST(InferenceStep, DecodeAttentionReadsTheKvCacheOfEverySequence) {
  const auto cluster = test::serving_cluster();
  const InferenceStepModel model(cluster, test::serving_job("llama3-8b", 1, 100, 100));
  const double short_ctx = model.step_time(decode_batch(64, 1000)).attention_s;
  const double long_ctx = model.step_time(decode_batch(64, 8000)).attention_s;
  const double kv_bytes = 64 * 7000.0 * model.memory().kv_bytes_per_token;
  EXPECT_NEAR(long_ctx - short_ctx, kv_bytes / cluster.gpu.hbm_achieved_Bps, 1e-4);
}

TEST(InferenceStep, TensorParallelismAddsTwoAllReducesPerLayer) {
  const auto cluster = test::serving_cluster();
  const InferenceStepModel tp1(cluster, test::serving_job("llama3-70b", 1, 100, 100));
  const InferenceStepModel tp4(cluster, test::serving_job("llama3-70b", 4, 100, 100));
  EXPECT_EQ(tp1.step_time(decode_batch(8, 100)).tp_comm_s, 0.0);
  EXPECT_GT(tp4.step_time(decode_batch(8, 100)).tp_comm_s, 80 * 2 * 1e-6);  // at least 1 us each
}

TEST(InferenceStep, PipelineStagesSplitTheWeightsAndStretchTheLatency) {
  const auto cluster = test::serving_cluster();
  InferenceJob pp2 = test::serving_job("llama3-70b", 2, 100, 100);
  pp2.pp = 2;
  const InferenceStepModel one_stage(cluster, test::serving_job("llama3-70b", 2, 100, 100));
  const InferenceStepModel two_stages(cluster, pp2);
  EXPECT_LT(two_stages.memory().weights_B, 0.6 * one_stage.memory().weights_B);
  const StepTime t = two_stages.step_time(decode_batch(8, 100));
  EXPECT_DOUBLE_EQ(t.latency_s, 2 * t.stage_s);
  EXPECT_GT(t.pp_comm_s, 0.0);
}

TEST(InferenceMemory, KvCacheGetsTheHbmLeftAfterWeightsAndWorkspace) {
  const auto cluster = test::serving_cluster();
  InferenceJob job = test::serving_job("llama3-8b", 1, 100, 100);
  const InferenceMemory m = inference_memory(cluster.gpu, job);
  ASSERT_TRUE(m.fits());
  EXPECT_NEAR(m.budget_B, 0.9 * cluster.gpu.hbm_bytes, 1);
  const double left = m.budget_B - m.weights_B - m.activations_B - m.runtime_B;
  EXPECT_LE(m.kv_cache_B, left);
  EXPECT_GT(m.kv_cache_B, left - m.kv_bytes_per_token * 16);  // whole blocks only
  // Llama 3 8B: 32 layers x 8 KV heads x 128 x (K and V) x 2 bytes = 128 KiB per token.
  EXPECT_DOUBLE_EQ(m.kv_bytes_per_token, 32 * 8 * 128 * 2 * 2.0);
  EXPECT_EQ(m.kv_tokens % 16, 0);

  job.kv_precision = hw::Precision::fp8;
  EXPECT_NEAR(static_cast<double>(inference_memory(cluster.gpu, job).kv_tokens) / m.kv_tokens, 2.0, 0.01);
}

TEST(InferenceMemory, SeventyBillionSixteenBitDoesNotFitOnOneH100) {
  const auto cluster = test::serving_cluster();
  const InferenceMemory m = inference_memory(cluster.gpu, test::serving_job("llama3-70b", 1, 100, 100));
  EXPECT_FALSE(m.fits());
  EXPECT_GT(m.shortfall_B(), 50e9);  // ~141 GB of weights against a 73 GB budget
}

}  // namespace
}  // namespace capsim::workloads
