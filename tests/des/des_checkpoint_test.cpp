// A checkpoint written during a DES step: its flows cross the fabric to the storage servers and contend with the
// training flows (sim/des/des_checkpoint.hpp).
#include <gtest/gtest.h>

#include "tests/des/breakdown_part.hpp"

#include <string>
#include <vector>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/checkpoint.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/analytical/training_memory.hpp"
#include "sim/core/error.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/des/fat_tree_shape.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

hw::ClusterSpec h100(int nodes) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  c.scale_out.topology = "rail-optimized";  // the layouts below are one leaf group per rail
  return c;
}

using testing::part;

/// A parallel file system of `servers` x `per_server_Bps`, no aggregate ceiling; `client_Bps` per node (0 = none).
hw::StorageTier pfs(int servers, double per_server_Bps, double client_Bps) {
  hw::StorageTier t = hw::default_parallel_fs();
  t.servers = servers;
  t.bw_per_server_Bps = per_server_Bps;
  t.aggregate_bw_Bps = 0;
  t.client_bw_per_node_Bps = client_Bps;
  return t;
}

DesEngineOptions checkpointing(workloads::CheckpointMode mode, const hw::StorageTier& tier) {
  DesEngineOptions o;
  o.checkpoint.enabled = true;
  o.checkpoint.mode = mode;
  o.checkpoint.tier = tier;
  return o;
}

/// Llama 3 8B, TP8 PP2 DP4 with ZeRO-1 on 8 nodes: every GPU writes its shard.
workloads::TrainingJob llama8b() {
  workloads::TrainingJob job;
  job.name = "llama3-8b";
  job.model = *workloads::ModelCatalog::builtin().find("llama3-8b");
  job.parallelism.tp = 8;
  job.parallelism.pp = 2;
  job.parallelism.dp = 4;
  job.parallelism.global_batch = 64;
  job.parallelism.sequence_parallel = true;
  job.parallelism.zero = 1;
  return job;
}

double closed_form_write_s(const workloads::TrainingJob& job, const hw::StorageTier& tier, int nodes) {
  const auto size = workloads::checkpoint_size(job.model.parameters(), stage_parameters(job).total(), job.parallelism);
  return workloads::checkpoint_cost(size, nodes, 8, tier, workloads::CheckpointPolicy{}).write_s;
}

TEST(DesCheckpoint, WriteTimeMatchesTheClosedFormWhenStorageIsTheBottleneck) {
  const auto cluster = h100(8);
  const auto job = llama8b();
  // Storage servers (16 GB/s together), the nodes' client NICs (8 x 1 GB/s) and an S3-like store (64 streams of
  // 90 MB/s per node, 100 ms to first byte): each far below the fabric's 376 GB/s per node.
  const std::vector<hw::StorageTier> tiers = {pfs(8, 2e9, 0), pfs(8, 2e9, 1e9), hw::default_object_store()};
  for (const auto& tier : tiers) {
    for (auto mode : {workloads::CheckpointMode::async, workloads::CheckpointMode::sync}) {
      const TrainingResult r = DesEngine(checkpointing(mode, tier)).run_training(cluster, job);
      const SimulatedCheckpoint& c = r.storage.des_checkpoint;
      ASSERT_FALSE(c.mode.empty());
      EXPECT_NEAR(c.bytes / (job.model.parameters() * 14), 1.0, 1e-6);
      EXPECT_NEAR(c.write_s / closed_form_write_s(job, tier, 8), 1.0, 0.02) << tier.name << " " << c.mode;
    }
  }
}

TEST(DesCheckpoint, SyncCheckpointStallsTheStepByItsWriteAndSlowsNothingElse) {
  const auto cluster = h100(8);
  const TrainingResult r =
      DesEngine(checkpointing(workloads::CheckpointMode::sync, pfs(8, 2e9, 0))).run_training(cluster, llama8b());
  const SimulatedCheckpoint& c = r.storage.des_checkpoint;
  EXPECT_EQ(c.mode, "sync");
  EXPECT_DOUBLE_EQ(c.stall_s, c.write_s);
  EXPECT_DOUBLE_EQ(c.step_without_s, r.step_time_s);
  EXPECT_NEAR(c.step_time_s, c.write_s + r.step_time_s, 1e-6 * c.step_time_s);
  EXPECT_NEAR(c.contention_slowdown, 1.0, 1e-6);
}

/// A dense 13B-class model, data-parallel over `nodes` nodes with ZeRO-1 and nothing overlapped: its step is
/// compute, then the gradient reduce-scatter ring, then the parameter all-gather ring, all exposed.
workloads::TrainingJob dense_dp(int nodes) {
  workloads::TrainingJob job;
  job.name = "dense";
  job.model = {"dense", 16, 8192, 32768, 32, 8, 0, 32000, 1024, true};
  job.parallelism.tp = 8;
  job.parallelism.dp = nodes;
  job.parallelism.global_batch = nodes;
  job.parallelism.sequence_parallel = true;
  job.parallelism.zero = 1;
  job.software.overlap_grad_reduce = false;
  job.software.overlap_param_gather = false;
  return job;
}

/// Async checkpoint of dense_dp(48) on 48 nodes under leaves of 30-port switches: how much longer its exposed
/// gradient and parameter rings take with the checkpoint than without, and the whole step's contention slowdown.
struct RingSlowdown {
  double rings = 0;
  double step = 0;
};

RingSlowdown async_checkpoint_on(double oversubscription) {
  auto cluster = h100(48);
  cluster.scale_out.radix = 30;
  cluster.scale_out.oversubscription = oversubscription;
  const double link_Bps = des::fat_tree_shape(cluster, 48).link_bw_Bps;
  // Each node writes at 1/32 of its link (its storage client NIC); 2 TB/s of servers never limit the 48 writers.
  const auto tier = pfs(100, 20e9, link_Bps / 32);
  const TrainingResult r =
      DesEngine(checkpointing(workloads::CheckpointMode::async, tier)).run_training(cluster, dense_dp(48));
  const SimulatedCheckpoint& c = r.storage.des_checkpoint;
  // The writes outlast the step, so they press on the rings from start to end.
  EXPECT_GT(c.write_s, c.step_time_s);
  const double rings = part(r, "dp_comm") + part(r, "param_gather");
  const double rest = r.step_time_s - rings;
  return {(c.step_time_s - c.stall_s - rest) / rings, c.contention_slowdown};
}

TEST(DesCheckpoint, AsyncWritesSlowTheGradientRingsByTheShareTheyTakeOfANic) {
  // Each node's write leaves its storage client (1/32 of a NIC's bandwidth) through one of its NICs, which also
  // carries that rail's gradient ring: the ring flow keeps 31/32 of the cable, and the rings, paced by their
  // slowest flow, take 32/31 as long. The uplinks are not what binds here: a leaf's 24 NICs of one rail send only
  // the 3 writes whose storage endpoint maps to that rail, 3/32 of one uplink at most, so 4:1 and 1:1 fabrics
  // slow the rings alike.
  const RingSlowdown four = async_checkpoint_on(4.0);
  const RingSlowdown full = async_checkpoint_on(1.0);
  EXPECT_NEAR(four.rings, 32.0 / 31.0, 0.005);
  EXPECT_NEAR(full.rings, 32.0 / 31.0, 0.005);
  // The step slows by the rings' share of it.
  EXPECT_GT(four.step, 1.01);
  EXPECT_LT(four.step, four.rings);
}

TEST(DesCheckpoint, StorageBehindAnOversubscribedLeafIsBoundByItsUplinks) {
  auto cluster = h100(48);
  cluster.scale_out.radix = 30;
  cluster.scale_out.oversubscription = 4.0;
  const auto shape = des::fat_tree_shape(cluster, 48);
  const auto job = dense_dp(48);
  // 10 TB/s of servers and no client limit: the fabric is all that bounds the write.
  const auto tier = pfs(100, 100e9, 0);
  const TrainingResult r = DesEngine(checkpointing(workloads::CheckpointMode::sync, tier)).run_training(cluster, job);
  const SimulatedCheckpoint& c = r.storage.des_checkpoint;
  // The storage leaf switch is built like a compute leaf: at 4:1 its 24 endpoint ports sit behind 6 uplinks, and
  // the writes of all 48 nodes funnel through them (a compute leaf's 6 uplinks carry only its own 24 nodes').
  const double uplinks_Bps = shape.uplink_bw_Bps(1);
  EXPECT_NEAR(c.write_s / (c.bytes / uplinks_Bps), 1.0, 0.03);
  EXPECT_GT(c.write_s, 4 * closed_form_write_s(job, tier, 48));
}

TEST(DesCheckpoint, ANodeLocalTierIsRefused) {
  DesEngineOptions o = checkpointing(workloads::CheckpointMode::async, hw::default_local_nvme());
  EXPECT_THROW(DesEngine(o).run_training(h100(8), llama8b()), InfeasibleError);
}

}  // namespace
}  // namespace capsim::sim
