// Capacity-factor routing and one-hot (einsum) dispatch of mixture-of-experts layers (models/workloads/transformer.hpp,
// sim/analytical/layer_costs.cpp).
#include <gtest/gtest.h>

#include "sim/analytical/analytical_engine.hpp"
#include "tests/analytical/test_cluster.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

/// A Mixtral-like MoE: 8 experts, top-2, on one 8-GPU node, data parallel.
workloads::TrainingJob moe_job() {
  auto job = test::gpt_job(4, 4096, 32, 1, 1, 8, 8);
  job.model.experts = 8;
  job.model.top_k = 2;
  job.model.expert_ffn_hidden = 14336;
  job.model.gated_mlp = true;
  job.model.seq_len = 4096;
  return job;
}

TEST(MoeCapacity, PaddingToCapacityComputesCapacityFactorTimesTheRoutedTokens) {
  const auto cluster = test::catalog_cluster("h100-sxm5-80gb", 1);
  auto job = moe_job();
  const StepEstimate dropless = estimate_training_step(cluster, job);
  job.model.capacity_factor = 1.25;
  const StepEstimate padded = estimate_training_step(cluster, job);
  // Per token and layer, the experts' three matrices run forward (2 FLOPs per weight) and backward (4).
  const double expert_flops_per_slot = 6.0 * 3 * 4096.0 * 14336;
  const double tokens = 8.0 * 4096;  // global batch x sequence
  const double extra = 0.25 * 2 * tokens * job.model.layers * expert_flops_per_slot;
  EXPECT_NEAR(padded.hardware_flops - dropless.hardware_flops, extra, 1e-6 * extra);
  EXPECT_GT(padded.step_time_s, dropless.step_time_s);
  // The padded slots are work, not model FLOPs: MFU's numerator does not move.
  EXPECT_DOUBLE_EQ(padded.model_flops, dropless.model_flops);
}

TEST(MoeCapacity, EinsumDispatchMultipliesOneHotMasksOverEachSequence) {
  const auto cluster = test::catalog_cluster("h100-sxm5-80gb", 1);
  auto job = moe_job();
  job.model.capacity_factor = 1.25;
  const StepEstimate permute = estimate_training_step(cluster, job);
  job.software.moe_dispatch = workloads::MoeDispatch::einsum;
  const StepEstimate einsum = estimate_training_step(cluster, job);
  // Dispatch and combine: 2 x seq x (1.25 x top_k x seq) x hidden FLOPs per sequence each, forward and backward.
  const double seq = 4096;
  const double per_sequence = 2 * seq * (1.25 * 2 * seq) * 4096;
  const double extra = 8 /* sequences */ * job.model.layers * 2 /* masks */ * 2 /* passes */ * per_sequence;
  EXPECT_NEAR(einsum.hardware_flops - permute.hardware_flops, extra, 1e-6 * extra);
  EXPECT_GT(einsum.compute_s, permute.compute_s);
}

}  // namespace
}  // namespace capsim::sim
