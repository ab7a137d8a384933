#include "sim/des/checkpoint_plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/checkpoint.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/analytical/training_memory.hpp"
#include "sim/des/fat_tree_shape.hpp"

namespace capsim::sim::des {
namespace CAPSIM_UNITY_ID {

workloads::TrainingJob llama405b(int zero) {
  workloads::TrainingJob job;
  job.model = *workloads::ModelCatalog::builtin().find("llama3-405b");
  job.parallelism.tp = 8;
  job.parallelism.pp = 16;
  job.parallelism.dp = 128;
  job.parallelism.global_batch = 2048;
  job.parallelism.zero = zero;
  return job;
}

workloads::CheckpointSize closed_form(const workloads::TrainingJob& job) {
  return workloads::checkpoint_size(job.model.parameters(), stage_parameters(job).total(), job.parallelism);
}

TEST(JobCheckpoint, EveryNodeWritesAndTheWritesAddUpToTheClosedFormCheckpoint) {
  const auto job = llama405b(1);
  const JobCheckpoint c = job_checkpoint(job, 0, 8);
  ASSERT_EQ(c.writes.size(), 2048u);
  double sum = 0;
  for (const auto& w : c.writes) sum += w.bytes;
  const auto size = closed_form(job);
  EXPECT_NEAR(sum / size.total_B, 1.0, 1e-9);
  EXPECT_NEAR(c.total_B / size.total_B, 1.0, 1e-9);
  // The largest shard is the closed form's most loaded GPU (which rounds the stage's norms differently).
  EXPECT_NEAR(c.max_gpu_B / size.per_gpu_B, 1.0, 0.02);
}

TEST(JobCheckpoint, WithoutZeroOneDataParallelReplicaWritesEverything) {
  const auto job = llama405b(0);
  const JobCheckpoint c = job_checkpoint(job, 0, 8);
  // Replica 0 of each of the 16 stages: one node (TP8) per stage.
  ASSERT_EQ(c.writes.size(), 16u);
  double sum = 0;
  for (const auto& w : c.writes) sum += w.bytes;
  EXPECT_NEAR(sum / closed_form(job).total_B, 1.0, 1e-9);
  EXPECT_EQ(c.writes[1].node, 128);  // stage 1 starts after stage 0's 128 replicas
}

TEST(JobCheckpoint, WithoutZeroEachExpertParallelReplicaWritesItsExperts) {
  workloads::TrainingJob job;
  job.model = {"moe", 8, 4096, 4096, 32, 8, 0, 32000, 4096, true};
  job.model.experts = 16;
  job.model.top_k = 2;
  job.model.expert_ffn_hidden = 4096;
  job.parallelism.tp = 8;
  job.parallelism.dp = 16;
  job.parallelism.ep = 4;
  job.parallelism.global_batch = 16;
  const JobCheckpoint c = job_checkpoint(job, 0, 8);
  ASSERT_EQ(c.writes.size(), 4u);  // the nodes of replicas 0 to 3
  double sum = 0;
  for (const auto& w : c.writes) sum += w.bytes;
  const auto size = closed_form(job);
  EXPECT_NEAR(sum / size.total_B, 1.0, 1e-9);
  EXPECT_GT(c.writes[0].bytes, c.writes[1].bytes);  // replica 0 also writes the replicated parameters
  EXPECT_NEAR(c.max_gpu_B / size.per_gpu_B, 1.0, 0.02);
}

TEST(JobCheckpoint, AJobFurtherOnTheClusterWritesFromItsOwnNodes) {
  auto job = llama405b(1);
  job.parallelism.pp = 1;
  job.parallelism.dp = 4;
  const JobCheckpoint c = job_checkpoint(job, 64, 8);
  ASSERT_EQ(c.writes.size(), 4u);
  EXPECT_EQ(c.writes.front().node, 8);
  EXPECT_EQ(c.writes.back().node, 11);
}

TEST(StorageBandwidth, ServiceIsTheServersCappedByTheAggregateAndClientsByTheirNic) {
  EXPECT_DOUBLE_EQ(storage_service_Bps(hw::default_parallel_fs()), 2e12);
  hw::StorageTier small = hw::default_parallel_fs();
  small.servers = 8;
  small.bw_per_server_Bps = 2e9;
  EXPECT_DOUBLE_EQ(storage_service_Bps(small), 16e9);
  EXPECT_TRUE(std::isinf(storage_service_Bps(hw::default_object_store())));
  EXPECT_DOUBLE_EQ(storage_client_cap_Bps(hw::default_parallel_fs()), 50e9);
  // An S3 client is bound by its 64 streams of 90 MB/s before its 12.5 GB/s NIC.
  EXPECT_DOUBLE_EQ(storage_client_cap_Bps(hw::default_object_store()), 64 * 90e6);
}

TEST(AssignEndpoints, WritesGoRoundRobinOverTheEndpointsAcrossJobs) {
  JobCheckpoint a;
  a.writes = {{0, 1.0}, {1, 2.0}, {2, 3.0}};
  JobCheckpoint b;
  b.writes = {{3, 4.0}, {4, 5.0}};
  const EndpointAssignment e = assign_endpoints({a, b}, 2);
  EXPECT_EQ(e.endpoint[0], (std::vector<int>{0, 1, 0}));
  EXPECT_EQ(e.endpoint[1], (std::vector<int>{1, 0}));
  EXPECT_DOUBLE_EQ(e.bytes[0], 1.0 + 3.0 + 5.0);
  EXPECT_DOUBLE_EQ(e.bytes[1], 2.0 + 4.0);
}

hw::ClusterSpec h100(int nodes) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  c.scale_out.topology = "rail-optimized";  // the layouts below are one leaf group per rail
  return c;
}

/// Every NIC and every storage endpoint has its own leaf, and leaf_role() inverts nic_leaf() and storage_leaf().
void expect_consistent(const FatTreeShape& s) {
  std::set<int> leaves;
  for (int n = 0; n < s.nodes; ++n) {
    for (int r = 0; r < s.rails; ++r) {
      const int leaf = s.nic_leaf(n, r);
      const LeafRole role = s.leaf_role(leaf);
      EXPECT_EQ(role.kind, LeafRole::Kind::nic);
      EXPECT_EQ(role.node, n);
      EXPECT_EQ(role.rail, r);
      leaves.insert(leaf);
    }
  }
  for (int e = 0; e < s.storage_endpoints(); ++e) {
    const int leaf = s.storage_leaf(e);
    EXPECT_EQ(s.leaf_role(leaf).kind, LeafRole::Kind::storage);
    EXPECT_EQ(s.leaf_role(leaf).storage, e);
    leaves.insert(leaf);
  }
  EXPECT_EQ(static_cast<int>(leaves.size()), s.nodes * s.rails + s.storage_endpoints());
  EXPECT_LT(*leaves.rbegin(), s.leaves);
}

TEST(FatTreeStorage, ThreeTiersGetAStorageLeafSwitchInEveryPod) {
  const FatTreeShape plain = fat_tree_shape(h100(2048), 2048);
  const FatTreeShape s = with_storage(plain);
  ASSERT_EQ(s.levels, 3u);
  EXPECT_EQ(s.down[1], plain.down[1] + 1);
  EXPECT_EQ(s.groups, static_cast<int>(plain.down[2]));
  EXPECT_EQ(s.storage_endpoints(), static_cast<int>(plain.down[0] * plain.down[2]));
  EXPECT_LE(s.storage_endpoints(), 512);  // hundreds of hosts (a storage leaf in each of 16 pods), not thousands
  expect_consistent(s);
}

TEST(FatTreeStorage, TwoTiersGetOneMoreLeafSwitchUnderTheSpines) {
  for (int nodes : {4, 48, 128}) {
    const FatTreeShape plain = fat_tree_shape(h100(nodes), nodes);
    const FatTreeShape s = with_storage(plain);
    ASSERT_EQ(s.levels, 2u);
    EXPECT_EQ(s.down[1], plain.down[1] + 1);
    EXPECT_EQ(s.up, plain.up);  // a storage leaf has a compute leaf's uplinks
    EXPECT_EQ(s.storage_endpoints(), static_cast<int>(s.down[0]));
    expect_consistent(s);
  }
}

TEST(FatTreeStorage, ASingleSwitchGetsMorePorts) {
  FatTreeShape one;
  one.levels = 1;
  one.down = {5};
  one.up = {1};
  one.number = {1};
  one.leaves = one.nodes = one.group_compute_leaves = one.rail_leaves = 5;
  const FatTreeShape s = with_storage(one);
  EXPECT_EQ(s.storage_endpoints(), kSingleSwitchStorageEndpoints);
  EXPECT_EQ(s.leaves, 5 + kSingleSwitchStorageEndpoints);
  expect_consistent(s);
}

TEST(FatTreeStorage, WithoutStorageTheLeavesAreRailMajor) {
  const FatTreeShape s = fat_tree_shape(h100(2048), 2048);
  EXPECT_EQ(s.storage_endpoints(), 0);
  EXPECT_EQ(s.rails, 8);
  EXPECT_EQ(s.rail_leaves, 2048);
  for (int n : {0, 1, 1023, 2047}) {
    EXPECT_EQ(s.nic_leaf(n, 0), n);
    EXPECT_EQ(s.nic_leaf(n, 5), 5 * 2048 + n);
  }
  expect_consistent(s);
}

}  // namespace
}  // namespace capsim::sim::des
