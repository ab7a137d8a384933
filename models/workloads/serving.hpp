#pragma once
/// @file serving.hpp
/// An inference-serving workload: a model on replicas, under a load.

#include <string>

#include "models/workloads/transformer.hpp"

namespace capsim::workloads {

/// How requests arrive.
enum class LoadMode {
  concurrency,  ///< closed loop: `users` each send the next request when the last one ends
  poisson,      ///< open loop at `rate_per_s`
  offline,      ///< `requests` all queued at time zero (maximum throughput)
};

/// Load on a serving deployment. A run is bounded by `duration_s` or `requests` (0 = not given).
struct Load {
  LoadMode mode = LoadMode::concurrency;
  int users = 0;
  double rate_per_s = 0;
  long long requests = 0;
  double duration_s = 0;
};

/// One inference workload of a scenario.
struct InferenceJob {
  std::string name;
  TransformerModel model;
  int tp = 1;
  int pp = 1;
  hw::Precision precision = hw::Precision::bf16;
  int replicas = 1;
  Load load;
  int input_tokens = 0;
  int output_tokens = 0;

  int gpus() const { return tp * pp * replicas; }
};

}  // namespace capsim::workloads
