#include "sim/analytical/analytical_engine.hpp"

#include <algorithm>
#include <cmath>

#include "models/hardware/gemm_model.hpp"
#include "models/hardware/power_model.hpp"
#include "models/network/fabric_factory.hpp"
#include "models/network/clos_plan.hpp"
#include "models/network/nccl_collectives.hpp"
#include "sim/analytical/training_costs.hpp"
#include "sim/analytical/pipeline_schedule.hpp"
#include "sim/analytical/training_memory.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::sim {

using net::CollectiveOp;
using net::CommGroup;

namespace {
/// SMs a data-parallel NCCL collective occupies on an 8-NIC node (NVIDIA/nccl issue 689).
constexpr double kDpCommSms = 16;
}  // namespace

double megatron_model_flops(const workloads::TrainingJob& job) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const double h = m.hidden;
  const double d = m.head_dim > 0 ? m.head_dim : h / m.heads;
  const double query_ratio = m.heads * d / h;
  const double gated = m.gated_mlp ? 1.5 : 1.0;
  const double ffn_ratio =
      m.is_moe() ? (static_cast<double>(m.expert_ffn_hidden) * m.top_k + m.shared_ffn()) / h : m.ffn_hidden / h;
  const double tokens = static_cast<double>(p.global_batch) * m.seq_len;
  const double per_token_layer =
      12.0 * h * h *
      ((1.0 + static_cast<double>(m.kv_heads) / m.heads + static_cast<double>(m.seq_len) / h) * query_ratio +
       ffn_ratio * gated);
  const double router = m.is_moe() ? 6.0 * h * m.experts : 0.0;
  return tokens * (m.layers * (per_token_layer + router) + 6.0 * h * static_cast<double>(m.vocab));
}

StepEstimate estimate_training_step(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) {
  const hw::GemmModel gemm(cluster.gpu, hw::Clocks::sustained);
  const net::NcclCollectives collectives(cluster);
  return estimate_training_step(cluster, job, gemm, collectives);
}

StepEstimate estimate_training_step(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job,
                                    const hw::GemmModel& gemm, const net::NcclCollectives& collectives) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const int gpn = cluster.gpus_per_node;

  const TrainingCosts costs = training_costs(cluster, job, gemm, collectives);
  const LayerCost& layer = costs.layer;
  const LayerCost& first_extra = costs.first_extra;
  const LayerCost& last_extra = costs.last_extra;
  const double p2p_s = costs.p2p_s;
  const LayerSplit& split = costs.split;
  const double layer_s = layer.total_s();
  auto stage_time = [&](int stage) {
    double t = split.layers_on(stage) * layer_s + p2p_s;
    if (stage == 0) t += first_extra.total_s();
    if (stage == p.pp - 1) t += last_extra.total_s();
    return t;
  };
  // Stage times take at most three distinct values: first, last, and a middle stage with the most layers.
  StageTimes st;
  int critical = 0;
  st.max_s = stage_time(0);
  const int mid = split.remainder > 0 ? split.stages / 2 : std::min(1, p.pp - 1);
  for (int stage : {p.pp - 1, mid}) {
    if (stage_time(stage) > st.max_s) {
      st.max_s = stage_time(stage);
      critical = stage;
    }
  }
  st.sum_s = m.layers * layer_s + p.pp * p2p_s + first_extra.total_s() + last_extra.total_s();
  const int mb = p.micro_batches();
  const double pipeline_s = pipeline_time_s(st, mb, p.virtual_stages);

  StepEstimate e;
  // Split the steady state of the critical stage into its parts; the rest of the pipeline time is bubble.
  {
    const double layers = split.layers_on(critical);
    PassCost crit;
    for (const PassCost* pc : {&layer.forward, &layer.backward, &layer.recompute}) {
      PassCost scaled = *pc;
      scaled.compute_s *= layers;
      scaled.tp_comm_s *= layers;
      scaled.cp_comm_s *= layers;
      scaled.ep_comm_s *= layers;
      crit += scaled;
    }
    for (const LayerCost* extra : {critical == 0 ? &first_extra : nullptr, critical == p.pp - 1 ? &last_extra : nullptr}) {
      if (!extra) continue;
      crit += extra->forward;
      crit += extra->backward;
      crit += extra->recompute;
    }
    e.compute_s = mb * crit.compute_s;
    e.tp_comm_s = mb * crit.tp_comm_s;
    e.cp_comm_s = mb * crit.cp_comm_s;
    e.ep_comm_s = mb * crit.ep_comm_s;
    e.pp_comm_s = mb * p2p_s;
    e.bubble_s = pipeline_s - (e.compute_s + e.tp_comm_s + e.cp_comm_s + e.ep_comm_s + e.pp_comm_s);
  }

  // Data parallelism: reduce gradients over dp x cp replicas (expert weights over dp x cp / ep).
  const StageParameters params = stage_parameters(job);
  const double grad_bytes = hw::bytes_per_element(job.software.grad_reduce);
  const int replicas = p.dp * p.cp;
  if (replicas > 1) {
    const CollectiveOp reduce = p.zero >= 1 ? CollectiveOp::reduce_scatter : CollectiveOp::all_reduce;
    const CommGroup& dense_group = costs.dp_group;
    double t = collectives.time_s(reduce, params.dense * grad_bytes, dense_group);
    // Expert gradients reduce over the ranks holding the same expert shard: folded experts' group strides over ep
    // consecutive ranks of the stage, split experts' over tp x cp x ep.
    const int expert_replicas = p.expert_data_parallel();
    if (params.expert > 0 && expert_replicas > 1) {
      const int stride = p.experts_folded() ? p.ep : p.tp * p.cp * p.ep;
      t += collectives.time_s(reduce, params.expert * grad_bytes, group_of(expert_replicas, stride, gpn));
    }
    const double backward_s = split.layers_on(0) * (layer.backward.total_s() + layer.recompute.total_s());
    const double forward_s = split.layers_on(0) * layer.forward.total_s();
    const double ag = p.zero >= 1 ? collectives.time_s(CollectiveOp::all_gather, params.total() * 2.0, dense_group) : 0.0;
    const DataParallelOverlap o =
        data_parallel_overlap(p.zero, mb, forward_s, backward_s, t, ag, job.software.overlap_grad_reduce);
    e.dp_comm_s = o.reduce_exposed_s;
    e.param_gather_s = o.gather_exposed_s;
    double hidden_s = o.hidden_s;  // data-parallel collective time that runs beside compute
    if (p.zero == 1 || p.zero == 2) {
      // The distributed optimizer all-gathers the updated bf16 parameters after the step, hidden behind the next
      // forward pass. ZeRO-3 updates its shards in place and gathers nothing after the step (FSDP2's fully_shard;
      // DeepSpeed ZeRO-3): its gathers are in data_parallel_overlap().
      e.param_gather_s = std::max(0.0, ag - (job.software.overlap_param_gather ? forward_s : 0.0));
      if (job.software.overlap_param_gather) hidden_s += std::min(ag, forward_s);
    }
    // A hidden collective is not free: its NCCL kernel holds SMs the GEMMs beside it lose. "If you are on DGX with 8
    // NICs and a top speed of 190 GB/s, then it would use 16 SMs", and "NCCL CTAs won't share an SM with compute
    // kernels" (NCCL maintainer, NVIDIA/nccl issue 689). While it runs, compute proceeds at (sms - 16) / sms.
    const double sms = std::max(kDpCommSms + 1, static_cast<double>(cluster.gpu.sm_count));
    // Collectives queue behind one another on NCCL's stream, so at most the whole compute time runs beside one.
    e.dp_contention_s = std::min(hidden_s, e.compute_s) * kDpCommSms / sms;
  }

  e.optimizer_s = optimizer_time_s(job, params.total(), gemm);

  e.step_time_s = pipeline_s + e.dp_comm_s + e.param_gather_s + e.dp_contention_s + e.optimizer_s;
  e.model_flops = megatron_model_flops(job);
  const double layer_flops = layer.forward.flops + layer.backward.flops + layer.recompute.flops;
  e.hardware_flops = static_cast<double>(mb) * p.dp * p.cp * p.tp *
                     (m.layers * layer_flops + first_extra.forward.flops + last_extra.forward.flops +
                      last_extra.backward.flops);
  e.memory = training_memory(job);
  return e;
}

TrainingResult AnalyticalEngine::run_training(const hw::ClusterSpec& cluster,
                                              const workloads::TrainingJob& job) const {
  const StepEstimate e = estimate_training_step(cluster, job);
  const auto& p = job.parallelism;
  TrainingResult r;
  r.name = job.name;
  r.gpus = p.gpus();
  r.step_time_s = e.step_time_s;
  r.tokens_per_step = static_cast<double>(p.global_batch) * job.model.seq_len;
  r.tokens_per_s = r.tokens_per_step / e.step_time_s;
  r.model_flops_per_step = e.model_flops;
  r.hardware_flops_per_step = e.hardware_flops;
  r.model_tflops_per_gpu = e.model_flops / e.step_time_s / r.gpus / 1e12;
  r.mfu = e.model_flops / (e.step_time_s * r.gpus * cluster.gpu.peak(job.precision));
  r.memory = e.memory;
  r.memory_capacity_B = cluster.gpu.hbm_bytes;
  r.fits_in_memory = e.memory.total_B() <= cluster.gpu.hbm_bytes;
  if (!r.fits_in_memory) r.memory_advice = memory_advice(job, cluster.gpu.hbm_bytes);
  r.micro_batches = p.micro_batches();
  r.breakdown_s = {{"compute", e.compute_s},     {"tp_comm", e.tp_comm_s},   {"cp_comm", e.cp_comm_s},
                   {"ep_comm", e.ep_comm_s},     {"pp_comm", e.pp_comm_s},   {"bubble", e.bubble_s},
                   {"dp_comm", e.dp_comm_s},     {"param_gather", e.param_gather_s},
                   {"dp_contention", e.dp_contention_s},
                   {"optimizer", e.optimizer_s}};
  if (job.tokens > 0) r.time_to_train_s = job.tokens / r.tokens_per_s;
  r.power = training_power(cluster, job, e);
  if (r.time_to_train_s > 0) {
    r.power.energy_to_train_J = r.power.facility_power_W * r.time_to_train_s;
    r.power.carbon_to_train_kg = r.power.energy_to_train_J * cluster.facility.effective_grid_kg_per_J();
    r.power.electricity_cost_usd = r.power.energy_to_train_J * cluster.facility.effective_price_usd_per_J();
  }
  for (const auto& problem : r.power.problems) r.notes.push_back("facility: the cluster " + problem);
  if (const double cap = cluster.power.gpu_power_cap_W; cap > 0 && cap < cluster.gpu.tdp_W) {
    const double compute = hw::power_capped_speed(cluster.gpu, cap, cluster.gpu.compute_power_share);
    const double memory = hw::power_capped_speed(cluster.gpu, cap, cluster.gpu.memory_power_share);
    const auto percent = [](double share) { return std::to_string(static_cast<int>(std::lround(share * 100))) + "%"; };
    r.notes.push_back("GPU power cap " + units::format_power(cap) + ": compute-bound kernels run at " +
                      percent(compute) + " of their uncapped speed, memory-bound ones at " + percent(memory) +
                      " (the clock falls until the board fits the cap)");
  }
  if (job.model.layers % p.pp != 0) {
    const LayerSplit split = split_layers(job.model.layers, p.pp);
    r.notes.push_back(std::to_string(job.model.layers) + " layers on " + std::to_string(p.pp) + " stages: " +
                      std::to_string(split.remainder) + " stages carry " + std::to_string(split.base + 1) +
                      " layers, the others " + std::to_string(split.base));
  }
  // A scale-up domain spans nodes only with switches outside the node (GB200 NVL72) or a chip-to-chip torus (TPU),
  // as NcclCollectives decides: a catalog domain above the node and above an 8-GPU board.
  const int gpn = cluster.gpus_per_node;
  const int domain = hw::scale_up_domain_gpus(cluster);
  if (p.tp > domain) {
    r.notes.push_back("tp " + std::to_string(p.tp) + (domain == gpn ? " spans nodes" : " spans scale-up domains") +
                      ": tensor-parallel traffic crosses the scale-out fabric");
  }
  return r;
}

PowerResult training_power(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job, const StepEstimate& e) {
  PowerResult pr;
  const int gpn = cluster.gpus_per_node;
  const int gpus = job.parallelism.gpus();
  const double best_Bps = cluster.gpu.peak(job.precision) * cluster.gpu.gemm_efficiency_cap(job.precision);
  hw::GpuActivity a;
  // Tensor-core time is what the executed FLOPs would take at the best GEMM rate; the rest of the compute time ran
  // below it (memory-bound kernels, small GEMMs, GEMMs short of the SMs a hidden collective holds), and so did the
  // optimizer step.
  a.compute_bound_s = std::min(e.compute_s, e.hardware_flops / gpus / best_Bps);
  a.memory_bound_s = e.compute_s - a.compute_bound_s + e.optimizer_s + e.dp_contention_s;
  a.comm_s = e.tp_comm_s + e.cp_comm_s + e.ep_comm_s + e.pp_comm_s + e.dp_comm_s + e.param_gather_s;
  a.idle_s = std::max(0.0, e.bubble_s);
  const int nics = cluster.scale_out.nics_per_node;
  const hw::NodePower node = hw::node_power(cluster.gpu, gpn, nics, cluster.power, a);
  pr.nodes = (gpus + gpn - 1) / gpn;
  pr.gpu_power_W = node.gpus_W / gpn;
  pr.node_power_W = node.total_W;
  pr.idle_node_power_W = hw::node_power(cluster.gpu, gpn, nics, cluster.power, {}).total_W;
  pr.node_peak_W = hw::node_peak_W(cluster.gpu, gpn, nics, cluster.power);
  const double fabric_W = hw::fabric_power_W(static_cast<long>(cluster.nodes) * nics, net::switch_tiers(cluster),
                                             cluster.power);
  const double storage_W = hw::storage_power_W(cluster.power);
  const double share = static_cast<double>(pr.nodes) / cluster.nodes;
  for (const auto& [part, w] : node.parts_W) pr.breakdown_W.emplace_back(part, w * pr.nodes);
  pr.breakdown_W.emplace_back("fabric", fabric_W * share);
  pr.breakdown_W.emplace_back("storage", storage_W * share);
  pr.it_power_W = pr.nodes * node.total_W + (fabric_W + storage_W) * share;
  const hw::FacilitySpec& f = cluster.facility;
  pr.pue = f.effective_pue();
  pr.facility_power_W = pr.it_power_W * pr.pue;
  pr.energy_per_step_J = pr.facility_power_W * e.step_time_s;
  const hw::FacilityPlan plan = hw::plan_facility(f, cluster.nodes, pr.node_peak_W, fabric_W + storage_W,
                                                  hw::PowerCatalog::builtin().node_for(cluster.gpu.id).rack);
  pr.racks = plan.racks;
  pr.nodes_per_rack = plan.nodes_per_rack;
  pr.problems = plan.problems;
  return pr;
}

}  // namespace capsim::sim
