#include "planner/fabric_inventory.hpp"

#include <algorithm>

#include "models/network/fabric_factory.hpp"
#include "models/network/topology.hpp"

namespace capsim::planner {

FabricInventory fabric_inventory(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  FabricInventory f;
  f.topology = so.topology;
  f.planes = std::max(1, so.planes);
  f.nodes = cluster.nodes;
  f.nics_per_node = so.nics_per_node;
  f.counts.endpoints = static_cast<long>(cluster.nodes) * so.nics_per_node;
  // One node needs no scale-out fabric: the power model counts no switch for it either (net::switch_tiers).
  if (cluster.nodes <= 1) return f;
  const auto topology = net::build_fabric(cluster);
  f.built = true;
  f.counts = topology->counts();
  if (f.torus()) {
    f.torus_dims = so.torus_dims;
    f.port_bw_Bps = net::torus_options(cluster).link_bw_Bps;
  } else {
    f.port_bw_Bps = net::clos_options(cluster).link_bw_Bps;
  }
  return f;
}

nlohmann::ordered_json to_json(const FabricInventory& f) {
  const net::FabricCounts& c = f.counts;
  nlohmann::ordered_json j;
  j["topology"] = f.topology;
  j["built"] = f.built;
  j["planes"] = f.planes;
  j["tiers"] = c.tiers.size();
  if (f.torus()) j["torus_nodes"] = f.torus_dims;
  j["nic_ports"] = c.endpoints;
  j["port_bandwidth_Bps"] = f.port_bw_Bps;
  j["switches"] = c.switches;
  j["switch_ports"] = c.switch_ports;
  j["switch_ports_used"] = c.switch_ports_used;
  j["switch_ports_free"] = c.switch_ports - c.switch_ports_used;
  j["cables"] = c.cables;
  j["copper_cables"] = c.copper_cables;
  j["optical_cables"] = c.optical_cables;
  j[f.torus() ? "cables_per_dimension" : "cables_per_tier"] = c.cables_per_tier;
  j["optics"] = c.optics;
  j["switch_tiers"] = nlohmann::ordered_json::array();
  for (const net::TierCount& t : c.tiers) {
    j["switch_tiers"].push_back({{"name", t.name},
                                 {"switches", t.switches},
                                 {"radix", t.radix},
                                 {"ports_down", t.ports_down},
                                 {"ports_up", t.ports_up},
                                 {"ports_free", t.ports_free},
                                 {"oversubscription", t.oversubscription}});
  }
  return j;
}

}  // namespace capsim::planner
