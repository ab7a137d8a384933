#include "sim/des/des_platform.hpp"

#include <algorithm>
#include <optional>
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

/// The GPUs' zone under `root`: a host per GPU rank, and the power meter's when metered.
void add_gpu_zone(DesPlatform& platform, sg4::NetZone* root, int gpus, const std::vector<std::string>* gpu_wattage) {
  auto* gpu_zone = sg4::create_empty_zone("gpus");
  gpu_zone->set_parent(root);
  platform.gpu_hosts.reserve(gpus);
  for (int rank = 0; rank < gpus; ++rank) {
    platform.gpu_hosts.push_back(create_gpu_host(gpu_zone, "gpu-" + std::to_string(rank),
                                                 gpu_wattage != nullptr ? &(*gpu_wattage)[rank] : nullptr));
  }
  // The power meter's timers run on a host of their own: nothing else computes there, so they never wait.
  if (gpu_wattage != nullptr) platform.meter = gpu_zone->create_host("power-meter", kHostSpeed);
  gpu_zone->seal();
}

/// build_platform() on a scale-out 3D torus: the whole torus (routes between the jobs' nodes may pass through the
/// others), one host per node.
DesPlatform build_torus_platform(const hw::ClusterSpec& cluster, int nodes, int gpus, bool attach,
                                 const std::vector<std::string>* gpu_wattage) {
  // Storage endpoints would have to be torus nodes themselves (SimGrid's torus routes by the rank of a host in the
  // zone, and a host beside the zone has no cable into it), and CapSim models no storage placement on a torus:
  // refused rather than guessed. The analytical engine costs the checkpoint from the storage tier alone.
  if (attach) {
    throw InfeasibleError("the des engine attaches storage to tree fabrics only: on a 3D torus, cost the "
                          "checkpoint with the analytical engine (--engine analytical) or drop "
                          "simulation.des.checkpoint");
  }
  DesPlatform platform;
  platform.torus = torus_shape(cluster);
  const TorusShape& torus = platform.torus;
  if (nodes > torus.nodes()) {
    throw InfeasibleError("the jobs need " + std::to_string(nodes) + " nodes; the torus has " +
                          std::to_string(torus.nodes()));
  }
  // DesPlatform's users read the nodes and rails from the tree shape; a torus has no switch tiers.
  platform.shape.nodes = nodes;
  platform.shape.rails = std::max(1, cluster.scale_out.nics_per_node);
  platform.shape.levels = 0;
  const int rails = platform.shape.rails;
  platform.nics.assign(static_cast<size_t>(nodes) * rails, nullptr);
  platform.live_rail.resize(platform.nics.size());
  for (size_t i = 0; i < platform.live_rail.size(); ++i) platform.live_rail[i] = static_cast<int>(i % rails);

  auto* root = sg4::create_full_zone("cluster");
  add_gpu_zone(platform, root, gpus, gpu_wattage);
  // A node's router is its one host: NCCL spreads a transfer over the node's NICs, and on a torus they are the
  // ports of that router, so every rail of the node starts and ends there. SimGrid gives the host of position i
  // rank i in the zone (nothing else is created in it), the rank its routing and link names use.
  auto make_node = [&](sg4::NetZone* zone, const std::vector<unsigned long>& /*coord*/, unsigned long id) {
    sg4::Host* host = zone->create_host("node-" + std::to_string(id), kHostSpeed);
    for (int r = 0; id < static_cast<unsigned long>(nodes) && r < rails; ++r) {
      platform.nics[platform.nic_port(static_cast<int>(id), r)] = host;
    }
    return std::make_pair(host->get_netpoint(), static_cast<simgrid::kernel::routing::NetPoint*>(nullptr));
  };
  auto* zone = sg4::create_torus_zone("torus", root, torus.simgrid_dims(), sg4::ClusterCallbacks(make_node),
                                      torus.link_bw_Bps, torus.hop_latency_s, sg4::Link::SharingPolicy::SPLITDUPLEX);
  zone->seal();
  root->seal();
  return platform;
}

}  // namespace

DesPlatform build_platform(const hw::ClusterSpec& cluster, int gpus, const DesCheckpoint* storage,
                           const std::vector<std::string>* gpu_wattage, const std::vector<JobCheckpoint>* writes) {
  // LV08 (SimGrid's default) models TCP: latency x13, a window bound and 5% cross-traffic. RDMA fabrics have none
  // of that (reference/simgrid-3.32.md).
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/TCP-gamma:0");
  sg4::Engine::set_config("network/crosstraffic:0");

  const int gpn = cluster.gpus_per_node;
  const int nodes = (gpus + gpn - 1) / gpn;
  const bool attach = storage != nullptr && storage->enabled;
  if (cluster.scale_out.topology == "torus3d") return build_torus_platform(cluster, nodes, gpus, attach, gpu_wattage);
  DesPlatform platform;
  platform.shape = fat_tree_shape(cluster, nodes);
  if (attach) platform.shape = with_storage(platform.shape);
  const FatTreeShape& shape = platform.shape;
  const int rails = shape.rails;
  const double client_cap = attach ? storage_client_cap_Bps(storage->tier) : 0.0;
  platform.nics.assign(static_cast<size_t>(nodes) * rails, nullptr);
  platform.live_rail.resize(platform.nics.size());
  for (size_t i = 0; i < platform.live_rail.size(); ++i) platform.live_rail[i] = static_cast<int>(i % rails);
  platform.storage_hosts.assign(shape.storage_endpoints(), nullptr);

  // Few zones, because every host and link constructor searches every zone for its name: the fabric, whose leaves
  // are plain hosts (SimGrid 3.32 misroutes between a host nested in a sub-zone and one placed directly in the
  // fat-tree zone, so no leaf is a zone), and beside it the GPUs, which never send anything themselves.
  auto* root = sg4::create_full_zone("cluster");
  add_gpu_zone(platform, root, gpus, gpu_wattage);

  auto make_leaf = [&](sg4::NetZone* fabric, const std::vector<unsigned long>& /*coord*/, unsigned long id) {
    const LeafRole role = shape.leaf_role(static_cast<int>(id));
    sg4::Host* host = nullptr;
    if (role.kind == LeafRole::Kind::storage) {
      // Its fabric cable's bandwidth is set once the writes are known (des_checkpoint.cpp).
      host = fabric->create_host("storage-" + std::to_string(role.storage), kStorageHostSpeed);
      platform.storage_hosts[role.storage] = host;
    } else if (role.kind == LeafRole::Kind::nic) {
      host = fabric->create_host("node-" + std::to_string(role.node) + "-nic-" + std::to_string(role.rail), kHostSpeed);
      platform.nics[platform.nic_port(role.node, role.rail)] = host;
    } else {
      host = fabric->create_host("port-" + std::to_string(id), kHostSpeed);
    }
    return std::make_pair(host->get_netpoint(), static_cast<simgrid::kernel::routing::NetPoint*>(nullptr));
  };
  const double hop_latency = cluster.scale_out.latency_s / (2.0 * shape.levels);
  sg4::FatTreeParams params(shape.levels, shape.down, shape.up, shape.number);
  auto* fabric = sg4::create_fatTree_zone("fabric", root, params, sg4::ClusterCallbacks(make_leaf), shape.link_bw_Bps,
                                          hop_latency, sg4::Link::SharingPolicy::SPLITDUPLEX);
  // SimGrid gives every fat-tree link one bandwidth; a switch's link to its parent stands for all its uplinks.
  for (sg4::Link* link : shape.levels > 1 ? sg4::Engine::get_instance()->get_all_links() : std::vector<sg4::Link*>{}) {
    const std::optional<FabricLinkEnds> e = decode_fabric_link(shape, link->get_name());
    if (e && e->tier > 0) link->set_bandwidth(shape.uplink_bw_Bps(e->tier));
  }
  if (client_cap > 0) {
    // A node's storage client: its route to each storage endpoint it writes to is its own link, then that of one
    // of the node's NICs. Bypass routes hold them, since the fat-tree routes only between its leaves.
    platform.storage_clients.assign(nodes, nullptr);
    // The endpoints each node writes to, as CheckpointTraffic will assign them.
    const std::vector<std::vector<int>> client_endpoints =
        writes == nullptr ? std::vector<std::vector<int>>{}
                          : endpoints_by_node(*writes, assign_endpoints(*writes, shape.storage_endpoints()), nodes);
    std::vector<sg4::Link*> route;
    for (int node = 0; node < nodes; ++node) {
      const std::string name = "node " + std::to_string(node) + " storage client";
      sg4::Host* client = fabric->create_host("client-" + std::to_string(node), kHostSpeed);
      // Named for the busiest-links report (the fabric's links are renamed there: fabric_link_name()).
      sg4::Link* up = fabric->create_link(name + " (up)", client_cap);
      platform.storage_clients[node] = client;
      if (node >= static_cast<int>(client_endpoints.size())) continue;
      for (int e : client_endpoints[node]) {
        route.clear();
        double latency = 0;
        platform.nics[platform.nic_port(node, e % rails)]->route_to(platform.storage_hosts[e], route, &latency);
        std::vector<sg4::LinkInRoute> links{sg4::LinkInRoute(up)};
        for (sg4::Link* l : route) links.emplace_back(l);
        fabric->add_bypass_route(client->get_netpoint(), platform.storage_hosts[e]->get_netpoint(), nullptr, nullptr,
                                 links);
      }
    }
  }
  fabric->seal();
  root->seal();
  return platform;
}

void fail_cables(DesPlatform& platform, const std::vector<FailedCables>& failed) {
  const int rails = platform.rails();
  const int nodes = platform.nodes();
  for (std::size_t i = 0; i < failed.size(); ++i) {
    const FailedCables& f = failed[i];
    // The scenario's key, so that the message points at the entry to change.
    const std::string at = "/simulation/des/failed_cables/" + std::to_string(i) + ": ";
    if (platform.is_torus()) {
      // A torus's NICs are its cables, one per neighbour: a dead one reroutes traffic around it, which SimGrid's
      // static dimension-order torus routing cannot express (a slower cable would not be the same failure).
      throw InfeasibleError(at + "failed cables are simulated on tree fabrics (fat-tree, rail-optimized, "
                                 "multi-plane); a 3D torus routes around a dead cable, which the des engine does not "
                                 "model: remove failed_cables or use a tree fabric");
    }
    const std::string route_name = "the route from node " + std::to_string(f.from_node) + " to node " +
                                   std::to_string(f.to_node);
    if (f.from_node < 0 || f.from_node >= nodes || f.to_node < 0 || f.to_node >= nodes || f.from_node == f.to_node) {
      throw InfeasibleError(at + "failed cables between nodes " + std::to_string(f.from_node) + " and " +
                            std::to_string(f.to_node) + ": the jobs use nodes 0 to " + std::to_string(nodes - 1));
    }
    std::vector<sg4::Link*> route;
    double latency = 0;
    platform.nics[platform.nic_port(f.from_node, 0)]->route_to(platform.nics[platform.nic_port(f.to_node, 0)], route,
                                                                &latency);
    const int up_links = static_cast<int>(route.size()) / 2;
    if (f.tier < 0 || f.tier >= up_links) {
      throw InfeasibleError(at + route_name + " climbs " + std::to_string(up_links) + " switch tier" +
                            (up_links == 1 ? "" : "s") + " of the fabric (the summary's Fabric line), so \"tier\" " +
                            std::to_string(f.tier) + " is not on it: use 0 (the node's NIC cables)" +
                            (up_links > 1 ? " to " + std::to_string(up_links - 1) : std::string()) +
                            ", or nodes under other switches");
    }
    if (f.tier == 0) {
      if (f.cables < 1 || f.cables >= rails) {
        throw InfeasibleError(at + "failing " + std::to_string(f.cables) + " of node " + std::to_string(f.from_node) +
                              "'s " + std::to_string(rails) + " NIC cables is outside 1.." + std::to_string(rails - 1));
      }
      // Rails 0..cables-1 go dark; their traffic takes the working NICs in turn.
      for (int r = 0; r < rails; ++r) {
        const int live = r < f.cables ? f.cables + r % (rails - f.cables) : r;
        platform.live_rail[platform.nic_port(f.from_node, r)] = live;
      }
      continue;
    }
    // The switch's uplinks are one link each way (fat_tree_shape.hpp): the rest of its cables carry what the failed
    // ones did, in both directions.
    const int count = platform.shape.uplink_cables[static_cast<size_t>(f.tier)];
    if (f.cables < 1 || f.cables >= count) {
      throw InfeasibleError(at + "the tier-" + std::to_string(f.tier) + " switch on " + route_name + " has " +
                            std::to_string(count) + " uplink" + (count == 1 ? "" : "s") + "; \"cables\" must be " +
                            (count > 1 ? "1 to " + std::to_string(count - 1) : "none: failing its only uplink cuts the route") +
                            ", not " + std::to_string(f.cables));
    }
    const std::string up_name = route[f.tier]->get_name();
    const std::string stem = up_name.substr(0, up_name.size() - 2);  // "..._UP"
    for (sg4::Link* l : {route[f.tier], sg4::Link::by_name(stem + "DOWN")}) {
      l->set_bandwidth(l->get_bandwidth() * (count - f.cables) / count);
    }
  }
}

}  // namespace capsim::sim::des
