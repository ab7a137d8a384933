#include "sim/des/des_platform.hpp"

#include <algorithm>
#include <string>

#include <simgrid/s4u.hpp>

#include "sim/core/error.hpp"
#include "sim/des/checkpoint_plan.hpp"

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

std::unique_ptr<sg4::Engine> start_engine() {
  int argc = 2;
  char name[] = "capsim-des";
  char quiet[] = "--log=root.thres:critical";
  char* argv[] = {name, quiet, nullptr};
  return std::make_unique<sg4::Engine>(&argc, argv);
}

namespace {

/// A GPU host; with an energy profile, one pstate of the same speed per group of its `wattage_per_state`.
sg4::Host* create_gpu_host(sg4::NetZone* zone, const std::string& name, const std::string* wattage) {
  if (wattage == nullptr) return zone->create_host(name, kHostSpeed);
  const auto pstates = static_cast<size_t>(std::count(wattage->begin(), wattage->end(), ',') + 1);
  sg4::Host* host = zone->create_host(name, std::vector<double>(pstates, kHostSpeed));
  // Read by the host energy plugin when the zone is sealed.
  host->set_property("wattage_per_state", *wattage);
  return host;
}

}  // namespace

DesPlatform build_platform(const hw::ClusterSpec& cluster, int gpus, const DesCheckpoint* storage,
                           const std::vector<std::string>* gpu_wattage) {
  // LV08 (SimGrid's default) models TCP: latency x13, a window bound and 5% cross-traffic. RDMA fabrics have none
  // of that (reference/simgrid-3.32.md).
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/TCP-gamma:0");
  sg4::Engine::set_config("network/crosstraffic:0");

  const int gpn = cluster.gpus_per_node;
  const int nodes = (gpus + gpn - 1) / gpn;
  DesPlatform platform;
  platform.shape = fat_tree_shape(cluster, nodes);
  const bool attach = storage != nullptr && storage->enabled;
  if (attach) platform.shape = with_storage(platform.shape);
  const double client_cap = attach ? storage_client_cap_Bps(storage->tier) : 0.0;
  platform.gpu_hosts.assign(gpus, nullptr);
  platform.node_ports.assign(nodes, nullptr);
  platform.storage_hosts.assign(platform.shape.storage_endpoints(), nullptr);
  if (client_cap > 0) platform.storage_clients.assign(nodes, nullptr);
  const FatTreeShape& shape = platform.shape;
  const double hop_latency = cluster.scale_out.latency_s / (2.0 * shape.levels);
  // GPU-to-switch links inside a node: NVLink. Fabric flows start and end at the node's gateway GPU, so they never
  // cross these; they exist so every GPU is a routable host.
  const double nvlink_bw = std::max(cluster.scale_up.bw_Bps, shape.link_bw_Bps);

  auto make_node = [&](sg4::NetZone* fabric, const std::vector<unsigned long>& /*coord*/, unsigned long id) {
    const int node = shape.leaf_role(static_cast<int>(id));
    if (node < 0) {
      // A storage endpoint: one host on its own fabric link, whose bandwidth is set once the writes are known. It
      // sits in a zone of its own, as a node's GPUs do: SimGrid 3.32 misroutes between a host nested in a sub-zone
      // and one placed directly in the fat-tree zone.
      const std::string name = "storage-" + std::to_string(-1 - node);
      auto* zone = sg4::create_star_zone(name);
      zone->set_parent(fabric);
      sg4::Host* host = zone->create_host(name, kStorageHostSpeed);
      zone->seal();
      platform.storage_hosts[-1 - node] = host;
      return std::make_pair(zone->get_netpoint(), host->get_netpoint());
    }
    auto* zone = sg4::create_star_zone("node-" + std::to_string(node));
    zone->set_parent(fabric);
    sg4::Host* gateway = nullptr;
    for (int local = 0; local < gpn; ++local) {
      const int rank = node * gpn + local;
      const bool real = node < nodes && rank < gpus;
      const std::string name = (real ? "gpu-" + std::to_string(rank) : "pad-" + std::to_string(rank));
      const bool profiled = real && gpu_wattage != nullptr;
      sg4::Host* host = create_gpu_host(zone, name, profiled ? &(*gpu_wattage)[rank] : nullptr);
      auto* up = zone->create_link(name + "-nvl-up", nvlink_bw)->set_latency(cluster.scale_up.latency_s);
      auto* down = zone->create_link(name + "-nvl-down", nvlink_bw)->set_latency(cluster.scale_up.latency_s);
      zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(up)}, false);
      zone->add_route(nullptr, host->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(down)}, false);
      if (real) platform.gpu_hosts[rank] = host;
      if (local == 0) gateway = host;
    }
    if (client_cap > 0 && node < nodes) {
      // The node's storage client: its link is the per-node bound on checkpoint traffic.
      const std::string name = "client-" + std::to_string(node);
      sg4::Host* host = zone->create_host(name, kHostSpeed);
      // Named for the busiest-links report (the fabric's links are renamed there: fabric_link_name()).
      auto* up = zone->create_link("node " + std::to_string(node) + " storage client (up)", client_cap);
      zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(up)}, false);
      platform.storage_clients[node] = host;
    }
    // The power meter's timers run on a host of their own: nothing else computes there, so they never wait.
    if (gpu_wattage != nullptr && node == 0) platform.meter = zone->create_host("power-meter", kHostSpeed);
    zone->seal();
    if (node < nodes) platform.node_ports[node] = gateway;
    return std::make_pair(zone->get_netpoint(), gateway->get_netpoint());
  };
  sg4::FatTreeParams params(shape.levels, shape.down, shape.up, shape.number);
  auto* fabric = sg4::create_fatTree_zone("fabric", nullptr, params, sg4::ClusterCallbacks(make_node),
                                          shape.link_bw_Bps, hop_latency, sg4::Link::SharingPolicy::SPLITDUPLEX);
  fabric->seal();
  return platform;
}

void fail_cables(const DesPlatform& platform, const hw::ClusterSpec& cluster, const std::vector<FailedCables>& failed) {
  const int rails = std::max(1, cluster.scale_out.nics_per_node);
  const int nodes = static_cast<int>(platform.node_ports.size());
  for (const FailedCables& f : failed) {
    if (f.from_node < 0 || f.from_node >= nodes || f.to_node < 0 || f.to_node >= nodes || f.from_node == f.to_node) {
      throw InfeasibleError("failed cables between nodes " + std::to_string(f.from_node) + " and " +
                            std::to_string(f.to_node) + ": the jobs use nodes 0 to " + std::to_string(nodes - 1));
    }
    std::vector<sg4::Link*> route;
    double latency = 0;
    platform.node_ports[f.from_node]->route_to(platform.node_ports[f.to_node], route, &latency);
    const int up_links = static_cast<int>(route.size()) / 2;
    if (f.tier < 0 || f.tier >= up_links) {
      throw InfeasibleError("the route from node " + std::to_string(f.from_node) + " to node " +
                            std::to_string(f.to_node) + " climbs " + std::to_string(up_links) + " tiers; tier " +
                            std::to_string(f.tier) + " is not on it");
    }
    if (f.cables < 1 || f.cables >= rails) {
      throw InfeasibleError("failing " + std::to_string(f.cables) + " cables of a bundle of " + std::to_string(rails) +
                            " is outside 1.." + std::to_string(rails - 1));
    }
    sg4::Link* link = route[f.tier];
    link->set_bandwidth(link->get_bandwidth() * (rails - f.cables) / rails);
  }
}

}  // namespace capsim::sim::des
