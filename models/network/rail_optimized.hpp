#pragma once
/// @file rail_optimized.hpp
/// A rail-optimized Clos: NIC i of every node sits on rail i % rails, and every leaf serves one rail (NVIDIA DGX
/// SuperPOD reference architecture: in each scalable unit, leaf i connects NIC i of every node). In three tiers the
/// pods are rail-aligned too (spine group per rail), so same-rail traffic never climbs to the cores.

#include "models/network/clos_fabric.hpp"

namespace capsim::net {

/// A rail-optimized fabric in one plane. Throws capsim::InfeasibleError when it cannot be built.
class RailOptimized final : public ClosFabric {
 public:
  /// `options.rails` 0 means one rail per NIC; `options.planes` is ignored (see MultiPlane).
  explicit RailOptimized(const ClosOptions& options);
};

}  // namespace capsim::net
