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

/// Switch radix the DES assumes when the scenario names none (64 ports, Quantum-2 class).
constexpr int kDefaultSwitchRadix = 64;

/// A 1-, 2- or 3-tier fat-tree of `radix`-port switches for `nodes` nodes, whose leaf tier has
/// `scale_out.oversubscription`:1 down:up ports.
FatTreeShape fat_tree_shape(const hw::ClusterSpec& cluster, int nodes, int radix = kDefaultSwitchRadix);

}  // namespace capsim::sim::des
