#include "sim/analytical/training_costs.hpp"

#include <algorithm>

#include "models/network/torus3d.hpp"
#include "sim/analytical/training_memory.hpp"

namespace capsim::sim {

using net::CollectiveOp;
using net::CommGroup;

CommGroup group_of(int ranks, int stride, int gpus_per_node) {
  CommGroup g;
  g.ranks = ranks;
  g.ranks_per_node = std::clamp(gpus_per_node / std::max(1, stride), 1, std::max(1, ranks));
  g.gpus_sharing_nics = gpus_per_node;
  return g;
}

net::CommGroup expert_group(const workloads::Parallelism& p, int gpus_per_node) {
  return group_of(p.ep, p.experts_folded() ? 1 : p.tp * p.cp, gpus_per_node);
}

TrainingCosts training_costs(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job,
                             const hw::GemmModel& gemm, const net::CollectiveModel& collectives) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const int gpn = cluster.gpus_per_node;
  LayerContext ctx{&job, &cluster, &gemm, &collectives, group_of(p.tp, 1, gpn), group_of(p.cp, p.tp, gpn),
                   expert_group(p, gpn)};
  // TP never leaves its node when it fits one; a TP group wider than a node spans ceil(tp/gpn) nodes.
  ctx.tp_group.ranks_per_node = std::min(p.tp, gpn);
  ctx.ep_per_domain = std::min(p.ep, ctx.ep_group.ranks_per_node * std::max(1, hw::scale_up_domain_gpus(cluster) / gpn));

  TrainingCosts c;
  c.layer = transformer_layer_cost(ctx);
  c.first_extra = embedding_cost(ctx);
  c.last_extra = output_layer_cost(ctx);
  c.split = split_layers(m.layers, p.pp);
  if (const int off = job.software.activation_offload_layers; off > 0) {
    // Each offloaded layer copies its saved activations to host memory after its forward pass and back before its
    // backward, on a side stream beside the next layer's compute: what a copy outlasts that compute stalls the pass.
    // Spread over the stage's layers, so the stage total is exact.
    const double copy_s = layer_activation_bytes(job) / cluster.gpu.node.host_link_Bps;
    const double fwd_stall = std::max(0.0, copy_s - c.layer.forward.compute_s);
    const double bwd_stall = std::max(0.0, copy_s - c.layer.backward.compute_s - c.layer.recompute.compute_s);
    const double share = std::min(1.0, static_cast<double>(off) / c.split.max_layers());
    c.layer.forward.compute_s += share * fwd_stall;
    c.layer.backward.compute_s += share * bwd_stall;
  }
  c.dp_group = group_of(p.dp * p.cp, p.tp, gpn);
  // Pipeline send/recv of one micro-batch's activations (forward) and their gradients (backward), per chunk
  // boundary. Megatron scatters the tensor over the TP ranks, each sending 1/tp on its own NIC.
  const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;
  c.p2p_bytes = tokens * m.hidden * 2.0 / p.tp;
  if (p.pp > 1) {
    const CommGroup pair = group_of(2, p.tp * p.cp * p.dp, gpn);
    // On a scale-out torus every stage sends to the next at once, a shift of the whole torus by the stage stride:
    // the cables of the busiest dimension carry that many flows each.
    const int stride_nodes = p.tp * p.cp * p.dp / gpn;
    const int shift_load = cluster.scale_out.topology == "torus3d" && stride_nodes >= 1
                               ? net::torus_shift_load(cluster.scale_out.torus_dims, stride_nodes)
                               : 1;
    double send_s = collectives.time_s(CollectiveOp::send_recv, c.p2p_bytes * shift_load, pair);
    if (p.virtual_stages > 1 && job.software.overlap_p2p_comm) {
      // Interleaved 1F1B posts each send/recv while the next chunk computes (Megatron-Core overlap_p2p_comm): only
      // what outlasts one chunk's forward pass stays on the critical path.
      const double chunk_forward_s = c.layer.forward.total_s() * c.split.base / p.virtual_stages;
      send_s = std::max(0.0, send_s - chunk_forward_s);
    }
    c.p2p_s = send_s * 2.0 * p.virtual_stages;
  }
  return c;
}

DataParallelOverlap data_parallel_overlap(int zero, int micro_batches, double forward_s, double backward_s,
                                          double reduce_s, double gather_s, bool overlap) {
  DataParallelOverlap o;
  const double mb = std::max(1, micro_batches);
  const double gather = zero >= 3 ? gather_s : 0.0;
  const double total = zero >= 2 ? mb * (reduce_s + 2.0 * gather) : reduce_s;
  // Gathers gate their passes: a stall per pass whose gather outlasts it, in every micro-batch. The prefetch does
  // not depend on `overlap`.
  const double stalls = std::max(0.0, gather - forward_s) + std::max(0.0, gather - backward_s);
  if (!overlap) {
    o.reduce_exposed_s = zero >= 2 ? mb * reduce_s : reduce_s;
    o.gather_exposed_s = mb * stalls;
    o.hidden_s = std::max(0.0, total - o.reduce_exposed_s - o.gather_exposed_s);
    return o;
  }
  const double cycle_s = forward_s + backward_s;
  const double last_hide_s = 0.9 * backward_s;
  if (zero >= 2) {
    // A cycle carries its gathers and its reduction; it lengthens by the stalls or by what the links cannot fit.
    const double cycle_excess = std::max(stalls, reduce_s + 2.0 * gather - cycle_s);
    // The last cycle has no next micro-batch to spill into: its backward gather and reduction share 0.9 of its pass.
    const double last_excess = std::max(0.0, gather - forward_s) + std::max(0.0, gather + reduce_s - last_hide_s);
    const double exposed = (mb - 1.0) * cycle_excess + last_excess;
    o.gather_exposed_s = std::min(exposed, mb * stalls);
    o.reduce_exposed_s = exposed - o.gather_exposed_s;
  } else {
    o.reduce_exposed_s = std::max(0.0, reduce_s - last_hide_s);
  }
  o.hidden_s = std::max(0.0, total - o.reduce_exposed_s - o.gather_exposed_s);
  return o;
}

double optimizer_time_s(const workloads::TrainingJob& job, double parameters_on_gpu, const hw::GemmModel& gemm) {
  const auto& p = job.parallelism;
  const double grad_bytes = hw::bytes_per_element(job.software.grad_reduce);
  const double shard = parameters_on_gpu / (p.zero >= 1 ? p.dp * p.cp : 1);
  // Adam: read fp32 master, m, v and gradients; write master, m, v and the 16-bit weights.
  return gemm.memory_time_s(shard * (4 + 4 + 4 + grad_bytes + 4 + 4 + 4 + 2 + grad_bytes));
}

}  // namespace capsim::sim
