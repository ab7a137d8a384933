#pragma once
/// @file des_platform.hpp
/// Builds the SimGrid platform of a cluster: every GPU a host inside its node (a star zone), nodes as the leaves of
/// a fat-tree of rail-merged switches (see fat_tree_shape.hpp), and optionally storage endpoints as more leaves.
/// Must run inside a DES child process (one simgrid::s4u::Engine per process).

#include <memory>
#include <string>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/des/fat_tree_shape.hpp"

namespace simgrid::s4u {
class Engine;
class Host;
}  // namespace simgrid::s4u

namespace capsim::sim::des {

/// Speed of every GPU host, in SimGrid flops/s. Compute activities carry `duration_s x kHostSpeed` flops.
constexpr double kHostSpeed = 1e9;
/// Speed of a storage endpoint host. It runs timers only, each bounded to kHostSpeed, so that many can run at once
/// without slowing each other.
constexpr double kStorageHostSpeed = 1e6 * kHostSpeed;

/// The built platform. Host pointers are cached: SimGrid 3.32 looks names up by scanning every zone.
struct DesPlatform {
  FatTreeShape shape;
  std::vector<simgrid::s4u::Host*> gpu_hosts;   ///< by Megatron global rank
  std::vector<simgrid::s4u::Host*> node_ports;  ///< by node: the GPU host that is the node's gateway to the fabric
  std::vector<simgrid::s4u::Host*> storage_hosts;  ///< by storage endpoint; empty without storage
  /// By node: a host behind a link of the storage tier's per-node client bandwidth, from which the node's
  /// checkpoint flows leave (host-to-host comms ignore Comm::set_rate in SimGrid 3.32); empty when unbounded.
  std::vector<simgrid::s4u::Host*> storage_clients;
  /// With GPU energy profiles: a host in node 0 that runs nothing but the power meter's timers (des_power.hpp).
  simgrid::s4u::Host* meter = nullptr;

  /// Where node `node`'s storage traffic starts: its client host, else its fabric port.
  simgrid::s4u::Host* storage_source(int node) const {
    return storage_clients.empty() ? node_ports[node] : storage_clients[node];
  }

  /// Endpoint `index` of a flow: node `index`, or storage endpoint `index - nodes` past the nodes.
  simgrid::s4u::Host* port(size_t index) const {
    return index < node_ports.size() ? node_ports[index] : storage_hosts[index - node_ports.size()];
  }
};

/// Creates this process's one SimGrid engine, quiet below critical messages (SimGrid logs configuration changes at
/// INFO, and the CLI's --json output must stay clean). Call once per DES child process.
std::unique_ptr<simgrid::s4u::Engine> start_engine();

/// Configures the network model (CM02, no TCP window, no cross-traffic: InfiniBand/RoCE/NVLink are not TCP) and
/// builds the platform for the nodes that hold the first `gpus` GPUs of `cluster`. With an enabled `storage`, also
/// its tier's endpoints (fat_tree_shape.hpp's with_storage()), each a host on a fabric link of its own, and, when
/// the tier bounds what one node can write, each node's storage client host (DesPlatform::storage_clients). With
/// `gpu_wattage` (by GPU rank: a `wattage_per_state` property for SimGrid's host energy plugin, one comma-separated
/// group per pstate), every GPU host gets that many pstates of the same speed and the property, and the platform a
/// meter host. The energy plugins must be initialized before (des_power.hpp).
DesPlatform build_platform(const hw::ClusterSpec& cluster, int gpus, const DesCheckpoint* storage = nullptr,
                           const std::vector<std::string>* gpu_wattage = nullptr);

/// Takes failed cables out of their rail-merged links: the link keeps the bandwidth of the cables left. Static
/// routing keeps the flows on it, as a bundle with fewer members would (ECMP rehashing is not modelled). Throws
/// capsim::InfeasibleError for a node, tier or cable count the platform does not have.
void fail_cables(const DesPlatform& platform, const hw::ClusterSpec& cluster, const std::vector<FailedCables>& failed);

}  // namespace capsim::sim::des
