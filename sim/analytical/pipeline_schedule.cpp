#include "sim/analytical/pipeline_schedule.hpp"

#include <algorithm>

namespace capsim::sim {

int LayerSplit::layers_on(int i) const {
  if (remainder == 0) return base;
  // Extra layers go to the stages in the middle: the first and last stages carry embedding and logits.
  const int spare_edges = (stages - remainder >= 2) ? 1 : 0;
  const int first_extra = spare_edges + (stages - 2 * spare_edges - remainder) / 2;
  return base + ((i >= first_extra && i < first_extra + remainder) ? 1 : 0);
}

LayerSplit split_layers(int layers, int stages) {
  LayerSplit split;
  split.stages = std::max(1, stages);
  split.base = layers / split.stages;
  split.remainder = layers % split.stages;
  return split;
}

double pipeline_time_s(const StageTimes& stage, int micro_batches, int virtual_stages) {
  const double v = std::max(1, virtual_stages);
  return micro_batches * stage.max_s + (stage.sum_s - stage.max_s) / v;
}

double in_flight_micro_batches(int stages, int virtual_stages, int micro_batches, int stage) {
  const double p = stages;
  const double m = micro_batches;
  const double later = std::max(0, stages - stage - 1);
  if (virtual_stages <= 1) return std::min(m, later + 1);
  const double v = virtual_stages;
  const double chunks = later * 2 + (v - 1) * p + 1;
  return std::min(m * v, chunks) / v;
}

}  // namespace capsim::sim
