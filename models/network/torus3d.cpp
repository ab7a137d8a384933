#include "models/network/torus3d.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "sim/core/error.hpp"

namespace capsim::net {

namespace {

constexpr int kBlock = 4;  // TPU v4: 4x4x4 chips share one rack's electrical links

int nodes_of(const TorusOptions& o) {
  for (int d : o.dims) {
    if (d < 1) throw InfeasibleError("a torus dimension of " + std::to_string(d) + " nodes cannot be built");
  }
  return o.dims[0] * o.dims[1] * o.dims[2];
}

/// Signed shortest offset from a to b on a ring of n (ties go the + way).
int ring_offset(int a, int b, int n) {
  int d = ((b - a) % n + n) % n;
  return d > n / 2 ? d - n : d;
}

}  // namespace

Torus3d::Torus3d(const TorusOptions& options) : Topology(nodes_of(options), options.nics_per_node, 0),
                                                  options_(options) {
  set_endpoints_forward(true);
  const int n = nodes();
  reserve(static_cast<std::size_t>(n), static_cast<std::size_t>(n) * 3);
  for (int v = 0; v < n; ++v) {
    FabricVertex fv;
    fv.index = v;
    fv.node = v;
    add_vertex(fv);
    for (int nic = 0; nic < options_.nics_per_node; ++nic) set_endpoint(endpoint(v, nic), v);
  }
  plus_cable_.assign(static_cast<std::size_t>(n) * 3, -1);
  for (int v = 0; v < n; ++v) {
    const auto c = coordinates(v);
    for (int dim = 0; dim < 3; ++dim) {
      const int size = options_.dims[static_cast<std::size_t>(dim)];
      if (size == 1) continue;
      const int w = neighbour(v, dim, +1);
      if (size == 2 && c[static_cast<std::size_t>(dim)] == 1) {
        plus_cable_[static_cast<std::size_t>(v) * 3 + dim] = plus_cable_[static_cast<std::size_t>(w) * 3 + dim];
        continue;
      }
      const int block = std::min(kBlock, size);
      const int here = c[static_cast<std::size_t>(dim)];
      const int there = (here + 1) % size;
      const bool optical = here / block != there / block;
      plus_cable_[static_cast<std::size_t>(v) * 3 + dim] =
          add_cable(v, w, dim, optical, options_.link_bw_Bps, options_.hop_latency_s);
    }
  }
}

std::array<int, 3> Torus3d::coordinates(int node) const {
  const auto& d = options_.dims;
  return {node % d[0], (node / d[0]) % d[1], node / (d[0] * d[1])};
}

int Torus3d::neighbour(int node, int dim, int step) const {
  auto c = coordinates(node);
  const int size = options_.dims[static_cast<std::size_t>(dim)];
  c[static_cast<std::size_t>(dim)] = ((c[static_cast<std::size_t>(dim)] + step) % size + size) % size;
  const auto& d = options_.dims;
  return c[0] + d[0] * (c[1] + d[1] * c[2]);
}

double Torus3d::bisection_bw_Bps() const {
  const auto& d = options_.dims;
  const auto widest = static_cast<std::size_t>(std::max_element(d.begin(), d.end()) - d.begin());
  const int size = d[widest];
  if (size == 1) return 0;
  // A cut across the widest ring severs two cables per ring (one when the ring is just two nodes).
  const double rings = static_cast<double>(nodes()) / size;
  return rings * (size > 2 ? 2 : 1) * options_.link_bw_Bps;
}

int Torus3d::hops(int a, int b) const {
  const auto ca = coordinates(a / nics_per_node());
  const auto cb = coordinates(b / nics_per_node());
  int h = 0;
  for (std::size_t dim = 0; dim < 3; ++dim) h += std::abs(ring_offset(ca[dim], cb[dim], options_.dims[dim]));
  return h;
}

double Torus3d::ecmp_paths(int a, int b) const {
  const auto ca = coordinates(a / nics_per_node());
  const auto cb = coordinates(b / nics_per_node());
  // Minimal paths interleave the per-dimension moves: a multinomial; a half-way offset on a ring longer than two
  // can go either way.
  double paths = 1;
  int total = 0;
  for (std::size_t dim = 0; dim < 3; ++dim) {
    const int size = options_.dims[dim];
    const int h = std::abs(ring_offset(ca[dim], cb[dim], size));
    for (int i = 1; i <= h; ++i) paths = paths * (total + i) / i;
    total += h;
    if (size > 2 && size % 2 == 0 && h == size / 2) paths *= 2;
  }
  return paths;
}

void Torus3d::route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const {
  int at = a / nics_per_node();
  const int to = b / nics_per_node();
  const auto cb = coordinates(to);
  for (int dim = 0; dim < 3; ++dim) {  // dimension-order routing, x then y then z
    const int size = options_.dims[static_cast<std::size_t>(dim)];
    int off = ring_offset(coordinates(at)[static_cast<std::size_t>(dim)], cb[static_cast<std::size_t>(dim)], size);
    if (size > 2 && size % 2 == 0 && std::abs(off) == size / 2 && ((flow_hash >> dim) & 1U)) off = -off;
    const int step = off > 0 ? 1 : -1;
    for (int i = 0; i < std::abs(off); ++i) {
      const int next = neighbour(at, dim, step);
      cables.push_back(step > 0 ? plus_cable(at, dim) : plus_cable(next, dim));
      at = next;
    }
  }
}

}  // namespace capsim::net
