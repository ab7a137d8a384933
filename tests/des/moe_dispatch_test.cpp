// Shared experts, group-limited routing and DeepEP's node-deduplicated dispatch (models/workloads/transformer.hpp,
// sim/analytical/layer_costs.cpp, sim/des/job_plan.cpp), in both engines.
#include "tests/des/moe_test_job.hpp"

#include <gtest/gtest.h>

#include "tests/des/breakdown_part.hpp"

#include <cstdio>
#include <string>

#include "models/hardware/gpu_catalog.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/des/des_engine.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

using testing::part;

/// 8 DGX H100 nodes on a 1:1 fat-tree.
hw::ClusterSpec eight_nodes() { return hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 8); }

/// The DES tests' MoE job over 8 nodes (one replica of TP 8 per node): 64 experts, top-8, EP 8 across the nodes.
workloads::TrainingJob fine_grained_job() {
  workloads::TrainingJob j = des::testing::moe_job(8, 4);
  j.model.experts = 64;
  j.model.top_k = 8;
  j.model.expert_ffn_hidden = 1024;
  return j;
}

TEST(MoeDispatch, RoutesDeepSeekV3sLayout) {
  // DeepSeek-V3: 256 routed experts, top-8, 8 groups of which each token opens 4, EP 64 over 8 nodes of 8 GPUs. A
  // node holds one group, so a token opens 8 x (1 - C(7,4) / C(8,4)) = 4 nodes and reaches 4 x (1 - (3/4)^8) of
  // them with its 8 experts.
  workloads::TransformerModel m;
  m.experts = 256;
  m.top_k = 8;
  m.router_groups = 8;
  m.router_group_topk = 4;
  const double reached = 4 * (1 - std::pow(0.75, 8));
  const auto deepep = workloads::expert_route(m, workloads::MoeDispatcher::deepep, 64, 8);
  EXPECT_NEAR(deepep.domains_reached, reached, 1e-9);
  EXPECT_NEAR(deepep.fabric_copies, reached * 7 / 8, 1e-9);  // its own node is one of the 8 with chance reached/8
  EXPECT_NEAR(deepep.scale_up_copies, 8 * 7 / 8.0, 1e-9);   // forwarded off the receiving GPU inside each node
  // A plain all-to-all sends every routed copy to its expert's rank: 56 of 64 ranks are off the node.
  const auto a2a = workloads::expert_route(m, workloads::MoeDispatcher::all_to_all, 64, 8);
  EXPECT_NEAR(a2a.fabric_copies, 8 * 56 / 64.0, 1e-9);
  EXPECT_NEAR(a2a.scale_up_copies, 8 * 7 / 64.0, 1e-9);
  // Without group-limited routing DeepEP still sends one copy per node reached, of 8 open ones.
  m.router_groups = m.router_group_topk = 0;
  const auto open = workloads::expert_route(m, workloads::MoeDispatcher::deepep, 64, 8);
  EXPECT_NEAR(open.domains_reached, 8 * (1 - std::pow(7 / 8.0, 8)), 1e-9);
  // FP8 training dispatches in FP8 with one fp32 scale per 128 values; the combine stays BF16.
  const auto bytes = workloads::expert_exchange_bytes(workloads::MoeDispatcher::deepep, hw::Precision::fp8);
  EXPECT_DOUBLE_EQ(bytes.dispatch, 1 + 4 / 128.0);
  EXPECT_DOUBLE_EQ(bytes.combine, 2);
  EXPECT_DOUBLE_EQ(workloads::expert_exchange_bytes(workloads::MoeDispatcher::all_to_all, hw::Precision::fp8).dispatch,
                   2);
}

TEST(MoeDispatch, DeepEpSendsOneCopyPerNodeInBothEngines) {
  // 8 groups of 8 experts, one group per node, 2 opened per token: a token reaches at most 2 nodes with its 8
  // experts, and DeepEP sends it across the fabric once per remote node among them, where the all-to-all sends
  // each of its 7/8 x 8 off-node copies.
  const auto c = eight_nodes();
  auto job = fine_grained_job();
  job.model.router_groups = 8;
  job.model.router_group_topk = 2;
  const double a2a_an = part(AnalyticalEngine().run_training(c, job), "ep_comm");
  const double a2a_des = part(DesEngine().run_training(c, job), "ep_comm");
  job.software.moe_dispatcher = workloads::MoeDispatcher::deepep;
  const double deepep_an = part(AnalyticalEngine().run_training(c, job), "ep_comm");
  const double deepep_des = part(DesEngine().run_training(c, job), "ep_comm");
  const double reached = 2 * (1 - std::pow(0.5, 8));
  const double expected = reached * 7 / 8 / (8 * 7 / 8.0);
  ASSERT_GT(a2a_an, 0);
  ASSERT_GT(a2a_des, 0);
  EXPECT_NEAR(deepep_an / a2a_an, expected, 0.1 * expected);
  EXPECT_NEAR(deepep_des / a2a_des, expected, 0.1 * expected);
  EXPECT_NEAR(deepep_des / deepep_an, 1.0, 0.1);
  std::printf("ep_comm all-to-all analytical %.6f des %.6f; deepep analytical %.6f des %.6f; expected ratio %.4f\n",
              a2a_an, a2a_des, deepep_an, deepep_des, expected);
}

TEST(MoeDispatch, FineGrainedExpertsOnOneNodeDoNotDedupAcrossTheFabric) {
  // An expert-parallel group inside one node never crosses the fabric: DeepEP's intranode path is an all-to-all
  // over NVLink, and costs what the all-to-all does (BF16 training: same bytes).
  const auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 1);
  auto job = fine_grained_job();
  job.parallelism.tp = 1;
  job.parallelism.dp = 8;
  job.parallelism.ep = 8;
  job.parallelism.global_batch = 8;
  job.parallelism.sequence_parallel = false;
  const double a2a = part(AnalyticalEngine().run_training(c, job), "ep_comm");
  job.software.moe_dispatcher = workloads::MoeDispatcher::deepep;
  ASSERT_GT(a2a, 0);
  EXPECT_DOUBLE_EQ(part(AnalyticalEngine().run_training(c, job), "ep_comm"), a2a);
}

TEST(MoeDispatch, FoldedExpertsDispatchEachRanksOwnShareInBothEngines) {
  // Split over tp 8 (etp 8), each of a node's 8 ranks routes every token of the micro-batch to the 8 EP members,
  // one per node: 7/8 of its copies leave the node. Folded (etp 1, ep 64 over the same 64 GPUs), each rank routes
  // its own sequence-parallel 1/8 of the tokens over 64 ranks, 56 of them off its node: 1/8 of the bytes.
  const auto c = eight_nodes();
  const workloads::TrainingJob split = fine_grained_job();
  workloads::TrainingJob folded = split;
  folded.parallelism.etp = 1;
  folded.parallelism.ep = 64;
  const TrainingResult split_an = AnalyticalEngine().run_training(c, split);
  const TrainingResult folded_an = AnalyticalEngine().run_training(c, folded);
  const double split_des = part(DesEngine().run_training(c, split), "ep_comm");
  const double folded_des = part(DesEngine().run_training(c, folded), "ep_comm");
  const double expected = (1 / 8.0 * 56 / 64.0) / (7 / 8.0);
  ASSERT_GT(part(split_an, "ep_comm"), 0);
  ASSERT_GT(split_des, 0);
  EXPECT_NEAR(part(folded_an, "ep_comm") / part(split_an, "ep_comm"), expected, 0.15 * expected);
  EXPECT_NEAR(folded_des / split_des, expected, 0.15 * expected);
  EXPECT_NEAR(folded_des / part(folded_an, "ep_comm"), 1.0, 0.15);
  // Folded experts take the tokens where sequence parallelism left them: no gather before the MLP, no scatter
  // after it.
  EXPECT_LT(part(folded_an, "tp_comm"), part(split_an, "tp_comm"));
  std::printf("ep_comm split analytical %.6f des %.6f; folded analytical %.6f des %.6f; expected ratio %.4f\n",
              part(split_an, "ep_comm"), split_des, part(folded_an, "ep_comm"), folded_des, expected);
}

TEST(MoeDispatch, SharedExpertsComputeEveryTokenLocallyAndTravelNowhere) {
  const auto c = eight_nodes();
  auto job = fine_grained_job();
  const workloads::TransformerModel routed_only = job.model;
  const StepEstimate without = estimate_training_step(c, job);
  job.model.shared_experts = 2;
  job.model.shared_expert_ffn_hidden = 1024;
  const StepEstimate with = estimate_training_step(c, job);
  // Two gated experts of 1024 per layer, in the total and the active count alike.
  const double shared_params = 4.0 * 3 * 4096 * 2 * 1024;
  EXPECT_DOUBLE_EQ(job.model.parameters() - routed_only.parameters(), shared_params);
  EXPECT_DOUBLE_EQ(job.model.active_parameters() - routed_only.active_parameters(), shared_params);
  // Every token runs them forward (2 FLOPs per weight) and backward (4): model and hardware FLOPs grow alike.
  const double tokens = 16.0 * 4096;  // global batch x sequence
  const double extra = 6.0 * (3 * 4096.0 * 2048) * tokens * 4;
  EXPECT_NEAR(with.model_flops - without.model_flops, extra, 1e-6 * extra);
  EXPECT_NEAR(with.hardware_flops - without.hardware_flops, extra, 1e-6 * extra);
  EXPECT_GT(with.compute_s, without.compute_s);
  // Nothing of theirs is dispatched.
  EXPECT_DOUBLE_EQ(with.ep_comm_s, without.ep_comm_s);
}

}  // namespace
}  // namespace capsim::sim
