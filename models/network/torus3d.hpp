#pragma once
/// @file torus3d.hpp
/// A switchless 3D torus (TPU v4/v5p style): every node is a router with a cable to its two neighbours along each
/// dimension, wrapping around. Cables inside a 4x4x4 block are copper and those leaving it optical (Jouppi et al.,
/// ISCA 2023: 64 chips per rack on electrical links, optical circuit switches between racks).

#include <array>

#include "models/network/topology.hpp"

namespace capsim::net {

/// What a torus is built from.
struct TorusOptions {
  std::array<int, 3> dims{1, 1, 1};   ///< nodes along x, y, z
  int nics_per_node = 1;              ///< endpoints per node; all share the node's router vertex
  double link_bw_Bps = 50e9;          ///< every cable, per direction, bytes/s
  double hop_latency_s = 100e-9;      ///< one cable plus the router it enters, seconds
};

/// A 3D torus. Throws capsim::InfeasibleError for a dimension below 1.
class Torus3d final : public Topology {
 public:
  explicit Torus3d(const TorusOptions& options);

  std::string_view kind() const override { return "torus3d"; }
  double bisection_bw_Bps() const override;
  int hops(int a, int b) const override;
  double ecmp_paths(int a, int b) const override;
  void route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const override;

  const TorusOptions& options() const { return options_; }
  /// Coordinates of node `node`.
  std::array<int, 3> coordinates(int node) const;

 private:
  /// Cable from `node` to its +1 neighbour along `dim` (-1 when the dimension has size 1).
  int plus_cable(int node, int dim) const { return plus_cable_[static_cast<std::size_t>(node) * 3 + dim]; }
  int neighbour(int node, int dim, int step) const;

  TorusOptions options_;
  std::vector<int> plus_cable_;
};

}  // namespace capsim::net
