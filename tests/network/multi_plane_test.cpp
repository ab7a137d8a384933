#include "models/network/multi_plane.hpp"

#include <gtest/gtest.h>

#include "models/network/fat_tree.hpp"
#include "tests/network/route_checks.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

ClosOptions planes_of(int nodes, int nics, int planes, int radix) {
  ClosOptions o = test::clos_of(nodes, nics, radix, 0);
  o.planes = planes;
  return o;
}

TEST(MultiPlane, EightTwoTierPlanesCarrySixteenThousandGpus) {
  // DeepSeek-V3's design: eight planes of 64-port switches, two tiers each, 2,048 NICs per plane.
  const MultiPlane t(planes_of(2048, 8, 8, 64));
  EXPECT_EQ(t.plan().tiers, 2);
  const FabricCounts c = t.counts();
  ASSERT_EQ(c.tiers.size(), 2u);
  EXPECT_EQ(c.endpoints, 16384);
  EXPECT_EQ(c.tiers[0].switches, 8 * 64);
  EXPECT_EQ(c.tiers[1].switches, 8 * 32);
  EXPECT_EQ(c.cables, 16384 * 2);
  const FabricCheck check = t.check();
  EXPECT_TRUE(check.connected);
  EXPECT_EQ(check.components, 8) << "one component per plane";
  EXPECT_DOUBLE_EQ(t.bisection_bw_Bps(), 16384 / 2 * 50e9);
}

TEST(MultiPlane, PlanesDoNotReachEachOther) {
  const MultiPlane t(planes_of(16, 4, 2, 16));
  EXPECT_EQ(t.hops(t.endpoint(0, 0), t.endpoint(5, 2)), 4);
  EXPECT_EQ(t.hops(t.endpoint(0, 0), t.endpoint(5, 1)), -1);
  EXPECT_DOUBLE_EQ(t.ecmp_paths(t.endpoint(0, 0), t.endpoint(5, 1)), 0);
  std::vector<int> path;
  t.route(t.endpoint(0, 0), t.endpoint(5, 1), 0, path);
  EXPECT_TRUE(path.empty());
}

TEST(MultiPlane, RoutesExistBetweenEveryPairOfAPlane) {
  test::expect_routes_between_every_pair(MultiPlane(planes_of(16, 4, 2, 16)));
  ClosOptions rails = planes_of(8, 4, 2, 4);
  rails.rails = 4;
  test::expect_routes_between_every_pair(MultiPlane(rails));
}

TEST(MultiPlane, PlanesSumToTheCountsOfOnePlaneTimesPlanes) {
  const FabricCounts two = MultiPlane(planes_of(256, 8, 2, 64)).counts();
  ClosOptions one = planes_of(256, 4, 1, 64);
  const FabricCounts half = FatTree(one).counts();
  EXPECT_EQ(two.switches, 2 * half.switches);
  EXPECT_EQ(two.cables, 2 * half.cables);
}

}  // namespace
}  // namespace capsim::net
