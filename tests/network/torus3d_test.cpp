#include "models/network/torus3d.hpp"

#include <gtest/gtest.h>

#include "sim/core/error.hpp"
#include "tests/network/route_checks.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

Torus3d torus(int x, int y, int z) {
  TorusOptions o;
  o.dims = {x, y, z};
  o.link_bw_Bps = 50e9;
  return Torus3d(o);
}

TEST(Torus3d, CountsThreeCablesPerNodeAndNoSwitches) {
  const Torus3d t = torus(8, 8, 8);
  const FabricCounts c = t.counts();
  EXPECT_EQ(c.switches, 0);
  EXPECT_TRUE(c.tiers.empty());
  EXPECT_EQ(c.cables, 3 * 512);
  ASSERT_EQ(c.cables_per_tier.size(), 3u);
  EXPECT_EQ(c.cables_per_tier[0], 512);
  // 4x4x4 blocks: along each ring of 8, two of the eight cables leave a block.
  EXPECT_EQ(c.optical_cables, 3 * 512 / 4);
  EXPECT_TRUE(t.check().problems.empty());
}

TEST(Torus3d, HopsAndMinimalPathsFollowTheRingDistances) {
  const Torus3d t = torus(8, 4, 2);
  // node = x + 8 (y + 4 z)
  auto node = [](int x, int y, int z) { return x + 8 * (y + 4 * z); };
  EXPECT_EQ(t.hops(node(0, 0, 0), node(7, 0, 0)), 1) << "wraps around";
  EXPECT_EQ(t.hops(node(0, 0, 0), node(3, 1, 1)), 5);
  EXPECT_DOUBLE_EQ(t.ecmp_paths(node(0, 0, 0), node(1, 1, 0)), 2);
  EXPECT_DOUBLE_EQ(t.ecmp_paths(node(0, 0, 0), node(4, 0, 0)), 2) << "half-way round: both directions";
  EXPECT_DOUBLE_EQ(t.bisection_bw_Bps(), 2 * 4 * 2 * 50e9) << "two cables per x-ring cross the cut";
}

TEST(Torus3d, RoutesExistBetweenEveryPair) {
  test::expect_routes_between_every_pair(torus(4, 3, 2));
  test::expect_routes_between_every_pair(torus(6, 1, 1));
}

TEST(Torus3d, RejectsAnEmptyDimension) { EXPECT_THROW(torus(4, 0, 2), InfeasibleError); }

}  // namespace
}  // namespace capsim::net
