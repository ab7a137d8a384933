// Activation offload (Megatron-Core / Transformer Engine `cpu_offloading_num_layers`): the offloaded layers' saved
// activations leave HBM, and their copies to host memory and back cost only what outlasts the next layer's compute.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/hardware/gemm_model.hpp"
#include "models/network/nccl_collectives.hpp"
#include "planner/scenario.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/analytical/training_costs.hpp"
#include "sim/analytical/training_memory.hpp"
#include "sim/core/error.hpp"
#include "tests/analytical/test_cluster.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

/// 32 layers of 4096 (32 heads), one GPU, micro-batch 2 of 4096 tokens, selective recompute.
workloads::TrainingJob job(int offloaded) {
  auto j = test::gpt_job(32, 4096, 32, 1, 1, 1, 2);
  j.model.seq_len = 4096;
  j.parallelism.micro_batch = 2;
  j.software.activation_offload_layers = offloaded;
  return j;
}

TEST(ActivationOffload, OffloadedLayersLeaveHbmButOneStagingLayer) {
  const double per_layer = layer_activation_bytes(job(0));
  ASSERT_GT(per_layer, 0.0);
  const double kept = training_memory(job(0)).activations_B;
  const double offloaded = training_memory(job(16)).activations_B;
  EXPECT_NEAR(kept - offloaded, 15 * per_layer, 1e-6 * kept);  // 16 layers leave, one staging buffer stays
}

TEST(ActivationOffload, CopiesCostWhatOutlastsTheNextLayersCompute) {
  hw::ClusterSpec cluster = test::catalog_cluster("h100-sxm5-80gb", 1);
  const auto costs = [&](const workloads::TrainingJob& j) {
    return training_costs(cluster, j, hw::GemmModel(cluster.gpu, hw::Clocks::sustained), net::NcclCollectives(cluster));
  };
  const TrainingCosts none = costs(job(0));
  // Over PCIe (55 GB/s) a layer's activations (about 1 GB) take longer to copy than the layer computes: half the
  // layers stall for the rest of each copy, forward and backward.
  const double copy_s = layer_activation_bytes(job(0)) / cluster.gpu.node.host_link_Bps;
  ASSERT_GT(copy_s, none.layer.forward.compute_s);
  const TrainingCosts pcie = costs(job(16));
  EXPECT_NEAR(pcie.layer.forward.compute_s - none.layer.forward.compute_s,
              0.5 * (copy_s - none.layer.forward.compute_s), 1e-12);
  EXPECT_NEAR(pcie.layer.backward.compute_s - none.layer.backward.compute_s,
              0.5 * std::max(0.0, copy_s - none.layer.backward.compute_s - none.layer.recompute.compute_s), 1e-12);
  // A host link that copies faster than the layer computes hides the copies entirely.
  cluster.gpu.node.host_link_Bps = 1e13;
  EXPECT_DOUBLE_EQ(costs(job(16)).layer.forward.compute_s, none.layer.forward.compute_s);
  EXPECT_DOUBLE_EQ(costs(job(16)).layer.backward.compute_s, none.layer.backward.compute_s);
}

TEST(ActivationOffload, ScenarioOffloadsAtMostAStagesLayers) {
  const auto doc = [](int layers_offloaded) {
    return R"({"schema": "capsim/scenario/v1", "name": "o", "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 1},
      "workloads": [{"name": "w", "kind": "training", "model": {"preset": "llama3-8b"},
        "parallelism": {"tp": 1, "pp": 2, "dp": 4, "micro_batch": 1, "global_batch": 64},
        "software": {"activation_offload_layers": )" +
           std::to_string(layers_offloaded) + R"(}, "precision": "bf16"}]})";
  };
  const auto s = planner::load_scenario_text(doc(16), "o.json");
  EXPECT_EQ(std::get<workloads::TrainingJob>(s.workloads.front()).software.activation_offload_layers, 16);
  try {
    planner::load_scenario_text(doc(17), "o.json");  // 32 layers over pp 2
    FAIL() << "17 offloaded layers of a 16-layer stage were accepted";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/workloads/0/software/activation_offload_layers"), std::string::npos) << what;
    EXPECT_NE(what.find("at most 16"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace capsim::sim
