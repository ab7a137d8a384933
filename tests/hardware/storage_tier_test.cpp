#include "models/hardware/storage_tier.hpp"

#include <gtest/gtest.h>

namespace capsim::hw {

TEST(StorageTier, ParallelFsDefaultsToTectonicSustainedBandwidth) {
  const StorageTier pfs = default_parallel_fs();
  EXPECT_DOUBLE_EQ(pfs.bandwidth_Bps(2048), 2e12);  // Llama 3: 2 TB/s sustained
  EXPECT_DOUBLE_EQ(pfs.capacity_for_B(2048), 240e15);
}

TEST(StorageTier, FewClientsAreLimitedByTheirNics) {
  const StorageTier pfs = default_parallel_fs();
  EXPECT_DOUBLE_EQ(pfs.bandwidth_Bps(4), 4 * pfs.client_bw_per_node_Bps);
}

TEST(StorageTier, LocalNvmeScalesWithNodes) {
  const StorageTier nvme = default_local_nvme();
  EXPECT_DOUBLE_EQ(nvme.bandwidth_Bps(10), 10 * nvme.bw_per_node_Bps);
  EXPECT_DOUBLE_EQ(nvme.capacity_for_B(2), 2 * 8 * 3.84e12);
}

TEST(StorageTier, ObjectStoreUsesStreamsPerNodeAndS3Prices) {
  const StorageTier s3 = default_object_store();
  EXPECT_DOUBLE_EQ(s3.bandwidth_Bps(1), 64 * 90e6);
  EXPECT_DOUBLE_EQ(s3.usd_per_GB_month, 0.023);
  EXPECT_DOUBLE_EQ(s3.egress_usd_per_GB, 0.09);
  EXPECT_GT(s3.startup_s(), 0);
}

}  // namespace capsim::hw
