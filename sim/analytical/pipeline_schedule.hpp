#pragma once
/// @file pipeline_schedule.hpp
/// How layers spread over pipeline stages, and how long a 1F1B or interleaved 1F1B schedule takes.

namespace capsim::sim {

/// Layers per stage when `layers` do not divide evenly by `stages`: every stage gets floor(layers/stages), and the
/// remainder goes to the middle stages, sparing the first and last stages, which also carry the embedding and the
/// output layer (the layout Llama 3 used for 126 layers on 16 stages).
struct LayerSplit {
  int stages = 1;
  int base = 0;       ///< layers on a stage without an extra one
  int remainder = 0;  ///< stages with base + 1 layers
  /// Layers on stage `i` (0-based).
  int layers_on(int i) const;
  /// Largest layer count on any stage.
  int max_layers() const { return base + (remainder > 0 ? 1 : 0); }
};

/// Splits `layers` over `stages` (stages >= 1, layers >= stages).
LayerSplit split_layers(int layers, int stages);

/// Per-micro-batch time (forward + backward, one micro-batch) of the slowest stage and of all stages together.
struct StageTimes {
  double max_s = 0;
  double sum_s = 0;
};

/// Seconds for the pipeline part of one step: `micro_batches` through `stages` stages with `virtual_stages`
/// interleaved chunks each. In steady state the slowest stage sets the pace; filling and draining the pipeline
/// costs the other stages' time once, divided by the interleaving depth (Narayanan et al. SC'21, Sec. 2.2):
/// for equal stages this is (m + (p-1)/v) x t.
double pipeline_time_s(const StageTimes& stage, int micro_batches, int virtual_stages);

/// Micro-batches whose activations stage `stage` (0-based) holds at the peak of the schedule, in units of
/// whole-stage micro-batches. 1F1B: min(m, p - stage). Interleaved: Megatron-Core's warm-up of
/// (p - stage - 1) x 2 + (v - 1) x p chunks plus the one in its first 1F1B step, at most all m x v chunks, divided
/// by v (Megatron-Core `get_pp_rank_microbatches`; with m = p every stage in the first half holds all m).
double in_flight_micro_batches(int stages, int virtual_stages, int micro_batches, int stage = 0);

}  // namespace capsim::sim
