#include "models/network/torus3d.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <utility>
#include <vector>

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

int torus_shift_load(const std::array<int, 3>& dims, long node_stride) {
  long place = node_stride;
  int load = 1;
  for (int size : dims) {
    const long n = std::max(1, size);
    const long along = ((place % n) + n) % n;
    place /= n;
    load = std::max(load, static_cast<int>(std::min(along, n - along)));
  }
  return load;
}

namespace {

/// The all-to-all load of torus_all_to_all_load(), uncached.
int all_to_all_load(const std::array<int, 3>& dims, int group_nodes) {
  std::array<int, 3> d{};
  for (int k = 0; k < 3; ++k) d[k] = std::max(1, dims[k]);
  const long total = static_cast<long>(d[0]) * d[1] * d[2];
  const int n = static_cast<int>(std::min<long>(std::max(group_nodes, 1), total));
  // Directed cables: node x 6 + dimension x 2 + (0: towards +1, 1: towards -1), as the cable from `node` to its +1
  // neighbour, carried one way or the other.
  std::vector<int> load(static_cast<size_t>(total) * 6, 0);
  const std::array<long, 3> stride{1, d[0], static_cast<long>(d[0]) * d[1]};
  auto coordinates = [&](int node) { return std::array<int, 3>{node % d[0], (node / d[0]) % d[1], node / (d[0] * d[1])}; };
  int sum = 0;
  for (int first = 1; first < n; first += kAllToAllRoundsInFlight) {
    std::fill(load.begin(), load.end(), 0);
    int worst = 0;
    for (int shift = first; shift < std::min(n, first + kAllToAllRoundsInFlight); ++shift) {
      for (int src = 0; src < n; ++src) {
        const std::array<int, 3> from = coordinates(src);
        const std::array<int, 3> to = coordinates((src + shift) % n);
        std::array<int, 3> at = from;
        for (int k = 0; k < 3; ++k) {
          const int size = d[k];
          const int m = from[k];
          const int t = to[k];
          if (m == t) continue;
          // SimGrid 3.32 TorusZone::get_local_route: the source's coordinate decides the direction once.
          const bool up = (t > m && t <= m + size / 2) || (m > size / 2 && (m + size / 2) % size >= t);
          while (at[k] != t) {
            const int next = up ? (at[k] + 1) % size : (at[k] + size - 1) % size;
            // The cable between a coordinate and its +1 neighbour belongs to the lower one (the wrap: size - 1).
            std::array<int, 3> owner = at;
            owner[k] = up ? at[k] : next;
            const long node = owner[0] * stride[0] + owner[1] * stride[1] + owner[2] * stride[2];
            worst = std::max(worst, ++load[static_cast<size_t>(node) * 6 + k * 2 + (up ? 0 : 1)]);
            at[k] = next;
          }
        }
      }
    }
    sum += worst;
  }
  return std::max(1, sum);
}

}  // namespace

int torus_all_to_all_load(const std::array<int, 3>& dims, int group_nodes) {
  thread_local std::map<std::pair<std::array<int, 3>, int>, int> memo;
  const auto key = std::make_pair(dims, group_nodes);
  if (const auto it = memo.find(key); it != memo.end()) return it->second;
  return memo[key] = all_to_all_load(dims, group_nodes);
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

std::array<int, 3> torus_slice_shape(int chips, int rank) {
  std::array<int, 3> best{std::max(1, chips), 1, 1};
  rank = std::clamp(rank, 1, 3);
  if (rank == 1 || chips <= 1) return best;
  // Try every factorization into `rank` factors and keep the most balanced (smallest largest factor, then smallest
  // sum of factors): few enough divisors that brute force costs nothing.
  auto better = [](const std::array<int, 3>& a, const std::array<int, 3>& b) {
    const int ma = std::max({a[0], a[1], a[2]});
    const int mb = std::max({b[0], b[1], b[2]});
    return ma != mb ? ma < mb : a[0] + a[1] + a[2] < b[0] + b[1] + b[2];
  };
  for (int x = 1; x * x <= chips; ++x) {
    if (chips % x != 0) continue;
    const int rest = chips / x;
    if (rank == 2) {
      const std::array<int, 3> c{x, rest, 1};
      if (better(c, best)) best = c;
      continue;
    }
    for (int y = x; y * y <= rest; ++y) {
      if (rest % y != 0) continue;
      const std::array<int, 3> c{x, y, rest / y};
      if (better(c, best)) best = c;
    }
  }
  std::sort(best.begin(), best.begin() + rank);
  return best;
}

TorusCollective torus_collective(CollectiveOp op, int ranks, const std::array<int, 3>& slice, int wrap_multiple,
                                 const std::array<double, 3>& link_scale) {
  TorusCollective out;
  // The group's block: fill x, then y, then z.
  int left = std::max(1, ranks);
  for (std::size_t i = 0; i < 3; ++i) {
    const int d = std::max(1, slice[i]);
    out.group[i] = left >= d ? d : left;
    left = left >= d ? (left + d - 1) / d : 1;
  }
  const std::array<int, 3>& g = out.group;
  const double n = static_cast<double>(g[0]) * g[1] * g[2];
  if (n <= 1) return out;
  std::array<bool, 3> wraps{};
  std::array<int, 3> spanned{};
  int k = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    wraps[i] = wrap_multiple > 0 && g[i] == slice[i] && g[i] > 2 && g[i] % wrap_multiple == 0;
    if (g[i] > 1) spanned[static_cast<std::size_t>(k++)] = static_cast<int>(i);
  }
  // Link directions a dimension's rings use, in scale-1 links.
  auto rings = [&](int i) {
    return (wraps[static_cast<std::size_t>(i)] ? 2.0 : 1.0) * link_scale[static_cast<std::size_t>(i)];
  };

  if (op == CollectiveOp::send_recv) {
    out.link_equivalents = link_scale[static_cast<std::size_t>(spanned[0])];  // the neighbour along the first dimension
    out.steps = 1;
    return out;
  }
  if (op == CollectiveOp::all_to_all) {
    // Per byte of each rank's buffer, link-direction time of dimension i: n x mean distance over its links
    // (2n with wraparound, 2(g-1)n/g on a line); the busiest dimension sets the pace.
    double worst = 0;
    double diameter = 0;
    for (int s = 0; s < k; ++s) {
      const int i = spanned[static_cast<std::size_t>(s)];
      const double gi = g[static_cast<std::size_t>(i)];
      const bool w = wraps[static_cast<std::size_t>(i)];
      const double mean = w ? std::floor(gi * gi / 4) / gi : (gi * gi - 1) / (3 * gi);
      const double links = (w ? 2 * n : 2 * (gi - 1) * n / gi) * link_scale[static_cast<std::size_t>(i)];
      worst = std::max(worst, n * mean / links);
      diameter += w ? std::floor(gi / 2) : gi - 1;
    }
    out.link_equivalents = (n - 1) / n / worst;
    out.steps = diameter;
    return out;
  }
  // Reduce-scatter (all-gather mirrors it): share s starts on spanned dimension s and walks the others cyclically,
  // shrinking by each dimension's size; on dimension i it moves (g_i - 1) / g_i of what reaches it. The shares are
  // in proportion to the links of the dimension they start on (equal on a uniform torus), so a slower dimension
  // (a ring of nodes) starts less of the buffer.
  double total_links = 0;
  for (int s = 0; s < k; ++s) total_links += rings(spanned[static_cast<std::size_t>(s)]);
  std::array<double, 3> load{};
  for (int s = 0; s < k; ++s) {
    double share = rings(spanned[static_cast<std::size_t>(s)]) / total_links;
    for (int t = 0; t < k; ++t) {
      const int i = spanned[static_cast<std::size_t>((s + t) % k)];
      const double gi = g[static_cast<std::size_t>(i)];
      load[static_cast<std::size_t>(i)] += share * (gi - 1) / gi;
      share /= gi;
    }
  }
  out.load = load;
  out.wraps = wraps;
  double worst = 0;
  double steps = 0;
  for (int s = 0; s < k; ++s) {
    const int i = spanned[static_cast<std::size_t>(s)];
    worst = std::max(worst, load[static_cast<std::size_t>(i)] / rings(i));
    steps += g[static_cast<std::size_t>(i)] - 1;
  }
  out.link_equivalents = (n - 1) / n / worst;
  out.steps = op == CollectiveOp::all_reduce ? 2 * steps : steps;
  return out;
}

}  // namespace capsim::net
