#include "models/workloads/data_loading.hpp"

#include <algorithm>

namespace capsim::workloads {

DataLoadingResult data_loading(const DataLoaderSpec& spec, double step_time_s, double tokens_per_step, long long vocab,
                               int seq_len, int nodes, const hw::StorageTier& tier) {
  DataLoadingResult r;
  if (step_time_s <= 0 || tokens_per_step <= 0) return r;
  double bytes_per_step = 0;
  if (spec.sample_B > 0) {
    const double tokens_per_sample = spec.tokens_per_sample > 0 ? spec.tokens_per_sample : std::max(seq_len, 1);
    bytes_per_step = tokens_per_step / tokens_per_sample * spec.sample_B;
  } else {
    const double bpt = spec.bytes_per_token > 0 ? spec.bytes_per_token : (vocab > 65'536 ? 4.0 : 2.0);
    bytes_per_step = tokens_per_step * bpt;
  }
  const double miss = 1.0 - std::clamp(spec.cache_hit, 0.0, 1.0);
  const double tier_bytes = bytes_per_step * miss;
  r.demand_Bps = bytes_per_step / step_time_s;
  r.tier_demand_Bps = tier_bytes / step_time_s;
  r.tier_bw_Bps = tier.bandwidth_Bps(nodes);
  const double read_s = tier_bytes > 0 ? tier.startup_s() + tier_bytes / r.tier_bw_Bps : 0.0;
  // With prefetch the next batch is read during this step, so only the excess over the step shows. Without it every
  // step waits for its own read (request latency included).
  r.stall_per_step_s = spec.prefetch_batches > 0 ? std::max(0.0, read_s - step_time_s) : read_s;
  r.starvation = r.stall_per_step_s / (step_time_s + r.stall_per_step_s);
  const double budget_s = step_time_s - tier.startup_s();
  r.required_bw_Bps = tier_bytes <= 0 ? 0 : budget_s > 0 ? tier_bytes / budget_s : r.tier_bw_Bps;
  return r;
}

}  // namespace capsim::workloads
