#include "models/workloads/data_loading.hpp"

#include <gtest/gtest.h>

namespace capsim::workloads {

TEST(DataLoading, TextAtLlama3ScaleIsTinyForAParallelFs) {
  // 16M tokens per 5.6 s step, uint32 token ids (vocabulary 128,256).
  const auto r = data_loading({}, 5.6, 16.8e6, 128256, 8192, 2048, hw::default_parallel_fs());
  EXPECT_NEAR(r.demand_Bps, 16.8e6 * 4 / 5.6, 1);
  EXPECT_DOUBLE_EQ(r.starvation, 0);
}

TEST(DataLoading, VideoOutrunsAnObjectStoreAndReportsTheBandwidthThatFixesIt) {
  DataLoaderSpec spec;
  spec.sample_B = 200e6;         // a video clip
  spec.tokens_per_sample = 8192;
  hw::StorageTier s3 = hw::default_object_store();
  // 2 nodes, 1M tokens per 1 s step: 122 samples, 24.4 GB per step against 2 x 5.76 GB/s.
  const auto r = data_loading(spec, 1.0, 1e6, 32000, 8192, 2, s3);
  const double bytes = 1e6 / 8192 * 200e6;
  EXPECT_NEAR(r.tier_demand_Bps, bytes, 1);
  const double read_s = 0.1 + bytes / (2 * 64 * 90e6);
  EXPECT_NEAR(r.stall_per_step_s, read_s - 1.0, 1e-9);
  EXPECT_NEAR(r.starvation, (read_s - 1.0) / read_s, 1e-9);
  EXPECT_NEAR(r.required_bw_Bps, bytes / 0.9, 1);
}

TEST(DataLoading, CacheHitsTakeReadsOffTheTier) {
  DataLoaderSpec spec;
  spec.sample_B = 200e6;
  spec.cache_hit = 0.75;
  const auto r = data_loading(spec, 1.0, 1e6, 32000, 8192, 16, hw::default_object_store());
  EXPECT_NEAR(r.tier_demand_Bps, r.demand_Bps / 4, 1);
}

TEST(DataLoading, WithoutPrefetchEveryStepWaitsForItsRead) {
  DataLoaderSpec spec;
  spec.prefetch_batches = 0;
  const auto r = data_loading(spec, 1.0, 1e6, 32000, 8192, 16, hw::default_object_store());
  EXPECT_GT(r.stall_per_step_s, 0.1);  // at least the request latency
  EXPECT_GT(r.starvation, 0);
}

namespace {

/// 10 servers of 5 GB/s, no per-client or aggregate limit: 50 GB/s.
hw::StorageTier fifty_GBps_pfs() {
  hw::StorageTier t = hw::default_parallel_fs();
  t.servers = 10;
  t.bw_per_server_Bps = 5e9;
  t.aggregate_bw_Bps = 0;
  t.client_bw_per_node_Bps = 0;
  return t;
}

/// 100 MB samples of 1,000 tokens, 1M tokens per 1 s step: 100 GB per step.
DataLoaderSpec hundred_GB_per_step() {
  DataLoaderSpec spec;
  spec.sample_B = 100e6;
  spec.tokens_per_sample = 1000;
  return spec;
}

}  // namespace

TEST(DataLoading, AHotTierCacheRemovesTheStarvationTheWarmTierCauses) {
  const auto spec = hundred_GB_per_step();
  const hw::StorageTier pfs = fifty_GBps_pfs();
  // Warm only: 100 GB at 50 GB/s takes 2 s of a 1 s step; a 50% hit rate would halve the read.
  const auto cold = data_loading(spec, 1.0, 1e6, 32000, 8192, 4, pfs);
  EXPECT_DOUBLE_EQ(cold.stall_per_step_s, 1.0);
  EXPECT_DOUBLE_EQ(cold.starvation, 0.5);
  EXPECT_DOUBLE_EQ(cold.required_bw_Bps, 100e9);
  // A hot tier that serves nothing changes nothing, and says which hit rate would do.
  const hw::StorageTier nvme = hw::default_local_nvme();  // 25 GB/s per node
  const auto none = data_loading(spec, 1.0, 1e6, 32000, 8192, 4, pfs, {&nvme, 0.0});
  EXPECT_DOUBLE_EQ(none.starvation, 0.5);
  EXPECT_DOUBLE_EQ(none.required_hit_rate, 0.5);
  // 60% from 4 nodes' NVMe (60 GB at 100 GB/s, 0.6 s) while the pfs streams 40 GB (0.8 s): no wait.
  const auto hot = data_loading(spec, 1.0, 1e6, 32000, 8192, 4, pfs, {&nvme, 0.6});
  EXPECT_DOUBLE_EQ(hot.hot_demand_Bps, 60e9);
  EXPECT_DOUBLE_EQ(hot.tier_demand_Bps, 40e9);
  EXPECT_DOUBLE_EQ(hot.hot_bw_Bps, 100e9);
  EXPECT_DOUBLE_EQ(hot.stall_per_step_s, 0);
  EXPECT_DOUBLE_EQ(hot.starvation, 0);
  EXPECT_DOUBLE_EQ(hot.effective_bw_Bps, 100e9 / 0.8);
}

TEST(DataLoading, ASlowHotTierIsItselfTheBottleneck) {
  hw::StorageTier slow = hw::default_local_nvme();
  slow.bw_per_node_Bps = 5e9;  // 20 GB/s over 4 nodes
  // 90 GB from the hot tier take 4.5 s; the pfs's 10 GB only 0.2 s.
  const auto r = data_loading(hundred_GB_per_step(), 1.0, 1e6, 32000, 8192, 4, fifty_GBps_pfs(), {&slow, 0.9});
  EXPECT_DOUBLE_EQ(r.stall_per_step_s, 3.5);
  EXPECT_DOUBLE_EQ(r.effective_bw_Bps, 100e9 / 4.5);
}

}  // namespace capsim::workloads
