#pragma once
/// @file data_loading.hpp
/// Can a storage tier feed the GPUs? The loader's demand comes from the training throughput (tokens/s x bytes per
/// token, or samples/s x sample size); caching takes part of it off the tier, and prefetching hides the read
/// behind compute as long as the tier keeps up on average. With a hot/warm placement (`storage.placement`) a hot
/// tier serves its share of the reads while the tier the data lives on streams the rest, both at once.

#include <string>

#include "models/hardware/storage_tier.hpp"

namespace capsim::workloads {

/// What the data loader reads and how.
struct DataLoaderSpec {
  std::string tier = "pfs";      ///< name of the tier the training data lives on
  double bytes_per_token = 0;    ///< tokenized text; 0 = 4 bytes (uint32 ids) for vocabularies over 65,536, else 2
  double sample_B = 0;           ///< bytes per sample for image or video data; 0 = text (bytes_per_token)
  double tokens_per_sample = 0;  ///< tokens one sample becomes; 0 = the sequence length
  double cache_hit = 0;          ///< share of reads served from a node-local cache (page cache, local NVMe)
  int prefetch_batches = 2;      ///< batches read ahead (PyTorch DataLoader's default prefetch_factor)
};

/// A hot tier holding part of the dataset (`storage.placement.dataset.hot`).
struct HotTier {
  const hw::StorageTier* tier = nullptr;  ///< not owned; nullptr = none
  double hit_rate = 0;                    ///< share of the reads left after cache_hit that it serves (0..1)
};

/// How the data pipeline keeps up.
struct DataLoadingResult {
  double demand_Bps = 0;        ///< what the GPUs consume
  double tier_demand_Bps = 0;   ///< what reaches the tier after caching (and after the hot tier's hits)
  double tier_bw_Bps = 0;       ///< what the tier gives the job's nodes
  double stall_per_step_s = 0;  ///< GPU wait per step for data
  double starvation = 0;        ///< share of wall time the GPUs wait for data (0..1)
  double required_bw_Bps = 0;   ///< tier bandwidth that removes the wait (with prefetch on)
  // with a hot tier only
  double hot_demand_Bps = 0;     ///< what the hot tier serves
  double hot_bw_Bps = 0;         ///< what the hot tier gives the job's nodes
  double effective_bw_Bps = 0;   ///< bytes read per step (hot and tier) over the time the slower of the two takes
  double required_hit_rate = 0;  ///< hot-tier hit rate at which the tier's own bandwidth removes the wait (0..1)
};

/// Data loading for a job running `step_time_s` steps of `tokens_per_step` tokens on `nodes` nodes, reading from
/// `tier` and, when given, `hot`. `vocab` and `seq_len` fill the spec's defaults.
DataLoadingResult data_loading(const DataLoaderSpec& spec, double step_time_s, double tokens_per_step, long long vocab,
                               int seq_len, int nodes, const hw::StorageTier& tier, const HotTier& hot = {});

}  // namespace capsim::workloads
