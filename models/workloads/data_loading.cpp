#include "models/workloads/data_loading.hpp"

#include <algorithm>

namespace capsim::workloads {

namespace {

/// Bytes the loader reads per step of `tokens_per_step` tokens.
double step_bytes(const DataLoaderSpec& spec, double tokens_per_step, long long vocab, int seq_len) {
  if (spec.sample_B > 0) {
    const double tokens_per_sample = spec.tokens_per_sample > 0 ? spec.tokens_per_sample : std::max(seq_len, 1);
    return tokens_per_step / tokens_per_sample * spec.sample_B;
  }
  const double bpt = spec.bytes_per_token > 0 ? spec.bytes_per_token : (vocab > 65'536 ? 4.0 : 2.0);
  return tokens_per_step * bpt;
}

/// Time the hot tier takes for its `hot_bytes` of a step; fills the hot-tier bandwidths of `r`.
double hot_read_s(const HotTier& hot, double hot_bytes, double step_time_s, int nodes, DataLoadingResult& r) {
  r.hot_bw_Bps = hot.tier->bandwidth_Bps(nodes);
  r.hot_demand_Bps = hot_bytes / step_time_s;
  return hot_bytes > 0 ? hot.tier->startup_s() + hot_bytes / r.hot_bw_Bps : 0.0;
}

}  // namespace

DataLoadingResult data_loading(const DataLoaderSpec& spec, double step_time_s, double tokens_per_step, long long vocab,
                               int seq_len, int nodes, const hw::StorageTier& tier, const HotTier& hot) {
  DataLoadingResult r;
  if (step_time_s <= 0 || tokens_per_step <= 0) return r;
  const double bytes_per_step = step_bytes(spec, tokens_per_step, vocab, seq_len);
  const double miss = 1.0 - std::clamp(spec.cache_hit, 0.0, 1.0);
  const double hit = hot.tier != nullptr ? std::clamp(hot.hit_rate, 0.0, 1.0) : 0.0;
  const double miss_bytes = bytes_per_step * miss;
  const double tier_bytes = miss_bytes * (1.0 - hit);
  r.demand_Bps = bytes_per_step / step_time_s;
  r.tier_demand_Bps = tier_bytes / step_time_s;
  r.tier_bw_Bps = tier.bandwidth_Bps(nodes);
  double read_s = tier_bytes > 0 ? tier.startup_s() + tier_bytes / r.tier_bw_Bps : 0.0;
  // Loader workers read the hot share (local drives) and the rest (the network tier) at once: the slower one counts.
  if (hot.tier != nullptr) read_s = std::max(read_s, hot_read_s(hot, miss_bytes * hit, step_time_s, nodes, r));
  // With prefetch the next batch is read during this step, so only the excess over the step shows. Without it every
  // step waits for its own read (request latency included).
  r.stall_per_step_s = spec.prefetch_batches > 0 ? std::max(0.0, read_s - step_time_s) : read_s;
  r.starvation = r.stall_per_step_s / (step_time_s + r.stall_per_step_s);
  const double budget_s = step_time_s - tier.startup_s();
  r.required_bw_Bps = tier_bytes <= 0 ? 0 : budget_s > 0 ? tier_bytes / budget_s : r.tier_bw_Bps;
  if (hot.tier != nullptr) {
    r.effective_bw_Bps = read_s > 0 ? miss_bytes / read_s : 0.0;
    // The tier keeps up once its share (1 - h) of the misses fits the step: h >= 1 - budget x bandwidth / misses.
    r.required_hit_rate = miss_bytes <= 0 ? 0.0
                          : budget_s <= 0 ? 1.0
                                          : std::clamp(1.0 - budget_s * r.tier_bw_Bps / miss_bytes, 0.0, 1.0);
  }
  return r;
}

}  // namespace capsim::workloads
