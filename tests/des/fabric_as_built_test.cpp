// Fabrics as built, in both engines: a classic fat-tree (a node's NICs on one leaf) and a rail-optimized fabric (one
// leaf per rail) differ wherever they physically differ, and a group straddling leaves feels the busiest leaf.
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

/// 32 DGX H100 nodes (8 NICs of 400 Gb/s each) under 64-port switches.
hw::ClusterSpec cluster(const std::string& topology, double oversubscription) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 32);
  c.scale_out.topology = topology;
  c.scale_out.radix = 64;
  c.scale_out.oversubscription = oversubscription;
  return c;
}

/// The DES tests' mixture-of-experts job on 32 nodes, one node per replica (TP 8), its experts spread over 8-node
/// expert-parallel groups: nodes 0-7, 8-15, 16-23 and 24-31.
workloads::TrainingJob expert_parallel_job() {
  workloads::TrainingJob j = des::testing::moe_job(32, 4);
  j.name = "ep8";
  j.model.experts = 8;
  j.parallelism.ep = 8;
  return j;
}

struct EpTimes {
  double analytical = 0;
  double des = 0;
};

EpTimes expert_all_to_all(const std::string& topology, double oversubscription) {
  const auto c = cluster(topology, oversubscription);
  const auto job = expert_parallel_job();
  return {part(AnalyticalEngine().run_training(c, job), "ep_comm"), part(DesEngine().run_training(c, job), "ep_comm")};
}

TEST(FabricAsBuilt, ExpertAllToAllOnAClassicFatTreeFeelsTheBusiestLeaf) {
  // The geometry. At 4:1 a 64-port leaf has 12 uplinks and 48 downlinks: 6 nodes of 8 NICs. Leaf 1 holds nodes
  // 6-11: the last 2 nodes of group 0, each sending 6/8 of its all-to-all buffer to nodes on other leaves, and the
  // first 4 of group 1, each sending 4/8 of it: 3.5 buffers through 12 cables. A node sends 7/8 of its buffer
  // through its own 8 cables. At 1:1 a leaf holds 4 nodes behind 32 uplinks: the NICs bind, not the uplinks.
  const double busiest_leaf = (2 * 6 / 8.0 + 4 * 4 / 8.0) / 12;
  const double nic = 7 / 8.0 / 8;
  const double expected = busiest_leaf / nic;  // 8/3
  ASSERT_NEAR(expected, 8.0 / 3, 1e-12);

  const EpTimes full = expert_all_to_all("fat-tree", 1.0);
  const EpTimes over = expert_all_to_all("fat-tree", 4.0);
  ASSERT_GT(full.analytical, 0);
  ASSERT_GT(full.des, 0);
  EXPECT_NEAR(over.analytical / full.analytical, expected, 0.1 * expected);
  EXPECT_NEAR(over.des / full.des, expected, 0.1 * expected);
  // The two engines tell the same story.
  EXPECT_NEAR(full.des / full.analytical, 1.0, 0.1);
  EXPECT_NEAR(over.des / over.analytical, 1.0, 0.1);
  std::printf("ep_comm fat-tree 1:1 analytical %.6f des %.6f; 4:1 analytical %.6f des %.6f; expected ratio %.4f\n",
              full.analytical, full.des, over.analytical, over.des, expected);
}

TEST(FabricAsBuilt, PaddedExpertCapacityTravelsInBothEngines) {
  // A capacity factor pads every expert's buffer: the all-to-all carries 1.25 x the routed tokens in both engines.
  const auto c = cluster("fat-tree", 1.0);
  auto job = expert_parallel_job();
  const EpTimes dropless{part(AnalyticalEngine().run_training(c, job), "ep_comm"),
                         part(DesEngine().run_training(c, job), "ep_comm")};
  job.model.capacity_factor = 1.25;
  const EpTimes padded{part(AnalyticalEngine().run_training(c, job), "ep_comm"),
                       part(DesEngine().run_training(c, job), "ep_comm")};
  EXPECT_NEAR(padded.analytical / dropless.analytical, 1.25, 0.03);
  EXPECT_NEAR(padded.des / dropless.des, 1.25, 0.03);
  EXPECT_NEAR(padded.des / padded.analytical, 1.0, 0.1);
}

TEST(FabricAsBuilt, ExpertAllToAllOnRailsThatFitOneLeafIgnoresOversubscription) {
  // Rail-optimized, a 4:1 leaf has 48 downlinks: every node's NIC of one rail sits on one leaf, and NCCL's PXN
  // moves each transfer onto the destination's rail inside the node, so nothing climbs.
  const EpTimes full = expert_all_to_all("rail-optimized", 1.0);
  const EpTimes over = expert_all_to_all("rail-optimized", 4.0);
  ASSERT_GT(full.des, 0);
  EXPECT_NEAR(over.analytical / full.analytical, 1.0, 0.02);
  EXPECT_NEAR(over.des / full.des, 1.0, 0.02);
  EXPECT_NEAR(over.des / over.analytical, 1.0, 0.1);
  std::printf("ep_comm rail-optimized 1:1 analytical %.6f des %.6f; 4:1 analytical %.6f des %.6f\n", full.analytical,
              full.des, over.analytical, over.des);
}

/// A dense job, one node per pipeline stage and replica (TP 8), stage s on nodes s x dp to s x dp + dp - 1 (Megatron's
/// rank order), its gradient reduction exposed (no overlap) so that the step shows it.
workloads::TrainingJob dense_job(int pp) {
  workloads::TrainingJob j;
  j.name = "dense";
  j.model = {"dense", 8, 8192, 28672, 64, 8, 0, 32000, 2048, true};
  j.parallelism.tp = 8;
  j.parallelism.pp = pp;
  j.parallelism.dp = 32 / pp;
  j.parallelism.global_batch = 4 * 32 / pp;
  j.parallelism.sequence_parallel = true;
  j.software.overlap_grad_reduce = false;
  return j;
}

struct Step {
  double step = 0;
  double dp = 0;
};
struct Engines {
  Step analytical;
  Step des;
};

Engines dense_step(const std::string& topology, double oversubscription, int pp) {
  const auto c = cluster(topology, oversubscription);
  const auto job = dense_job(pp);
  const TrainingResult a = AnalyticalEngine().run_training(c, job);
  const TrainingResult d = DesEngine().run_training(c, job);
  std::printf("dense pp %d %s %.0f:1: analytical step %.6f dp %.6f; des step %.6f dp %.6f\n", pp, topology.c_str(),
              oversubscription, a.step_time_s, part(a, "dp_comm"), d.step_time_s, part(d, "dp_comm"));
  return {{a.step_time_s, part(a, "dp_comm")}, {d.step_time_s, part(d, "dp_comm")}};
}

TEST(FabricAsBuilt, GradientRingsOfStagesStraddlingALeafSlowAClassicFatTreeNotRails) {
  // Four 8-node stages on 6-node leaves (4:1): leaf 1 holds nodes 6-11, the end of stage 0's ring and the start of
  // stage 1's, so two ring edges, each at a node's full NIC rate, leave it through 12 uplinks, a node and a half's
  // worth: 0.75 each, and the fabric part of the reduction takes 4/3 as long. Rail-optimized, each rail of the 32
  // nodes sits on one 48-port leaf: no ring climbs.
  const double expected = 1 / ((12 / 8.0) / 2);
  const Engines classic = dense_step("fat-tree", 4.0, 4);
  const Engines rails = dense_step("rail-optimized", 4.0, 4);
  EXPECT_NEAR(classic.analytical.dp / rails.analytical.dp, expected, 0.1 * expected);
  EXPECT_NEAR(classic.des.dp / rails.des.dp, expected, 0.1 * expected);
  EXPECT_GT(classic.analytical.step, 1.05 * rails.analytical.step);
  EXPECT_GT(classic.des.step, 1.05 * rails.des.step);
  EXPECT_NEAR(classic.des.step / classic.analytical.step, 1.0, 0.05);
  EXPECT_NEAR(rails.des.step / rails.analytical.step, 1.0, 0.05);
}

TEST(FabricAsBuilt, OneGradientRingDiffersOnlyWhereALeafHasFewerUplinksThanANodeHasNics) {
  // One 32-node ring leaves each leaf once per direction. At 4:1 a leaf's 12 uplinks carry it at full speed, so the
  // classic fat-tree and the rails give the same step; at 8:1 a leaf of 7 nodes has 7 uplinks for the 8 NICs' worth
  // of the edge: 8/7 as long.
  const Engines classic4 = dense_step("fat-tree", 4.0, 1);
  const Engines rails4 = dense_step("rail-optimized", 4.0, 1);
  EXPECT_NEAR(classic4.analytical.step, rails4.analytical.step, 1e-9);
  EXPECT_NEAR(classic4.des.step, rails4.des.step, 1e-3 * rails4.des.step);
  const Engines classic8 = dense_step("fat-tree", 8.0, 1);
  const Engines rails8 = dense_step("rail-optimized", 8.0, 1);
  EXPECT_NEAR(classic8.analytical.dp / rails8.analytical.dp, 8.0 / 7, 0.02);
  EXPECT_NEAR(classic8.des.dp / rails8.des.dp, 8.0 / 7, 0.02);
  EXPECT_NEAR(classic8.des.step / classic8.analytical.step, 1.0, 0.02);
}

TEST(FabricAsBuilt, FailedUplinksOfALeafSlowTheRingThatLeavesIt) {
  // One 32-node ring at 4:1 (TP 8, DP 32): leaf 0 (nodes 0-5) sends one ring edge, a node's 8 NICs' worth, up
  // through 12 uplinks and takes one in through them. With 6 of them down the edge has 6 cables: 8/6 as long.
  const auto c = cluster("fat-tree", 4.0);
  const auto job = dense_job(1);
  DesEngineOptions broken;
  broken.failed.push_back({0, 31, 1, 6});
  const double healthy = part(DesEngine().run_training(c, job), "dp_comm");
  const double degraded = part(DesEngine(broken).run_training(c, job), "dp_comm");
  EXPECT_NEAR(degraded / healthy, 8.0 / 6, 0.05);
}

}  // namespace
}  // namespace capsim::sim
