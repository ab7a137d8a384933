#pragma once
/// @file fabric_inventory.hpp
/// What a cluster's scale-out fabric is made of, as `capsim run` reports it and a bill of materials prices it:
/// switch tiers (radix, ports down, up and free, oversubscription as built), switches, ports, cables (copper or
/// optical, per tier), optics and NIC ports. The counts come from the topology graph the fabric model builds
/// (models/network/fabric_factory.hpp), so they are the fabric the DES runs on.

#include <array>
#include <string>

#include <nlohmann/json.hpp>

#include "models/hardware/cluster.hpp"
#include "models/network/fabric_graph.hpp"

namespace capsim::planner {

/// The scale-out fabric of one cluster.
struct FabricInventory {
  std::string topology;      ///< the scenario's `scale_out.topology`: "fat-tree", "rail-optimized" or "torus3d"
  bool built = false;        ///< false for a single node: its NICs reach no scale-out switch or cable
  int planes = 1;            ///< independent planes (counts are summed over them)
  int nodes = 0;
  int nics_per_node = 0;
  double port_bw_Bps = 0;    ///< every fabric cable and switch port, one direction, bytes/s
  std::array<int, 3> torus_dims{0, 0, 0};  ///< torus3d: nodes along x, y and z
  net::FabricCounts counts;  ///< switches per tier, ports, cables, optics; `endpoints` = NIC ports

  bool torus() const { return topology == "torus3d"; }
};

/// Builds `cluster`'s fabric graph once and counts it (a 16,384-GPU fat-tree takes milliseconds). Throws
/// capsim::InfeasibleError when the fabric cannot be built (scenario checks catch that first).
FabricInventory fabric_inventory(const hw::ClusterSpec& cluster);

/// The result document's `fabric` object: `topology`, `planes`, `tiers`, `nic_ports`, `port_bandwidth_Bps`,
/// `switches`, `switch_ports` (used and free), `cables` (copper, optical, per tier or, for a torus, per dimension),
/// `optics` (transceivers, one at each end of an optical cable) and `switch_tiers` (one object per tier).
nlohmann::ordered_json to_json(const FabricInventory& fabric);

}  // namespace capsim::planner
