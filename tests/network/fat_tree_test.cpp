#include "models/network/fat_tree.hpp"

#include <gtest/gtest.h>

#include "sim/core/error.hpp"
#include "tests/network/route_checks.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

constexpr double kNdr_Bps = 50e9;  // 400 Gb/s

ClosOptions nodes_of_8_nics(int nodes, int radix, int tiers) { return test::clos_of(nodes, 8, radix, tiers); }

TEST(FatTree, KAryGivesTheTextbookCounts) {
  for (int k : {4, 8, 16}) {
    const FatTree t = FatTree::k_ary(k, kNdr_Bps);
    const FabricCounts c = t.counts();
    ASSERT_EQ(c.tiers.size(), 3u);
    EXPECT_EQ(c.endpoints, k * k * k / 4) << "hosts, k=" << k;
    EXPECT_EQ(c.tiers[0].switches, k * k / 2) << "edge switches";
    EXPECT_EQ(c.tiers[1].switches, k * k / 2) << "aggregation switches";
    EXPECT_EQ(c.tiers[2].switches, k * k / 4) << "core switches";
    EXPECT_EQ(c.switches, 5 * k * k / 4);
    EXPECT_EQ(c.cables, 3 * k * k * k / 4) << "one cable per host, and k^3/4 per switch layer";
    EXPECT_EQ(c.switch_ports_used, c.switch_ports) << "every port of every switch is used";
    EXPECT_EQ(c.optics, 2 * 2 * k * k * k / 4) << "switch-to-switch cables are optical, two transceivers each";
    EXPECT_DOUBLE_EQ(t.bisection_bw_Bps(), k * k * k / 8 * kNdr_Bps) << "full bisection";
    // Hosts 0 and 1 share an edge switch; 0 and k/2 share a pod; 0 and the last host are in different pods.
    const int last = k * k * k / 4 - 1;
    EXPECT_EQ(t.hops(0, 1), 2);
    EXPECT_EQ(t.hops(0, k / 2), 4);
    EXPECT_EQ(t.hops(0, last), 6);
    EXPECT_DOUBLE_EQ(t.ecmp_paths(0, k / 2), k / 2);
    EXPECT_DOUBLE_EQ(t.ecmp_paths(0, last), k * k / 4) << "(k/2)^2 core paths between pods";
  }
}

TEST(FatTree, KAry64IsBuiltWithTextbookCounts) {
  const FatTree t = FatTree::k_ary(64, kNdr_Bps);
  const FabricCounts c = t.counts();
  EXPECT_EQ(c.endpoints, 65536);
  EXPECT_EQ(c.switches, 5120);
  EXPECT_EQ(c.cables, 196608);
  EXPECT_TRUE(t.check().problems.empty());
}

TEST(FatTree, RoutesExistBetweenEveryPair) {
  test::expect_routes_between_every_pair(FatTree::k_ary(4, kNdr_Bps));
  ClosOptions two_tier = nodes_of_8_nics(6, 16, 2);
  two_tier.leaf_oversubscription = 3;
  test::expect_routes_between_every_pair(FatTree(two_tier));
  ClosOptions partial = nodes_of_8_nics(10, 8, 3);  // the last pod is partly filled
  partial.spine_oversubscription = 3;
  test::expect_routes_between_every_pair(FatTree(partial), 3);
}

TEST(FatTree, GraphIsConnectedAndRadixHolds) {
  for (int tiers : {1, 2, 3}) {
    const FatTree t(nodes_of_8_nics(tiers == 1 ? 8 : 64, 64, tiers));
    const FabricCheck check = t.check();
    EXPECT_TRUE(check.connected) << tiers;
    EXPECT_TRUE(check.radix_ok) << tiers;
    EXPECT_LE(check.max_switch_degree, 64);
  }
}

TEST(FatTree, BisectionHalvesAtTwoToOneOversubscription) {
  // 1,680 single-NIC hosts fill whole leaves both at 32:32 and at 42:21 ports.
  ClosOptions o = nodes_of_8_nics(1680, 64, 2);
  o.nics_per_node = 1;
  const double full = FatTree(o).bisection_bw_Bps();
  EXPECT_DOUBLE_EQ(full, 1680 / 2 * kNdr_Bps);
  o.leaf_oversubscription = 2;
  EXPECT_DOUBLE_EQ(FatTree(o).bisection_bw_Bps(), full / 2);
}

TEST(FatTree, SpineOversubscriptionBoundsTheBisectionToo) {
  ClosOptions o = nodes_of_8_nics(96, 12, 3);
  o.nics_per_node = 1;
  const double full = FatTree(o).bisection_bw_Bps();
  EXPECT_DOUBLE_EQ(full, 96 / 2 * kNdr_Bps);
  o.spine_oversubscription = 2;
  const FatTree t(o);
  EXPECT_DOUBLE_EQ(t.counts().tiers[1].oversubscription, 2.0);
  EXPECT_DOUBLE_EQ(t.bisection_bw_Bps(), full / 2);
}

TEST(FatTree, OversubscribedLeafSplitsItsPortsAtTheRatio) {
  ClosOptions o = nodes_of_8_nics(128, 64, 2);
  o.leaf_oversubscription = 2;
  const FatTree t(o);
  EXPECT_EQ(t.plan().leaf_down, 42);
  EXPECT_EQ(t.plan().leaf_up, 21);
  const FabricCounts c = t.counts();
  EXPECT_DOUBLE_EQ(c.tiers[0].oversubscription, 2.0);
  EXPECT_EQ(c.tiers[0].ports_down, 128 * 8);
  EXPECT_EQ(c.tiers[0].ports_up, c.tiers[1].ports_down);
}

TEST(FatTree, TwoTiersCannotReachSixteenThousandNics) {
  const ClosOptions o = nodes_of_8_nics(2048, 64, 2);
  EXPECT_THROW(FatTree{o}, InfeasibleError);
  const ClosPlan plan = plan_clos(clos_request(o));
  EXPECT_FALSE(plan.ok());
  EXPECT_NE(plan.problem.find("at most 2048"), std::string::npos) << plan.problem;
  EXPECT_NE(plan.hint.find("\"tiers\": 3"), std::string::npos) << plan.hint;
}

TEST(FatTree, SixteenThousandGpusBuildInThreeTiers) {
  const FatTree t(nodes_of_8_nics(2048, 64, 0));
  const FabricCounts c = t.counts();
  ASSERT_EQ(c.tiers.size(), 3u);
  EXPECT_EQ(c.endpoints, 16384);
  EXPECT_EQ(c.tiers[0].switches, 512);
  EXPECT_EQ(c.tiers[1].switches, 512);
  EXPECT_EQ(c.tiers[2].switches, 256);
  EXPECT_EQ(c.cables, 16384 * 3);
  EXPECT_TRUE(t.check().problems.empty());
}

}  // namespace
}  // namespace capsim::net
