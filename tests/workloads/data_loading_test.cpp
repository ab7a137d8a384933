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

}  // namespace capsim::workloads
