// What a PyTorch-native stack (torchtitan: FSDP2, SDPA's FlashAttention-2, eager or compiled element-wise ops,
// per-layer and per-op selective checkpointing) costs against CapSim's Megatron-Core + Transformer Engine defaults.
#include <gtest/gtest.h>

#include "models/hardware/gemm_model.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "tests/analytical/test_cluster.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

using test::catalog_cluster;
using workloads::AttentionKernel;
using workloads::Recompute;

/// Llama 3 8B shapes (GQA, SwiGLU) on one node, data parallel only: no communication on the critical path.
workloads::TrainingJob llama8b(int dp, int seq_len = 8192) {
  workloads::TrainingJob j;
  j.name = "llama";
  j.model.name = "llama3-8b";
  j.model.layers = 32;
  j.model.hidden = 4096;
  j.model.ffn_hidden = 14336;
  j.model.heads = 32;
  j.model.kv_heads = 8;
  j.model.vocab = 128256;
  j.model.seq_len = seq_len;
  j.model.gated_mlp = true;
  j.parallelism.dp = dp;
  j.parallelism.micro_batch = 1;
  j.parallelism.global_batch = dp;
  return j;
}

TrainingResult run(const hw::ClusterSpec& c, const workloads::TrainingJob& j) {
  return AnalyticalEngine().run_training(c, j);
}

TEST(PytorchStack, PerLayerCheckpointingRecomputesHalfOfAFullRecompute) {
  const auto cluster = catalog_cluster("a100-sxm4-80gb", 1);
  auto job = llama8b(1);
  const double none = run(cluster, job).step_time_s;
  job.parallelism.recompute = Recompute::full;
  const double full = run(cluster, job).step_time_s;
  job.parallelism.recompute = Recompute::selective_layer;
  const TrainingResult layer = run(cluster, job);
  EXPECT_NEAR(layer.step_time_s - none, 0.5 * (full - none), 1e-9 * full);
}

TEST(PytorchStack, PerOpCheckpointingSitsBetweenNoneAndFullInTimeAndMemory) {
  const auto cluster = catalog_cluster("h100-sxm5-80gb", 1);
  auto job = llama8b(1);
  const TrainingResult none = run(cluster, job);
  job.parallelism.recompute = Recompute::full;
  const TrainingResult full = run(cluster, job);
  job.parallelism.recompute = Recompute::selective_op;
  const TrainingResult op = run(cluster, job);
  // wk, wo and w3 are 36% of a Llama 3 8B block's forward matmul FLOPs, plus every element-wise op.
  const double extra = (op.step_time_s - none.step_time_s) / (full.step_time_s - none.step_time_s);
  EXPECT_GT(extra, 0.3);
  EXPECT_LT(extra, 0.6);
  EXPECT_LT(op.memory.activations_B, 0.6 * none.memory.activations_B);
  EXPECT_GT(op.memory.activations_B, 2.0 * full.memory.activations_B);
}

TEST(PytorchStack, FlashAttention2OnH100RunsAtItsOwnShareNotCudnns) {
  const auto cluster = catalog_cluster("h100-sxm5-80gb", 1);
  auto job = llama8b(8, 32768);  // attention-heavy
  job.model.kv_heads = job.model.heads;  // no K/V repeat: the kernel alone differs
  const double cudnn = run(cluster, job).step_time_s;
  job.software.attention = AttentionKernel::flash2;
  const double fa2 = run(cluster, job).step_time_s;
  EXPECT_GT(fa2, 1.15 * cudnn);
}

TEST(PytorchStack, FlashAttention2OnA100IsTheDefaultKernel) {
  // FlashAttention-2's published A100 share is already the default where no cuDNN calibration exists.
  const auto cluster = catalog_cluster("a100-sxm4-80gb", 1);
  auto job = llama8b(8);
  job.model.kv_heads = job.model.heads;
  const double flash = run(cluster, job).step_time_s;
  job.software.attention = AttentionKernel::flash2;
  EXPECT_DOUBLE_EQ(run(cluster, job).step_time_s, flash);
}

// llm-foundry's `attn_impl: triton` (FlashAttention's Triton kernel of 2022): half FlashAttention-2's rate, so every
// layer's attention forward and backward take exactly twice as long and nothing else moves.
TEST(PytorchStack, TritonFlashAttentionTakesTwiceFlashAttention2sTime) {
  const auto cluster = catalog_cluster("a100-sxm4-80gb", 1);
  auto job = llama8b(1, 16384);
  job.model.kv_heads = job.model.heads;  // no K/V repeat: the kernel alone differs
  job.software.attention = AttentionKernel::flash2;
  const double fa2 = run(cluster, job).step_time_s;
  job.software.attention = AttentionKernel::triton;
  const double triton = run(cluster, job).step_time_s;

  // FlashAttention-2's A100 rate: its published share of the best GEMM (0.84 forward, 0.72 backward) at head_dim 128.
  const hw::GpuSpec& gpu = cluster.gpu;
  const hw::GemmModel gemm(gpu, hw::Clocks::sustained);
  const double cap = gpu.gemm_efficiency_cap(hw::Precision::bf16);
  const double flops = hw::flash_attention_flops(1, 32, 16384, 16384, 128, true);
  const double fa2_layer_s = gemm.compute_time_s(flops, hw::Precision::bf16, 0.84 * cap) +
                             gemm.compute_time_s(hw::kFlashBackwardFlopRatio * flops, hw::Precision::bf16, 0.72 * cap);
  EXPECT_NEAR(triton - fa2, job.model.layers * fa2_layer_s, 1e-9 * triton);
  EXPECT_GT(fa2_layer_s, 0.0);
}

// llm-foundry repeats grouped K and V to every query head before its Triton kernel (attention.py), as torchtitan
// does before SDPA; Transformer Engine's cuDNN attention and Megatron's unfused path take them grouped.
TEST(PytorchStack, PytorchLevelKernelsTakeKeysAndValuesRepeated) {
  EXPECT_TRUE(workloads::repeats_kv_heads(AttentionKernel::flash2));
  EXPECT_TRUE(workloads::repeats_kv_heads(AttentionKernel::triton));
  EXPECT_FALSE(workloads::repeats_kv_heads(AttentionKernel::flash));
  EXPECT_FALSE(workloads::repeats_kv_heads(AttentionKernel::unfused));
}

TEST(PytorchStack, SdpaRepeatsGroupedKeysAndValuesToEveryQueryHead) {
  const auto cluster = catalog_cluster("a100-sxm4-80gb", 1);
  auto job = llama8b(8);
  job.software.attention = AttentionKernel::flash2;
  const double gqa = run(cluster, job).step_time_s;
  job.software.attention = AttentionKernel::flash;
  EXPECT_GT(gqa, run(cluster, job).step_time_s);
}

TEST(PytorchStack, ContextParallelRingOfSdpaCarriesRepeatedKeysAndValues) {
  auto cluster = catalog_cluster("a100-sxm4-80gb", 1);
  auto job = llama8b(1, 131072);
  job.parallelism.cp = 8;
  job.parallelism.recompute = Recompute::full;
  const TrainingResult flash = run(cluster, job);
  job.software.attention = AttentionKernel::flash2;
  const TrainingResult fa2 = run(cluster, job);
  EXPECT_GT(fa2.step_time_s, flash.step_time_s);
}

TEST(PytorchStack, EagerElementwiseOpsCostHbmRoundTrips) {
  const auto cluster = catalog_cluster("a100-sxm4-80gb", 1);
  auto job = llama8b(8);
  const double fused = run(cluster, job).step_time_s;
  job.software.fused_norm = false;  // alone it changes nothing: the norm runs where the fused chain runs it
  EXPECT_DOUBLE_EQ(run(cluster, job).step_time_s, fused);
  job.software.fused_norm = true;
  job.software.fused_elementwise = false;
  const double eager = run(cluster, job).step_time_s;
  EXPECT_GT(eager, 1.02 * fused);
  job.software.fused_norm = false;
  EXPECT_GT(run(cluster, job).step_time_s, 1.02 * eager);
}

/// Llama 3 8B at TP8 with sequence parallelism on one H100 node: every layer's gathers and scatters cross NVLink.
workloads::TrainingJob llama8b_tp8(hw::Precision precision) {
  auto job = llama8b(1);
  job.parallelism.tp = 8;
  job.parallelism.sequence_parallel = true;
  job.precision = precision;
  return job;
}

TEST(PytorchStack, BatchFirstActivationsCopyEveryGatheredAndScatteredTensor) {
  const auto cluster = catalog_cluster("h100-sxm5-80gb", 1);
  for (const auto precision : {hw::Precision::bf16, hw::Precision::fp8}) {
    SCOPED_TRACE(std::string(hw::to_string(precision)));
    auto job = llama8b_tp8(precision);
    const StepEstimate seq_first = estimate_training_step(cluster, job);
    job.software.activation_layout = workloads::ActivationLayout::batch_first;
    const StepEstimate batch_first = estimate_training_step(cluster, job);
    // Per layer and pass: two gathered inputs (FP8 gathers 1 byte per element) and two scattered 16-bit outputs,
    // each read and written once more, as one memory-bound pass.
    const double gathered = precision == hw::Precision::fp8 ? 1.0 : 2.0;
    const double bytes = 2.0 * 8192 * 4096 * (gathered + 2.0) * 2.0;
    const double per_pass = bytes / cluster.gpu.elementwise_Bps + cluster.gpu.kernel_overhead_s;
    EXPECT_NEAR(batch_first.compute_s - seq_first.compute_s, 32 * 2 * per_pass, 1e-3 * per_pass);
    EXPECT_DOUBLE_EQ(batch_first.tp_comm_s, seq_first.tp_comm_s);
  }
  // Without sequence parallelism TP all-reduces in place: nothing to copy.
  auto job = llama8b_tp8(hw::Precision::bf16);
  job.parallelism.sequence_parallel = false;
  const double all_reduce = estimate_training_step(cluster, job).step_time_s;
  job.software.activation_layout = workloads::ActivationLayout::batch_first;
  EXPECT_DOUBLE_EQ(estimate_training_step(cluster, job).step_time_s, all_reduce);
}

TEST(PytorchStack, PerOpCheckpointingGathersTheSequenceAgain) {
  // torchtitan's save list keeps reduce-scatter outputs but no all-gather: both blocks' input gathers rerun in
  // backward, so per-op checkpointing adds half the forward pass's TP traffic (its two gathers of four collectives,
  // all-gather and reduce-scatter taking the same time on one NVLink node).
  const auto cluster = catalog_cluster("h100-sxm5-80gb", 1);
  auto job = llama8b_tp8(hw::Precision::bf16);
  const StepEstimate none = estimate_training_step(cluster, job);
  job.parallelism.recompute = Recompute::selective_op;
  const StepEstimate op = estimate_training_step(cluster, job);
  EXPECT_GT(op.tp_comm_s, 1.2 * none.tp_comm_s);
  EXPECT_LT(op.tp_comm_s, 1.3 * none.tp_comm_s);
}

TEST(PytorchStack, Fsdp2CopiesEveryGatheredParameterOutBeforeEachPass) {
  const auto cluster = catalog_cluster("h100-sxm5-80gb", 1);
  auto job = llama8b(8);
  job.parallelism.zero = 3;
  job.parallelism.recompute = Recompute::full;  // a recomputed forward reuses its backward's copy
  const StepEstimate in_place = estimate_training_step(cluster, job);
  job.software.zero3_gather = workloads::Zero3Gather::copy_out;
  const StepEstimate copy_out = estimate_training_step(cluster, job);
  // Per pass: read and write every 16-bit weight once, one kernel per layer (and per edge layer).
  const auto pass_s = [&](double weights) { return 4 * weights / cluster.gpu.elementwise_Bps + cluster.gpu.kernel_overhead_s; };
  const double layer = 4096.0 * (4096 + 2 * 1024) + 4096.0 * 4096 + 3 * 4096.0 * 14336;
  const double expected = 2 * (32 * pass_s(layer) + 2 * pass_s(128256.0 * 4096));
  EXPECT_NEAR(copy_out.compute_s - in_place.compute_s, expected, 1e-6 * expected);
  // Unsharded (one replica) there is nothing to gather, so nothing to copy.
  job.parallelism.dp = 1;
  job.parallelism.global_batch = 1;
  const double alone = estimate_training_step(cluster, job).step_time_s;
  job.software.zero3_gather = workloads::Zero3Gather::in_place;
  EXPECT_DOUBLE_EQ(estimate_training_step(cluster, job).step_time_s, alone);
}

TEST(PytorchStack, Fp8SequenceParallelGathersMoveHalfTheBytes) {
  const auto cluster = catalog_cluster("h100-sxm5-80gb", 1);
  const StepEstimate bf16 = estimate_training_step(cluster, llama8b_tp8(hw::Precision::bf16));
  const StepEstimate fp8 = estimate_training_step(cluster, llama8b_tp8(hw::Precision::fp8));
  // Gathers at half the bytes, reduce-scatters unchanged: between half and all of the 16-bit traffic.
  EXPECT_LT(fp8.tp_comm_s, 0.9 * bf16.tp_comm_s);
  EXPECT_GT(fp8.tp_comm_s, 0.6 * bf16.tp_comm_s);
}

}  // namespace
}  // namespace capsim::sim
