#include "models/network/scale_up_domain.hpp"

#include <algorithm>
#include <cmath>

#include "sim/core/error.hpp"

namespace capsim::net {

ScaleUpDesign scale_up_design(const hw::ScaleUpSpec& spec) {
  ScaleUpDesign d;
  d.gpus = std::max(1, spec.domain_gpus);
  d.hop_latency_s = spec.latency_s;
  if (spec.kind == hw::ScaleUpKind::mesh) {
    // MI300X: 7 Infinity Fabric links, one to each peer (AMD Instinct MI300X platform datasheet).
    d.links_per_gpu = std::max(1, d.gpus - 1);
    d.link_bw_Bps = spec.bw_Bps / d.links_per_gpu;
    d.switch_chips = 0;
    d.switch_ports = 0;
    return d;
  }
  // NVLink 3 and 4 run 25 GB/s per link and direction, NVLink 5 50 GB/s (A100: 12 links = 300 GB/s; H100: 18 = 450;
  // B200: 18 = 900; NVIDIA datasheets).
  d.link_bw_Bps = spec.bw_Bps > 450e9 ? 50e9 : 25e9;
  d.links_per_gpu = std::max(1, static_cast<int>(std::lround(spec.bw_Bps / d.link_bw_Bps)));
  if (d.gpus > 8) {
    // GB200 NVL72: 18 NVLink 5 switch chips of 72 ports (9 switch trays), each GPU one link to every chip.
    d.switch_chips = d.links_per_gpu;
    d.switch_ports = 72;
  } else if (spec.bw_Bps > 450e9) {
    d.switch_chips = 2;  // HGX B200: two NVLink 5 switch chips, 72 ports each
    d.switch_ports = 72;
  } else if (spec.bw_Bps > 300e9) {
    d.switch_chips = 4;  // HGX H100/H200: four third-generation NVSwitch chips, 64 NVLink 4 ports each
    d.switch_ports = 64;
  } else {
    d.switch_chips = 6;  // HGX A100: six second-generation NVSwitch chips, 36 NVLink 3 ports each
    d.switch_ports = 36;
  }
  return d;
}

ScaleUpDomain::ScaleUpDomain(const ScaleUpDesign& design)
    : Topology(1, std::max(1, design.gpus), design.switch_ports), design_(design) {
  const int n = design_.gpus;
  const int chips = design_.switch_chips;
  if (chips > 0 && links_to_chip(0) * n > design_.switch_ports) {
    throw InfeasibleError(std::to_string(n) + " GPUs with " + std::to_string(design_.links_per_gpu) + " links each need " +
                          std::to_string(links_to_chip(0) * n) + " ports per switch chip, but a chip has " +
                          std::to_string(design_.switch_ports));
  }
  for (int g = 0; g < n; ++g) {
    FabricVertex v;
    v.index = g;
    v.node = 0;
    v.nic = static_cast<std::int16_t>(g);
    set_endpoint(g, add_vertex(v));
  }
  if (chips == 0) {
    set_endpoints_forward(false);
    for (int a = 0; a < n; ++a) {
      for (int b = a + 1; b < n; ++b) add_cable(a, b, 0, false, design_.link_bw_Bps, design_.hop_latency_s);
    }
    return;
  }
  for (int c = 0; c < chips; ++c) {
    FabricVertex v;
    v.kind = VertexKind::switch_;
    v.tier = 1;
    v.index = c;
    add_vertex(v);
  }
  // NVLink cables are copper (on the board, or the NVL72 rack's copper spine).
  for (int g = 0; g < n; ++g) {
    for (int k = 0; k < design_.links_per_gpu; ++k) {
      add_cable(g, n + k % chips, 0, false, design_.link_bw_Bps, design_.hop_latency_s / 2);
    }
  }
}

int ScaleUpDomain::links_to_chip(int chip) const {
  const int chips = design_.switch_chips;
  return design_.links_per_gpu / chips + (chip < design_.links_per_gpu % chips ? 1 : 0);
}

int ScaleUpDomain::mesh_cable(int a, int b) const {
  // Cables were added pair by pair, a < b, row-major over the upper triangle.
  const int lo = std::min(a, b);
  const int hi = std::max(a, b);
  const int n = design_.gpus;
  return lo * n - lo * (lo + 1) / 2 + (hi - lo - 1);
}

double ScaleUpDomain::bisection_bw_Bps() const {
  const double half = design_.gpus / 2;
  if (design_.switch_chips == 0) return half * (design_.gpus - half) * design_.link_bw_Bps;
  return half * design_.links_per_gpu * design_.link_bw_Bps;
}

int ScaleUpDomain::hops(int a, int b) const {
  if (a == b) return 0;
  return design_.switch_chips == 0 ? 1 : 2;
}

double ScaleUpDomain::ecmp_paths(int a, int b) const {
  if (a == b || design_.switch_chips == 0) return 1;
  double paths = 0;
  for (int c = 0; c < design_.switch_chips; ++c) paths += static_cast<double>(links_to_chip(c)) * links_to_chip(c);
  return paths;
}

void ScaleUpDomain::route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const {
  if (a == b) return;
  if (design_.switch_chips == 0) {
    cables.push_back(mesh_cable(a, b));
    return;
  }
  const int links = design_.links_per_gpu;
  const int chips = design_.switch_chips;
  const int ka = static_cast<int>(flow_hash % static_cast<std::uint64_t>(links));
  const int chip = ka % chips;
  const int kb = chip + chips * static_cast<int>((flow_hash / links) % static_cast<std::uint64_t>(links_to_chip(chip)));
  cables.push_back(a * links + ka);
  cables.push_back(b * links + kb);
}

}  // namespace capsim::net
