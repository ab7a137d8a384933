#include "models/network/rail_optimized.hpp"

#include <gtest/gtest.h>

#include "models/network/fat_tree.hpp"
#include "tests/network/route_checks.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

ClosOptions rails_of(int nodes, int nics, int radix, int tiers) {
  ClosOptions o = test::clos_of(nodes, nics, radix, tiers);
  o.rails = nics;
  return o;
}

TEST(RailOptimized, EveryLeafServesOneRail) {
  const RailOptimized t(rails_of(64, 8, 64, 2));
  for (int node = 0; node < 64; ++node) {
    for (int nic = 0; nic < 8; ++nic) {
      const int leaf = t.leaf_vertex(0, t.place(t.endpoint(node, nic)).leaf);
      EXPECT_EQ(t.graph()[static_cast<std::size_t>(leaf)].rail, nic);
    }
  }
  // Same rail, same scalable unit: one leaf. Other rail: through a spine.
  EXPECT_EQ(t.hops(t.endpoint(0, 3), t.endpoint(31, 3)), 2);
  EXPECT_EQ(t.hops(t.endpoint(0, 3), t.endpoint(32, 3)), 4);
  EXPECT_EQ(t.hops(t.endpoint(0, 3), t.endpoint(1, 4)), 4);
}

TEST(RailOptimized, ThreeTierPodsFollowTheRails) {
  const RailOptimized t(rails_of(2048, 8, 64, 3));
  // 64 nodes of rail 2 share a pod (two leaves of 32); rail 3 is in another pod.
  EXPECT_EQ(t.hops(t.endpoint(0, 2), t.endpoint(63, 2)), 4);
  EXPECT_EQ(t.hops(t.endpoint(0, 2), t.endpoint(0, 3)), 6);
  EXPECT_EQ(t.hops(t.endpoint(0, 2), t.endpoint(2047, 2)), 6);
}

TEST(RailOptimized, CountsOfA2048NodeNdrFabric) {
  const RailOptimized t(rails_of(2048, 8, 64, 0));
  const FabricCounts c = t.counts();
  ASSERT_EQ(c.tiers.size(), 3u);
  EXPECT_EQ(c.endpoints, 16384);
  EXPECT_EQ(c.tiers[0].switches, 512) << "8 rails x 64 scalable units of 32 nodes";
  EXPECT_EQ(c.tiers[1].switches, 512);
  EXPECT_EQ(c.tiers[2].switches, 256);
  EXPECT_EQ(c.cables, 49152);
  EXPECT_EQ(c.optical_cables, 49152) << "rail leaves sit outside the server racks";
  EXPECT_EQ(c.optics, 98304);
  EXPECT_DOUBLE_EQ(t.bisection_bw_Bps(), 8192 * 50e9);
  EXPECT_TRUE(t.check().problems.empty());
}

TEST(RailOptimized, RoutesExistBetweenEveryPair) {
  test::expect_routes_between_every_pair(RailOptimized(rails_of(8, 4, 8, 2)));
  test::expect_routes_between_every_pair(RailOptimized(rails_of(8, 2, 4, 3)));
}

TEST(RailOptimized, NeedsNoMoreSwitchesThanAFatTreeOfTheSameRadix) {
  ClosOptions o = rails_of(512, 8, 64, 3);
  const FabricCounts rail = RailOptimized(o).counts();
  o.rails = 0;
  const FabricCounts tree = FatTree(o).counts();
  EXPECT_EQ(rail.switches, tree.switches);
  EXPECT_EQ(rail.cables, tree.cables);
  EXPECT_GT(rail.optics, tree.optics) << "a fat-tree's leaf sits in the rack: copper NIC cables";
}

}  // namespace
}  // namespace capsim::net
