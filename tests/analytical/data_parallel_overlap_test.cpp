// How much of a step's data-parallel collectives hides behind compute (sim/analytical/training_costs.hpp): the
// collectives share the node's links, so they never hide more than the compute beside them, however many streams.
#include <gtest/gtest.h>

#include "sim/analytical/training_costs.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

// One micro-batch: 1 s forward, 2 s backward.
constexpr double kForward = 1.0;
constexpr double kBackward = 2.0;

TEST(DataParallelOverlap, AccumulatedGradientsReduceOnceBesideTheLastBackwardPass) {
  const DataParallelOverlap o = data_parallel_overlap(1, 16, kForward, kBackward, 2.5, 0.0, true);
  EXPECT_DOUBLE_EQ(o.reduce_exposed_s, 2.5 - 0.9 * kBackward);
  EXPECT_DOUBLE_EQ(o.gather_exposed_s, 0.0);
  EXPECT_DOUBLE_EQ(o.hidden_s, 0.9 * kBackward);
}

TEST(DataParallelOverlap, ShardedGradientsSpillIntoTheNextMicroBatch) {
  // ZeRO-2 reduce-scatters every micro-batch; a 2.5 s reduction fits a 3 s cycle, so only the last one's tail is
  // exposed, not sixteen tails.
  const DataParallelOverlap fits = data_parallel_overlap(2, 16, kForward, kBackward, 2.5, 0.0, true);
  EXPECT_DOUBLE_EQ(fits.reduce_exposed_s, 2.5 - 0.9 * kBackward);
  EXPECT_DOUBLE_EQ(fits.hidden_s, 16 * 2.5 - fits.reduce_exposed_s);
  // A 4 s reduction outlasts every cycle by 1 s: the backlog grows by 1 s a micro-batch.
  const DataParallelOverlap backlog = data_parallel_overlap(2, 16, kForward, kBackward, 4.0, 0.0, true);
  EXPECT_DOUBLE_EQ(backlog.reduce_exposed_s, 15 * 1.0 + (4.0 - 0.9 * kBackward));
}

TEST(DataParallelOverlap, GathersAndReductionShareTheLinksUnderTheBackwardPass) {
  // ZeRO-3, one micro-batch: a 0.8 s gather hides under the forward pass, but the backward pass's gather and the
  // 1.5 s reduce-scatter together need 2.3 s of links against 1.8 s of hiding.
  const DataParallelOverlap o = data_parallel_overlap(3, 1, kForward, kBackward, 1.5, 0.8, true);
  EXPECT_DOUBLE_EQ(o.gather_exposed_s, 0.0);
  EXPECT_NEAR(o.reduce_exposed_s, 0.8 + 1.5 - 0.9 * kBackward, 1e-12);
  EXPECT_NEAR(o.hidden_s, 2 * 0.8 + 1.5 - o.reduce_exposed_s, 1e-12);
  // Each alone would have hidden: counting the backward pass twice is what the shared links rule out.
  EXPECT_DOUBLE_EQ(data_parallel_overlap(3, 1, kForward, kBackward, 0.0, 0.8, true).reduce_exposed_s, 0.0);
  EXPECT_DOUBLE_EQ(data_parallel_overlap(2, 1, kForward, kBackward, 1.5, 0.0, true).reduce_exposed_s, 0.0);
}

TEST(DataParallelOverlap, AGatherLongerThanItsPassStallsEveryMicroBatch) {
  // A 1.5 s gather before a 1 s forward pass stalls it 0.5 s in each of 4 micro-batches; each cycle carries 4.5 s of
  // collectives against 3 s of compute, 1.5 s over, of which the stall is a part.
  const DataParallelOverlap o = data_parallel_overlap(3, 4, kForward, kBackward, 1.5, 1.5, true);
  EXPECT_DOUBLE_EQ(o.gather_exposed_s, 4 * 0.5);
  const double exposed = 3 * 1.5 + 0.5 + (1.5 + 1.5 - 0.9 * kBackward);
  EXPECT_NEAR(o.gather_exposed_s + o.reduce_exposed_s, exposed, 1e-12);
}

TEST(DataParallelOverlap, WithoutOverlapEveryReductionIsExposed) {
  const DataParallelOverlap z1 = data_parallel_overlap(1, 8, kForward, kBackward, 1.0, 0.0, false);
  EXPECT_DOUBLE_EQ(z1.reduce_exposed_s, 1.0);
  EXPECT_DOUBLE_EQ(z1.hidden_s, 0.0);
  const DataParallelOverlap z3 = data_parallel_overlap(3, 8, kForward, kBackward, 1.0, 0.5, false);
  EXPECT_DOUBLE_EQ(z3.reduce_exposed_s, 8.0);
  EXPECT_DOUBLE_EQ(z3.gather_exposed_s, 0.0);  // the prefetch still hides the gathers
  EXPECT_DOUBLE_EQ(z3.hidden_s, 8 * 2 * 0.5);
}

}  // namespace
}  // namespace capsim::sim
