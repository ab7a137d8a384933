#pragma once
/// @file fabric_factory.hpp
/// From a cluster's scale-out description to its topology: the graph (for counts, routes and the DES), the cheap
/// shape the collective model reads (no graph), and the problems that make a fabric unbuildable.

#include <array>
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

/// Consecutive communication groups laid over consecutive switch blocks (leaves, or pods on three tiers), counted in
/// NIC ports of one plane and rail: groups of `group_ports` ports tile ports [0, `total_ports`) from port 0, and so do
/// blocks of `block_ports` ports; a node is `node_ports` ports. A group may straddle blocks, and a block may hold the
/// tail of one group and the head of the next.
///
/// Uniform all-to-all inside every group: the most bytes any block sends up, in units of one node's send buffer (a
/// node sends 1/n of it to each of the n nodes of its group, itself included, so a block holding k nodes of a group
/// of n sends k(n-k)/n up). Exact over every block the pattern shows; for a pattern whose period exceeds a few
/// hundred blocks, the worst offset a group boundary can take inside a block (an upper bound).
double busiest_block_all_to_all(long block_ports, long group_ports, long total_ports, int node_ports);
/// Rings over every group, each NIC sending to the same NIC of the next node: the most any block sends up, in nodes'
/// NIC bandwidths. A block of whole nodes sends one node's worth per group partly on it (0, 1 or 2); where nodes
/// straddle blocks, only the NICs whose partner is off the block count.
double busiest_block_ring(long block_ports, long group_ports, long total_ports, int node_ports);

/// What the collective model needs to know about the fabric, derived arithmetically (no graph). Communication groups
/// are taken to be consecutive nodes, tiling the cluster from node 0 (Megatron's rank order), so that a group can
/// straddle two leaves and a leaf hold the tail of one group and the head of the next: the shares below are those of
/// the busiest leaf (and pod), which holds every group back, not an average over the group.
struct FabricShape {
  int tiers = 1;
  double nodes_per_leaf = 1;  ///< nodes whose NICs (of one rail, on a rail-optimized fabric) share a leaf
  double nodes_per_pod = 1;   ///< nodes under one pod (3 tiers); = all nodes otherwise
  double leaf_oversubscription = 1;
  double spine_oversubscription = 1;
  int node_ports = 1;  ///< NIC ports of one node on one leaf: its NICs in a plane, or one per rail when rail-optimized
  bool torus = false;
  std::array<int, 3> torus_dims{1, 1, 1};  ///< torus: nodes along x, y, z
  double torus_cable_share = 0;  ///< torus: one cable direction's line rate over a node's summed NIC line rate
  int nodes = 1;
  /// Share of a node's NIC bandwidth that rings over groups of `nodes` consecutive nodes keep: the busiest leaf's
  /// uplinks carry a ring edge for every group partly on it. On a torus, the group's own collective: the
  /// multi-dimensional bidirectional rings of torus_collective() when its nodes fill a block of the torus, else one
  /// ring over the nodes (one cable direction per edge); either can exceed 1 when the cables outrun the NICs.
  double ring_share(int nodes) const;
  /// Neighbour steps in sequence of a ring-type collective `op` over `nodes` consecutive nodes (its latency term):
  /// a ring's n-1 (twice for all-reduce); on a torus block, the per-dimension rings' (torus_collective()).
  double ring_steps(CollectiveOp op, int nodes) const;
  /// Share of a node's NIC bandwidth that a transfer to one other node keeps: 1 through switches, one cable
  /// direction on a torus (dimension-order routing takes a single path).
  double send_share() const { return torus ? torus_cable_share : 1.0; }
  /// Share of a node's NIC bandwidth that binary trees over groups of `nodes` consecutive nodes keep: their upper
  /// levels, the part above one leaf, all climb, and the busiest leaf carries an edge for every group partly on it.
  double tree_share(int nodes) const;
  /// Share of a node's NIC bandwidth that uniform all-to-all inside groups of `nodes` consecutive nodes keeps: the
  /// busiest leaf's (and pod's) uplinks against the node's NICs; on a torus, the busiest cable direction
  /// (torus_all_to_all_load).
  double all_to_all_share(int nodes) const;
};
FabricShape fabric_shape(const hw::ClusterSpec& cluster);

}  // namespace capsim::net
