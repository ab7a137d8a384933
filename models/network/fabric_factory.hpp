#pragma once
/// @file fabric_factory.hpp
/// From a cluster's scale-out description to its topology: the graph (for counts, routes and the DES), the cheap
/// shape the collective model reads (no graph), and the problems that make a fabric unbuildable.

#include <memory>
#include <string>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/network/clos_fabric.hpp"
#include "models/network/torus3d.hpp"

namespace capsim::net {

/// Switch ports a scale-out switch has when the scenario does not say: 64 at 400 Gb/s and up (NVIDIA Quantum-2
/// QM9700: 64 NDR ports), else 40 (Quantum QM8700: 40 HDR ports).
int default_radix(double port_bw_Bps);

/// ClosOptions of `cluster` (fat-tree, rail-optimized, multi-plane), defaults filled in.
ClosOptions clos_options(const hw::ClusterSpec& cluster);
/// Switch tiers of the cluster's scale-out fabric, as the power models count switch ports: as the scenario says, else
/// the fewest a Clos of its radix needs; 0 when there are no switches (one node, or a switchless torus).
int switch_tiers(const hw::ClusterSpec& cluster);
/// TorusOptions of `cluster` (torus3d): each node's NIC bandwidth spread over its six torus cables by default.
TorusOptions torus_options(const hw::ClusterSpec& cluster);

/// Builds the scale-out fabric of `cluster`. Throws capsim::InfeasibleError when it cannot be built.
std::unique_ptr<Topology> build_fabric(const hw::ClusterSpec& cluster);

/// One reason a fabric cannot be built, tied to a `scale_out` key.
struct FabricProblem {
  std::string key;      ///< scale_out member at fault, e.g. "tiers"
  std::string message;
  std::string hint;
};
/// Every problem with `cluster`'s scale-out fabric; empty when build_fabric() will succeed. Cheap: no graph.
std::vector<FabricProblem> fabric_problems(const hw::ClusterSpec& cluster);

/// What the collective model needs to know about the fabric, derived arithmetically (no graph).
struct FabricShape {
  int tiers = 1;
  double nodes_per_leaf = 1;  ///< nodes whose NICs on one rail share a leaf
  double nodes_per_pod = 1;   ///< nodes under one pod (3 tiers); = all nodes otherwise
  double leaf_oversubscription = 1;
  double spine_oversubscription = 1;
  bool torus = false;
  double torus_bisection_Bps = 0;  ///< whole torus, one direction
  int nodes = 1;
  /// Share of a node's NIC bandwidth that a ring over `nodes` consecutive nodes keeps (rings cross each leaf once).
  double ring_share(int nodes) const;
  /// Share of a node's NIC bandwidth that a binary tree over `nodes` consecutive nodes keeps: its upper levels, the
  /// part above one leaf, all climb.
  double tree_share(int nodes) const;
  /// Share of a node's NIC bandwidth that uniform all-to-all over `nodes` consecutive nodes keeps, given
  /// `node_bw_Bps` of NIC bandwidth per node.
  double all_to_all_share(int nodes, double node_bw_Bps) const;
};
FabricShape fabric_shape(const hw::ClusterSpec& cluster);

}  // namespace capsim::net
