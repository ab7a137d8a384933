// Collectives on a torus slice (TPU ICI): the per-dimension ring model of torus3d.hpp and the collective model that
// uses it for a torus scale-up domain.
#include <gtest/gtest.h>

#include "models/hardware/gpu_catalog.hpp"
#include "models/network/nccl_collectives.hpp"
#include "models/network/torus3d.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

using Shape = std::array<int, 3>;

TEST(TorusSliceShape, IsTheMostBalancedFactorization) {
  EXPECT_EQ(torus_slice_shape(512, 3), (Shape{8, 8, 8}));
  EXPECT_EQ(torus_slice_shape(1024, 3), (Shape{8, 8, 16}));
  EXPECT_EQ(torus_slice_shape(64, 3), (Shape{4, 4, 4}));
  EXPECT_EQ(torus_slice_shape(256, 2), (Shape{16, 16, 1}));
  EXPECT_EQ(torus_slice_shape(8, 2), (Shape{2, 4, 1}));
  EXPECT_EQ(torus_slice_shape(7, 3), (Shape{1, 1, 7}));
}

TEST(TorusShift, TheBusiestDimensionsHopsAreEachOfItsCablesFlows) {
  // 16x16x8: a stride of 128 nodes is half a plane, 8 rows along y: 8 hops the short way round either side.
  EXPECT_EQ(torus_shift_load({16, 16, 8}, 128), 8);
  // A whole plane is one hop along z; the neighbour along x, one hop.
  EXPECT_EQ(torus_shift_load({16, 16, 8}, 256), 1);
  EXPECT_EQ(torus_shift_load({16, 16, 8}, 1), 1);
  // 3 along a ring of 4 is one hop the other way round; 3 rows of 4 on a ring of 8 rows, three hops.
  EXPECT_EQ(torus_shift_load({4, 1, 1}, 3), 1);
  EXPECT_EQ(torus_shift_load({4, 8, 1}, 12), 3);
  // No shift at all still crosses nothing more than one cable's worth.
  EXPECT_EQ(torus_shift_load({4, 4, 2}, 0), 1);
}

TEST(TorusAllToAll, CountsTheBusiestCableDirectionOfEveryPairsRoute) {
  // Two nodes: one flow each way, on opposite directions of their cable.
  EXPECT_EQ(torus_all_to_all_load({2, 1, 1}, 2), 1);
  // A ring of 4 (its three rounds in flight at once), routed as SimGrid does: the two-hop pairs tie, node 0 and 1
  // send theirs the +1 way, 2 the -1 way and 3 the +1 way round the wrap, so the cables 0->1 and 1->2 carry three
  // flows each (worked by hand).
  EXPECT_EQ(torus_all_to_all_load({4, 1, 1}, 4), 3);
  // Rounds go kAllToAllRoundsInFlight at a time: the whole 4x4x2 torus waits for eight groups of rounds, each on
  // its own busiest cable, longer than two rows do.
  EXPECT_GT(torus_all_to_all_load({4, 4, 2}, 32), torus_all_to_all_load({4, 4, 2}, 8));
}

TEST(TorusCollective, WholeWrappedSliceReducesOverEveryLinkAtOnce) {
  // 8x8x8 with wraparound: six link directions per chip, all busy (each dimension's share shrinks as 511/512).
  const TorusCollective c = torus_collective(CollectiveOp::reduce_scatter, 512, {8, 8, 8}, 4);
  EXPECT_NEAR(c.link_equivalents, 6.0, 1e-9);
  EXPECT_DOUBLE_EQ(c.steps, 21);  // 7 neighbour steps per dimension, not 511 around one flat ring
  const TorusCollective ar = torus_collective(CollectiveOp::all_reduce, 512, {8, 8, 8}, 4);
  EXPECT_NEAR(ar.link_equivalents, 6.0, 1e-9);
  EXPECT_DOUBLE_EQ(ar.steps, 42);
  // A 16x16 2D pod: four links.
  EXPECT_NEAR(torus_collective(CollectiveOp::all_gather, 256, {16, 16, 1}, 16).link_equivalents, 4.0, 1e-9);
}

TEST(TorusCollective, AGroupOnPartOfARingGetsOnlyThatDimensionsLinks) {
  // Four chips of an 8-long ring form a line: one ring folded onto it, one link direction of the chip's six.
  const TorusCollective tp = torus_collective(CollectiveOp::all_reduce, 4, {8, 8, 8}, 4);
  EXPECT_EQ(tp.group, (Shape{4, 1, 1}));
  EXPECT_NEAR(tp.link_equivalents, 1.0, 1e-9);
  // The same four chips as a whole wrapped ring of a 4x4x4 cube: a ring each way.
  EXPECT_NEAR(torus_collective(CollectiveOp::all_reduce, 4, {4, 4, 4}, 4).link_equivalents, 2.0, 1e-9);
  // Without wraparound (a 16x16 slice of a chip whose dimensions wrap only at 32), each dimension is a line.
  EXPECT_NEAR(torus_collective(CollectiveOp::reduce_scatter, 256, {16, 16, 1}, 32).link_equivalents, 2.0, 1e-9);
}

TEST(TorusCollective, AllToAllIsLimitedByTheRingDistance) {
  // 16x16 with wraparound: mean distance 4 hops per dimension over 2 link directions per chip and dimension, so
  // each byte costs 2 link-times: half a link, against 4 for a reduce-scatter of the same slice.
  const TorusCollective a2a = torus_collective(CollectiveOp::all_to_all, 256, {16, 16, 1}, 16);
  EXPECT_NEAR(a2a.link_equivalents, (255.0 / 256) / 2, 1e-9);
  EXPECT_DOUBLE_EQ(a2a.steps, 16);  // diameter: 8 + 8
  EXPECT_DOUBLE_EQ(torus_collective(CollectiveOp::send_recv, 2, {8, 8, 8}, 4).link_equivalents, 1.0);
}

TEST(TorusCollective, ASlowerDimensionSetsThePaceOfTheWholeDomain) {
  // Trn2 UltraServer: 4x4 instances joined in a ring of 4 at half the link bandwidth. Shares 0.4, 0.4, 0.2 start on
  // x, y and the slow ring; the slow ring is still the busiest (0.244 of the buffer per link-time): 4.04 links' worth
  // instead of a uniform torus's 6 (an equal split would give 3).
  const TorusCollective c = torus_collective(CollectiveOp::reduce_scatter, 64, {4, 4, 4}, 4, {1, 1, 0.5});
  EXPECT_NEAR(c.link_equivalents, (63.0 / 64) / 0.24375, 1e-9);
  // A group inside one instance never touches the slow ring.
  EXPECT_NEAR(torus_collective(CollectiveOp::reduce_scatter, 16, {4, 4, 4}, 4, {1, 1, 0.5}).link_equivalents, 4.0,
              1e-9);
}

TEST(TorusCollective, Trn2UltraServerJoinsItsInstancesOverNeuronLink) {
  const hw::GpuSpec& trn2 = *hw::GpuCatalog::builtin().find("trn2");
  hw::ClusterSpec instances = hw::default_cluster(trn2, 4);  // four trn2.48xlarge joined by EFA
  hw::ClusterSpec ultra = instances;
  ultra.scale_up.domain_gpus = 64;  // one Trn2 UltraServer
  const NcclCollectives efa(instances);
  const NcclCollectives neuronlink(ultra);
  const CommGroup tp16{16, 16, 16};
  const CommGroup all64{64, 16, 16};
  EXPECT_EQ(neuronlink.estimate(CollectiveOp::all_gather, 1e9, all64).domains, 1);
  EXPECT_EQ(efa.estimate(CollectiveOp::all_gather, 1e9, all64).domains, 4);
  EXPECT_LT(neuronlink.time_s(CollectiveOp::all_gather, 1e9, all64), efa.time_s(CollectiveOp::all_gather, 1e9, all64));
  // Inside an instance the UltraServer changes nothing.
  EXPECT_DOUBLE_EQ(neuronlink.time_s(CollectiveOp::all_gather, 1e9, tp16),
                   efa.time_s(CollectiveOp::all_gather, 1e9, tp16));
}

hw::ClusterSpec v5p_slice(int chips) {
  hw::ClusterSpec c = hw::default_cluster(*hw::GpuCatalog::builtin().find("tpu-v5p"), chips / 4);
  c.scale_up.domain_gpus = chips;
  return c;
}

TEST(TorusCollective, V5pSliceMatchesTheChipBandwidthForFsdpButNotForSmallGroups) {
  const hw::ClusterSpec torus = v5p_slice(512);
  ASSERT_EQ(torus.scale_up.kind, hw::ScaleUpKind::torus);
  hw::ClusterSpec switched = torus;
  switched.scale_up.kind = hw::ScaleUpKind::switched;
  const NcclCollectives on_torus(torus);
  const NcclCollectives on_switch(switched);
  const CommGroup slice{512, 4, 1};
  // Whole-slice FSDP gathers: a wrapped torus reaches the chip's full bandwidth, as a switch would...
  EXPECT_NEAR(on_torus.time_s(CollectiveOp::all_gather, 1e11, slice) /
                  on_switch.time_s(CollectiveOp::all_gather, 1e11, slice),
              1.0, 0.01);
  // ... in 21 neighbour steps instead of 511 around one ring, which shows at a gigabyte.
  const double bytes = 1e9;
  EXPECT_LT(on_torus.time_s(CollectiveOp::all_gather, bytes, slice),
            0.8 * on_switch.time_s(CollectiveOp::all_gather, bytes, slice));
  // Four chips along one ring of eight: one link of six.
  const CommGroup four{4, 4, 1};
  const double r = on_torus.time_s(CollectiveOp::all_reduce, bytes, four) /
                   on_switch.time_s(CollectiveOp::all_reduce, bytes, four);
  EXPECT_GT(r, 5.5);
  EXPECT_LT(r, 6.5);
}

}  // namespace
}  // namespace capsim::net
