#include "models/workloads/checkpoint.hpp"

#include <gtest/gtest.h>

#include "models/workloads/model_catalog.hpp"
#include "sim/analytical/training_memory.hpp"

namespace capsim::workloads {

namespace {

/// Llama 3.1 405B as Meta trained it: 16,384 H100s, TP8 PP16 DP128, ZeRO-1.
TrainingJob llama405b() {
  TrainingJob job;
  job.model = *ModelCatalog::builtin().find("llama3-405b");
  if (job.model.head_dim == 0) job.model.head_dim = job.model.hidden / job.model.heads;
  job.parallelism.tp = 8;
  job.parallelism.pp = 16;
  job.parallelism.dp = 128;
  job.parallelism.global_batch = 2048;
  job.parallelism.zero = 1;
  return job;
}

CheckpointSize size_of(const TrainingJob& job) {
  return checkpoint_size(job.model.parameters(), sim::stage_parameters(job).total(), job.parallelism);
}

}  // namespace

TEST(Checkpoint, Llama405bIsFourteenBytesPerParameterSpreadOverEveryGpu) {
  const auto job = llama405b();
  const auto s = size_of(job);
  EXPECT_NEAR(s.total_B, job.model.parameters() * 14, 1);
  EXPECT_EQ(s.writer_gpus, 16384);
  // Llama 3 reports 1 MB to 4 GB per GPU.
  EXPECT_GT(s.per_gpu_B, 300e6);
  EXPECT_LT(s.per_gpu_B, 4e9);
}

TEST(Checkpoint, WithoutZeroOneReplicaWritesEverything) {
  auto job = llama405b();
  job.parallelism.zero = 0;
  const auto s = size_of(job);
  EXPECT_EQ(s.writer_gpus, 8 * 16);
  EXPECT_NEAR(s.per_gpu_B, size_of(llama405b()).per_gpu_B * 128, 1e3);
}

/// The 405B stall table of the report: write, synchronous and asynchronous stall, restore on each default tier.
TEST(Checkpoint, Llama405bStallTableOnThreeTiers) {
  const auto s = size_of(llama405b());
  const CheckpointPolicy policy;
  const auto nvme = checkpoint_cost(s, 2048, 8, hw::default_local_nvme(), policy);
  const auto pfs = checkpoint_cost(s, 2048, 8, hw::default_parallel_fs(), policy);
  const auto s3 = checkpoint_cost(s, 2048, 8, hw::default_object_store(), policy);
  // Local NVMe: each node writes 8 shards at 25 GB/s.
  EXPECT_NEAR(nvme.write_s, s.per_gpu_B * 8 / 25e9, 1e-9);
  // Parallel FS: 5.7 TB at Tectonic's 2 TB/s sustained.
  EXPECT_NEAR(pfs.write_s, s.total_B / 2e12, 1e-9);
  EXPECT_NEAR(pfs.write_s, 2.84, 0.05);
  // Object store: 2,048 nodes x 64 streams x 90 MB/s plus 100 ms to first byte.
  EXPECT_NEAR(s3.write_s, 0.1 + s.total_B / (2048 * 64 * 90e6), 1e-9);
  EXPECT_LT(nvme.write_s, pfs.write_s);
  for (const auto& c : {nvme, pfs, s3}) {
    EXPECT_DOUBLE_EQ(c.sync_stall_s, c.write_s);
    EXPECT_NEAR(c.async_stall_s, s.per_gpu_B / 25e9, 1e-12);
    EXPECT_GT(c.restore_s, c.write_s);
    EXPECT_TRUE(c.fits);
  }
}

TEST(Checkpoint, AsyncBackgroundCostIsTheMeasuredThroughputDipOverItsWindow) {
  // Meta and Crusoe (PyTorch blog, 2025), Llama 3 70B on 1,856 H200s at 700 tokens/s per GPU: after each
  // asynchronous save, 372 for ~67 s (background process, cached plans), 315 for ~436 s (threads, planning each save).
  EXPECT_NEAR(async_background_loss_s(AsyncSaver::dcp_process_cached), 67 * (700.0 - 372) / 700, 1e-9);
  EXPECT_NEAR(async_background_loss_s(AsyncSaver::dcp_thread), 436 * (700.0 - 315) / 700, 1e-9);
  const auto s = size_of(llama405b());
  CheckpointPolicy policy;
  const auto cached = checkpoint_cost(s, 2048, 8, hw::default_parallel_fs(), policy);
  EXPECT_DOUBLE_EQ(cached.async_background_s, async_background_loss_s(AsyncSaver::dcp_process_cached));
  // The GPUs block only for the copy (13.9 ms at 25 GB/s); what the save costs the trainer is its background work.
  EXPECT_NEAR(cached.async_stall_s, 0.0139, 1e-4);
  EXPECT_GT(cached.async_background_s, 1000 * cached.async_stall_s);
  policy.async_saver = AsyncSaver::dcp_thread;
  const auto threads = checkpoint_cost(s, 2048, 8, hw::default_parallel_fs(), policy);
  EXPECT_GT(threads.async_background_s, 7 * cached.async_background_s);
  EXPECT_DOUBLE_EQ(threads.async_stall_s, cached.async_stall_s);
}

TEST(Checkpoint, TierTooSmallForTwoCheckpointsDoesNotFit) {
  auto tier = hw::default_parallel_fs();
  tier.capacity_B = 1e12;
  EXPECT_FALSE(checkpoint_cost(size_of(llama405b()), 2048, 8, tier, {}).fits);
}

}  // namespace capsim::workloads
