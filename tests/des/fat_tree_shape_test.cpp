#include "sim/des/fat_tree_shape.hpp"

#include <gtest/gtest.h>

#include "models/hardware/gpu_catalog.hpp"

namespace capsim::sim::des {
namespace {

hw::ClusterSpec h100(int nodes) {
  return hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
}

TEST(FatTreeShape, SixteenThousandGpusNeedThreeTiersOf64PortSwitches) {
  const FatTreeShape s = fat_tree_shape(h100(2048), 2048);
  EXPECT_EQ(s.levels, 3u);
  EXPECT_GE(s.leaves, 2048 * 8);  // one leaf per NIC
  // Each link is one 400 Gb/s cable at 94%.
  EXPECT_NEAR(s.link_bw_Bps, 50e9 * 0.94, 1);
  // Rail-optimized: 2 pods of 32 leaf switches per rail; spine j of all 16 pods joins core group j, 8 cores that
  // every rail shares, over 4 parallel cables each.
  EXPECT_EQ(s.down, (std::vector<unsigned>{32, 32, 16}));
  EXPECT_EQ(s.up, (std::vector<unsigned>{1, 32, 8}));
  EXPECT_EQ(s.number, (std::vector<unsigned>{1, 1, 4}));
}

TEST(FatTreeShape, LeafDownToUpPortsFollowTheOversubscription) {
  for (double o : {1.0, 2.0, 3.0}) {
    auto c = h100(128);
    c.scale_out.oversubscription = o;
    const FatTreeShape s = fat_tree_shape(c, 128);
    ASSERT_EQ(s.levels, 2u);
    const double up_ports = static_cast<double>(s.up[1]) * s.number[1];  // spines x parallel cables to each
    EXPECT_NEAR(s.down[0] / up_ports, o, 0.05 * o);
    EXPECT_LE(s.down[0] + up_ports, 64);
  }
}

TEST(FatTreeShape, ASmallClusterHangsOffOneLeafPerRail) {
  const FatTreeShape s = fat_tree_shape(h100(4), 4);
  EXPECT_EQ(s.down[0], 4u);  // rail r of every node under the same leaf
  EXPECT_EQ(s.down[1], 8u);  // eight rails, eight leaves
  EXPECT_EQ(s.leaves, 32);
  EXPECT_EQ(s.nic_leaf(3, 2), 2 * 4 + 3);
}

}  // namespace
}  // namespace capsim::sim::des
