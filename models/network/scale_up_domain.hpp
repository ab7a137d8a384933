#pragma once
/// @file scale_up_domain.hpp
/// The scale-up (NVLink-class) domain as a graph: GPUs wired to NVSwitch chips (an 8-GPU HGX board, or a rack-scale
/// NVL72 domain), or to each other in a switchless full mesh (AMD MI300X). Endpoints are GPUs; cables are links.

#include "models/hardware/gpu.hpp"
#include "models/network/topology.hpp"

namespace capsim::net {

/// How one scale-up domain is wired, derived from the GPU's scale-up figures.
struct ScaleUpDesign {
  int gpus = 8;
  int links_per_gpu = 18;    ///< NVLink / Infinity Fabric links of one GPU
  double link_bw_Bps = 25e9; ///< per link, one direction, bytes/s
  int switch_chips = 4;      ///< 0 for a mesh
  int switch_ports = 64;     ///< ports per switch chip
  double hop_latency_s = 0;  ///< one link, seconds
};

/// The design of a domain of `spec.domain_gpus` GPUs with `spec.bw_Bps` each. Sources in the .cpp.
ScaleUpDesign scale_up_design(const hw::ScaleUpSpec& spec);

/// One scale-up domain. Throws capsim::InfeasibleError when the chips lack ports for the GPUs' links.
class ScaleUpDomain final : public Topology {
 public:
  explicit ScaleUpDomain(const ScaleUpDesign& design);

  /// "nvswitch" or "mesh".
  std::string_view kind() const override { return design_.switch_chips > 0 ? "nvswitch" : "mesh"; }
  double bisection_bw_Bps() const override;
  int hops(int a, int b) const override;
  double ecmp_paths(int a, int b) const override;
  void route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const override;

  const ScaleUpDesign& design() const { return design_; }

 private:
  /// Links of one GPU that reach chip `chip` (GPU link k goes to chip k % chips).
  int links_to_chip(int chip) const;
  int mesh_cable(int a, int b) const;

  ScaleUpDesign design_;
};

}  // namespace capsim::net
