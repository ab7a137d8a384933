// The fabric shape the collective model reads (fabric_factory.hpp): groups of consecutive nodes over leaves, and
// the busiest leaf's uplinks, not the average over a group.
#include "models/network/fabric_factory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "models/hardware/gpu_catalog.hpp"
#include "models/network/nccl_collectives.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

hw::ClusterSpec h100(int nodes, const std::string& topology, double oversubscription) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  c.scale_out.topology = topology;
  c.scale_out.radix = 64;
  c.scale_out.oversubscription = oversubscription;
  return c;
}

/// Port by port: what every block sends up when every group of `group` ports runs a uniform all-to-all (a port
/// sends 1/n of a node's buffer share to every node of its group), and when it runs a ring (each NIC to the same NIC
/// of the next node, the last node to the first), in nodes' NIC bandwidths.
struct Brute {
  double all_to_all = 0;
  double ring = 0;
};
Brute brute_force(long block, long group, long total, int node_ports) {
  Brute worst;
  for (long s = 0; s < total; s += block) {
    const long e = std::min(s + block, total);
    if (s == 0 && e == total) break;
    double up = 0;
    for (long g = s / group * group; g < e; g += group) {
      const long n = std::min(g + group, total) - g;
      const long k = std::max(0L, std::min(g + n, e) - std::max(g, s));
      if (k == 0 || k == n) continue;
      const double kn = static_cast<double>(k) / node_ports;
      const double nn = static_cast<double>(n) / node_ports;
      up += kn * (nn - kn) / nn;
    }
    long ring_ports = 0;
    for (long p = s; p < e; ++p) {
      const long g = p / group * group;
      const long n = std::min(g + group, total) - g;
      if (n <= node_ports) continue;
      const long partner = p + node_ports < g + n ? p + node_ports : p + node_ports - n;
      if (partner < s || partner >= e) ++ring_ports;
    }
    worst.all_to_all = std::max(worst.all_to_all, up);
    worst.ring = std::max(worst.ring, static_cast<double>(ring_ports) / node_ports);
  }
  return worst;
}

TEST(FabricShape, TheLeafHoldingTheTailOfOneGroupAndTheHeadOfTheNextSendsTheMost) {
  // 8-node groups on leaves of 6 eight-NIC nodes (48 ports): leaf 1 holds nodes 6-11, two of group 0 (each sending
  // 6/8 of its buffer up) and four of group 1 (4/8 each): 1.5 + 2 = 3.5 node buffers. Averaged over a group (2 of
  // its 8 nodes off a 6-node leaf), a leaf would send only 6 x 2/8 = 1.5.
  EXPECT_DOUBLE_EQ(busiest_block_all_to_all(48, 64, 256, 8), 3.5);
  EXPECT_DOUBLE_EQ(busiest_block_ring(48, 64, 256, 8), 2.0);
  // Leaves of 4 nodes split 8-node groups evenly: every leaf sends 4 x 4/8 = 2 buffers, one ring edge.
  EXPECT_DOUBLE_EQ(busiest_block_all_to_all(32, 64, 256, 8), 2.0);
  EXPECT_DOUBLE_EQ(busiest_block_ring(32, 64, 256, 8), 1.0);
  // A leaf holding whole groups sends nothing up; one holding the whole cluster neither.
  EXPECT_DOUBLE_EQ(busiest_block_all_to_all(64, 32, 256, 8), 0.0);
  EXPECT_DOUBLE_EQ(busiest_block_ring(64, 32, 256, 8), 0.0);
  EXPECT_DOUBLE_EQ(busiest_block_all_to_all(512, 64, 256, 8), 0.0);
  // One group over the cluster: a full leaf of 6 sends 6 x 26/32.
  EXPECT_DOUBLE_EQ(busiest_block_all_to_all(48, 256, 256, 8), 6.0 * 26 / 32);
  EXPECT_DOUBLE_EQ(busiest_block_ring(48, 256, 256, 8), 1.0);
}

TEST(FabricShape, BusiestBlockMatchesAPortByPortCount) {
  for (int node_ports : {1, 2, 8}) {
    for (long block : {3L, 6L, 16L, 20L, 42L, 48L}) {
      for (long group_nodes : {1L, 2L, 3L, 5L, 8L, 12L, 32L}) {
        for (long nodes : {8L, 24L, 33L, 96L}) {
          const long group = group_nodes * node_ports;
          const long total = nodes * node_ports;
          const Brute b = brute_force(block, group, total, node_ports);
          EXPECT_NEAR(busiest_block_all_to_all(block, group, total, node_ports), b.all_to_all, 1e-9)
              << block << " " << group << " " << total << " " << node_ports;
          EXPECT_NEAR(busiest_block_ring(block, group, total, node_ports), b.ring, 1e-12)
              << block << " " << group << " " << total << " " << node_ports;
        }
      }
    }
  }
}

TEST(FabricShape, ANodeStraddlingTwoLeavesSendsUpOnlyTheNicsWhosePartnerIsAway) {
  // 16 NICs a node on 20-port leaves (trn2 on 40-port switches at 1:1), 4-node rings: the leaf of ports 60-79 holds
  // node 3's last 4 NICs, which wrap to node 0, and node 4's 16, which send to node 5: 20 NICs, 1.25 nodes' worth,
  // exactly its 20 uplinks. Counting two whole edges would have halved the ring.
  EXPECT_DOUBLE_EQ(busiest_block_ring(20, 64, 256, 16), 1.25);
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 16);
  c.scale_out.nics_per_node = 16;
  c.scale_out.radix = 40;
  EXPECT_DOUBLE_EQ(fabric_shape(c).nodes_per_leaf, 1.25);
  EXPECT_DOUBLE_EQ(fabric_shape(c).ring_share(4), 1.0);
}

TEST(FabricShape, ALongPatternIsBoundedByTheMostEvenSplit) {
  // 2,000 groups of 997 ports over leaves of 40: the pattern repeats every 997 leaves, too long to walk; the bound
  // is the leaf split 20:20 between two groups, which the pattern does reach.
  const long total = 997L * 2000;
  const double bound = busiest_block_all_to_all(40, 997, total, 1);
  EXPECT_NEAR(bound, 2 * 20.0 * 977 / 997, 1e-9);
  EXPECT_NEAR(bound, brute_force(40, 997, total, 1).all_to_all, 1e-9);
  // Rings of 128 eight-NIC nodes on 20-port leaves (A100 on 40-port switches): a 256-leaf pattern, taken offset by
  // offset, as a port-by-port count finds it.
  EXPECT_NEAR(busiest_block_ring(20, 1024, 8192, 8), brute_force(20, 1024, 8192, 8).ring, 1e-12);
}

TEST(FabricShape, ClassicFatTreeLeavesHoldWholeNodesRailLeavesOneNicOfMany) {
  const FabricShape classic = fabric_shape(h100(32, "fat-tree", 4.0));
  EXPECT_DOUBLE_EQ(classic.nodes_per_leaf, 6.0);  // 48 of 64 ports down at 4:1, 8 NICs a node
  EXPECT_EQ(classic.node_ports, 8);
  const FabricShape rail = fabric_shape(h100(32, "rail-optimized", 4.0));
  EXPECT_DOUBLE_EQ(rail.nodes_per_leaf, 48.0);  // one NIC of each of 48 nodes
  EXPECT_EQ(rail.node_ports, 1);
}

TEST(FabricShape, ExpertAllToAllFeelsTheBusiestLeafOfAClassicFatTree) {
  // Each node sends 7/8 of its buffer through its 8 NICs; leaf 1 sends 3.5 buffers through 12 uplinks: the NICs keep
  // (7/8 / 8) / (3.5 / 12) = 3/8 of their rate.
  const FabricShape classic = fabric_shape(h100(32, "fat-tree", 4.0));
  EXPECT_NEAR(classic.all_to_all_share(8), 3.0 / 8, 1e-12);
  // At 1:1 a leaf of 4 nodes has 32 uplinks for 2 buffers: the NICs set the pace.
  EXPECT_DOUBLE_EQ(fabric_shape(h100(32, "fat-tree", 1.0)).all_to_all_share(8), 1.0);
  // Rail-optimized, each rail on one leaf: nothing climbs.
  EXPECT_DOUBLE_EQ(fabric_shape(h100(32, "rail-optimized", 4.0)).all_to_all_share(8), 1.0);
}

TEST(FabricShape, RingsOfGroupsStraddlingALeafShareItsUplinks) {
  // At 4:1 a leaf of 6 nodes has uplinks for 1.5 nodes: one ring edge fits, the two edges of the leaf holding the
  // ends of two 8-node groups get 0.75 each.
  const FabricShape classic = fabric_shape(h100(32, "fat-tree", 4.0));
  EXPECT_DOUBLE_EQ(classic.ring_share(32), 1.0);
  EXPECT_DOUBLE_EQ(classic.ring_share(8), 0.75);
  EXPECT_DOUBLE_EQ(fabric_shape(h100(32, "rail-optimized", 4.0)).ring_share(8), 1.0);
}

TEST(FabricShape, CollectivesOfClassicAndRailFabricsDifferWhereTheLeavesDo) {
  const CommGroup ep{64, 8, 8};
  const double bytes = 256e6;
  auto a2a = [&](const std::string& topology, double o) {
    return NcclCollectives(h100(32, topology, o)).time_s(CollectiveOp::all_to_all, bytes, ep);
  };
  EXPECT_NEAR(a2a("fat-tree", 4.0) / a2a("fat-tree", 1.0), 8.0 / 3, 0.05);
  EXPECT_NEAR(a2a("rail-optimized", 4.0) / a2a("rail-optimized", 1.0), 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(a2a("fat-tree", 1.0), a2a("rail-optimized", 1.0));
}

}  // namespace
}  // namespace capsim::net
