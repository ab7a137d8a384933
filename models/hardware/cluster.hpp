#pragma once
/// @file cluster.hpp
/// A cluster as a scenario describes it: a GPU type, nodes, and the two levels of interconnect.

#include <array>
#include <string>
#include <vector>

#include "models/hardware/facility.hpp"
#include "models/hardware/gpu.hpp"
#include "models/hardware/power_model.hpp"

namespace capsim::hw {

/// A collective's measured time against message size (one nccl-tests table), used to calibrate collective models.
struct MeasuredCollective {
  std::string op;              ///< "all_reduce", "reduce_scatter", "all_gather", "all_to_all" or "send_recv"
  int ranks = 0;               ///< GPUs in the measured communicator
  int nodes = 0;               ///< hosts they were spread over (1: the curve calibrates the scale-up domain)
  std::vector<double> bytes;   ///< message sizes as nccl-tests counts them, ascending, bytes
  std::vector<double> time_s;  ///< measured time of one operation per size, seconds
  std::string source;          ///< file it was read from
};

/// Scale-out fabric between nodes: what the topology builders (models/network) and the collective models read.
struct ScaleOutSpec {
  std::string topology = "fat-tree";  ///< "fat-tree", "rail-optimized" or "torus3d"
  int nics_per_node = 8;
  double nic_bw_Bps = 0;          ///< per NIC, one direction, bytes/s
  double nic_efficiency = 0.94;   ///< achieved / line rate for large messages
  double latency_s = 0;           ///< end-to-end latency between two nodes, seconds
  double oversubscription = 1.0;  ///< downlink:uplink ratio at the leaf tier (1.0 = full bisection)
  double spine_oversubscription = 1.0;  ///< downlink:uplink ratio at the spine tier of a 3-tier tree
  int tiers = 0;                  ///< switch tiers of a tree (1 to 3); 0 = the fewest that fit
  int radix = 0;                  ///< ports per switch; 0 = by port speed (64 at 400 Gb/s and up, else 40)
  double port_bw_Bps = 0;         ///< switch port speed, bytes/s; 0 = nic_bw_Bps
  int rails = 0;                  ///< rail-optimized: rails, NIC i on rail i % rails; 0 = nics_per_node
  int planes = 1;                 ///< independent fabric planes; NIC i sits on plane i % planes
  double switch_latency_s = 0;    ///< one switch traversal (port to port), seconds
  std::array<int, 3> torus_dims{0, 0, 0};  ///< torus3d: nodes along x, y and z
  /// A job placed with this many of its nodes under each leaf it spans (the fleet engine's spread placements);
  /// 0 = packed, as few leaves as the fabric allows. The collective models read it through net::fabric_shape().
  double placement_nodes_per_leaf = 0;
  bool in_network_reduction = false;  ///< switches reduce in the network (SHARP): all-reduce sends each byte once
  std::vector<MeasuredCollective> nccl_tests;  ///< measured curves that replace the modelled ones
};

/// A homogeneous cluster.
struct ClusterSpec {
  GpuSpec gpu;
  int nodes = 1;
  int gpus_per_node = 8;
  ScaleUpSpec scale_up;  ///< copied from the GPU's defaults, then overridden by the scenario
  ScaleOutSpec scale_out;
  PowerSpec power;        ///< `cluster.power`: GPU cap and non-GPU power overrides
  FacilitySpec facility;  ///< `facility`: cooling, PUE, rack and hall limits, grid carbon and price

  int total_gpus() const { return nodes * gpus_per_node; }
};

/// GPUs of one scale-up domain as the collectives see it: the catalog's domain when it spans nodes (NVLink switches
/// outside the node, as GB200 NVL72's; a TPU torus), else the node (an HGX board holds at most 8 GPUs).
int scale_up_domain_gpus(const ClusterSpec& cluster);

/// A cluster of `nodes` of `gpu`'s default node: its GPUs per node, scale-up domain and NICs.
ClusterSpec default_cluster(const GpuSpec& gpu, int nodes);

}  // namespace capsim::hw
