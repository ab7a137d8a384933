#include "sim/des/fat_tree_shape.hpp"

#include <gtest/gtest.h>

#include "models/hardware/gpu_catalog.hpp"

namespace capsim::sim::des {
namespace CAPSIM_UNITY_ID {

hw::ClusterSpec h100(int nodes) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  c.scale_out.topology = "rail-optimized";  // the layouts below are one leaf group per rail
  return c;
}

TEST(FatTreeShape, SixteenThousandGpusNeedThreeTiersOf64PortSwitches) {
  const FatTreeShape s = fat_tree_shape(h100(2048), 2048);
  EXPECT_EQ(s.levels, 3u);
  EXPECT_GE(s.leaves, 2048 * 8);  // one leaf per NIC
  // Each link is one 400 Gb/s cable at 94%.
  EXPECT_NEAR(s.link_bw_Bps, 50e9 * 0.94, 1);
  // Rail-optimized: 2 pods of 32 leaf switches per rail. A leaf's 32 uplinks are one link to its pod's spines, and
  // the pod's 32 spines' 32 uplinks each one link to the cores.
  EXPECT_EQ(s.down, (std::vector<unsigned>{32, 32, 16}));
  EXPECT_EQ(s.up, (std::vector<unsigned>{1, 1, 1}));
  EXPECT_EQ(s.number, (std::vector<unsigned>{1, 1, 1}));
  EXPECT_EQ(s.uplink_cables, (std::vector<int>{1, 32, 32 * 32}));
}

TEST(FatTreeShape, LeafDownToUpPortsFollowTheOversubscription) {
  for (double o : {1.0, 2.0, 3.0}) {
    auto c = h100(128);
    c.scale_out.oversubscription = o;
    const FatTreeShape s = fat_tree_shape(c, 128);
    ASSERT_EQ(s.levels, 2u);
    const double up_ports = s.uplink_cables[1];
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

TEST(FatTreeShape, AClassicFatTreePutsANodesNicsSideBySideOnOneLeaf) {
  auto c = h100(32);
  c.scale_out.topology = "fat-tree";
  c.scale_out.radix = 64;
  c.scale_out.oversubscription = 4.0;
  const FatTreeShape s = fat_tree_shape(c, 32);
  // 48 ports down and 12 up at 4:1: 6 nodes a leaf, 6 leaves for 32 nodes (the last holds 2).
  ASSERT_EQ(s.levels, 2u);
  EXPECT_EQ(s.leaf_groups, 1);
  EXPECT_EQ(s.down, (std::vector<unsigned>{48, 6}));
  EXPECT_EQ(s.uplink_cables, (std::vector<int>{1, 12}));
  for (int node : {0, 5, 6, 11, 31}) {
    for (int nic : {0, 7}) {
      const int leaf = s.nic_leaf(node, nic);
      EXPECT_EQ(leaf, node * 8 + nic);
      EXPECT_EQ(leaf / 48, node / 6) << node;  // every NIC of a node under the same leaf switch
      EXPECT_EQ(s.leaf_role(leaf).node, node);
      EXPECT_EQ(s.leaf_role(leaf).rail, nic);
    }
  }
  EXPECT_EQ(s.leaf_role(32 * 8).kind, LeafRole::Kind::padding);
}

TEST(FatTreeShape, PlanesKeepTheirLeavesApart) {
  auto c = h100(16);
  c.scale_out.topology = "fat-tree";
  c.scale_out.planes = 2;
  const FatTreeShape s = fat_tree_shape(c, 16);
  EXPECT_EQ(s.leaf_groups, 2);
  // NIC i on plane i % 2; a node's 4 NICs of a plane side by side on that plane's leaves.
  EXPECT_EQ(s.nic_leaf(0, 0), 0);
  EXPECT_EQ(s.nic_leaf(0, 2), 1);
  EXPECT_EQ(s.nic_leaf(1, 0), 4);
  EXPECT_EQ(s.nic_leaf(0, 1), s.rail_leaves);
  EXPECT_EQ(s.nic_leaf(3, 7), s.rail_leaves + 3 * 4 + 3);
  for (int node = 0; node < 16; ++node) {
    for (int nic = 0; nic < 8; ++nic) {
      const LeafRole role = s.leaf_role(s.nic_leaf(node, nic));
      EXPECT_EQ(role.node, node);
      EXPECT_EQ(role.rail, nic);
    }
  }
}

}  // namespace
}  // namespace capsim::sim::des
