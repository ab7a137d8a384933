#pragma once
/// @file des_platform.hpp
/// Builds the SimGrid platform of a cluster: every NIC a host at a leaf of the fat-tree (fat_tree_shape.hpp), every
/// NIC cable a split-duplex link, every switch's uplinks one split-duplex link of their summed bandwidth, and
/// optionally storage endpoints as more leaves. Every GPU is a host too, in a zone of
/// its own beside the fabric: its traffic leaves through the NIC of its rail, and its pstates carry the power trace.
/// Must run inside a DES child process (one simgrid::s4u::Engine per process).

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "sim/des/checkpoint_plan.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/des/fat_tree_shape.hpp"

namespace simgrid::s4u {
class Engine;
class Host;
}  // namespace simgrid::s4u

namespace capsim::sim::des {

/// Speed of every host, in SimGrid flops/s (the power meter's timers run on one).
constexpr double kHostSpeed = 1e9;
/// Speed of a storage endpoint host. It runs timers only, each bounded to kHostSpeed, so that many can run at once
/// without slowing each other.
constexpr double kStorageHostSpeed = 1e6 * kHostSpeed;

/// The built platform. Host pointers are cached: SimGrid 3.32 looks names up by scanning every zone.
///
/// Ports number every endpoint a flow can start or end at: NIC `rail` of node `node` is `node x rails + rail`, then
/// the storage endpoints, then the nodes' storage clients.
struct DesPlatform {
  FatTreeShape shape;  ///< a tree fabric's layout; on a torus only its nodes and rails are set
  TorusShape torus;    ///< a scale-out torus's layout; dims all 0 on a tree fabric
  /// By node x rails + rail: the fabric's leaves; on a torus, every rail of a node is the node's router host.
  std::vector<simgrid::s4u::Host*> nics;
  std::vector<simgrid::s4u::Host*> gpu_hosts;      ///< by Megatron global rank; they run nothing (pstates only)
  std::vector<simgrid::s4u::Host*> storage_hosts;  ///< by storage endpoint; empty without storage
  /// By node: a host whose route to every storage endpoint starts with a link of the storage tier's per-node client
  /// bandwidth, then leaves through one of the node's NICs (host-to-host comms ignore Comm::set_rate in SimGrid
  /// 3.32); empty when unbounded.
  std::vector<simgrid::s4u::Host*> storage_clients;
  /// By node x rails + rail: the rail whose NIC carries that rail's traffic. Itself, unless the NIC's cable failed
  /// (fail_cables): then NCCL's PXN moves the data over NVLink to a GPU whose NIC works.
  std::vector<int> live_rail;
  /// With GPU energy profiles: a host that runs nothing but the power meter's timers (des_power.hpp).
  simgrid::s4u::Host* meter = nullptr;

  bool is_torus() const { return torus.nodes() > 0; }
  int rails() const { return shape.rails; }
  int nodes() const { return shape.nodes; }
  size_t nic_port(int node, int rail) const { return static_cast<size_t>(node) * shape.rails + rail; }
  size_t storage_port(int endpoint) const { return nics.size() + endpoint; }
  size_t client_port(int node) const { return nics.size() + storage_hosts.size() + node; }
  simgrid::s4u::Host* port(size_t index) const {
    if (index < nics.size()) return nics[index];
    index -= nics.size();
    return index < storage_hosts.size() ? storage_hosts[index] : storage_clients[index - storage_hosts.size()];
  }
  /// The ports of rail `rail`'s share of a transfer from node `src` to node `dst`: the NICs of working rails, the
  /// same rail at both ends whenever it works at both.
  std::pair<size_t, size_t> rail_ports(int src, int dst, int rail) const {
    const int from = live_rail[nic_port(src, rail)];
    const int to = live_rail[nic_port(dst, from)];
    return {nic_port(src, from), nic_port(dst, to)};
  }
  /// Where node `node`'s checkpoint writes start: its client host when the tier bounds a node's bandwidth, else
  /// every NIC of the node, each sending its share (through the working NICs).
  std::vector<size_t> storage_sources(int node) const {
    if (!storage_clients.empty()) return {client_port(node)};
    std::vector<size_t> ports;
    for (int r = 0; r < shape.rails; ++r) ports.push_back(nic_port(node, live_rail[nic_port(node, r)]));
    return ports;
  }
};

/// Creates this process's one SimGrid engine, quiet below critical messages (SimGrid logs configuration changes at
/// INFO, and the CLI's --json output must stay clean). Call once per DES child process.
std::unique_ptr<simgrid::s4u::Engine> start_engine();

/// Configures the network model (CM02, no TCP window, no cross-traffic: InfiniBand/RoCE/NVLink are not TCP) and
/// builds the platform for the nodes that hold the first `gpus` GPUs of `cluster`: a fat-tree zone, or on a
/// `torus3d` scale-out the whole torus as a torus zone (TorusShape). A torus gets no storage endpoints: an enabled
/// `storage` throws capsim::InfeasibleError there. With an enabled `storage`, also
/// its tier's endpoints (fat_tree_shape.hpp's with_storage()), each a host on a fabric cable of its own, and, when
/// the tier bounds what one node can write, each node's storage client host (DesPlatform::storage_clients). With
/// `gpu_wattage` (by GPU rank: a `wattage_per_state` property for SimGrid's host energy plugin, one comma-separated
/// group per pstate), every GPU host gets that many pstates of the same speed and the property, and the platform a
/// meter host. The energy plugins must be initialized before (des_power.hpp). `writes` (the checkpoints the step
/// writes) says which storage endpoints each node's client needs a route to; without it they get none.
DesPlatform build_platform(const hw::ClusterSpec& cluster, int gpus, const DesCheckpoint* storage = nullptr,
                           const std::vector<std::string>* gpu_wattage = nullptr,
                           const std::vector<JobCheckpoint>* writes = nullptr);

/// Fails cables. Tier 0: `cables` of node `from_node`'s NIC cables (rails 0 to cables - 1); their traffic moves to
/// the node's working NICs (DesPlatform::live_rail). Higher tiers: `cables` of the uplinks of the tier's switch on
/// rail 0's route from `from_node` to `to_node`; adaptive routing moves their traffic to the rest, so the switch's
/// uplinks (one link each way, fat_tree_shape.hpp) keep (uplinks - cables) / uplinks of their bandwidth. Throws
/// capsim::InfeasibleError for a node, tier or cable count the platform does not have, and for any cable of a torus.
void fail_cables(DesPlatform& platform, const std::vector<FailedCables>& failed);

}  // namespace capsim::sim::des
