#include "sim/serving/serving_power.hpp"

#include <algorithm>
#include <cmath>

#include "models/network/fabric_factory.hpp"
#include "models/network/clos_plan.hpp"
#include "models/workloads/inference_memory.hpp"

namespace capsim::sim::serving {

namespace {

/// Best achievable GEMM rate of `gpu` at `p`, FLOP/s; the 16-bit rate if `p` has none.
double best_rate(const hw::GpuSpec& gpu, hw::Precision p) {
  const double rate = gpu.peak(p) * gpu.gemm_efficiency_cap(p);
  return rate > 0 ? rate : gpu.peak(hw::Precision::bf16) * gpu.gemm_efficiency_cap(hw::Precision::bf16);
}

/// Mean of the replicas' step activity per GPU, with each replica's time outside steps up to `duration_s` as idle.
hw::GpuActivity mean_activity(const std::vector<hw::GpuActivity>& busy, double duration_s) {
  hw::GpuActivity m;
  for (const hw::GpuActivity& a : busy) {
    m.compute_bound_s += a.compute_bound_s;
    m.memory_bound_s += a.memory_bound_s;
    m.comm_s += a.comm_s;
    m.idle_s += std::max(0.0, duration_s - a.total_s());
  }
  const double n = static_cast<double>(std::max<std::size_t>(1, busy.size()));
  return hw::GpuActivity{m.compute_bound_s / n, m.memory_bound_s / n, m.comm_s / n, m.idle_s / n};
}

}  // namespace

StepActivityModel::StepActivityModel(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job) {
  const workloads::TransformerModel& m = job.model;
  if (m.layers <= 0 || m.heads <= 0) return;
  const double h = m.hidden;
  const double vocab = static_cast<double>(m.vocab);
  // The layers' share of the active parameters: less the embedding, the output layer and the final norm.
  const double edges = vocab * h * (m.tied_embeddings ? 1.0 : 2.0) + h;
  const double per_layer = std::max(0.0, m.active_parameters() - edges) / m.layers;
  const double layers = workloads::layers_per_stage(m, job.pp);
  const double tp = std::max(1, job.tp);
  const double head_dim = m.head_dim > 0 ? m.head_dim : h / m.heads;
  // Attention and the output projection stay 16-bit in FP8 recipes (see inference_step.cpp).
  const double rate = best_rate(cluster.gpu, job.precision);
  const double rate16 = best_rate(cluster.gpu, hw::Precision::bf16);
  s_per_token_ = 2.0 * per_layer * layers / tp / rate;
  s_per_attention_pair_ = 4.0 * m.heads * head_dim / tp * layers / rate16;  // QK^T and PV, 2 FLOPs each
  s_per_sample_ = 2.0 * h * vocab / tp / rate16;
}

ServingPower serving_power(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job,
                           const std::vector<hw::GpuActivity>& busy, double duration_s, double output_tokens,
                           std::int64_t steps) {
  ServingPower p;
  const int per_node = std::max(1, cluster.gpus_per_node);
  const int nics = cluster.scale_out.nics_per_node;
  const double gpus = job.gpus();
  p.activity = mean_activity(busy, duration_s);
  const hw::NodePower node = hw::node_power(cluster.gpu, per_node, nics, cluster.power, p.activity);
  hw::GpuActivity busy_only = p.activity;
  busy_only.idle_s = 0;
  p.gpu_power_W = node.gpus_W / per_node;
  p.busy_gpu_power_W = hw::gpu_power_W(cluster.gpu, cluster.power.gpu_power_cap_W, busy_only);
  p.node_power_W = node.total_W;
  p.nodes = static_cast<int>(std::ceil(gpus / per_node));

  // The workload's GPUs, a share of their nodes' other parts, and of the cluster's fabric and storage.
  const double node_share = gpus / per_node;
  const double cluster_share = gpus / std::max(1, cluster.total_gpus());
  const double fabric_W =
      cluster_share * hw::fabric_power_W(static_cast<long>(cluster.nodes) * nics, net::switch_tiers(cluster), cluster.power);
  const double storage_W = cluster_share * hw::storage_power_W(cluster.power);
  for (const auto& [part, w] : node.parts_W) p.breakdown_W.emplace_back(part, w * node_share);
  p.breakdown_W.emplace_back("fabric", fabric_W);
  p.breakdown_W.emplace_back("storage", storage_W);
  p.it_power_W = node.total_W * node_share + fabric_W + storage_W;

  const hw::FacilitySpec& f = cluster.facility;
  p.pue = f.effective_pue();
  p.facility_power_W = p.it_power_W * p.pue;
  p.energy_J = p.facility_power_W * std::max(0.0, duration_s);
  p.carbon_kg = p.energy_J * f.effective_grid_kg_per_J();
  p.electricity_cost_usd = p.energy_J * f.effective_price_usd_per_J();
  if (output_tokens > 0) {
    const double millions = output_tokens / 1e6;
    p.energy_per_million_tokens_J = p.energy_J / millions;
    p.carbon_per_million_tokens_kg = p.carbon_kg / millions;
    p.electricity_cost_per_million_tokens_usd = p.electricity_cost_usd / millions;
  }
  if (steps > 0) {
    // One replica's GPUs at their busy draw, with their share of the node, fabric and storage, over a mean step.
    const double replica_gpus = job.gpus_per_replica();
    const double busy_node_W = hw::node_power(cluster.gpu, per_node, nics, cluster.power, busy_only).total_W;
    const double replica_it_W = busy_node_W * replica_gpus / per_node + (fabric_W + storage_W) * replica_gpus / gpus;
    const double mean_step_s = busy_only.total_s() * static_cast<double>(busy.size()) / static_cast<double>(steps);
    p.energy_per_step_J = replica_it_W * p.pue * mean_step_s;
  }
  return p;
}

}  // namespace capsim::sim::serving
