#include "models/network/nccl_collectives.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace capsim::net {

namespace {

using Proto = CollectiveProtocol;
constexpr std::array<Proto, 3> kProtocols{Proto::ll, Proto::ll128, Proto::simple};
constexpr double kInf = std::numeric_limits<double>::infinity();

// Latency constants of NCCL's tuner (src/graph/tuning.cc, NCCL 2.28), microseconds, indexed LL, LL128, Simple.
// The per-step figures are used as ratios to the catalog's own Simple step latency of each tier.
constexpr std::array<double, 3> kRingBase_us{6.6, 14.0, 8.4};
constexpr std::array<double, 3> kTreeBase_us{6.8, 14.0, 8.4};
constexpr std::array<double, 3> kRingNvlStep_us{0.6, 1.9, 3.4};
constexpr std::array<double, 3> kTreeNvlStep_us{0.6, 1.25, 4.0};
constexpr std::array<double, 3> kRingNetStep_us{2.7, 4.0, 14.0};
constexpr std::array<double, 3> kTreeNetStep_us{5.0, 8.5, 14.0};
constexpr double kNvlsLatency_s = 25e-6;          // NVLS hwLat over NVLink
constexpr double kCollNetIntraStep = 3.7 / 3.4;   // CollNetDirect Simple over NVLink, relative to a ring step
constexpr double kCollNetNetStep = 31.0 / 14.0;   // CollNetDirect Simple across the network, relative to a ring step
constexpr double kDefaultNvlStep_s = 3.4e-6;
constexpr int kLargestBoard = 8;  // GPUs on one HGX / DGX baseboard (A100 to B200)
constexpr double kDefaultNetStep_s = 14e-6;

// Protocol bandwidth shares. LL moves 8-byte stores carrying 4 bytes of data; NCCL caps it well below half the
// links (llMaxBws: 87.7 GB/s on 8 x A100 against a 231.6 GB/s ring, 141 on 8 x H100 against 370: 0.38 of the ring).
// LL128 carries 120 bytes in 128 (NCCL: 0.92). Across nodes NCCL caps LL at 20.4 GB/s per communicator (llMaxBws).
constexpr std::array<double, 3> kIntraProtocolShare{0.38, 0.92, 1.0};
constexpr double kNetLlCap_Bps = 20.4e9;

/// Large-message ring bus bandwidth as a share of one direction's NVLink rate: NCCL reaches about 370 GB/s of
/// 450 on H100 without NVLS (NCCL maintainer, nccl-tests issue 212).
constexpr double kRingShareOfLink = 370.0 / 450.0;
/// NVLS over ring on the same NVSwitch: 478.9 GB/s (Azure nccl-tests, 8 x H100) against 370.
constexpr double kNvlsGainOverRing = 478.9 / 370.0;
/// NVLS streams at full rate only once several chunks per channel are in flight ("256M is too small to reach peak
/// bandwidth", NCCL maintainer, nccl-tests issue 212). Fitted once to Azure's 8 x H100 all_reduce curve (16 MB to
/// 8 GB): the pipeline costs the time of 12.5 MB more buffer, on top of NCCL's 25 us NVLS latency.
constexpr double kNvlsFill_B = 12.5e6;
/// The catalog's NVLS all-reduce figure is nccl-tests busbw at 8 GiB.
constexpr double kNvlsReferenceBytes = 8589934592.0;
/// Tree bandwidth against the ring's, and SHARP's against the NIC rate (NCCL tuner: 0.92 and 0.9).
constexpr double kTreeShare = 0.92;
constexpr double kSharpShare = 0.9;
/// NCCL's alltoall posts one send and one receive per peer; each peer adds a little issue time (NCCL's tuner uses
/// 0.4 us per peer for the arity of CollNet; assumed the same here).
constexpr double kPerPeer_s = 0.4e-6;

/// NCCL's correction of its tree model for medium sizes (treeCorrectionFactor, tuning.cc): powers of two from 64 B.
constexpr std::array<std::array<double, 23>, 3> kTreeCorrection{{
    {1.0, 1.0, 1.0, 1.0, .9, .8, .7, .7, .7, .7, .6, .5, .4, .4, .5, .6, .7, .8, .9, 1.0, 1.0, 1.0, 1.0},
    {1.0, 1.0, 1.0, 1.0, 1.0, .9, .8, .8, .8, .7, .6, .6, .6, .6, .6, .6, .8, .9, .9, .9, .9, 1.0, 1.0},
    {.9, .9, .9, .9, .9, .9, .9, .8, .7, .6, .6, .5, .5, .5, .5, .6, .7, .8, .7, .7, .8, .9, .9},
}};

std::size_t idx(Proto p) { return static_cast<std::size_t>(p); }

double tree_correction(Proto p, double bytes) {
  const double chunks = bytes / 64.0;
  if (chunks < 1) return kTreeCorrection[idx(p)][0];
  const auto i = static_cast<std::size_t>(std::floor(std::log2(chunks)));
  return i < 23 ? kTreeCorrection[idx(p)][i] : 1.0;
}

/// Ring steps: all_reduce is a reduce-scatter then an all-gather, n-1 steps each.
double ring_steps(CollectiveOp op, int ranks) {
  if (ranks <= 1) return 0;
  return op == CollectiveOp::all_reduce ? 2.0 * (ranks - 1) : ranks - 1.0;
}

void keep_fastest(CollectiveEstimate& best, double t, CollectiveAlgorithm a, Proto p) {
  if (t < best.time_s) {
    best.time_s = t;
    best.algorithm = a;
    best.protocol = p;
  }
}

}  // namespace

std::string_view to_string(CollectiveAlgorithm a) {
  switch (a) {
    case CollectiveAlgorithm::ring: return "ring";
    case CollectiveAlgorithm::tree: return "tree";
    case CollectiveAlgorithm::nvls: return "nvls";
    case CollectiveAlgorithm::sharp: return "sharp";
    case CollectiveAlgorithm::direct: return "direct";
  }
  return "unknown";
}

std::string_view to_string(CollectiveProtocol p) {
  switch (p) {
    case Proto::ll: return "LL";
    case Proto::ll128: return "LL128";
    case Proto::simple: return "Simple";
  }
  return "unknown";
}

NcclCollectives::NcclCollectives(const hw::ClusterSpec& cluster)
    : shape_(fabric_shape(cluster)), calibration_(cluster.scale_out.nccl_tests) {
  const hw::ScaleUpSpec& su = cluster.scale_up;
  const hw::ScaleOutSpec& so = cluster.scale_out;
  su_kind_ = su.kind;
  su_bw_Bps_ = std::max(su.bw_Bps, 1.0);
  gpus_per_node_ = std::max(1, cluster.gpus_per_node);
  // An NVLink domain spans nodes only with NVLink switches outside the node (GB200 NVL72: 72 GPUs, 4 per tray);
  // HGX boards hold at most 8 GPUs, so a catalog domain of 8 on smaller nodes means one domain per node.
  domain_gpus_ = su.domain_gpus > std::max(gpus_per_node_, kLargestBoard) ? su.domain_gpus : gpus_per_node_;
  nodes_per_domain_ = std::max(1, domain_gpus_ / gpus_per_node_);
  // A measured all-reduce busbw is a ring's unless the switch reduces in-network (then it is NVLS's).
  const bool measured_ring = su.allreduce_busbw_Bps > 0 && !su.in_network_reduction;
  ring_bus_Bps_ = measured_ring ? su.allreduce_busbw_Bps : kRingShareOfLink * su_bw_Bps_;
  if (su.kind == hw::ScaleUpKind::switched && su.in_network_reduction) {
    const double busbw = su.allreduce_busbw_Bps > 0 ? su.allreduce_busbw_Bps : kNvlsGainOverRing * ring_bus_Bps_;
    const double d = std::max(2, su.domain_gpus);
    const double bus_time = 2.0 * (d - 1) / d * kNvlsReferenceBytes / busbw;
    nvls_alg_Bps_ = (kNvlsReferenceBytes + kNvlsFill_B) / std::max(bus_time - kNvlsLatency_s, 1e-9);
  }
  if (su.kind == hw::ScaleUpKind::torus) {
    // TPU ICI: the chip's bandwidth is split over its 2 x rank neighbour links; collectives on the slice run
    // per-dimension rings (torus3d.hpp).
    const int rank = std::clamp(su.torus_rank, 1, 3);
    torus_dims_ = torus_slice_shape(domain_gpus_, rank);
    torus_wrap_ = su.torus_wrap_multiple;
    torus_link_Bps_ = su_bw_Bps_ / (2.0 * rank);
    if (su.torus_node_link_Bps > 0 && nodes_per_domain_ > 1 && rank < 3) {
      // Trn2 UltraServer: each node's torus, plus the ring that joins the nodes as one more, slower dimension.
      torus_dims_ = torus_slice_shape(gpus_per_node_, rank);
      torus_dims_[static_cast<std::size_t>(rank)] = nodes_per_domain_;
      torus_scale_[static_cast<std::size_t>(rank)] = su.torus_node_link_Bps / torus_link_Bps_;
    }
  }
  su_step_s_ = su.latency_s > 0 ? su.latency_s : kDefaultNvlStep_s;
  net_step_s_ = so.latency_s > 0 ? so.latency_s : kDefaultNetStep_s;
  node_nic_Bps_ = std::max(1.0, so.nics_per_node * so.nic_bw_Bps * so.nic_efficiency);
  sharp_ = so.in_network_reduction;
}

double NcclCollectives::ring_busbw_Bps(int ranks) const {
  if (su_kind_ == hw::ScaleUpKind::torus) {
    const TorusCollective t =
        torus_collective(CollectiveOp::reduce_scatter, ranks, torus_dims_, torus_wrap_, torus_scale_);
    return t.link_equivalents * torus_link_Bps_ * kRingShareOfLink;
  }
  if (su_kind_ == hw::ScaleUpKind::mesh) {
    // Each GPU reaches each peer over its own link: a collective over `ranks` GPUs drives ranks-1 of the
    // domain_gpus-1 links.
    return su_bw_Bps_ * (std::max(ranks, 2) - 1) / std::max(1, domain_gpus_ - 1) * kRingShareOfLink;
  }
  return ring_bus_Bps_;
}

NcclCollectives::Placement NcclCollectives::place(const CommGroup& g) const {
  Placement p;
  p.ranks = std::max(1, g.ranks);
  const int per_node = std::clamp(g.ranks_per_node, 1, std::min(p.ranks, gpus_per_node_));
  p.nodes = (p.ranks + per_node - 1) / per_node;
  p.domains = (p.nodes + nodes_per_domain_ - 1) / nodes_per_domain_;
  p.ranks_per_domain = p.domains == 1 ? p.ranks : std::min(p.ranks, per_node * nodes_per_domain_);
  // The node's NICs are split among the GPUs that drive them at once (NCCL spreads a lone GPU's traffic over the
  // node's NICs with PXN).
  const int sharing = std::clamp(std::max(g.gpus_sharing_nics, per_node), 1, gpus_per_node_);
  p.nic_per_rank_Bps = node_nic_Bps_ / sharing;
  return p;
}

CollectiveEstimate NcclCollectives::modelled(CollectiveOp op, double bytes, const CommGroup& group) const {
  const Placement p = place(group);
  if (p.ranks <= 1 || bytes <= 0) return CollectiveEstimate{0, CollectiveAlgorithm::direct, Proto::simple, 1, false};
  return p.domains == 1 ? intra(op, bytes, p.ranks) : inter(op, bytes, p);
}

CollectiveEstimate NcclCollectives::intra(CollectiveOp op, double bytes, int n) const {
  CollectiveEstimate best{kInf, CollectiveAlgorithm::ring, Proto::simple, 1, false};
  // A torus runs its own per-dimension rings: their bandwidth and neighbour steps (torus3d.hpp).
  const TorusCollective torus = su_kind_ == hw::ScaleUpKind::torus
                                    ? torus_collective(op, n, torus_dims_, torus_wrap_, torus_scale_)
                                    : TorusCollective{};
  const double bus_bw =
      torus.link_equivalents > 0 ? torus.link_equivalents * torus_link_Bps_ * kRingShareOfLink : ring_busbw_Bps(n);
  auto step = [&](Proto p) { return su_step_s_ * kRingNvlStep_us[idx(p)] / kRingNvlStep_us[idx(Proto::simple)]; };
  if (op == CollectiveOp::send_recv || op == CollectiveOp::all_to_all) {
    // Point-to-point traffic, every peer at once for all-to-all: each rank's links carry (n-1)/n of its buffer.
    const double peers = op == CollectiveOp::all_to_all ? n - 1.0 : 0.0;
    for (Proto p : kProtocols) {
      const double t = kRingBase_us[idx(p)] * 1e-6 + std::max(1.0, torus.steps) * step(p) + peers * kPerPeer_s +
                       bus_factor(op, n) * bytes / (bus_bw * kIntraProtocolShare[idx(p)]);
      keep_fastest(best, t, CollectiveAlgorithm::direct, p);
    }
    return best;
  }
  const double steps = torus.link_equivalents > 0 ? torus.steps : ring_steps(op, n);
  for (Proto p : kProtocols) {
    const double t = kRingBase_us[idx(p)] * 1e-6 + steps * step(p) +
                     bus_factor(op, n) * bytes / (bus_bw * kIntraProtocolShare[idx(p)]);
    keep_fastest(best, t, CollectiveAlgorithm::ring, p);
  }
  if (op == CollectiveOp::all_reduce && nvls_alg_Bps_ > 0) {
    // NVLS: every GPU pushes its buffer into the switch, which reduces and multicasts back: algorithm bandwidth
    // does not depend on the rank count.
    keep_fastest(best, kNvlsLatency_s + (bytes + kNvlsFill_B) / nvls_alg_Bps_, CollectiveAlgorithm::nvls,
                 Proto::simple);
  }
  return best;
}

CollectiveEstimate NcclCollectives::inter(CollectiveOp op, double bytes, const Placement& p) const {
  const int r = p.ranks_per_domain;
  const int n = p.ranks;
  // Scale-up leg of a ring through the domain, and the NIC leg; rings are pipelined, the slower leg sets the pace.
  const double nvlink_bus = r > 1 ? ring_busbw_Bps(r) : kInf;
  const double nic_bus = r * p.nic_per_rank_Bps * shape_.ring_share(p.nodes);
  const double bw = std::min(nvlink_bus, nic_bus);
  auto su_step = [&](Proto q) { return su_step_s_ * kRingNvlStep_us[idx(q)] / kRingNvlStep_us[idx(Proto::simple)]; };
  auto net_step = [&](Proto q) { return net_step_s_ * kRingNetStep_us[idx(q)] / kRingNetStep_us[idx(Proto::simple)]; };
  auto proto_bw = [&](Proto q, double b) {
    return q == Proto::ll ? std::min(0.5 * b, kNetLlCap_Bps) : b * kIntraProtocolShare[idx(q)];
  };

  if (op == CollectiveOp::send_recv) {
    CollectiveEstimate best{kInf, CollectiveAlgorithm::direct, Proto::simple, p.domains, false};
    for (Proto q : kProtocols) {
      keep_fastest(best,
                   kRingBase_us[idx(q)] * 1e-6 + net_step(q) +
                       bytes / proto_bw(q, p.nic_per_rank_Bps * shape_.send_share()),
                   CollectiveAlgorithm::direct, q);
    }
    return best;
  }
  if (op == CollectiveOp::all_to_all) {
    // Each rank sends bytes/n to every peer: (r-1)/n of it over the scale-up links, (n-r)/n over its NIC share,
    // both at once; the fabric keeps all_to_all_share of the NIC rate (oversubscribed tiers, torus bisection).
    const double intra_s = r > 1 ? bytes * (r - 1) / n / ring_busbw_Bps(r) : 0.0;
    const double nic = p.nic_per_rank_Bps * shape_.all_to_all_share(p.nodes);
    const double inter_s = bytes * (n - r) / n / nic;
    const double lat = kRingBase_us[idx(Proto::simple)] * 1e-6 + net_step(Proto::simple) + (n - 1) * kPerPeer_s;
    return CollectiveEstimate{lat + std::max(intra_s, inter_s), CollectiveAlgorithm::direct, Proto::simple, p.domains,
                              false};
  }
  CollectiveEstimate best{kInf, CollectiveAlgorithm::ring, Proto::simple, p.domains, false};
  const double intra_steps = ring_steps(op, n) - ring_steps(op, p.domains);
  const double inter_steps = shape_.ring_steps(op, p.domains);
  for (Proto q : kProtocols) {
    const double lat = kRingBase_us[idx(q)] * 1e-6 + intra_steps * su_step(q) + inter_steps * net_step(q);
    keep_fastest(best, lat + bus_factor(op, n) * bytes / proto_bw(q, bw), CollectiveAlgorithm::ring, q);
  }
  // A switchless torus has no trees to build over switches and no switch to reduce in: its collectives are the
  // per-dimension rings above.
  if (op == CollectiveOp::all_reduce && !shape_.torus) {
    const double tree_bw = std::min(nvlink_bus, r * p.nic_per_rank_Bps * shape_.tree_share(p.nodes));
    const CollectiveEstimate other = inter_all_reduce(bytes, p, tree_bw);
    if (other.time_s < best.time_s) best = other;
  }
  return best;
}

CollectiveEstimate NcclCollectives::inter_all_reduce(double bytes, const Placement& p, double bw) const {
  CollectiveEstimate best{kInf, CollectiveAlgorithm::tree, Proto::simple, p.domains, false};
  const int r = p.ranks_per_domain;
  const double log_domains = std::ceil(std::log2(static_cast<double>(p.domains)));
  auto tree_su = [&](Proto q) { return su_step_s_ * kTreeNvlStep_us[idx(q)] / kRingNvlStep_us[idx(Proto::simple)]; };
  auto tree_net = [&](Proto q) { return net_step_s_ * kTreeNetStep_us[idx(q)] / kRingNetStep_us[idx(Proto::simple)]; };
  // Double binary tree (Sanders et al. 2009, NCCL 2.4): a chain inside each domain, two complementary binary trees
  // across them; latency grows with log2 of the domains. NCCL counts its algorithm bandwidth as half the bus rate.
  for (Proto q : kProtocols) {
    double tree_bus = kTreeShare * bw;
    if (q == Proto::ll) tree_bus = std::min(tree_bus / 3.8, kNetLlCap_Bps);
    if (q == Proto::ll128) tree_bus *= 120.0 / 128.0;
    const double lat = kTreeBase_us[idx(q)] * 1e-6 + 2.0 * ((r - 1) * tree_su(q) + log_domains * tree_net(q));
    keep_fastest(best, lat + bytes / (0.5 * tree_bus * tree_correction(q, bytes)), CollectiveAlgorithm::tree, q);
  }
  if (sharp_) {
    // SHARP (NCCL CollNet): the domain reduces locally, the switches reduce across domains; each domain sends its
    // buffer into the fabric once and receives the result once, instead of about twice for a ring.
    const double nic = r * p.nic_per_rank_Bps * kSharpShare;
    const double local = nvls_alg_Bps_ > 0 ? nvls_alg_Bps_ : (r > 1 ? ring_busbw_Bps(r) * r / (2.0 * (r - 1)) : kInf);
    const double lat = 2.0 * (r - 1) * su_step_s_ * kCollNetIntraStep + net_step_s_ * kCollNetNetStep;
    keep_fastest(best, lat + bytes / std::min(nic, local), CollectiveAlgorithm::sharp, Proto::simple);
  }
  return best;
}

CollectiveEstimate NcclCollectives::estimate(CollectiveOp op, double bytes, const CommGroup& group) const {
  CollectiveEstimate e = modelled(op, bytes, group);
  if (calibration_.empty() || e.time_s <= 0) return e;
  const Placement p = place(group);
  const CalibrationCurve* c = calibration_.find(op, p.ranks, p.domains > 1);
  if (c == nullptr) return e;
  const int per_node = std::max(1, c->ranks / c->nodes);
  const CommGroup measured{c->ranks, per_node, per_node};
  // The measured curve replaces the model on its own shape and range; elsewhere the model is scaled by what the
  // measurement says of it at the same bus traffic per rank.
  const double same_bus = bytes * bus_factor(op, p.ranks) / std::max(bus_factor(op, c->ranks), 1e-12);
  const double at = std::clamp(same_bus, c->min_bytes(), c->max_bytes());
  if (c->ranks == p.ranks && c->nodes == p.nodes && at == same_bus) {
    e.time_s = c->time_s(bytes);
  } else {
    const double model_there = modelled(op, at, measured).time_s;
    if (model_there > 0) e.time_s *= c->time_s(at) / model_there;
  }
  e.calibrated = true;
  return e;
}

}  // namespace capsim::net
