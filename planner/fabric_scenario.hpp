#pragma once
/// @file fabric_scenario.hpp
/// Private to planner/scenario*.cpp: reads `cluster.scale_out`, checking each key with its JSON pointer, and checks
/// that the fabric it describes can be built from its switches.
///
/// Keys (all optional): "topology" ("fat-tree" | "rail-optimized" | "torus3d"), "nics_per_node", "nic_bandwidth",
/// "efficiency", "latency", "oversubscription" (a number for the leaf tier, or [leaf, spine]), "tiers" (1-3),
/// "radix", "port_bandwidth", "rails", "planes", "switch_latency", "torus" ([x, y, z] nodes), "sharp" (bool),
/// "nccl_tests" (an nccl-tests log, or a list of them, whose measured curves replace the collective model's).

#include "models/hardware/cluster.hpp"
#include "planner/json_reader.hpp"

namespace capsim::planner::detail {

/// Reads the `scale_out` member of cluster object `c` into `cluster.scale_out`. When `check_fabric` (the node count
/// is known) and the scenario shapes the fabric (topology, tiers, radix, rails, planes, torus, port speed), reports a
/// fabric that cannot be built at the key responsible.
void parse_scale_out(ObjectReader& c, hw::ClusterSpec& cluster, bool check_fabric);

}  // namespace capsim::planner::detail
