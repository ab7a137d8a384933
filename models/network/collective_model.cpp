#include "models/network/collective_model.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::net {

std::string_view to_string(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::all_reduce: return "all_reduce";
    case CollectiveOp::reduce_scatter: return "reduce_scatter";
    case CollectiveOp::all_gather: return "all_gather";
    case CollectiveOp::all_to_all: return "all_to_all";
    case CollectiveOp::send_recv: return "send_recv";
  }
  return "unknown";
}

double bus_factor(CollectiveOp op, int ranks) {
  if (ranks <= 1) return op == CollectiveOp::send_recv ? 1.0 : 0.0;
  const double n = ranks;
  switch (op) {
    case CollectiveOp::all_reduce: return 2.0 * (n - 1) / n;
    case CollectiveOp::reduce_scatter:
    case CollectiveOp::all_gather:
    case CollectiveOp::all_to_all: return (n - 1) / n;
    case CollectiveOp::send_recv: return 1.0;
  }
  return 1.0;
}

namespace {
/// Large-message ring busbw as a share of one direction's NVLink rate: ~370 GB/s of 450 on H100 without NVLS (NCCL
/// maintainer, nccl-tests issue 212), 231.6 of 300 on A100 (Azure nccl-tests).
constexpr double kRingShareOfLink = 0.8;

/// Latency steps of a ring: all_reduce is a reduce-scatter then an all-gather, n-1 steps each.
double ring_steps(CollectiveOp op, int ranks) {
  if (ranks <= 1) return 0;
  switch (op) {
    case CollectiveOp::all_reduce: return 2.0 * (ranks - 1);
    case CollectiveOp::send_recv: return 1.0;
    default: return ranks - 1.0;
  }
}
}  // namespace

AlphaBetaCollectives::AlphaBetaCollectives(const hw::ClusterSpec& cluster) : cluster_(cluster) {}

double AlphaBetaCollectives::intra_busbw_Bps(CollectiveOp op, int ranks) const {
  const auto& su = cluster_.scale_up;
  if (su.kind == hw::ScaleUpKind::mesh) {
    // Each GPU reaches each peer over its own link: a collective over `ranks` GPUs uses ranks-1 of the
    // domain_gpus-1 links, at the ring share below.
    const double links = std::max(1, su.domain_gpus - 1);
    return su.bw_Bps * (ranks - 1) / links * kRingShareOfLink;
  }
  // A measured all-reduce busbw is a ring's unless the switch reduces in-network (NVLS): then it only holds for
  // all-reduce, and the other collectives run as rings.
  if (su.allreduce_busbw_Bps > 0 && (!su.in_network_reduction || op == CollectiveOp::all_reduce)) {
    return su.allreduce_busbw_Bps;
  }
  return kRingShareOfLink * su.bw_Bps;
}

double AlphaBetaCollectives::inter_bw_per_gpu_Bps(int gpus_sharing_nics) const {
  const auto& so = cluster_.scale_out;
  const double node_bw = so.nics_per_node * so.nic_bw_Bps * so.nic_efficiency / std::max(1.0, so.oversubscription);
  // NCCL spreads a lone GPU's traffic over the node's NICs (PXN), so the share is the node's rate / senders.
  return node_bw / std::max(1, gpus_sharing_nics);
}

double AlphaBetaCollectives::intra_time_s(CollectiveOp op, double bytes, int ranks) const {
  if (ranks <= 1 || bytes <= 0) return 0;
  const double alpha = cluster_.scale_up.latency_s;
  if (op == CollectiveOp::send_recv) return alpha + bytes / (cluster_.scale_up.bw_Bps * 0.9);
  // Small collectives go latency-bound: NCCL switches to tree/LL protocols whose step count grows with log n.
  return ring_steps(op, ranks) * alpha + bus_factor(op, ranks) * bytes / intra_busbw_Bps(op, ranks);
}

double AlphaBetaCollectives::inter_time_s(CollectiveOp op, double bytes, int nodes, double bw_Bps) const {
  if (nodes <= 1 || bytes <= 0) return 0;
  const double alpha = cluster_.scale_out.latency_s;
  if (op == CollectiveOp::send_recv) return alpha + bytes / bw_Bps;
  // NCCL uses rings for bandwidth and trees for latency; take the ring's bandwidth term and a tree's log-depth
  // latency term for all-reduce on large groups, which is what NCCL's tuner picks between.
  const double steps = std::min(ring_steps(op, nodes), 2.0 * std::ceil(std::log2(nodes)) + 2.0);
  const double latency = (op == CollectiveOp::all_reduce || op == CollectiveOp::reduce_scatter ||
                          op == CollectiveOp::all_gather)
                             ? steps * alpha
                             : ring_steps(op, nodes) * alpha;
  return latency + bus_factor(op, nodes) * bytes / bw_Bps;
}

double AlphaBetaCollectives::time_s(CollectiveOp op, double bytes, const CommGroup& group) const {
  const int n = std::max(1, group.ranks);
  if (n == 1 || bytes <= 0) return 0;
  const int r = std::clamp(group.ranks_per_node, 1, n);
  const int nodes = (n + r - 1) / r;
  if (nodes == 1) return intra_time_s(op, bytes, n);

  const double bw = inter_bw_per_gpu_Bps(std::max(group.gpus_sharing_nics, r));
  switch (op) {
    case CollectiveOp::all_reduce:
      // Hierarchical: intra reduce-scatter, inter all-reduce of bytes/r, intra all-gather.
      return intra_time_s(CollectiveOp::reduce_scatter, bytes, r) +
             inter_time_s(CollectiveOp::all_reduce, bytes / r, nodes, bw) +
             intra_time_s(CollectiveOp::all_gather, bytes, r);
    case CollectiveOp::reduce_scatter:
    case CollectiveOp::all_gather:
      return intra_time_s(op, bytes, r) + inter_time_s(op, bytes / r, nodes, bw);
    case CollectiveOp::all_to_all: {
      // Each rank sends bytes/n to every peer: (r-1)/n of it over the scale-up, (n-r)/n over the NICs, at once.
      const double intra = r > 1 ? bytes * (r - 1) / n / (cluster_.scale_up.bw_Bps * kRingShareOfLink) : 0;
      const double inter = bytes * (n - r) / n / bw;
      return std::max(intra, inter) + (n - 1) * cluster_.scale_out.latency_s / std::max(1, r);
    }
    case CollectiveOp::send_recv: return inter_time_s(op, bytes, 2, bw);
  }
  return 0;
}

}  // namespace capsim::net
