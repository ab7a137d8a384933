#pragma once
/// @file des_ring.hpp
/// A lone ring all-reduce, step by step on the DES platform: the check that the network model settings give the
/// textbook time before anything bigger is trusted (DESIGN.md).

#include "models/hardware/cluster.hpp"

namespace capsim::sim::des {

/// Seconds for a ring all-reduce of `bytes` per rank over `nodes` nodes (one rank per node, on rail 0's NICs, each
/// step moving bytes / nodes to the next node, 2(nodes-1) steps). Must run inside a DES child process.
double simulate_ring_all_reduce(const hw::ClusterSpec& cluster, int nodes, double bytes);

}  // namespace capsim::sim::des
