#pragma once
/// @file serving.hpp
/// An inference-serving workload: a model on replicas, under a load, with the serving engine's settings.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "models/hardware/precision.hpp"
#include "models/workloads/transformer.hpp"

namespace capsim::workloads {

/// How requests arrive.
enum class LoadMode {
  concurrency,  ///< closed loop: `users` each send the next request when the last one ends (after a think time)
  poisson,      ///< open loop, exponential gaps at `rate_per_s` (or the rate curve)
  gamma,        ///< open loop, gamma gaps with coefficient of variation `burstiness` (> 1 is bursty)
  offline,      ///< `requests` all queued at time zero (maximum throughput)
  trace,        ///< replay of a request trace: arrival times and lengths from `trace`
};

/// A rate that changes over time: `rates_per_s[i]` holds from i x interval_s, cycling (a daily curve is 24 hourly
/// values).
struct RateCurve {
  double interval_s = 3600;
  std::vector<double> rates_per_s;

  bool empty() const { return rates_per_s.empty(); }
  /// Rate at time `t_s`, requests/s (0 when empty).
  double rate_at(double t_s) const {
    if (rates_per_s.empty() || interval_s <= 0) return 0;
    const double in_cycle = std::fmod(std::max(0.0, t_s), period_s());
    const auto i = static_cast<std::size_t>(in_cycle / interval_s);
    return rates_per_s[std::min(i, rates_per_s.size() - 1)];
  }
  /// Length of one cycle, seconds.
  double period_s() const { return interval_s * static_cast<double>(rates_per_s.size()); }
};

/// One request of a replayed trace.
struct TraceRequest {
  double arrival_s = 0;  ///< since the trace's first request
  int input_tokens = 0;
  int output_tokens = 0;
};

/// Load on a serving deployment. A run is bounded by `duration_s` or `requests` (0 = not given).
struct Load {
  LoadMode mode = LoadMode::concurrency;
  int users = 0;
  double rate_per_s = 0;
  RateCurve rate_curve;     ///< replaces rate_per_s when not empty
  double burstiness = 1.0;  ///< gamma: coefficient of variation of the gaps (1 = Poisson)
  double think_time_s = 0;  ///< concurrency: pause between a user's response and next request
  long long requests = 0;
  double duration_s = 0;
  std::vector<TraceRequest> trace;  ///< mode trace: the requests, sorted by arrival
  std::string trace_file;           ///< where the trace came from, for reports
};

/// How request lengths (tokens) are drawn.
enum class LengthKind {
  fixed,      ///< always `mean`
  uniform,    ///< integers in [min, max]
  lognormal,  ///< exp(N(mu, sigma)) with mean `mean`, clipped to [min, max]
  trace,      ///< the trace's own lengths
};

/// A distribution of token counts.
struct LengthDistribution {
  LengthKind kind = LengthKind::fixed;
  double mean = 0;   ///< tokens (fixed value, or the lognormal's mean)
  double sigma = 0;  ///< lognormal: standard deviation of log(length)
  int min = 1;
  int max = 0;  ///< 0 = no upper clip (lognormal) / required (uniform)
};

/// When KV-cache blocks are taken.
enum class KvAdmission {
  on_demand,  ///< vLLM: blocks as tokens arrive; preempt (and later recompute) the newest request when out
  reserve,    ///< TensorRT-LLM GUARANTEED_NO_EVICT: a request is admitted only with blocks for prompt + all output
};

/// Settings of the serving engine on each replica (vLLM's names). The same for every replica.
struct ServingSettings {
  /// Sequences per step. vLLM V1's default on >= 70 GiB GPUs (vllm/engine/arg_utils.py, get_batch_defaults).
  int max_num_seqs = 1024;
  /// Tokens per step (prefill chunks + decodes). vLLM V1's API-server default on >= 70 GiB GPUs (same place).
  int max_batched_tokens = 8192;
  bool chunked_prefill = true;
  int block_tokens = 16;  ///< tokens per KV-cache block (vLLM's default block size)
  /// Share of HBM the engine may use for weights, activations and KV cache (vLLM's gpu_memory_utilization).
  double gpu_memory_utilization = 0.9;
  KvAdmission admission = KvAdmission::on_demand;
};

/// How a request picks a replica.
enum class RouterPolicy {
  round_robin,
  least_outstanding,  ///< the replica with the fewest outstanding tokens (prompt left + output left)
};

/// Latency targets. A request is "good" when its TTFT and TPOT are within the thresholds; the SLO is met when the
/// named percentiles are. 0 = no target.
struct Slo {
  double ttft_s = 0;
  int ttft_percentile = 90;
  double tpot_s = 0;
  int tpot_percentile = 99;

  bool empty() const { return ttft_s <= 0 && tpot_s <= 0; }
};

/// One inference workload of a scenario.
struct InferenceJob {
  std::string name;
  TransformerModel model;
  int tp = 1;
  int pp = 1;
  hw::Precision precision = hw::Precision::bf16;         ///< math precision of the GEMMs
  hw::Precision weight_precision = hw::Precision::bf16;  ///< storage of the weights (int4: 4-bit weights)
  hw::Precision kv_precision = hw::Precision::bf16;      ///< storage of the KV cache
  int replicas = 1;
  /// Prefill/decode disaggregation: this many of `replicas` only prefill and send the KV cache to the others over
  /// the scale-out fabric. 0 = every replica does both.
  int prefill_replicas = 0;
  RouterPolicy router = RouterPolicy::round_robin;
  Load load;
  int input_tokens = 0;               ///< mean prompt length
  int output_tokens = 0;              ///< mean output length
  LengthDistribution input_lengths;   ///< fixed without a mean (the default): always `input_tokens`
  LengthDistribution output_lengths;  ///< fixed without a mean (the default): always `output_tokens`
  ServingSettings serving;
  Slo slo;
  double report_interval_s = 0;  ///< time-series bucket; 0 = chosen from the run's length

  int gpus() const { return tp * pp * replicas; }
  int gpus_per_replica() const { return tp * pp; }
};

}  // namespace capsim::workloads
