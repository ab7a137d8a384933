#pragma once
/// @file placement.hpp
/// Hot/warm/cold placement of a training job's data (`storage.placement`): which tier caches how much of the
/// dataset (and so the share of reads it serves), where checkpoints are kept and whether draining each one to the
/// cold tier keeps up with the checkpoint interval, bytes per tier against capacity, and the monthly bill.
///
/// What is modelled:
///  - Dataset: the warm tier holds the whole dataset and the cold tier (if any) the archive copy it was filled
///    from. The hot tier caches `hot_fraction` of it, or what its capacity leaves free after retained checkpoints.
///    The hot share is staged from the warm tier before the first step, and the loader is shard-aware (each node
///    reads the shards its own drives hold, as WebDataset or MosaicML Streaming do), so from the first step on the
///    hot tier serves the hot share of reads and the warm tier the rest, both at once.
///  - Checkpoints: the newest `keep_hot` (the one being written included) stay on the tier they are written to;
///    each is copied to the cold tier in the background at min(hot read, cold write) bandwidth, sharing neither
///    with training reads nor with the next write (an optimistic bound); `keep_cold` copies are kept there.
///  - Capacity: a local-nvme tier is checked per node (the busiest node's checkpoint shards plus its part of the
///    dataset cache), a shared tier as a whole. Each training workload is placed as if alone on the tiers.

#include <optional>
#include <string>
#include <vector>

#include "models/hardware/storage_tier.hpp"
#include "models/workloads/checkpoint.hpp"

namespace capsim::workloads {

/// Where the training dataset lives (`storage.placement.dataset`).
struct DatasetPlacement {
  double size_B = 0;        ///< the whole dataset, bytes
  std::string hot;          ///< tier caching part of it; "" = none. A local-nvme tier spreads over the job's nodes
  double hot_fraction = 1;  ///< share of the dataset to cache on the hot tier, capped by what fits there
  std::string warm;         ///< tier holding the whole dataset; reads the hot tier misses stream from it
  std::string cold;         ///< tier holding the archive copy; "" = none
};

/// Where checkpoints are kept (`storage.placement.checkpoints`).
struct CheckpointRetention {
  std::string hot;    ///< tier checkpoints are written to (the job's checkpoint tier)
  int keep_hot = 2;   ///< newest checkpoints kept there, the one being written included
  std::string cold;   ///< tier each checkpoint is drained to in the background; "" = none
  int keep_cold = 1;  ///< checkpoints kept on the cold tier
};

/// A placement policy: either part may be left out.
struct PlacementSpec {
  std::optional<DatasetPlacement> dataset;         ///< `dataset`
  std::optional<CheckpointRetention> checkpoints;  ///< `checkpoints`
};

/// What the placement puts on one tier, and what that costs per month.
struct TierUse {
  std::string tier;             ///< tier name
  std::string kind;             ///< "local-nvme", "parallel-fs" or "object-store"
  double dataset_B = 0;         ///< dataset bytes: the hot cache, the warm copy or the cold copy
  double checkpoint_B = 0;      ///< retained checkpoints, bytes
  double capacity_B = 0;        ///< what the tier offers the job (local-nvme: per node x nodes); 0 = unbounded
  double usd_per_GB_month = 0;  ///< the tier's storage price, USD per 1e9 bytes per month

  /// Bytes placed on the tier.
  double placed_B() const { return dataset_B + checkpoint_B; }
  /// Placed bytes over capacity (0 when unbounded).
  double capacity_share() const { return capacity_B > 0 ? placed_B() / capacity_B : 0.0; }
  /// Monthly storage cost of the placed bytes, USD.
  double usd_per_month() const { return placed_B() / 1e9 * usd_per_GB_month; }
};

/// A tier that cannot hold what the placement puts on it.
struct TierShortfall {
  std::string tier;       ///< tier name
  std::string key;        ///< placement key that put the most bytes there: "dataset/warm", "checkpoints/keep_hot", ...
  double needed_B = 0;    ///< bytes placed (per node for local-nvme)
  double capacity_B = 0;  ///< bytes the tier has (per node for local-nvme)
  std::string message;    ///< what does not fit, by how much
  std::string hint;       ///< what to change
};

/// How the dataset is spread.
struct DatasetUse {
  std::string hot, warm, cold;        ///< tier names ("" = none)
  double size_B = 0;                  ///< the whole dataset, bytes
  double requested_hot_fraction = 0;  ///< the policy's hot_fraction (0 without a hot tier)
  double hot_B = 0;                   ///< bytes cached on the hot tier
  double hit_rate = 0;                ///< share of reads the hot tier serves: hot_B / size_B
  double staging_s = 0;               ///< copying the hot share from the warm tier before the first step, seconds
  /// Filling the warm copy from the cold one once, USD: size x the cold tier's egress price. Assumes the cluster
  /// sits outside the object store's region (transfers inside a region are free: set egress_per_gb to 0).
  double staging_egress_usd = 0;
};

/// Draining each checkpoint from the hot to the cold tier in the background.
struct CheckpointDrain {
  double bandwidth_Bps = 0;           ///< min(hot tier read, cold tier write) for the writer nodes
  double drain_s = 0;                 ///< one checkpoint, request latency included
  double interval_s = 0;              ///< training time between checkpoints (policy or Young/Daly)
  bool keeps_up = true;               ///< drain_s <= interval_s
  double drains_per_month = 0;        ///< checkpoints copied per month: one per max(interval, drain)
  double transfer_usd_per_month = 0;  ///< hot tier egress plus cold tier ingress of those copies, USD
};

/// How the checkpoints are kept.
struct CheckpointUse {
  std::string hot, cold;                 ///< tier names (cold "" = none)
  int keep_hot = 0;                      ///< checkpoints kept on the hot tier
  int keep_cold = 0;                     ///< checkpoints kept on the cold tier
  double checkpoint_B = 0;               ///< one checkpoint, bytes
  std::optional<CheckpointDrain> drain;  ///< with a cold tier, once the interval is known
};

/// The placement of one training job.
struct PlacementResult {
  std::vector<TierUse> tiers;                ///< tiers the placement uses, in the scenario's order
  std::optional<DatasetUse> dataset;         ///< with a dataset policy
  std::optional<CheckpointUse> checkpoints;  ///< with a checkpoint policy
  std::vector<TierShortfall> shortfalls;     ///< tiers that cannot hold their share; empty when it fits
  std::vector<std::string> notes;            ///< assumptions a planner should see (unpriced tiers, a capped cache)

  /// Storage of every tier plus checkpoint transfers, USD per month.
  double usd_per_month() const;
};

/// Seconds in a billing month: AWS prices GB-months over 730 hours (AWS Pricing Calculator).
inline constexpr double kSecondsPerMonth = 730 * 3600.0;

/// Places `spec` for a job of `nodes` nodes of `gpus_per_node` GPUs whose checkpoint is `checkpoint`, on `tiers`.
/// Fills shortfalls rather than throwing; throws capsim::Error when `spec` names a tier `tiers` lacks.
PlacementResult plan_placement(const PlacementSpec& spec, const std::vector<hw::StorageTier>& tiers,
                               const CheckpointSize& checkpoint, int nodes, int gpus_per_node);

/// Throws capsim::InfeasibleError naming every shortfall of `placement`, if it has any.
void require_capacity(const PlacementResult& placement);

/// Background copy of `checkpoint` from `hot` to `cold` by the writer nodes of a `nodes`-node job, against a
/// checkpoint every `interval_s` seconds.
CheckpointDrain checkpoint_drain(const CheckpointSize& checkpoint, int nodes, int gpus_per_node,
                                 const hw::StorageTier& hot, const hw::StorageTier& cold, double interval_s);

}  // namespace capsim::workloads
