#include "sim/analytical/training_costs.hpp"

#include <algorithm>

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

TrainingCosts training_costs(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job,
                             const hw::GemmModel& gemm, const net::CollectiveModel& collectives) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const int gpn = cluster.gpus_per_node;
  LayerContext ctx{&job, &cluster, &gemm, &collectives, group_of(p.tp, 1, gpn), group_of(p.cp, p.tp, gpn),
                   group_of(p.ep, p.tp * p.cp, gpn)};
  // TP never leaves its node when it fits one; a TP group wider than a node spans ceil(tp/gpn) nodes.
  ctx.tp_group.ranks_per_node = std::min(p.tp, gpn);

  TrainingCosts c;
  c.layer = transformer_layer_cost(ctx);
  c.first_extra = embedding_cost(ctx);
  c.last_extra = output_layer_cost(ctx);
  c.split = split_layers(m.layers, p.pp);
  c.dp_group = group_of(p.dp * p.cp, p.tp, gpn);
  // Pipeline send/recv of one micro-batch's activations (forward) and their gradients (backward), per chunk
  // boundary. Megatron scatters the tensor over the TP ranks, each sending 1/tp on its own NIC.
  const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;
  c.p2p_bytes = tokens * m.hidden * 2.0 / p.tp;
  if (p.pp > 1) {
    const CommGroup pair = group_of(2, p.tp * p.cp * p.dp, gpn);
    double send_s = collectives.time_s(CollectiveOp::send_recv, c.p2p_bytes, pair);
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

double optimizer_time_s(const workloads::TrainingJob& job, double parameters_on_gpu, const hw::GemmModel& gemm) {
  const auto& p = job.parallelism;
  const double grad_bytes = hw::bytes_per_element(job.software.grad_reduce);
  const double shard = parameters_on_gpu / (p.zero >= 1 ? p.dp * p.cp : 1);
  // Adam: read fp32 master, m, v and gradients; write master, m, v and the 16-bit weights.
  return gemm.memory_time_s(shard * (4 + 4 + 4 + grad_bytes + 4 + 4 + 4 + 2 + grad_bytes));
}

}  // namespace capsim::sim
