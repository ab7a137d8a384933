// Hot/warm/cold placement: bytes per tier against capacity, the hot cache's share, the checkpoint drain and the
// monthly bill, on tiers small enough to check by hand.
#include "models/workloads/placement.hpp"

#include <gtest/gtest.h>

#include "sim/core/error.hpp"

namespace capsim::workloads {
namespace CAPSIM_UNITY_ID {

/// 2 TB and 10 GB/s per node.
hw::StorageTier nvme() {
  hw::StorageTier t = hw::default_local_nvme();
  t.capacity_per_node_B = 2e12;
  t.bw_per_node_Bps = 10e9;
  return t;
}

/// 100 TB; 10 servers of 1 GB/s, no per-client or aggregate limit.
hw::StorageTier pfs() {
  hw::StorageTier t = hw::default_parallel_fs();
  t.servers = 10;
  t.bw_per_server_Bps = 1e9;
  t.aggregate_bw_Bps = 0;
  t.client_bw_per_node_Bps = 0;
  t.capacity_B = 100e12;
  return t;
}

std::vector<hw::StorageTier> tiers() { return {nvme(), pfs(), hw::default_object_store()}; }

/// 1 TB checkpoint written by all 32 GPUs of 4 nodes: 31.25 GB per GPU, 250 GB per node.
CheckpointSize one_tb() { return {1e12, 1e12 / 32, 32}; }

PlacementSpec dataset_and_checkpoints() {
  PlacementSpec spec;
  spec.dataset = DatasetPlacement{20e12, "nvme", 0.25, "pfs", "s3"};
  spec.checkpoints = CheckpointRetention{"pfs", 2, "s3", 10};
  return spec;
}

const TierUse& use_of(const PlacementResult& r, const std::string& tier) {
  for (const auto& t : r.tiers) {
    if (t.tier == tier) return t;
  }
  throw Error("no tier " + tier);
}

TEST(Placement, PutsEachCopyOnItsTierAndPricesIt) {
  const auto r = plan_placement(dataset_and_checkpoints(), tiers(), one_tb(), 4, 8);
  ASSERT_TRUE(r.shortfalls.empty());
  ASSERT_EQ(r.tiers.size(), 3u);
  // nvme: a quarter of 20 TB over 4 nodes of 2 TB.
  EXPECT_DOUBLE_EQ(use_of(r, "nvme").dataset_B, 5e12);
  EXPECT_DOUBLE_EQ(use_of(r, "nvme").capacity_B, 8e12);
  EXPECT_DOUBLE_EQ(use_of(r, "nvme").capacity_share(), 5.0 / 8);
  // pfs: the whole dataset and 2 checkpoints, 22 TB of 100 TB.
  EXPECT_DOUBLE_EQ(use_of(r, "pfs").placed_B(), 22e12);
  EXPECT_DOUBLE_EQ(use_of(r, "pfs").capacity_share(), 0.22);
  // s3: the archive copy and 10 checkpoints, 30 TB at $0.023/GB-month; unbounded.
  EXPECT_DOUBLE_EQ(use_of(r, "s3").dataset_B, 20e12);
  EXPECT_DOUBLE_EQ(use_of(r, "s3").checkpoint_B, 10e12);
  EXPECT_DOUBLE_EQ(use_of(r, "s3").capacity_share(), 0);
  EXPECT_NEAR(use_of(r, "s3").usd_per_month(), 30'000 * 0.023, 1e-9);
  EXPECT_NEAR(r.usd_per_month(), 690, 1e-9);
  // Neither nvme nor pfs has a price: both say so.
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("\"nvme\" has no price_per_gb_month"), std::string::npos) << r.notes[0];
}

TEST(Placement, HitRateIsTheHotShareStagedFromTheWarmTier) {
  const auto r = plan_placement(dataset_and_checkpoints(), tiers(), one_tb(), 4, 8);
  ASSERT_TRUE(r.dataset);
  EXPECT_DOUBLE_EQ(r.dataset->hot_B, 5e12);
  EXPECT_DOUBLE_EQ(r.dataset->hit_rate, 0.25);
  // 5 TB at min(pfs 10 GB/s, nvme 4 x 10 GB/s).
  EXPECT_DOUBLE_EQ(r.dataset->staging_s, 500);
  // The warm copy comes out of S3 once: 20,000 GB at $0.09.
  EXPECT_NEAR(r.dataset->staging_egress_usd, 1800, 1e-9);
}

TEST(Placement, TheHotCacheIsCappedByWhatTheTierHasLeft) {
  PlacementSpec spec = dataset_and_checkpoints();
  spec.dataset->hot_fraction = 1;
  auto r = plan_placement(spec, tiers(), one_tb(), 4, 8);
  EXPECT_DOUBLE_EQ(r.dataset->hot_B, 8e12);  // all of 4 x 2 TB
  EXPECT_DOUBLE_EQ(r.dataset->hit_rate, 0.4);
  EXPECT_NE(r.notes[0].find("has room for"), std::string::npos) << r.notes[0];
  // Checkpoints on the same drives come first: 2 x 250 GB per node leave 1.5 TB per node for the cache.
  spec.checkpoints->hot = "nvme";
  r = plan_placement(spec, tiers(), one_tb(), 4, 8);
  ASSERT_TRUE(r.shortfalls.empty());
  EXPECT_DOUBLE_EQ(use_of(r, "nvme").checkpoint_B, 2e12);
  EXPECT_DOUBLE_EQ(r.dataset->hot_B, 6e12);
  EXPECT_DOUBLE_EQ(r.dataset->hit_rate, 0.3);
}

TEST(Placement, TooManyCheckpointsOnASharedTierIsAShortfallSayingHowManyFit) {
  PlacementSpec spec = dataset_and_checkpoints();
  spec.checkpoints->keep_hot = 90;  // 90 TB + the 20 TB dataset on a 100 TB file system
  const auto r = plan_placement(spec, tiers(), one_tb(), 4, 8);
  ASSERT_EQ(r.shortfalls.size(), 1u);
  const auto& s = r.shortfalls[0];
  EXPECT_EQ(s.tier, "pfs");
  EXPECT_EQ(s.key, "checkpoints/keep_hot");
  EXPECT_DOUBLE_EQ(s.needed_B, 110e12);
  EXPECT_DOUBLE_EQ(s.capacity_B, 100e12);
  EXPECT_NE(s.message.find("short"), std::string::npos) << s.message;
  EXPECT_NE(s.hint.find("80 fit: set \"keep_hot\" to 80 or less"), std::string::npos) << s.hint;
  EXPECT_THROW(require_capacity(r), InfeasibleError);
}

TEST(Placement, NodeLocalTiersAreCheckedPerNode) {
  PlacementSpec spec;
  spec.checkpoints = CheckpointRetention{"nvme", 10, "", 1};  // 10 x 250 GB on 2 TB drives per node
  const auto r = plan_placement(spec, tiers(), one_tb(), 4, 8);
  ASSERT_EQ(r.shortfalls.size(), 1u);
  EXPECT_DOUBLE_EQ(r.shortfalls[0].needed_B, 2.5e12);
  EXPECT_DOUBLE_EQ(r.shortfalls[0].capacity_B, 2e12);
  EXPECT_NE(r.shortfalls[0].message.find("busiest node"), std::string::npos) << r.shortfalls[0].message;
  EXPECT_NE(r.shortfalls[0].hint.find("8 fit"), std::string::npos) << r.shortfalls[0].hint;
  spec.checkpoints->keep_hot = 8;
  EXPECT_TRUE(plan_placement(spec, tiers(), one_tb(), 4, 8).shortfalls.empty());
}

TEST(Placement, ADatasetLargerThanItsWarmTierIsAShortfall) {
  PlacementSpec spec;
  spec.dataset = DatasetPlacement{150e12, "", 1, "pfs", ""};
  const auto r = plan_placement(spec, tiers(), one_tb(), 4, 8);
  ASSERT_EQ(r.shortfalls.size(), 1u);
  EXPECT_EQ(r.shortfalls[0].key, "dataset/warm");
  EXPECT_NE(r.shortfalls[0].hint.find("larger tier"), std::string::npos);
  try {
    require_capacity(r);
    FAIL() << "require_capacity accepted a shortfall";
  } catch (const InfeasibleError& e) {
    EXPECT_NE(std::string(e.what()).find("tier \"pfs\" holds 90.9 TiB"), std::string::npos) << e.what();
  }
}

TEST(Placement, AnUnknownTierIsAnError) {
  PlacementSpec spec;
  spec.dataset = DatasetPlacement{1e12, "", 1, "lustre", ""};
  EXPECT_THROW(plan_placement(spec, tiers(), one_tb(), 4, 8), Error);
}

TEST(CheckpointDrain, RunsAtTheSlowerOfHotReadAndColdWrite) {
  hw::StorageTier s3 = hw::default_object_store();
  s3.ingress_usd_per_GB = 0.01;
  // pfs reads 10 GB/s; S3 takes 4 nodes x 64 streams x 90 MB/s = 23 GB/s; 0.1 s to first byte.
  const auto d = checkpoint_drain(one_tb(), 4, 8, pfs(), s3, 60);
  EXPECT_DOUBLE_EQ(d.bandwidth_Bps, 10e9);
  EXPECT_DOUBLE_EQ(d.drain_s, 100.1);
  EXPECT_FALSE(d.keeps_up);  // a checkpoint every minute
  // The drainer skips what arrives while it is busy: one copy per 100.1 s, 1,000 GB at $0.01 each.
  EXPECT_DOUBLE_EQ(d.drains_per_month, 730 * 3600 / 100.1);
  EXPECT_NEAR(d.transfer_usd_per_month, 730 * 3600 / 100.1 * 1000 * 0.01, 1e-6);
  const auto slow = checkpoint_drain(one_tb(), 4, 8, pfs(), s3, 600);
  EXPECT_TRUE(slow.keeps_up);
  EXPECT_DOUBLE_EQ(slow.drains_per_month, 730 * 6);
}

TEST(CheckpointDrain, TransfersIntoS3AreFreeByDefault) {
  const auto d = checkpoint_drain(one_tb(), 4, 8, pfs(), hw::default_object_store(), 600);
  EXPECT_DOUBLE_EQ(d.transfer_usd_per_month, 0);
}

}  // namespace
}  // namespace capsim::workloads
