#pragma once
/// @file fat_tree_shape.hpp
/// How the DES lays a cluster out as a SimGrid fat-tree zone, or a scale-out 3D torus as a SimGrid torus zone
/// (TorusShape, at the end), in pure arithmetic, no SimGrid.
///
/// The leaves are NIC ports: every GPU's NIC cable is a split-duplex link of its own; a switch's uplinks to the tier
/// above are one split-duplex link of their summed bandwidth (adaptive routing). The fabric is built as the scenario says (models/network/clos_fabric.cpp places NICs the same way):
/// - `fat-tree`: a node's NICs sit side by side on one leaf switch (ports node x NICs + NIC), so a leaf of 48 ports
///   holds 6 eight-NIC nodes and a group of nodes can straddle two leaves;
/// - `rail-optimized`: NIC i is on rail i % rails, every rail has its own leaves (and, on three tiers, its own pods)
///   under spines or cores that all rails share;
/// - several `planes`: NIC i is on plane i % planes, each plane laid out as one of the above.
/// Leaves never mix leaf groups (rails, or planes). SimGrid's fat-tree numbers leaves under leaf switches in order,
/// so the leaves are laid out group-major: the first `rail_leaves` are group 0's ports (then padding), and so on.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "models/hardware/cluster.hpp"

namespace capsim::sim::des {

/// What one SimGrid fat-tree leaf is.
struct LeafRole {
  enum class Kind { nic, padding, storage } kind = Kind::padding;
  int node = -1;     ///< nic: the node
  int rail = -1;     ///< nic: its rail (NIC index in the node)
  int storage = -1;  ///< storage: the endpoint
};

/// SimGrid FatTreeParams (levels, down, up, number), read bottom-up. A switch's uplinks to the tier above are one
/// SimGrid link of their summed bandwidth (adaptive routing spreads traffic over them): `up` and `number` are all 1,
/// and `uplink_cables` says how many cables each such link stands for.
struct FatTreeShape {
  unsigned levels = 1;
  std::vector<unsigned> down;
  std::vector<unsigned> up;
  std::vector<unsigned> number;
  /// By level: the cables from one element of that level to the level above (level 0, a NIC: 1; level 1, a leaf
  /// switch: its uplinks; level 2, a pod's spines: all their uplinks to the cores).
  std::vector<int> uplink_cables;
  int leaves = 0;  ///< product of `down`: leaves beyond the cluster's NICs (and storage) are padding
  int nodes = 0;
  int rails = 1;        ///< NICs per node (DesPlatform's rails: NIC r of every node carries rail r's share)
  int leaf_groups = 1;  ///< rails of a rail-optimized fabric, planes of a multi-plane one, else 1
  int rail_leaves = 0;  ///< leaf slots per leaf group: its NIC ports, then padding up to whole leaf switches
  double link_bw_Bps = 0;  ///< one cable (a NIC's line rate at the fabric's efficiency)
  // Storage endpoints (with_storage()): the leaves are groups, a pod on 3 tiers or the whole tree otherwise, and each
  // group ends with its storage leaves. Without storage there is one group of compute leaves.
  int groups = 1;
  int group_compute_leaves = 0;  ///< NIC ports and padding in each group
  int group_storage_leaves = 0;  ///< storage endpoints at the end of each group; 0 = no storage on the fabric

  /// Storage endpoints on the fabric.
  int storage_endpoints() const { return groups * group_storage_leaves; }
  /// SimGrid leaf id of NIC `rail` of node `node` (leaves are numbered bottom-up, the first `down[0]` under leaf
  /// switch 0).
  int nic_leaf(int node, int rail) const;
  /// SimGrid leaf id of storage endpoint `endpoint`.
  int storage_leaf(int endpoint) const;
  /// What leaf `leaf` holds.
  LeafRole leaf_role(int leaf) const;
  /// Bandwidth of the SimGrid link from a level-`level` element to its parent, bytes/s per direction.
  double uplink_bw_Bps(int level) const {
    return link_bw_Bps * (level < static_cast<int>(uplink_cables.size()) ? uplink_cables[level] : 1);
  }
};

/// Storage endpoints a single-switch fabric gets (deeper trees get a whole storage leaf switch of them).
constexpr int kSingleSwitchStorageEndpoints = 8;

/// The fat-tree the fabric model plans for `cluster` (models/network/clos_plan.hpp: tiers, radix, port splits,
/// per-tier oversubscription), for `nodes` nodes, as SimGrid parameters with one leaf per NIC. Throws
/// capsim::InfeasibleError when no such fabric can be built.
FatTreeShape fat_tree_shape(const hw::ClusterSpec& cluster, int nodes);

/// `shape` with storage endpoints as extra leaves: a single switch gets kSingleSwitchStorageEndpoints more ports;
/// a 2-tier tree one more leaf switch under its spines, and a 3-tier tree one more leaf switch in every pod, whose
/// ports are the endpoints. A storage leaf switch has the uplinks of a compute leaf (the fabric's oversubscription
/// included). Compute nodes keep their order but move to new leaf ids on 3 tiers: use node_leaf().
FatTreeShape with_storage(FatTreeShape shape);

/// Where one SimGrid fat-tree link sits: the cable between a level-`tier` element at `child_pos` (tier 0: a leaf of
/// the SimGrid tree, i.e. a NIC or storage endpoint) and the switch one level up at `parent_pos`.
struct FabricLinkEnds {
  int tier = 0;       ///< the cable's lower level
  long child_pos = 0;
  long parent_pos = 0;
  long cable = 0;     ///< which of the parallel cables between the two
  bool up = true;     ///< the direction toward the parent
};

/// Decodes the SimGrid fat-tree link `simgrid_name` of the fabric built from `shape`; empty when it is not one of
/// that fat-tree's links.
std::optional<FabricLinkEnds> decode_fabric_link(const FatTreeShape& shape, const std::string& simgrid_name);

/// A readable name for the SimGrid fat-tree link `simgrid_name` of the fabric built from `shape`, in the direction
/// its traffic flows: "node 17 nic 3 -> leaf 2 (up)", "spines -> leaf 3 (down, 12 cables)", "storage leaf 0 ->
/// pod 1 spines (up, 8 cables)", "pod 4 spines -> cores (up, 64 cables)" (a switch's uplinks are one link: the
/// cables it stands for are counted). Nodes and storage endpoints are numbered as DesPlatform numbers them; leaf
/// switches count compute leaves (leaf group by leaf group) and storage leaves apart. A name that is not one of that
/// fat-tree's links comes back unchanged.
std::string fabric_link_name(const FatTreeShape& shape, const std::string& simgrid_name);

/// A scale-out 3D torus (`torus3d`) as the DES builds it: a SimGrid torus zone of one host per node (the node's
/// router: every NIC port of the node is that host), each node with one split-duplex link per dimension, the cable
/// to its +1 neighbour. SimGrid 3.32's TorusZone routes dimension by dimension (x, then y, then z), the shorter way
/// round each ring; a node reaches its -1 neighbour over that neighbour's cable, in its other direction. Nodes are
/// numbered x fastest, as models/network/torus3d.hpp numbers them.
struct TorusShape {
  std::array<int, 3> dims{0, 0, 0};  ///< the cluster's whole torus, nodes along x, y, z; all 0 when not a torus
  double link_bw_Bps = 0;            ///< one cable, one direction, at the fabric's efficiency
  double hop_latency_s = 0;          ///< one cable and the router it enters

  /// Nodes of the whole torus (0 when not a torus).
  int nodes() const { return dims[0] * dims[1] * dims[2]; }
  /// Coordinates of node `node`.
  std::array<int, 3> coordinates(int node) const {
    return {node % dims[0], node / dims[0] % dims[1], node / (dims[0] * dims[1])};
  }
  /// The node at coordinates `c` (each taken modulo its dimension).
  int node_at(std::array<int, 3> c) const;
  /// The dimensions handed to SimGrid: those longer than one node (a node's cable along a dimension of one would
  /// join it to itself, under the same name as along another such dimension), or {1} for a single node. Node
  /// numbering is unchanged by leaving them out.
  std::vector<unsigned long> simgrid_dims() const;
};

/// The torus of `cluster` (scale_out.topology "torus3d"): its dimensions, torus cables of
/// net::torus_options(cluster) at the fabric's efficiency (as the fat-tree's NIC cables: scale_out.nic_efficiency).
TorusShape torus_shape(const hw::ClusterSpec& cluster);

/// A readable name for the SimGrid torus link `simgrid_name`, in the direction its traffic flows: "node 5 -> node 6
/// (x+)", "node 6 -> node 5 (x-)". A name that is not one of the torus's links comes back unchanged.
std::string torus_link_name(const TorusShape& shape, const std::string& simgrid_name);

}  // namespace capsim::sim::des
