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
  EXPECT_GE(s.leaves, 2048);
  // Each (rail-merged) link carries a node's 8 x 400 Gb/s at 94%.
  EXPECT_NEAR(s.link_bw_Bps, 8 * 50e9 * 0.94, 1);
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
  EXPECT_EQ(s.down[0], 4u);  // every node under the same (rail-merged) leaf
  EXPECT_EQ(s.leaves, 4);
}

}  // namespace
}  // namespace capsim::sim::des
