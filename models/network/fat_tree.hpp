#pragma once
/// @file fat_tree.hpp
/// A 1- to 3-tier fat-tree (folded Clos) built from one switch radix, with oversubscription at the leaf and spine
/// tiers; a node's NICs sit on consecutive leaf ports. Al-Fares et al., SIGCOMM 2008, give the k-ary form: k^3/4
/// hosts, k^2/2 edge and k^2/2 aggregation switches, k^2/4 cores.

#include "models/network/clos_fabric.hpp"

namespace capsim::net {

/// A fat-tree in one plane. Throws capsim::InfeasibleError when the radix cannot reach the endpoints.
class FatTree final : public ClosFabric {
 public:
  /// `options.rails` and `options.planes` are ignored (see RailOptimized and MultiPlane).
  explicit FatTree(const ClosOptions& options);
  /// The textbook k-ary fat-tree: k^3/4 single-NIC hosts, three tiers of k-port switches at full bisection.
  static FatTree k_ary(int k, double link_bw_Bps);
};

}  // namespace capsim::net
