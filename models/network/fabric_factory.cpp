#include "models/network/fabric_factory.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "models/network/fat_tree.hpp"
#include "models/network/multi_plane.hpp"
#include "models/network/rail_optimized.hpp"
#include "sim/core/error.hpp"

namespace capsim::net {

namespace {

/// Port-to-port latency of an InfiniBand switch: about 130 ns (NVIDIA Quantum QM8700 datasheet).
constexpr double kDefaultSwitchLatency_s = 130e-9;

std::string str(long v) { return std::to_string(v); }

double port_bw(const hw::ScaleOutSpec& so) { return so.port_bw_Bps > 0 ? so.port_bw_Bps : so.nic_bw_Bps; }

}  // namespace

int default_radix(double port_bw_Bps) { return port_bw_Bps >= 50e9 ? 64 : 40; }

int switch_tiers(const hw::ClusterSpec& c) {
  const auto& so = c.scale_out;
  if (c.nodes <= 1 || so.topology == "torus3d") return 0;
  if (so.tiers > 0) return so.tiers;
  const int radix = so.radix > 0 ? so.radix : default_radix(port_bw(so));
  const long per_plane = static_cast<long>(c.nodes) * so.nics_per_node / std::max(1, so.planes);
  for (int tiers = 1; tiers < 3; ++tiers) {
    if (clos_capacity(tiers, radix, so.oversubscription, so.spine_oversubscription) >= per_plane) return tiers;
  }
  return 3;
}

ClosOptions clos_options(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  ClosOptions o;
  o.nodes = cluster.nodes;
  o.nics_per_node = so.nics_per_node;
  o.radix = so.radix > 0 ? so.radix : default_radix(port_bw(so));
  o.tiers = so.tiers;
  o.leaf_oversubscription = so.oversubscription;
  o.spine_oversubscription = so.spine_oversubscription;
  o.link_bw_Bps = port_bw(so);
  o.switch_latency_s = so.switch_latency_s > 0 ? so.switch_latency_s : kDefaultSwitchLatency_s;
  o.planes = std::max(1, so.planes);
  if (so.topology == "rail-optimized") o.rails = so.rails > 0 ? so.rails : so.nics_per_node;
  return o;
}

TorusOptions torus_options(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  TorusOptions o;
  o.dims = so.torus_dims;
  o.nics_per_node = so.nics_per_node;
  o.link_bw_Bps = so.port_bw_Bps > 0 ? so.port_bw_Bps : so.nics_per_node * so.nic_bw_Bps / 6.0;
  o.hop_latency_s = so.switch_latency_s > 0 ? so.switch_latency_s : kDefaultSwitchLatency_s;
  return o;
}

std::unique_ptr<Topology> build_fabric(const hw::ClusterSpec& cluster) {
  const auto problems = fabric_problems(cluster);
  if (!problems.empty()) throw InfeasibleError(problems.front().message + " (" + problems.front().hint + ")");
  if (cluster.scale_out.topology == "torus3d") return std::make_unique<Torus3d>(torus_options(cluster));
  const ClosOptions o = clos_options(cluster);
  if (o.planes > 1) return std::make_unique<MultiPlane>(o);
  if (o.rails > 0) return std::make_unique<RailOptimized>(o);
  return std::make_unique<FatTree>(o);
}

std::vector<FabricProblem> fabric_problems(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  std::vector<FabricProblem> out;
  const int planes = std::max(1, so.planes);
  if (so.topology == "torus3d") {
    const auto& d = so.torus_dims;
    const long product = static_cast<long>(d[0]) * d[1] * d[2];
    if (product != cluster.nodes) {
      out.push_back({"torus", "the torus has " + str(d[0]) + " x " + str(d[1]) + " x " + str(d[2]) + " = " +
                                  str(product) + " nodes but the cluster has " + str(cluster.nodes),
                     "give three sizes whose product is the node count, e.g. [" + str(cluster.nodes) + ", 1, 1]"});
    }
    if (planes > 1) out.push_back({"planes", "a torus has one plane", "remove \"planes\" or use a fat-tree"});
    return out;
  }
  if (so.nics_per_node % planes != 0) {
    out.push_back({"planes", str(so.nics_per_node) + " NICs per node do not split evenly over " + str(planes) +
                                 " planes", "use a plane count that divides nics_per_node"});
    return out;
  }
  const ClosOptions o = clos_options(cluster);
  if (so.rails > 0 && so.topology != "rail-optimized") {
    out.push_back({"rails", "\"rails\" applies to a rail-optimized fabric, not \"" + so.topology + "\"",
                   "set \"topology\": \"rail-optimized\" or remove \"rails\""});
    return out;
  }
  if (o.rails > 0 && (so.nics_per_node % o.rails != 0 || o.rails % planes != 0)) {
    out.push_back({"rails", str(o.rails) + " rails do not fit " + str(so.nics_per_node) + " NICs per node on " +
                                str(planes) + " plane(s)",
                   "use a rail count that divides the NICs per node and is a multiple of the planes"});
    return out;
  }
  const ClosPlan plan = plan_clos(clos_request(o));
  if (!plan.ok()) out.push_back({so.tiers > 0 ? "tiers" : "radix", plan.problem, plan.hint});
  return out;
}

namespace {

/// Blocks whose load is enumerated one by one; a longer pattern is taken offset by offset (the search evaluates
/// millions of configurations, each asking about several collectives).
constexpr long kMaxEnumeratedBlocks = 64;
/// A pattern the cluster does not show in full (fewer blocks than its period) is enumerated up to this many blocks;
/// beyond, the offset-by-offset bound stands.
constexpr long kMaxPartialBlocks = 1024;

/// Nodes (as ports / node_ports) of one group that a block holds, sending k(n-k)/n of a node's buffer up.
double climb(long k_ports, long n_ports, int node_ports) {
  const double k = static_cast<double>(k_ports) / node_ports;
  const double n = static_cast<double>(n_ports) / node_ports;
  return n > 0 ? k * (n - k) / n : 0.0;
}

/// The groups partly on block [s, e): at most the one it starts in and the one it ends in; groups between them lie
/// wholly on the block and send nothing up. Calls `partial(k, n)` for each (k of its n ports on the block).
template <class F>
void for_partial_groups(long s, long e, long group, long total, F&& partial) {
  const long head = s / group * group;
  const long head_n = std::min(head + group, total) - head;
  const long head_k = std::min(head + group, e) - s;
  if (head_k < head_n) partial(head_k, head_n);
  const long tail = (e - 1) / group * group;
  if (tail == head) return;
  const long tail_n = std::min(tail + group, total) - tail;
  if (e - tail < tail_n) partial(e - tail, tail_n);
}

}  // namespace

double busiest_block_all_to_all(long block, long group, long total, int node_ports) {
  if (block <= 0 || group <= 0 || total <= block || node_ports <= 0) return 0.0;
  const long blocks = (total + block - 1) / block;
  const long last_k = total - (blocks - 1) * block;  // ports of the last block, maybe short
  if (group >= total) return std::max(climb(block, total, node_ports), climb(last_k, total, node_ports));
  auto load = [&](long a) {
    double up = 0;
    for_partial_groups(a * block, std::min((a + 1) * block, total), group, total,
                       [&](long k, long n) { up += climb(k, n, node_ports); });
    return up;
  };
  // The last block, and every block of a short last group, break the pattern: look at them apart.
  double worst = load(blocks - 1);
  const long short_group = total % group;
  for (long a = short_group > 0 ? (total - short_group) / block : blocks; a < blocks - 1; ++a) {
    worst = std::max(worst, load(a));
  }
  // Block starts fall on the same offsets within a group every group / gcd blocks.
  const long d = std::gcd(group, block);
  const long seen = std::min(group / d, blocks - 1);
  const bool every_offset = blocks - 1 >= group / d;
  if (seen <= kMaxEnumeratedBlocks || block > group || (!every_offset && seen <= kMaxPartialBlocks)) {
    for (long a = 0; a < seen; ++a) worst = std::max(worst, load(a));
    return worst;
  }
  // A block straddling a boundary holds k ports of one group and block - k of the next, k a multiple of d: the load
  // k(n-k) + (b-k)(n-b+k) is largest for the most even split.
  worst = std::max(worst, climb(block, group, node_ports));
  for (long k : {block / 2 / d * d, (block / 2 + d - 1) / d * d}) {
    if (k > 0 && k < block) worst = std::max(worst, climb(k, group, node_ports) + climb(block - k, group, node_ports));
  }
  return worst;
}

namespace {

/// Ring edges leaving the busiest block when blocks hold whole nodes: one per group partly on the block (its last
/// node on the block sends a node's worth to a node off it).
int ring_edges(long block, long group, long total) {
  if (block <= 0 || group <= 0 || total <= block) return 0;
  if (group >= total) return 1;
  if (block < group && total % group == 0) {
    // Blocks inside groups leave them once; otherwise the block that holds the first group boundary holds part of
    // both groups.
    return group % block == 0 ? 1 : 2;
  }
  // Blocks hold whole groups and parts of at most two more; the pattern repeats every group / gcd blocks (a short
  // last group breaks it: then every block is looked at).
  const long blocks = (total + block - 1) / block;
  const long seen = total % group == 0 ? std::min(blocks, group / std::gcd(group, block)) : blocks;
  int worst = 0;
  auto edges = [&](long a) {
    int n = 0;
    for_partial_groups(a * block, std::min((a + 1) * block, total), group, total, [&](long, long) { ++n; });
    return n;
  };
  for (long a = 0; a < seen && worst < 2; ++a) worst = std::max(worst, edges(a));
  return std::max(worst, edges(blocks - 1));
}

/// Ports of ring group [g0, g1) on block [s, e) whose partner (the same NIC of the next node of the ring, the group's
/// first node after its last) is off the block.
long ring_ports_up(long s, long e, long g0, long g1, int node_ports) {
  const long n = g1 - g0;
  if ((g0 >= s && g1 <= e) || n <= node_ports) return 0;
  const long c = node_ports;
  const long ahead = std::max(0L, std::min(e, g1 - c) - std::max({s, g0, e - c}));
  // The last node's ports wrap to the first node's, n - c ports back.
  const long lo = std::max(s, g1 - c);
  const long hi = std::min(e, g1);
  const long wrapping = std::max(0L, hi - lo);
  const long wrap_inside = std::max(0L, std::min(hi, e + n - c) - std::max(lo, s + n - c));
  return ahead + wrapping - wrap_inside;
}

/// What busiest_block_ring() counts port by port (a node straddles blocks).
double busiest_block_ring_by_ports(long block, long group, long total, int node_ports);

}  // namespace

double busiest_block_ring(long block, long group, long total, int node_ports) {
  if (block <= 0 || group <= 0 || total <= block || node_ports <= 0) return 0.0;
  if (block % node_ports == 0) return ring_edges(block, group, total);
  // Counting port by port walks up to every offset of the pattern: a design-space search asks for the same few
  // (block, group) pairs millions of times, so each thread keeps the answers (a pure function of its arguments).
  struct Key {
    long block, group, total;
    int node_ports;
    bool operator==(const Key&) const = default;
  };
  struct Hash {
    std::size_t operator()(const Key& k) const {
      std::size_t h = std::hash<long>{}(k.block);
      for (long v : {k.group, k.total, static_cast<long>(k.node_ports)}) h = h * 1000003u ^ std::hash<long>{}(v);
      return h;
    }
  };
  thread_local std::unordered_map<Key, double, Hash> memo;
  const Key key{block, group, total, node_ports};
  if (const auto it = memo.find(key); it != memo.end()) return it->second;
  if (memo.size() >= 4096) memo.clear();  // bounded: a search over many cluster sizes cycles through few keys each
  return memo[key] = busiest_block_ring_by_ports(block, group, total, node_ports);
}

namespace {

double busiest_block_ring_by_ports(long block, long group, long total, int node_ports) {
  // A node straddles blocks: count port by port; the pattern repeats every group / gcd blocks unless the last group
  // is short.
  group = std::min(group, total);
  const long blocks = (total + block - 1) / block;
  const long d = std::gcd(group, block);
  const long seen = total % group == 0 ? std::min(blocks, group / d) : blocks;
  long worst = 0;
  const bool every_offset = blocks >= group / d;
  if (seen > kMaxEnumeratedBlocks && block < group && total % group == 0 && (every_offset || seen > kMaxPartialBlocks)) {
    // A long pattern: a group boundary falls x ports into a block, x a multiple of d (0: the block lies in one
    // group). Exact when the cluster shows every offset, an upper bound otherwise.
    for (long x = 0; x < block; x += d) {
      worst = std::max(worst, ring_ports_up(0, block, x - group, x, node_ports) +
                                  ring_ports_up(0, block, x, x + group, node_ports));
    }
    return static_cast<double>(worst) / node_ports;
  }
  auto up = [&](long a) {
    const long s = a * block;
    const long e = std::min(s + block, total);
    long ports = 0;
    const long head = s / group * group;
    const long tail = (e - 1) / group * group;
    ports += ring_ports_up(s, e, head, std::min(head + group, total), node_ports);
    if (tail != head) ports += ring_ports_up(s, e, tail, std::min(tail + group, total), node_ports);
    return ports;
  };
  for (long a = 0; a < seen; ++a) worst = std::max(worst, up(a));
  worst = std::max(worst, up(blocks - 1));
  return static_cast<double>(worst) / node_ports;
}

}  // namespace

double FabricShape::ring_share(int n) const {
  if (n <= 1) return 1.0;
  if (torus) {
    // Every dimension the group spans runs its rings at once (torus3d.hpp); a dimension the group fills wraps. A
    // group of consecutive nodes fills a block of the torus when its size is one; otherwise NCCL's ring over the
    // nodes moves each edge's share over one cable direction at a time.
    const TorusCollective t = torus_collective(CollectiveOp::reduce_scatter, n, torus_dims, 1);
    const bool block = static_cast<long>(t.group[0]) * t.group[1] * t.group[2] == n;
    return (block ? t.link_equivalents : 1.0) * torus_cable_share;
  }
  const long total = static_cast<long>(nodes) * node_ports;
  const long group = static_cast<long>(n) * node_ports;
  // A ring over consecutive nodes leaves a leaf once per channel for every group partly on it, against uplinks
  // sized 1/oversubscription of the downlinks.
  double share = 1.0;
  const long leaf = std::max(1L, std::lround(nodes_per_leaf * node_ports));
  if (const double up = busiest_block_ring(leaf, group, total, node_ports); up > 0) {
    share = std::min(share, nodes_per_leaf / (leaf_oversubscription * up));
  }
  if (tiers == 3) {
    const long pod = std::max(1L, std::lround(nodes_per_pod * node_ports));
    if (const double up = busiest_block_ring(pod, group, total, node_ports); up > 0) {
      share = std::min(share, nodes_per_pod / (leaf_oversubscription * spine_oversubscription * up));
    }
  }
  return share;
}

double FabricShape::ring_steps(CollectiveOp op, int n) const {
  if (n <= 1) return 0;
  const double ring = op == CollectiveOp::all_reduce ? 2.0 * (n - 1) : n - 1.0;
  if (!torus) return ring;
  const TorusCollective t = torus_collective(op, n, torus_dims, 1);
  return static_cast<long>(t.group[0]) * t.group[1] * t.group[2] == n ? t.steps : ring;
}

double FabricShape::tree_share(int n) const {
  if (torus || n < 2) return 1.0;
  // A double binary tree moves each node's buffer once each way over its edges, half on either tree: a group partly
  // on a leaf has an edge of each tree leaving it, which loads the leaf's uplinks as a ring edge does.
  double share = ring_share(n);
  if (n <= nodes_per_leaf) return share;
  // Of a tree's log2(n) levels, those above the log2(nodes per leaf) inside one leaf cross its uplinks.
  auto climbing = [n](double below) { return 1.0 - std::log2(std::max(1.0, below)) / std::log2(static_cast<double>(n)); };
  share = std::min(share, 1.0 / (leaf_oversubscription * climbing(nodes_per_leaf)));
  if (tiers == 3 && n > nodes_per_pod) {
    share = std::min(share, 1.0 / (leaf_oversubscription * spine_oversubscription * climbing(nodes_per_pod)));
  }
  return share;
}

double FabricShape::all_to_all_share(int n) const {
  if (n <= 1) return 1.0;
  if (torus) {
    // Each node sends 1/n of its buffer to each of the n - 1 others; the busiest cable direction carries `load` of
    // those shares, against (n - 1)/n of a buffer through the node's NICs at full rate.
    const int load = torus_all_to_all_load(torus_dims, n);
    return std::min(1.0, (n - 1.0) * torus_cable_share / load);
  }
  // Each node sends (n-1)/n of its buffer through its NICs; the busiest leaf sends `up` buffers through uplinks
  // worth nodes_per_leaf / oversubscription nodes' NICs. The slower of the two sets the pace.
  const long total = static_cast<long>(nodes) * node_ports;
  const long group = static_cast<long>(n) * node_ports;
  const double off_node = (n - 1.0) / n;
  double share = 1.0;
  const long leaf = std::max(1L, std::lround(nodes_per_leaf * node_ports));
  if (const double up = busiest_block_all_to_all(leaf, group, total, node_ports); up > 0) {
    share = std::min(share, off_node * nodes_per_leaf / leaf_oversubscription / up);
  }
  if (tiers == 3) {
    const long pod = std::max(1L, std::lround(nodes_per_pod * node_ports));
    if (const double up = busiest_block_all_to_all(pod, group, total, node_ports); up > 0) {
      share = std::min(share, off_node * nodes_per_pod / (leaf_oversubscription * spine_oversubscription) / up);
    }
  }
  return share;
}

namespace {

/// Everything the shape of a Clos fabric depends on: the switches asked for (ClosRequest), how a node's NICs meet the
/// leaves, and how a job's nodes are spread over them.
struct ClosShapeKey {
  ClosRequest request;
  int nodes, nics_per_node, rails, planes;
  double placement_nodes_per_leaf;
  bool operator==(const ClosShapeKey&) const = default;
};

FabricShape clos_shape(const ClosShapeKey& k) {
  const ClosRequest& q = k.request;
  FabricShape s;
  s.nodes = k.nodes;
  s.nodes_per_leaf = s.nodes_per_pod = s.nodes;
  // Unbuildable fabrics keep the neutral shape; checked first so that the hot path never builds the error text.
  const long capacity = clos_capacity(q.tiers > 0 ? q.tiers : 3, q.radix, q.leaf_oversubscription,
                                      q.spine_oversubscription, q.groups);
  if (q.endpoints % std::max(1, q.groups) != 0 || q.endpoints / std::max(1, q.groups) > capacity) return s;
  const ClosPlan plan = plan_clos(q);
  if (!plan.ok()) return s;
  s.tiers = plan.tiers;
  s.leaf_oversubscription = plan.leaf_oversubscription;
  s.spine_oversubscription = plan.spine_oversubscription;
  // NICs of one node on one leaf: one per rail when rail-optimized, else the node's NICs in this plane.
  const int per_leaf_nics = k.rails > 0 ? k.nics_per_node / k.rails : k.nics_per_node / k.planes;
  s.node_ports = std::max(1, per_leaf_nics);
  s.nodes_per_leaf = std::max(1.0, static_cast<double>(plan.leaf_down) / std::max(1, per_leaf_nics));
  s.nodes_per_pod = plan.tiers == 3 ? s.nodes_per_leaf * plan.leaves_per_pod : s.nodes;
  if (k.placement_nodes_per_leaf > 0 && k.placement_nodes_per_leaf < s.nodes_per_leaf) {
    // A spread job has fewer of its nodes under each leaf (and pod), so more of its traffic climbs.
    const double thinning = k.placement_nodes_per_leaf / s.nodes_per_leaf;
    s.nodes_per_leaf = std::max(1.0, k.placement_nodes_per_leaf);
    if (plan.tiers == 3) s.nodes_per_pod = std::max(s.nodes_per_leaf, s.nodes_per_pod * thinning);
  }
  return s;
}

}  // namespace

FabricShape fabric_shape(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  if (so.topology == "torus3d") {
    FabricShape s;
    s.nodes = std::max(1, cluster.nodes);
    s.torus = true;
    const TorusOptions t = torus_options(cluster);
    s.torus_dims = t.dims;
    s.torus_cable_share = t.link_bw_Bps / std::max(1.0, so.nics_per_node * so.nic_bw_Bps);
    return s;
  }
  const ClosOptions o = clos_options(cluster);
  const ClosShapeKey key{clos_request(o), std::max(1, cluster.nodes), o.nics_per_node, o.rails, o.planes,
                         so.placement_nodes_per_leaf};
  // Planning the switches costs more than the rest of a closed-form step estimate, and every estimate (and every
  // candidate of a search) asks again for the few clusters it is sizing: each thread keeps the last answers, a pure
  // function of the key. Direct-mapped on the node count, which is what a search varies.
  constexpr std::size_t kSlots = 64;
  thread_local std::array<std::optional<std::pair<ClosShapeKey, FabricShape>>, kSlots> memo;
  auto& slot = memo[static_cast<std::size_t>(key.nodes) % kSlots];
  if (slot && slot->first == key) return slot->second;
  slot.emplace(key, clos_shape(key));
  return slot->second;
}

}  // namespace capsim::net
