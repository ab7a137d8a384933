#include "sim/des/des_platform.hpp"

#include <algorithm>
#include <string>

#include <simgrid/s4u.hpp>

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

std::unique_ptr<sg4::Engine> start_engine() {
  int argc = 2;
  char name[] = "capsim-des";
  char quiet[] = "--log=root.thres:critical";
  char* argv[] = {name, quiet, nullptr};
  return std::make_unique<sg4::Engine>(&argc, argv);
}

DesPlatform build_platform(const hw::ClusterSpec& cluster, int gpus) {
  // LV08 (SimGrid's default) models TCP: latency x13, a window bound and 5% cross-traffic. RDMA fabrics have none
  // of that (reference/simgrid-3.32.md).
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/TCP-gamma:0");
  sg4::Engine::set_config("network/crosstraffic:0");

  const int gpn = cluster.gpus_per_node;
  const int nodes = (gpus + gpn - 1) / gpn;
  DesPlatform platform;
  platform.shape = fat_tree_shape(cluster, nodes);
  platform.gpu_hosts.assign(gpus, nullptr);
  platform.node_ports.assign(nodes, nullptr);
  const FatTreeShape& shape = platform.shape;
  const double hop_latency = cluster.scale_out.latency_s / (2.0 * shape.levels);
  // GPU-to-switch links inside a node: NVLink. Fabric flows start and end at the node's gateway GPU, so they never
  // cross these; they exist so every GPU is a routable host.
  const double nvlink_bw = std::max(cluster.scale_up.bw_Bps, shape.link_bw_Bps);

  auto make_node = [&](sg4::NetZone* fabric, const std::vector<unsigned long>& /*coord*/, unsigned long id) {
    const int node = static_cast<int>(id);
    auto* zone = sg4::create_star_zone("node-" + std::to_string(id));
    zone->set_parent(fabric);
    sg4::Host* gateway = nullptr;
    for (int local = 0; local < gpn; ++local) {
      const int rank = node * gpn + local;
      const bool real = node < nodes && rank < gpus;
      const std::string name = (real ? "gpu-" + std::to_string(rank) : "pad-" + std::to_string(rank));
      sg4::Host* host = zone->create_host(name, kHostSpeed);
      auto* up = zone->create_link(name + "-nvl-up", nvlink_bw)->set_latency(cluster.scale_up.latency_s);
      auto* down = zone->create_link(name + "-nvl-down", nvlink_bw)->set_latency(cluster.scale_up.latency_s);
      zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(up)}, false);
      zone->add_route(nullptr, host->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(down)}, false);
      if (real) platform.gpu_hosts[rank] = host;
      if (local == 0) gateway = host;
    }
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

}  // namespace capsim::sim::des
