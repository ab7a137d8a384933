#pragma once
/// @file multi_plane.hpp
/// A multi-plane fabric: the NICs of a node are split over `planes` independent Clos fabrics (NIC i on plane
/// i % planes), each a fat-tree or rail-optimized Clos of its own. Traffic between planes crosses inside the node
/// (NVLink), never the fabric. DeepSeek-V3 (arXiv 2412.19437, section 3.4) runs eight 2-tier planes this way.

#include "models/network/clos_fabric.hpp"

namespace capsim::net {

/// Several planes in one graph; hops() and ecmp_paths() are -1 and 0 across planes. Throws capsim::InfeasibleError
/// when a plane cannot be built.
class MultiPlane final : public ClosFabric {
 public:
  /// `options.planes` >= 2; `options.rails` > 0 makes each plane rail-optimized.
  explicit MultiPlane(const ClosOptions& options);
};

}  // namespace capsim::net
