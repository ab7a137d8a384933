#include "models/network/clos_fabric.hpp"

#include <algorithm>

#include "sim/core/error.hpp"

namespace capsim::net {

namespace {

/// splitmix64 (Steele et al. 2014): spreads consecutive flow ids over the ECMP choices as a switch hash would.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

ClosRequest clos_request(const ClosOptions& o) {
  ClosRequest q;
  const int planes = std::max(1, o.planes);
  q.endpoints = static_cast<long>(o.nodes) * (o.nics_per_node / planes);
  q.groups = o.rails > 0 ? std::max(1, o.rails / planes) : 1;
  q.radix = o.radix;
  q.tiers = o.tiers;
  q.leaf_oversubscription = o.leaf_oversubscription;
  q.spine_oversubscription = o.spine_oversubscription;
  return q;
}

ClosFabric::ClosFabric(std::string kind, const ClosOptions& options)
    : Topology(options.nodes, options.nics_per_node, options.radix), kind_(std::move(kind)), options_(options) {
  const int planes = std::max(1, options_.planes);
  if (options_.nics_per_node % planes != 0) {
    throw InfeasibleError(std::to_string(options_.nics_per_node) + " NICs per node do not split evenly over " +
                          std::to_string(planes) + " planes");
  }
  if (options_.rails > 0 && (options_.rails % planes != 0 || options_.nics_per_node % options_.rails != 0)) {
    throw InfeasibleError(std::to_string(options_.rails) + " rails do not fit " +
                          std::to_string(options_.nics_per_node) + " NICs per node on " + std::to_string(planes) +
                          " planes (rails must divide the NICs and be a multiple of the planes)");
  }
  per_plane_nics_ = options_.nics_per_node / planes;
  plan_ = plan_clos(clos_request(options_));
  if (!plan_.ok()) throw InfeasibleError(plan_.problem + " (" + plan_.hint + ")");
  set_planes(planes);
  build();
}

ClosPlace ClosFabric::place(int ep) const {
  const int nics = options_.nics_per_node;
  const int node = ep / nics;
  const int nic = ep % nics;
  ClosPlace p;
  p.plane = nic % planes();
  if (options_.rails > 0) {
    const int rails = options_.rails;
    const long group = (nic % rails) / planes();
    const long t = static_cast<long>(node) * (nics / rails) + nic / rails;
    p.leaf = group * plan_.leaves_per_group + t / plan_.leaf_down;
  } else {
    const long q = static_cast<long>(node) * per_plane_nics_ + nic / planes();
    p.leaf = q / plan_.leaf_down;
  }
  p.pod = plan_.tiers == 3 ? plan_.pod_of_leaf(p.leaf) : 0;
  return p;
}

double ClosFabric::tier_oversubscription(int tier) const {
  if (tier == 1 && plan_.tiers >= 2) return plan_.leaf_oversubscription;
  if (tier == 2 && plan_.tiers == 3) return plan_.spine_oversubscription;
  return 1.0;
}

int ClosFabric::ls_cable(int plane, long leaf, long spine_slot, long link) const {
  const long per_leaf = (plan_.tiers == 2 ? plan_.spines : plan_.spines_per_pod) * plan_.leaf_spine_links;
  return ls_base_[static_cast<std::size_t>(plane)] +
         static_cast<int>(leaf * per_leaf + spine_slot * plan_.leaf_spine_links + link);
}

int ClosFabric::sc_cable(int plane, long pod, long spine, long core, long link) const {
  const long spine_id = pod * plan_.spines_per_pod + spine;
  return sc_base_[static_cast<std::size_t>(plane)] +
         static_cast<int>((spine_id * plan_.cores_per_group + core) * plan_.spine_core_links + link);
}

void ClosFabric::build() {
  const ClosPlan& p = plan_;
  const int planes = this->planes();
  const long eps = static_cast<long>(nodes()) * options_.nics_per_node;
  const long per_plane_switches = p.leaves + (p.tiers >= 2 ? p.spines : 0) + (p.tiers == 3 ? p.cores : 0);
  const long per_plane_cables = (p.tiers >= 2 ? p.leaves * p.leaf_up : 0) + (p.tiers == 3 ? p.spines * p.spine_up : 0);
  reserve(static_cast<std::size_t>(eps + planes * per_plane_switches),
          static_cast<std::size_t>(eps + planes * per_plane_cables));
  const double bw = options_.link_bw_Bps;
  const double sw = options_.switch_latency_s;
  const double wire = options_.cable_latency_s;
  const bool rails = options_.rails > 0;

  // Endpoints first: vertex id == endpoint id, and its NIC cable gets cable id == endpoint id below.
  for (long ep = 0; ep < eps; ++ep) {
    FabricVertex v;
    v.index = static_cast<std::int32_t>(ep);
    v.node = static_cast<std::int32_t>(ep / options_.nics_per_node);
    v.nic = static_cast<std::int16_t>(ep % options_.nics_per_node);
    v.plane = static_cast<std::int16_t>(v.nic % planes);
    v.rail = static_cast<std::int16_t>(rails ? v.nic % options_.rails : -1);
    set_endpoint(static_cast<int>(ep), add_vertex(v));
  }
  for (int plane = 0; plane < planes; ++plane) {
    auto add_switch = [&](int tier, long index, int rail) {
      FabricVertex v;
      v.kind = VertexKind::switch_;
      v.tier = static_cast<std::int8_t>(tier);
      v.plane = static_cast<std::int16_t>(plane);
      v.rail = static_cast<std::int16_t>(rail);
      v.index = static_cast<std::int32_t>(index);
      return add_vertex(v);
    };
    leaf_base_.push_back(static_cast<int>(boost::num_vertices(graph())));
    for (long l = 0; l < p.leaves; ++l) {
      add_switch(1, l, rails ? static_cast<int>((l / p.leaves_per_group) * planes + plane) : -1);
    }
    spine_base_.push_back(static_cast<int>(boost::num_vertices(graph())));
    if (p.tiers >= 2) {
      for (long s = 0; s < p.spines; ++s) {
        const long pod = p.tiers == 3 ? s / p.spines_per_pod : 0;
        add_switch(2, s, rails && p.tiers == 3 ? static_cast<int>((pod / p.pods_per_group) * planes + plane) : -1);
      }
    }
    core_base_.push_back(static_cast<int>(boost::num_vertices(graph())));
    for (long c = 0; p.tiers == 3 && c < p.cores; ++c) add_switch(3, c, -1);
  }
  for (long ep = 0; ep < eps; ++ep) {
    const ClosPlace at = place(static_cast<int>(ep));
    add_cable(static_cast<int>(ep), leaf_vertex(at.plane, at.leaf), 0, options_.optical_endpoint_links, bw,
              wire + sw / 2);
  }
  // Switch-to-switch cables cross racks: optical, a switch traversal at each end.
  for (int plane = 0; plane < planes; ++plane) {
    const auto pi = static_cast<std::size_t>(plane);
    ls_base_.push_back(static_cast<int>(cables().size()));
    for (long l = 0; p.tiers == 2 && l < p.leaves; ++l) {
      for (long s = 0; s < p.spines; ++s) {
        for (int k = 0; k < p.leaf_spine_links; ++k) {
          add_cable(leaf_vertex(plane, l), spine_base_[pi] + static_cast<int>(s), 1, true, bw, wire + sw);
        }
      }
    }
    for (long l = 0; p.tiers == 3 && l < p.leaves; ++l) {
      const long pod = p.pod_of_leaf(l);
      for (long j = 0; j < p.spines_per_pod; ++j) {
        for (int k = 0; k < p.leaf_spine_links; ++k) {
          add_cable(leaf_vertex(plane, l), spine_base_[pi] + static_cast<int>(pod * p.spines_per_pod + j), 1, true, bw,
                    wire + sw);
        }
      }
    }
    sc_base_.push_back(static_cast<int>(cables().size()));
    for (long s = 0; p.tiers == 3 && s < p.spines; ++s) {
      const long group = s % p.spines_per_pod;
      for (long c = 0; c < p.cores_per_group; ++c) {
        for (int k = 0; k < p.spine_core_links; ++k) {
          add_cable(spine_base_[pi] + static_cast<int>(s), core_base_[pi] + static_cast<int>(group * p.cores_per_group + c),
                    2, true, bw, wire + sw);
        }
      }
    }
  }
}

double ClosFabric::bisection_bw_Bps() const {
  const ClosPlan& p = plan_;
  const double endpoints_per_plane = static_cast<double>(nodes()) * per_plane_nics_;
  double narrowest = endpoints_per_plane;
  if (p.tiers >= 2) narrowest = std::min(narrowest, static_cast<double>(p.leaves) * p.leaf_up);
  if (p.tiers == 3) narrowest = std::min(narrowest, static_cast<double>(p.spines) * p.spine_up);
  return planes() * narrowest / 2.0 * options_.link_bw_Bps;
}

int ClosFabric::hops(int a, int b) const {
  if (a == b) return 0;
  const ClosPlace pa = place(a);
  const ClosPlace pb = place(b);
  if (pa.plane != pb.plane) return -1;
  if (pa.leaf == pb.leaf) return 2;
  if (plan_.tiers == 3 && pa.pod != pb.pod) return 6;
  return 4;
}

double ClosFabric::ecmp_paths(int a, int b) const {
  if (a == b) return 1;
  const ClosPlace pa = place(a);
  const ClosPlace pb = place(b);
  if (pa.plane != pb.plane) return 0;
  if (pa.leaf == pb.leaf) return 1;
  const ClosPlan& p = plan_;
  const double up_down = static_cast<double>(p.leaf_spine_links) * p.leaf_spine_links;
  if (p.tiers == 2) return static_cast<double>(p.spines) * up_down;
  if (pa.pod == pb.pod) return p.spines_per_pod * up_down;
  return p.spines_per_pod * up_down * p.cores_per_group * p.spine_core_links * p.spine_core_links;
}

void ClosFabric::route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const {
  if (a == b) return;
  const ClosPlace pa = place(a);
  const ClosPlace pb = place(b);
  if (pa.plane != pb.plane) return;
  const ClosPlan& p = plan_;
  cables.push_back(a);  // the NIC cable of endpoint a has cable id a
  if (pa.leaf != pb.leaf) {
    std::uint64_t h = mix(flow_hash ^ (static_cast<std::uint64_t>(a) << 32) ^ static_cast<std::uint64_t>(b));
    auto pick = [&h](long n) {
      const long v = static_cast<long>(h % static_cast<std::uint64_t>(n));
      h /= static_cast<std::uint64_t>(n);
      return v;
    };
    if (p.tiers == 2) {
      const long s = pick(p.spines);
      const long k1 = pick(p.leaf_spine_links);
      const long k2 = pick(p.leaf_spine_links);
      cables.push_back(ls_cable(pa.plane, pa.leaf, s, k1));
      cables.push_back(ls_cable(pb.plane, pb.leaf, s, k2));
    } else {
      const long j = pick(p.spines_per_pod);
      cables.push_back(ls_cable(pa.plane, pa.leaf, j, pick(p.leaf_spine_links)));
      if (pa.pod != pb.pod) {
        const long c = pick(p.cores_per_group);
        cables.push_back(sc_cable(pa.plane, pa.pod, j, c, pick(p.spine_core_links)));
        cables.push_back(sc_cable(pb.plane, pb.pod, j, c, pick(p.spine_core_links)));
      }
      cables.push_back(ls_cable(pb.plane, pb.leaf, j, pick(p.leaf_spine_links)));
    }
  }
  cables.push_back(b);
}

}  // namespace capsim::net
