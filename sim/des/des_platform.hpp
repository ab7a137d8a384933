#pragma once
/// @file des_platform.hpp
/// Builds the SimGrid platform of a cluster: every GPU a host inside its node (a star zone), nodes as the leaves of
/// a fat-tree of rail-merged switches (see fat_tree_shape.hpp). Must run inside a DES child process (one
/// simgrid::s4u::Engine per process).

#include <memory>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "sim/des/fat_tree_shape.hpp"

namespace simgrid::s4u {
class Engine;
class Host;
}  // namespace simgrid::s4u

namespace capsim::sim::des {

/// Speed of every GPU host, in SimGrid flops/s. Compute activities carry `duration_s x kHostSpeed` flops.
constexpr double kHostSpeed = 1e9;

/// The built platform. Host pointers are cached: SimGrid 3.32 looks names up by scanning every zone.
struct DesPlatform {
  FatTreeShape shape;
  std::vector<simgrid::s4u::Host*> gpu_hosts;   ///< by Megatron global rank
  std::vector<simgrid::s4u::Host*> node_ports;  ///< by node: the GPU host that is the node's gateway to the fabric
};

/// Creates this process's one SimGrid engine, quiet below critical messages (SimGrid logs configuration changes at
/// INFO, and the CLI's --json output must stay clean). Call once per DES child process.
std::unique_ptr<simgrid::s4u::Engine> start_engine();

/// Configures the network model (CM02, no TCP window, no cross-traffic: InfiniBand/RoCE/NVLink are not TCP) and
/// builds the platform for the nodes that hold the first `gpus` GPUs of `cluster`.
DesPlatform build_platform(const hw::ClusterSpec& cluster, int gpus);

}  // namespace capsim::sim::des
