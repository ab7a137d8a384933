#pragma once
/// @file fat_tree_shape.hpp
/// How the DES lays a cluster out as a SimGrid fat-tree zone (pure arithmetic, no SimGrid).
///
/// The leaves are nodes. A DGX-class node has one NIC per GPU, each on its own rail (one leaf switch per rail in a
/// rail-optimized fabric). The rails are symmetric, so the DES merges them: a fabric link stands for the node's
/// `nics_per_node` parallel cables and carries their summed bandwidth, and a switch for the same switch of every
/// rail. A flow then carries the traffic of all of a node's GPUs towards one peer node. This keeps the number of
/// simulated flows per transfer at one instead of one per GPU, which is what lets 16,384 GPUs run in under a minute
/// on SimGrid 3.32 (its running-activity list is scanned on every completion).

#include <vector>

#include "models/hardware/cluster.hpp"

namespace capsim::sim::des {

/// SimGrid FatTreeParams (levels, down, up, number), read bottom-up.
struct FatTreeShape {
  unsigned levels = 1;
  std::vector<unsigned> down;
  std::vector<unsigned> up;
  std::vector<unsigned> number;
  int leaves = 0;  ///< product of `down`: leaves beyond the cluster's nodes are padding
  int nodes = 0;
  double link_bw_Bps = 0;  ///< one (rail-merged) fabric link
};

/// The fat-tree the fabric model plans for `cluster` (models/network/clos_plan.hpp: tiers, radix, port splits,
/// per-tier oversubscription), for `nodes` nodes, as SimGrid parameters with one rail-merged tree. Throws
/// capsim::InfeasibleError when no such fabric can be built.
FatTreeShape fat_tree_shape(const hw::ClusterSpec& cluster, int nodes);

}  // namespace capsim::sim::des
