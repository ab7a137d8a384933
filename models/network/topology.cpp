#include "models/network/topology.hpp"

#include <algorithm>
#include <boost/graph/connected_components.hpp>
#include <deque>
#include <string>

namespace capsim::net {

namespace {

const char* tier_name(int tier) {
  switch (tier) {
    case 1: return "leaf";
    case 2: return "spine";
    case 3: return "core";
  }
  return "switch";
}

}  // namespace

Topology::Topology(int nodes, int nics_per_node, int radix)
    : nodes_(nodes), nics_per_node_(nics_per_node), radix_(radix) {
  endpoint_vertex_.assign(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(nics_per_node), -1);
}

int Topology::add_vertex(const FabricVertex& v) { return static_cast<int>(boost::add_vertex(v, graph_)); }

int Topology::add_cable(int a, int b, int tier, bool optical, double bw_Bps, double latency_s) {
  const int id = static_cast<int>(cables_.size());
  cables_.push_back(Cable{a, b, static_cast<std::int8_t>(tier), optical, bw_Bps, latency_s});
  boost::add_edge(static_cast<std::size_t>(a), static_cast<std::size_t>(b), id, graph_);
  return id;
}

void Topology::set_endpoint(int ep, int v) { endpoint_vertex_[static_cast<std::size_t>(ep)] = v; }

void Topology::reserve(std::size_t vertices, std::size_t cables) {
  graph_.m_vertices.reserve(vertices);
  cables_.reserve(cables);
}

double Topology::tier_oversubscription(int) const { return 1.0; }

FabricCounts Topology::counts() const {
  FabricCounts c;
  c.endpoints = endpoints();
  std::vector<long> per_tier_switches;
  std::vector<long> down;
  std::vector<long> up;
  for (std::size_t v = 0; v < boost::num_vertices(graph_); ++v) {
    const FabricVertex& fv = graph_[v];
    if (fv.kind != VertexKind::switch_) continue;
    const auto t = static_cast<std::size_t>(fv.tier);
    if (per_tier_switches.size() < t) {
      per_tier_switches.resize(t, 0);
      down.resize(t, 0);
      up.resize(t, 0);
    }
    ++per_tier_switches[t - 1];
  }
  for (const Cable& cable : cables_) {
    const auto t = static_cast<std::size_t>(cable.tier);
    if (c.cables_per_tier.size() <= t) c.cables_per_tier.resize(t + 1, 0);
    ++c.cables_per_tier[t];
    ++c.cables;
    if (cable.optical) {
      ++c.optical_cables;
      c.optics += 2;
    } else {
      ++c.copper_cables;
    }
    // Cable of tier t joins a tier-t vertex (below) to a tier t+1 switch (above).
    if (graph_[static_cast<std::size_t>(cable.a)].kind == VertexKind::switch_ && t >= 1 && t <= up.size()) ++up[t - 1];
    if (graph_[static_cast<std::size_t>(cable.b)].kind == VertexKind::switch_ && t < down.size()) ++down[t];
  }
  for (std::size_t t = 0; t < per_tier_switches.size(); ++t) {
    TierCount tc;
    tc.name = tier_name(static_cast<int>(t) + 1);
    tc.switches = per_tier_switches[t];
    tc.radix = radix_;
    tc.ports_down = down[t];
    tc.ports_up = up[t];
    tc.ports_free = tc.switches * radix_ - tc.ports_down - tc.ports_up;
    tc.oversubscription = tier_oversubscription(static_cast<int>(t) + 1);
    c.switches += tc.switches;
    c.switch_ports += tc.switches * radix_;
    c.switch_ports_used += tc.ports_down + tc.ports_up;
    c.tiers.push_back(tc);
  }
  return c;
}

double Topology::route_latency_s(int a, int b) const {
  std::vector<int> path;
  route(a, b, 0, path);
  double s = 0;
  for (int id : path) s += cables_[static_cast<std::size_t>(id)].latency_s;
  return s;
}

FabricCheck Topology::check() const {
  FabricCheck r;
  const std::size_t n = boost::num_vertices(graph_);
  std::vector<int> component(n, 0);
  r.components = n == 0 ? 0 : static_cast<int>(boost::connected_components(graph_, component.data()));
  // Planes are disjoint by design: each must be one component, so there are exactly `planes` of them.
  r.connected = r.components == planes_;
  if (!r.connected) {
    r.problems.push_back("the fabric falls into " + std::to_string(r.components) + " disconnected parts, expected " +
                         std::to_string(planes_));
  }
  for (std::size_t v = 0; v < n; ++v) {
    if (graph_[v].kind != VertexKind::switch_) continue;
    r.max_switch_degree = std::max(r.max_switch_degree, static_cast<int>(boost::out_degree(v, graph_)));
  }
  r.radix_ok = radix_ <= 0 || r.max_switch_degree <= radix_;
  if (!r.radix_ok) {
    r.problems.push_back("a switch has " + std::to_string(r.max_switch_degree) + " cables but only " +
                         std::to_string(radix_) + " ports");
  }
  for (int ep = 0; ep < endpoints(); ++ep) {
    if (endpoint_vertex(ep) < 0) {
      r.problems.push_back("endpoint " + std::to_string(ep) + " is not attached");
      break;
    }
  }
  return r;
}

PathStats Topology::search_paths(int a, int b) const {
  const int src = endpoint_vertex(a);
  const int dst = endpoint_vertex(b);
  PathStats s;
  if (src == dst) return PathStats{0, 1};
  const std::size_t n = boost::num_vertices(graph_);
  std::vector<int> dist(n, -1);
  std::vector<double> count(n, 0);
  std::deque<std::size_t> queue{static_cast<std::size_t>(src)};
  dist[static_cast<std::size_t>(src)] = 0;
  count[static_cast<std::size_t>(src)] = 1;
  while (!queue.empty()) {
    const std::size_t u = queue.front();
    queue.pop_front();
    if (static_cast<int>(u) == dst) break;
    // Only switches forward traffic, unless the fabric routes through its endpoints (torus).
    if (static_cast<int>(u) != src && graph_[u].kind == VertexKind::endpoint && !endpoints_forward_) continue;
    for (auto [e, end] = boost::out_edges(u, graph_); e != end; ++e) {
      const std::size_t w = boost::target(*e, graph_);
      if (dist[w] < 0) {
        dist[w] = dist[u] + 1;
        queue.push_back(w);
      }
      if (dist[w] == dist[u] + 1) count[w] += count[u];
    }
  }
  s.hops = dist[static_cast<std::size_t>(dst)];
  s.paths = s.hops < 0 ? 0 : count[static_cast<std::size_t>(dst)];
  return s;
}

}  // namespace capsim::net
