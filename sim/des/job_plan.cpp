#include "sim/des/job_plan.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "models/hardware/gemm_model.hpp"
#include "models/network/nccl_collectives.hpp"
#include "sim/analytical/training_costs.hpp"
#include "sim/analytical/training_memory.hpp"

namespace capsim::sim::des {

using net::CollectiveOp;

Op JobPlan::op(int stage, int index) const {
  const int total = mb * vs;
  const int warmup = vs == 1 ? std::min(pp - stage - 1, mb) : std::min((pp - stage - 1) * 2 + (vs - 1) * pp, total);
  bool forward;
  int k;
  if (index < warmup) {
    forward = true;
    k = index;
  } else if (index < 2 * total - warmup) {
    const int j = index - warmup;
    forward = j % 2 == 0;
    k = forward ? warmup + j / 2 : j / 2;
  } else {
    forward = false;
    k = index - total;
  }
  // Megatron's interleaved order: groups of pp micro-batches sweep the chunks in turn (backward in reverse).
  const int group = (k / pp) % vs;
  Op o;
  o.forward = forward;
  o.chunk = forward ? group : vs - 1 - group;
  o.micro_batch = (k / (pp * vs)) * pp + k % pp;
  return o;
}

Hop JobPlan::forward_target(int stage, int chunk) const {
  if (stage < pp - 1) return {stage + 1, chunk};
  if (chunk < vs - 1) return {0, chunk + 1};
  return {};
}

Hop JobPlan::backward_target(int stage, int chunk) const {
  if (stage > 0) return {stage - 1, chunk};
  if (chunk > 0) return {pp - 1, chunk - 1};
  return {};
}

std::vector<NodeFlow> JobPlan::p2p_flows(int replica, int from, int to) const {
  std::vector<NodeFlow> flows;
  for (int c = 0; c < cp; ++c) {
    for (int t = 0; t < tp; ++t) {
      const int src = rank(replica, from, c, t);
      const int dst = rank(replica, to, c, t);
      if (same_domain(src, dst)) continue;
      auto it = std::find_if(flows.begin(), flows.end(), [&](const NodeFlow& f) {
        return f.src_node == node_of(src) && f.dst_node == node_of(dst);
      });
      if (it == flows.end()) {
        flows.push_back({node_of(src), node_of(dst), p2p_bytes});
      } else {
        it->bytes += p2p_bytes;
      }
    }
  }
  return flows;
}

std::vector<NodeFlow> torus_phase_flows(const TorusShape& torus, const NodeRing& ring, CollectiveOp op,
                                        double buffer_bytes, double ring_edge_bytes) {
  const std::vector<int>& nodes = ring.nodes;
  const int n = static_cast<int>(nodes.size());
  std::vector<NodeFlow> flows;
  if (n < 2) return flows;
  const net::TorusCollective t = net::torus_collective(op, n, torus.dims, 1);
  std::array<int, 3> lo = torus.dims;
  std::array<int, 3> hi{-1, -1, -1};
  for (int node : nodes) {
    const std::array<int, 3> c = torus.coordinates(node);
    for (std::size_t i = 0; i < 3; ++i) {
      lo[i] = std::min(lo[i], c[i]);
      hi[i] = std::max(hi[i], c[i]);
    }
  }
  bool block = true;
  for (std::size_t i = 0; i < 3; ++i) block = block && hi[i] - lo[i] + 1 == t.group[i];
  if (!block || static_cast<long>(t.group[0]) * t.group[1] * t.group[2] != n) {
    for (int k = 0; k < n; ++k) flows.push_back({nodes[k], nodes[(k + 1) % n], ring.gpu_rings * ring_edge_bytes});
    return flows;
  }
  const double passes = op == CollectiveOp::all_reduce ? 2.0 : 1.0;
  for (int node : nodes) {
    const std::array<int, 3> c = torus.coordinates(node);
    for (std::size_t i = 0; i < 3; ++i) {
      if (t.group[i] < 2) continue;
      const double bytes = ring.gpu_rings * buffer_bytes * passes * t.load[i];
      std::array<int, 3> plus = c;
      std::array<int, 3> minus = c;
      ++plus[i];
      --minus[i];
      if (t.wraps[i]) {
        flows.push_back({node, torus.node_at(plus), bytes / 2});
        flows.push_back({node, torus.node_at(minus), bytes / 2});
        continue;
      }
      if (c[i] < hi[i]) flows.push_back({node, torus.node_at(plus), bytes});
      if (c[i] > lo[i]) flows.push_back({node, torus.node_at(minus), bytes});
    }
  }
  return flows;
}

JobPlan make_job_plan(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job, int first_gpu,
                      const std::vector<double>& slowdown) {
  const auto& p = job.parallelism;
  const hw::GemmModel gemm(cluster.gpu, hw::Clocks::sustained);
  const net::NcclCollectives collectives(cluster);
  const TrainingCosts costs = training_costs(cluster, job, gemm, collectives);

  JobPlan plan;
  plan.tp = p.tp;
  plan.cp = p.cp;
  plan.dp = p.dp;
  plan.pp = p.pp;
  plan.vs = std::max(1, p.virtual_stages);
  plan.mb = p.micro_batches();
  plan.first_gpu = first_gpu;
  plan.gpus_per_node = cluster.gpus_per_node;
  plan.nodes_per_domain = std::max(1, collectives.domain_gpus() / std::max(1, cluster.gpus_per_node));
  plan.zero = p.zero;
  plan.gather_every_op = p.zero >= 3 && p.dp * p.cp > 1;
  plan.overlap_grad_reduce = job.software.overlap_grad_reduce;
  plan.overlap_param_gather = job.software.overlap_param_gather;
  plan.p2p_bytes = costs.p2p_bytes;

  // A pipeline send that stays inside a node rides NVLink: cost it in the sending op (node model).
  const bool p2p_local = plan.same_domain(plan.rank(0, 0, 0, 0), plan.rank(0, std::min(1, p.pp - 1), 0, 0));
  const double local_send_s =
      (p.pp > 1 && p2p_local) ? collectives.time_s(CollectiveOp::send_recv, costs.p2p_bytes, {2, 2, 2}) : 0.0;
  // An expert-parallel group that spans nodes sends its all-to-all as flows on the fabric (below); its time then
  // comes from the simulation, not from the node model.
  // The DES exchanges expert traffic between replicas (tp x cp GPUs each): an EP group is ep replicas, or, with the
  // experts folded into expert parallelism, the ep / (tp x cp) replicas its consecutive ranks fill.
  const bool folded = p.experts_folded();
  const int replica_gpus = p.tp * p.cp;
  plan.ep = folded ? std::max(1, p.ep / replica_gpus) : p.ep;
  const bool ep_spans_nodes = job.model.is_moe() && plan.ep > 1 &&
                              !plan.same_domain(plan.rank(0, 0, 0, 0), plan.rank(plan.ep - 1, 0, 0, 0));
  if (ep_spans_nodes) {
    const double tokens = static_cast<double>(p.micro_batch) * job.model.seq_len / p.cp;
    // What one rank sends over the fabric per layer and pass, dispatch and combine (workloads::expert_route: every
    // routed copy bound off its domain, padded slots included, for an all-to-all; one copy per destination domain
    // for DeepEP); folded ranks dispatch their own 1/tp of the tokens. A replica's ranks together spread it evenly
    // over the group's replicas on other domains.
    const int gpn = cluster.gpus_per_node;
    const int ranks_per_domain = std::min(p.ep - 1, expert_group(p, gpn).ranks_per_node * plan.nodes_per_domain);
    const workloads::ExpertRoute route =
        workloads::expert_route(job.model, job.software.moe_dispatcher, p.ep, ranks_per_domain);
    const workloads::ExpertExchangeBytes bytes =
        workloads::expert_exchange_bytes(job.software.moe_dispatcher, job.precision);
    const double rank_tokens = folded ? tokens / p.tp : tokens;
    const double fabric = rank_tokens * route.fabric_copies * job.model.hidden * (bytes.dispatch + bytes.combine);
    const int replicas_per_domain =
        std::min(plan.ep - 1, group_of(plan.ep, replica_gpus, gpn).ranks_per_node * plan.nodes_per_domain);
    plan.ep_bytes_per_layer = replica_gpus * fabric / (plan.ep - replicas_per_domain);
    // Full recompute repeats every layer's dispatch and combine in backward; per-layer selective, every other one.
    plan.ep_backward_passes = p.recompute == workloads::Recompute::full              ? 2.0
                              : p.recompute == workloads::Recompute::selective_layer ? 1.5
                                                                                     : 1.0;
  }
  // Likewise a context-parallel ring that spans nodes: its KV exchange runs as flows beside the compute.
  const bool cp_spans_nodes = p.cp > 1 && !plan.same_domain(plan.rank(0, 0, 0, 0), plan.rank(0, 0, 1, 0));
  if (cp_spans_nodes) {
    const auto& m = job.model;
    const double d = m.head_dim > 0 ? m.head_dim : static_cast<double>(m.hidden) / m.heads;
    const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;
    // PyTorch SDPA (flash2) and the Triton kernel receive K and V repeated to every query head, and pass them so
    // (layer_costs.cpp).
    const int ring_heads = workloads::repeats_kv_heads(job.software.attention) ? m.heads : m.kv_heads;
    plan.cp_bytes_per_layer = (p.cp - 1) * tokens * 2.0 * ring_heads * d / std::min(p.tp, ring_heads) * 2.0;
  }
  const double ep_node_s = ep_spans_nodes ? 1.0 : 0.0;
  const double cp_node_s = cp_spans_nodes ? 1.0 : 0.0;
  const auto& L = costs.layer;
  const double layer_f = L.forward.total_s() - ep_node_s * L.forward.ep_comm_s - cp_node_s * L.forward.cp_comm_s;
  const double layer_b = L.backward.total_s() + L.recompute.total_s() -
                         ep_node_s * (L.backward.ep_comm_s + L.recompute.ep_comm_s) -
                         cp_node_s * (L.backward.cp_comm_s + L.recompute.cp_comm_s);
  for (int s = 0; s < p.pp; ++s) {
    const double layers = static_cast<double>(costs.split.layers_on(s)) / plan.vs;
    for (int c = 0; c < plan.vs; ++c) {
      double f = layers * layer_f + local_send_s;
      double b = layers * layer_b + local_send_s;
      if (s == 0 && c == 0) {
        f += costs.first_extra.forward.total_s();
        b += costs.first_extra.backward.total_s() + costs.first_extra.recompute.total_s();
      }
      if (s == p.pp - 1 && c == plan.vs - 1) {
        f += costs.last_extra.forward.total_s();
        b += costs.last_extra.backward.total_s() + costs.last_extra.recompute.total_s();
      }
      plan.layers_per_chunk.push_back(layers);
      plan.forward_durations.push_back(f);
      plan.backward_durations.push_back(b);
    }
  }

  // Gradient reduction over the dp x cp replicas of each (stage, tensor rank): NCCL's hierarchical pattern. The
  // members on one node reduce over NVLink (node model); one ring per position in the node crosses the fabric.
  const StageParameters params = stage_parameters(job);
  const double grad_bytes = hw::bytes_per_element(job.software.grad_reduce) * params.total();
  const double weight_bytes = 2.0 * params.total();
  plan.rings.resize(p.pp);
  int nodes_in_ring = 1;
  int per_node = 1;
  for (int s = 0; s < p.pp; ++s) {
    std::map<std::vector<int>, double> merged;  // node sequence -> GPU-level rings
    for (int t = 0; t < p.tp; ++t) {
      std::map<int, std::vector<int>> members_in;  // scale-up domain -> nodes of this (stage, t) group's members
      for (int d = 0; d < p.dp; ++d) {
        for (int c = 0; c < p.cp; ++c) {
          const int node = plan.node_of(plan.rank(d, s, c, t));
          members_in[plan.domain_of_node(node)].push_back(node);
        }
      }
      nodes_in_ring = static_cast<int>(members_in.size());
      per_node = static_cast<int>(members_in.begin()->second.size());
      if (nodes_in_ring < 2) continue;
      // One GPU-level ring per position in the domain, through the node that position sits on in each domain.
      for (int i = 0; i < per_node; ++i) {
        std::vector<int> nodes;
        for (const auto& [domain, on] : members_in) nodes.push_back(on[std::min<size_t>(i, on.size() - 1)]);
        merged[nodes] += 1;
      }
    }
    for (auto& [nodes, count] : merged) plan.rings[s].push_back({nodes, count});
  }
  plan.stage_slowdown.assign(static_cast<size_t>(p.pp) * p.dp, 1.0);
  for (int s = 0; s < p.pp; ++s) {
    for (int d = 0; d < p.dp; ++d) {
      double worst = 1.0;
      for (int c = 0; c < p.cp; ++c) {
        for (int t = 0; t < p.tp; ++t) {
          const int r = plan.rank(d, s, c, t);
          if (r < static_cast<int>(slowdown.size())) worst = std::max(worst, slowdown[r]);
        }
      }
      plan.stage_slowdown[static_cast<size_t>(s) * p.dp + d] = worst;
    }
  }
  const double k = nodes_in_ring;
  const CollectiveOp reduce = p.zero >= 1 ? CollectiveOp::reduce_scatter : CollectiveOp::all_reduce;
  plan.dp_flow_bytes = net::bus_factor(reduce, nodes_in_ring) * grad_bytes / per_node;
  plan.gather_flow_bytes = net::bus_factor(CollectiveOp::all_gather, nodes_in_ring) * weight_bytes / per_node;
  if (cluster.scale_out.topology == "torus3d") {
    const TorusShape torus = torus_shape(cluster);
    plan.torus_dp_flows.resize(p.pp);
    plan.torus_gather_flows.resize(p.pp);
    for (int s = 0; s < p.pp; ++s) {
      for (const NodeRing& ring : plan.rings[s]) {
        const auto dp = torus_phase_flows(torus, ring, reduce, grad_bytes / per_node, plan.dp_flow_bytes);
        const auto gather = torus_phase_flows(torus, ring, CollectiveOp::all_gather, weight_bytes / per_node,
                                              plan.gather_flow_bytes);
        plan.torus_dp_flows[s].insert(plan.torus_dp_flows[s].end(), dp.begin(), dp.end());
        plan.torus_gather_flows[s].insert(plan.torus_gather_flows[s].end(), gather.begin(), gather.end());
      }
    }
  }
  const net::CommGroup local{per_node, per_node, cluster.gpus_per_node};
  // The fabric's neighbour steps in sequence (a torus block runs fewer: its dimensions' rings), less the one the
  // simulated flows take.
  const net::FabricShape fabric = net::fabric_shape(cluster);
  const double ring_steps = k > 1 ? fabric.ring_steps(reduce, nodes_in_ring) - 1 : 0;
  plan.dp_intra_s = ring_steps * cluster.scale_out.latency_s;
  if (per_node > 1) {
    plan.dp_intra_s += collectives.time_s(CollectiveOp::reduce_scatter, grad_bytes, local);
    if (reduce == CollectiveOp::all_reduce) plan.dp_intra_s += collectives.time_s(CollectiveOp::all_gather, grad_bytes, local);
    plan.gather_intra_s = collectives.time_s(CollectiveOp::all_gather, weight_bytes, local);
  }
  plan.gather_intra_s += (k > 1 ? fabric.ring_steps(CollectiveOp::all_gather, nodes_in_ring) - 1 : 0) *
                         cluster.scale_out.latency_s;
  plan.optimizer_s = optimizer_time_s(job, params.total(), gemm);
  return plan;
}

}  // namespace capsim::sim::des
