#pragma once
/// @file placement_scenario.hpp
/// Private to planner/scenario*.cpp: reads `storage.placement` (which tier holds which data) and checks, once the
/// workloads are known, that every tier holds what the policy puts there.
///
/// Keys (all optional unless marked):
///  "placement": {
///    "dataset": {"size": bytes (required), "hot": tier caching part of it, "hot_fraction": 0..1 (default 1: as
///                much as fits), "warm": tier holding it all (default storage.data.tier), "cold": archive tier},
///    "checkpoints": {"hot": tier written to (default storage.checkpoint.tier), "keep_hot": 1..1000 (default 2),
///                    "cold": tier drained to, "keep_cold": 1..1000000 (default 1)}}
/// A placement's warm (hot) tier becomes storage.data.tier (storage.checkpoint.tier); naming another one there too is
/// an error.

#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"

namespace capsim::planner::detail {

/// Reads `placement` of the `storage` object `storage` into `st`, whose tiers, checkpoint and data are read already.
void parse_placement(ObjectReader& storage, StorageOptions& st);

/// Places every training workload of `scenario` and reports each tier that cannot hold its share at the placement
/// key responsible. Does nothing without a placement or when `r` has errors already (the workloads may be unsound).
void check_placement(JsonReader& r, const Scenario& scenario);

}  // namespace capsim::planner::detail
