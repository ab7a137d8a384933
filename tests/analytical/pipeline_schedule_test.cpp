#include "sim/analytical/pipeline_schedule.hpp"

#include <gtest/gtest.h>

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

TEST(PipelineSchedule, Llama3LayoutPutsSevenLayersOnFirstAndLastOf16Stages) {
  const LayerSplit split = split_layers(126, 16);
  int total = 0;
  for (int i = 0; i < 16; ++i) total += split.layers_on(i);
  EXPECT_EQ(total, 126);
  EXPECT_EQ(split.layers_on(0), 7);
  EXPECT_EQ(split.layers_on(15), 7);
  for (int i = 1; i < 15; ++i) EXPECT_EQ(split.layers_on(i), 8) << "stage " << i;
}

TEST(PipelineSchedule, EverySplitConservesLayers) {
  for (int layers = 1; layers <= 130; ++layers) {
    for (int stages = 1; stages <= layers && stages <= 40; ++stages) {
      const LayerSplit split = split_layers(layers, stages);
      int total = 0;
      for (int i = 0; i < stages; ++i) {
        EXPECT_GE(split.layers_on(i), 1);
        EXPECT_LE(split.layers_on(i), split.max_layers());
        total += split.layers_on(i);
      }
      EXPECT_EQ(total, layers) << layers << " on " << stages;
    }
  }
}

TEST(PipelineSchedule, EqualStagesTakeMPlusPMinusOneOverVSlots) {
  StageTimes st{2.0, 2.0 * 8};
  EXPECT_DOUBLE_EQ(pipeline_time_s(st, 32, 1), (32 + 7) * 2.0);
  EXPECT_DOUBLE_EQ(pipeline_time_s(st, 32, 4), (32 + 7 / 4.0) * 2.0);
}

TEST(PipelineSchedule, OneFOneBHoldsAtMostPMicroBatches) {
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(8, 1, 64), 8);
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(8, 1, 4), 4);
  // Interleaving holds more: Megatron's (p-1)*2 + (v-1)*p + 1 warm-up chunks.
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(8, 2, 64), (7 * 2 + 8 + 1) / 2.0);
}

TEST(PipelineSchedule, LaterStagesHoldFewerMicroBatchesUnlessAllAreInWarmUp) {
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(8, 1, 64, 7), 1);
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(8, 1, 64, 3), 5);
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(8, 2, 64, 7), (8 + 1) / 2.0);
  // Llama 3 405B as Meta ran it (p = m = 16, v = 4): the first half of the stages run every forward pass before
  // the first backward, so stage 1 holds all 16 micro-batches like stage 0.
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(16, 4, 16, 1), 16);
  EXPECT_DOUBLE_EQ(in_flight_micro_batches(16, 4, 16, 15), (3 * 16 + 1) / 4.0);
}

}  // namespace
}  // namespace capsim::sim
