#pragma once
/// @file cluster.hpp
/// A cluster as a scenario describes it: a GPU type, nodes, and the two levels of interconnect.

#include <string>

#include "models/hardware/gpu.hpp"

namespace capsim::hw {

/// Scale-out fabric between nodes. The fabrics issue adds tiers, radix, rails and planes.
struct ScaleOutSpec {
  std::string topology = "fat-tree";  ///< "fat-tree" (the only one modelled so far)
  int nics_per_node = 8;
  double nic_bw_Bps = 0;          ///< per NIC, one direction, bytes/s
  double nic_efficiency = 0.94;   ///< achieved / line rate for large messages
  double latency_s = 0;           ///< end-to-end latency between two nodes, seconds
  double oversubscription = 1.0;  ///< downlink:uplink ratio at the leaf tier (1.0 = full bisection)
};

/// A homogeneous cluster.
struct ClusterSpec {
  GpuSpec gpu;
  int nodes = 1;
  int gpus_per_node = 8;
  ScaleUpSpec scale_up;  ///< copied from the GPU's defaults, then overridden by the scenario
  ScaleOutSpec scale_out;

  int total_gpus() const { return nodes * gpus_per_node; }
};

/// A cluster of `nodes` of `gpu`'s default node: its GPUs per node, scale-up domain and NICs.
ClusterSpec default_cluster(const GpuSpec& gpu, int nodes);

}  // namespace capsim::hw
