#include "sim/des/checkpoint_plan.hpp"

#include <algorithm>
#include <limits>

#include "models/workloads/checkpoint.hpp"
#include "sim/analytical/pipeline_schedule.hpp"

namespace capsim::sim::des {

namespace {

/// Parameters of pipeline stage `stage` of `pp` (all its tensor-parallel ranks together), split into those every
/// data-parallel replica holds and the routed experts, which expert parallelism spreads over replicas. The stages
/// sum to model.parameters().
struct StageParams {
  double dense = 0;
  double expert = 0;
};

StageParams stage_params(const workloads::TransformerModel& m, const LayerSplit& split, int stage, int pp) {
  const double embedding = static_cast<double>(m.vocab) * m.hidden;
  const double output = m.tied_embeddings ? 0.0 : embedding;
  const double layers = std::max(1, m.layers);
  const double all = m.parameters();
  // The parameter count is linear in the experts counted: all of them, or the top_k a token uses.
  const double experts =
      m.is_moe() && m.experts > m.top_k ? m.experts * (all - m.active_parameters()) / (m.experts - m.top_k) : 0.0;
  StageParams p;
  p.dense = split.layers_on(stage) * (all - experts - embedding - output - m.hidden) / layers;
  p.expert = split.layers_on(stage) * experts / layers;
  if (stage == 0) p.dense += embedding;
  if (stage == pp - 1) p.dense += output + m.hidden;
  return p;
}

}  // namespace

JobCheckpoint job_checkpoint(const workloads::TrainingJob& job, int first_gpu, int gpus_per_node) {
  const auto& p = job.parallelism;
  // Bytes per parameter from the closed-form model, so both engines write the same checkpoint.
  const double bytes_per_param = workloads::checkpoint_size(1.0, 1.0, workloads::Parallelism{}).total_B;
  const LayerSplit split = split_layers(job.model.layers, p.pp);
  const int gpn = std::max(1, gpus_per_node);
  const int expert_replicas = std::clamp(p.ep, 1, p.dp);
  const double per_replica = static_cast<double>(p.tp) * p.cp;
  JobCheckpoint out;
  std::vector<double> by_node;
  for (int s = 0; s < p.pp; ++s) {
    const StageParams params = stage_params(job.model, split, s, p.pp);
    const double dense_B = params.dense * bytes_per_param;
    const double expert_B = params.expert * bytes_per_param;
    out.total_B += dense_B + expert_B;
    for (int d = 0; d < p.dp; ++d) {
      // ZeRO >= 1: every GPU of the stage holds and writes an equal part (fully parallel saving). Without it,
      // replica 0 writes the replicated parameters and each replica of the first expert-parallel group its experts.
      double shard_B = (dense_B + expert_B) / (per_replica * p.dp);
      if (p.zero < 1) {
        shard_B = (d == 0 ? dense_B / per_replica : 0.0) +
                  (d < expert_replicas ? expert_B / (per_replica * expert_replicas) : 0.0);
      }
      if (shard_B <= 0) continue;
      out.max_gpu_B = std::max(out.max_gpu_B, shard_B);
      for (int c = 0; c < p.cp; ++c) {
        for (int t = 0; t < p.tp; ++t) {
          // Megatron's rank order: tp, cp, dp, pp (job_plan.hpp).
          const int rank = first_gpu + ((s * p.dp + d) * p.cp + c) * p.tp + t;
          const size_t node = static_cast<size_t>(rank / gpn);
          if (by_node.size() <= node) by_node.resize(node + 1, 0.0);
          by_node[node] += shard_B;
        }
      }
    }
  }
  for (size_t n = 0; n < by_node.size(); ++n) {
    if (by_node[n] > 0) out.writes.push_back({static_cast<int>(n), by_node[n]});
  }
  return out;
}

double storage_service_Bps(const hw::StorageTier& tier) {
  double bw = std::numeric_limits<double>::infinity();
  if (tier.kind == hw::StorageKind::parallel_fs && tier.servers > 0 && tier.bw_per_server_Bps > 0) {
    bw = tier.servers * tier.bw_per_server_Bps;
  }
  if (tier.aggregate_bw_Bps > 0) bw = std::min(bw, tier.aggregate_bw_Bps);
  return bw;
}

double storage_client_cap_Bps(const hw::StorageTier& tier) {
  // The closed form's per-node bandwidth (models/hardware/storage_tier.cpp) with the service ceiling left out.
  double cap = tier.client_bw_per_node_Bps;
  if (tier.kind == hw::StorageKind::object_store && tier.stream_bw_Bps > 0) {
    const double streams = tier.stream_bw_Bps * std::max(tier.streams_per_node, 1);
    cap = cap > 0 ? std::min(cap, streams) : streams;
  }
  return cap;
}

EndpointAssignment assign_endpoints(const std::vector<JobCheckpoint>& jobs, int endpoints) {
  EndpointAssignment a;
  const int e = std::max(1, endpoints);
  a.bytes.assign(static_cast<size_t>(e), 0.0);
  long long k = 0;
  for (const auto& job : jobs) {
    auto& targets = a.endpoint.emplace_back();
    for (const auto& w : job.writes) {
      const int target = static_cast<int>(k++ % e);
      targets.push_back(target);
      a.bytes[target] += w.bytes;
    }
  }
  return a;
}

std::vector<std::vector<int>> endpoints_by_node(const std::vector<JobCheckpoint>& jobs,
                                                const EndpointAssignment& assignment, int nodes) {
  std::vector<std::vector<int>> out(static_cast<size_t>(std::max(0, nodes)));
  for (size_t j = 0; j < jobs.size(); ++j) {
    for (size_t w = 0; w < jobs[j].writes.size(); ++w) {
      const int node = jobs[j].writes[w].node;
      if (node >= 0 && node < nodes) out[node].push_back(assignment.endpoint[j][w]);
    }
  }
  return out;
}

}  // namespace capsim::sim::des
