#include "planner/storage_reliability.hpp"

#include <algorithm>

#include "sim/analytical/training_memory.hpp"

namespace capsim::planner {

namespace {

const hw::StorageTier* find_tier(const std::vector<hw::StorageTier>& tiers, const std::string& name) {
  for (const auto& t : tiers) {
    if (t.name == name) return &t;
  }
  return tiers.empty() ? nullptr : &tiers.front();
}

}  // namespace

void add_storage_and_reliability(const Scenario& scenario, const workloads::TrainingJob& job,
                                 sim::TrainingResult& result) {
  const auto& cluster = scenario.cluster;
  const auto& opts = scenario.storage;
  const std::vector<hw::StorageTier> tiers =
      opts.tiers.empty()
          ? std::vector<hw::StorageTier>{hw::default_local_nvme(), hw::default_parallel_fs(),
                                         hw::default_object_store()}
          : opts.tiers;
  const int gpn = std::max(cluster.gpus_per_node, 1);
  const int gpus = result.gpus > 0 ? result.gpus : job.parallelism.gpus();
  const int nodes = (gpus + gpn - 1) / gpn;

  sim::StorageResult& st = result.storage;
  st.checkpoint = workloads::checkpoint_size(job.model.parameters(), sim::stage_parameters(job).total(),
                                             job.parallelism);
  st.checkpoint_mode = opts.checkpoint.mode == workloads::CheckpointMode::sync ? "sync" : "async";
  st.tiers.clear();
  for (const auto& t : tiers) {
    st.tiers.push_back({t.name, std::string(hw::to_string(t.kind)),
                        workloads::checkpoint_cost(st.checkpoint, nodes, gpn, t, opts.checkpoint)});
  }
  const hw::StorageTier* ckpt_tier = find_tier(tiers, opts.checkpoint.tier);
  const hw::StorageTier* data_tier = find_tier(tiers, opts.data.tier);
  if (ckpt_tier == nullptr || data_tier == nullptr) return;
  st.checkpoint_tier = ckpt_tier->name;
  st.data_tier = data_tier->name;
  st.data = workloads::data_loading(opts.data, result.step_time_s, result.tokens_per_step, job.model.vocab,
                                    job.model.seq_len, nodes, *data_tier);

  const auto cost = workloads::checkpoint_cost(st.checkpoint, nodes, gpn, *ckpt_tier, opts.checkpoint);
  const bool sync = opts.checkpoint.mode == workloads::CheckpointMode::sync;
  const double stall = sync ? cost.sync_stall_s : cost.async_stall_s;
  const double lag = sync ? 0.0 : cost.write_s;
  const auto& so = cluster.scale_out;
  // Same default radix as the fabric builders: 64 ports at 400 Gb/s and up, else 40.
  const double port_Bps = so.port_bw_Bps > 0 ? so.port_bw_Bps : so.nic_bw_Bps;
  const int radix = so.radix > 0 ? so.radix : (port_Bps >= 50e9 ? 64 : 40);
  const auto comps = workloads::job_components(gpus, gpn, so.nics_per_node, so.tiers, radix);
  // Data stalls stretch every step, so the failure-free run is longer by the same share.
  const double work_s = result.time_to_train_s / std::max(1.0 - st.data.starvation, 1e-9);
  result.reliability = workloads::evaluate_reliability(scenario.reliability, comps, result.step_time_s,
                                                       result.time_to_train_s > 0 ? work_s : 0.0, stall, lag,
                                                       opts.checkpoint.interval_s, scenario.simulation.seed);
}

nlohmann::ordered_json storage_json(const sim::StorageResult& s) {
  nlohmann::ordered_json j;
  j["checkpoint_bytes"] = s.checkpoint.total_B;
  j["checkpoint_bytes_per_gpu"] = s.checkpoint.per_gpu_B;
  j["checkpoint_tier"] = s.checkpoint_tier;
  j["checkpoint_mode"] = s.checkpoint_mode;
  auto& tiers = j["checkpoint_by_tier"] = nlohmann::ordered_json::array();
  for (const auto& t : s.tiers) {
    tiers.push_back({{"tier", t.tier},
                     {"kind", t.kind},
                     {"write_s", t.cost.write_s},
                     {"sync_stall_s", t.cost.sync_stall_s},
                     {"async_stall_s", t.cost.async_stall_s},
                     {"restore_s", t.cost.restore_s},
                     {"fits", t.cost.fits}});
  }
  const auto& d = s.data;
  j["data"] = {{"tier", s.data_tier},
               {"demand_Bps", d.demand_Bps},
               {"tier_demand_Bps", d.tier_demand_Bps},
               {"tier_bandwidth_Bps", d.tier_bw_Bps},
               {"stall_per_step_s", d.stall_per_step_s},
               {"starvation", d.starvation},
               {"required_bandwidth_Bps", d.required_bw_Bps}};
  return j;
}

nlohmann::ordered_json reliability_json(const workloads::ReliabilityResult& r) {
  nlohmann::ordered_json j;
  j["interruptions_per_day"] = r.interruptions_per_day;
  j["mtbf_s"] = r.mtbf_s;
  nlohmann::ordered_json causes = nlohmann::ordered_json::object();
  for (const auto& [cause, per_day] : r.interruptions_per_day_by_cause) causes[cause] = per_day;
  j["interruptions_per_day_by_cause"] = causes;
  j["checkpoint_interval_s"] = r.checkpoint_interval_s;
  j["checkpoint_stall_s"] = r.checkpoint_stall_s;
  j["lost_work_per_interruption_s"] = r.lost_work_s;
  j["restart_overhead_s"] = r.restart_overhead_s;
  j["goodput"] = r.goodput;
  if (r.effective_time_to_train_s > 0) {
    j["effective_time_to_train_s"] = r.effective_time_to_train_s;
    if (r.monte_carlo_runs > 0) {
      j["monte_carlo"] = {{"runs", r.monte_carlo_runs},
                          {"finish_p10_s", r.finish_p10_s},
                          {"finish_p50_s", r.finish_p50_s},
                          {"finish_p90_s", r.finish_p90_s}};
    }
  }
  return j;
}

}  // namespace capsim::planner
