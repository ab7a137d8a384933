#pragma once
/// @file reliability_scenario.hpp
/// Private to planner/scenario*.cpp: reads the top-level `storage` and `reliability` keys, checking each with its
/// JSON pointer.
///
/// Keys (all optional):
///  - "storage": {
///      "tiers": [{"name", "kind": "local-nvme" | "parallel-fs" | "object-store", "bandwidth_per_node",
///                 "capacity_per_node", "servers", "bandwidth_per_server", "aggregate_bandwidth", "metadata_rate",
///                 "client_bandwidth_per_node", "capacity", "stream_bandwidth", "streams_per_node",
///                 "request_latency", "price_per_gb_month" (any kind), "egress_per_gb", "ingress_per_gb"}, ...]
///                 (each starts from its kind's defaults; the list replaces the default nvme, pfs and s3 tiers),
///      "checkpoint": {"tier", "mode": "sync" | "async", "interval": "auto" | time, "host_copy_bandwidth",
///                     "keep": 1..1000000 checkpoints retained on the tier, the one being written included (2)},
///      "data": {"tier", "bytes_per_token", "sample_size", "tokens_per_sample", "cache_hit", "prefetch"},
///      "placement": see placement_scenario.hpp}
///  - "reliability": {"failure_rates": {"gpu" | "hbm" | "node" | "nic" | "link" | "switch" | "software":
///      a frequency per component, e.g. "2e-4/day"}, "restart_overhead": time, "monte_carlo_runs": 0..100000}

#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"

namespace capsim::planner::detail {

/// Reads `storage` and `reliability` of the top-level object `top` into `scenario`.
void parse_storage_and_reliability(ObjectReader& top, Scenario& scenario);

}  // namespace capsim::planner::detail
