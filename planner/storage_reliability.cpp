#include "planner/storage_reliability.hpp"

#include <algorithm>
#include <cmath>

#include "sim/analytical/training_memory.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner {

namespace {

const hw::StorageTier* find_tier(const std::vector<hw::StorageTier>& tiers, const std::string& name) {
  for (const auto& t : tiers) {
    if (t.name == name) return &t;
  }
  return tiers.empty() ? nullptr : &tiers.front();
}

/// Places the job's data per `storage.placement` (throws capsim::InfeasibleError when a tier cannot hold it); returns
/// the hot tier data loading reads from beside the warm one.
workloads::HotTier place(const StorageOptions& opts, const std::vector<hw::StorageTier>& tiers, int nodes, int gpn,
                         sim::StorageResult& st) {
  if (!opts.placement) return {};
  st.placement = workloads::plan_placement(*opts.placement, tiers, st.checkpoint, nodes, gpn);
  workloads::require_capacity(*st.placement);
  const auto& ds = st.placement->dataset;
  if (!ds || ds->hot.empty()) return {};
  return {find_tier(tiers, ds->hot), ds->hit_rate};
}

/// Times draining each checkpoint to the placement's cold tier against the interval the reliability model chose.
void add_drain(const std::vector<hw::StorageTier>& tiers, int nodes, int gpn, sim::TrainingResult& result) {
  auto& placement = result.storage.placement;
  if (!placement || !placement->checkpoints || placement->checkpoints->cold.empty()) return;
  auto& c = *placement->checkpoints;
  c.drain = workloads::checkpoint_drain(result.storage.checkpoint, nodes, gpn, *find_tier(tiers, c.hot),
                                        *find_tier(tiers, c.cold), result.reliability.checkpoint_interval_s);
  if (c.drain->keeps_up) return;
  const double one_in = std::ceil(c.drain->drain_s / std::max(c.drain->interval_s, 1e-9));
  placement->notes.push_back("draining a checkpoint to \"" + c.cold + "\" takes " +
                             units::format_time(c.drain->drain_s) + ", longer than the " +
                             units::format_time(c.drain->interval_s) + " between checkpoints: at most one in " +
                             std::to_string(static_cast<long long>(one_in)) + " reaches it; checkpoint less often, " +
                             "or give the drain more bandwidth");
}

/// Parts of a step that wait on scale-out traffic: what a checkpoint write crossing the same links slows.
double exposed_scale_out_s(const sim::TrainingResult& r) {
  double s = 0;
  for (const auto& [part, seconds] : r.breakdown_s) {
    if (part == "dp_comm" || part == "pp_comm" || part == "cp_comm" || part == "ep_comm" || part == "param_gather" ||
        part == "dp_contention") {
      s += seconds;
    }
  }
  return s;
}

/// What one checkpoint costs the job on `tier` (`cost` from the storage model): the stall, the training slowed while
/// an asynchronous write shares the fabric and the tier, and the time until it is durable. A DES step that wrote
/// the same checkpoint replaces the closed form with what it simulated.
workloads::CheckpointLoad checkpoint_load(const sim::TrainingResult& result, const workloads::CheckpointCost& cost,
                                          const hw::StorageTier& tier, double path_Bps, int gpn, int nodes,
                                          bool& simulated) {
  const auto& st = result.storage;
  const bool sync = st.checkpoint_mode == "sync";
  workloads::CheckpointLoad load;
  simulated = false;
  if (const auto& c = st.des_checkpoint; c.mode == st.checkpoint_mode && c.tier == tier.name) {
    simulated = true;
    load.stall_s = c.stall_s;
    load.durable_s = sync ? c.stall_s : c.stall_s + c.write_s;
    if (!sync) {
      const double work_s = c.step_time_s - c.stall_s;
      // The DES simulates the write's traffic, not the framework's background save work: that is added.
      load.background_s = cost.async_background_s;
      load.contention_s =
          workloads::measured_contention_s(work_s - c.step_without_s, work_s, c.write_s) + load.background_s;
    }
    return load;
  }
  // Training keeps reading its data while an asynchronous write runs on the same tier.
  const double tier_bw = tier.bandwidth_Bps(nodes);
  workloads::WriteContext ctx;
  ctx.read_share = st.data_tier == tier.name && tier_bw > 0 ? st.data.tier_demand_Bps / tier_bw : 0;
  ctx.path_Bps = path_Bps;
  ctx.node_B = st.checkpoint.per_gpu_B * std::min(gpn, std::max(st.checkpoint.writer_gpus, 1));
  ctx.exposed_s = exposed_scale_out_s(result);
  ctx.step_s = result.step_time_s;
  return workloads::closed_form_load(cost, sync ? workloads::CheckpointMode::sync : workloads::CheckpointMode::async,
                                     tier, ctx);
}

/// Throws capsim::InfeasibleError, naming the scenario's keys, when `tier` cannot hold the checkpoints the job keeps.
void require_retention(const Scenario& scenario, const sim::StorageResult& st, const hw::StorageTier& tier,
                       int nodes, int gpn) {
  const auto& opts = scenario.storage;
  // A placement keeps its own count (placement.checkpoints.keep_hot) and checks every tier it fills.
  if (opts.placement && opts.placement->checkpoints) return;
  const bool local = tier.kind == hw::StorageKind::local_nvme;
  const double capacity = local ? tier.capacity_per_node_B : tier.capacity_for_B(nodes);
  const double one = local ? st.checkpoint.per_gpu_B * gpn : st.checkpoint.total_B;
  const int keep = std::max(opts.checkpoint.keep, 1);
  if (capacity <= 0 || one <= 0 || keep * one <= capacity * (1 + 1e-12)) return;
  std::string tier_ptr = "storage.tiers";
  for (std::size_t i = 0; i < opts.tiers.size(); ++i) {
    if (opts.tiers[i].name == tier.name) tier_ptr = "/storage/tiers/" + std::to_string(i) + "/";
  }
  const std::string capacity_key = local ? "capacity_per_node" : "capacity";
  tier_ptr += tier_ptr.back() == '/' ? capacity_key : " (a \"" + capacity_key + "\" for tier \"" + tier.name + "\")";
  const auto fit = static_cast<long long>(std::floor(capacity / one));
  const std::string where = local ? "each node's share of tier \"" + tier.name + "\"" : "tier \"" + tier.name + "\"";
  std::string msg = (scenario.file.empty() ? std::string("scenario") : scenario.file) +
                    ": /storage/checkpoint/keep: keeping " + std::to_string(keep) + " checkpoints of " +
                    units::format_bytes(one) + (local ? " per node" : "") +
                    " (the one being written included) needs " + units::format_bytes(keep * one) + ", but " + where +
                    " holds " + units::format_bytes(capacity) + "; ";
  if (fit >= 1) {
    msg += "set \"keep\" to " + std::to_string(fit) + (fit == 1 ? " (then no durable checkpoint survives a write), " : ", ");
  }
  msg += "raise " + tier_ptr + " to " + units::format_bytes(keep * one) +
         ", or point /storage/checkpoint/tier at a larger tier";
  throw InfeasibleError(msg);
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
  const workloads::HotTier hot = place(opts, tiers, nodes, gpn, st);
  const bool placed = opts.placement && opts.placement->dataset;
  const hw::StorageTier* ckpt_tier = find_tier(tiers, opts.checkpoint.tier);
  const hw::StorageTier* data_tier = find_tier(tiers, placed ? opts.placement->dataset->warm : opts.data.tier);
  if (ckpt_tier == nullptr || data_tier == nullptr) return;
  st.checkpoint_tier = ckpt_tier->name;
  st.data_tier = data_tier->name;
  st.data = workloads::data_loading(opts.data, result.step_time_s, result.tokens_per_step, job.model.vocab,
                                    job.model.seq_len, nodes, *data_tier, hot);

  const auto cost = workloads::checkpoint_cost(st.checkpoint, nodes, gpn, *ckpt_tier, opts.checkpoint);
  require_retention(scenario, st, *ckpt_tier, nodes, gpn);
  const auto& so = cluster.scale_out;
  const auto comps = workloads::job_components(gpus, gpn, so.nics_per_node, so.tiers, workloads::fabric_radix(cluster));
  bool simulated = false;
  const workloads::CheckpointLoad load =
      checkpoint_load(result, cost, *ckpt_tier, workloads::write_path_Bps(cluster), gpn, nodes, simulated);
  // Data stalls stretch every step, so the failure-free run is longer by the same share.
  const double work_s = result.time_to_train_s / std::max(1.0 - st.data.starvation, 1e-9);
  result.reliability = workloads::evaluate_reliability(scenario.reliability, comps, result.step_time_s,
                                                       result.time_to_train_s > 0 ? work_s : 0.0, load,
                                                       opts.checkpoint.interval_s, scenario.simulation.seed);
  result.reliability.checkpoint_cost_simulated = simulated;
  const auto& placement = opts.placement;
  result.reliability.checkpoints_kept = placement && placement->checkpoints ? placement->checkpoints->keep_hot
                                                                            : std::max(opts.checkpoint.keep, 1);
  add_drain(tiers, nodes, gpn, result);
}

nlohmann::ordered_json placement_json(const sim::StorageResult& s) {
  const workloads::PlacementResult& p = *s.placement;
  nlohmann::ordered_json j;
  auto& tiers = j["tiers"] = nlohmann::ordered_json::array();
  for (const auto& t : p.tiers) {
    const bool bounded = t.capacity_B > 0;
    tiers.push_back({{"tier", t.tier},
                     {"kind", t.kind},
                     {"dataset_bytes", t.dataset_B},
                     {"checkpoint_bytes", t.checkpoint_B},
                     {"placed_bytes", t.placed_B()},
                     {"capacity_bytes", bounded ? nlohmann::ordered_json(t.capacity_B) : nullptr},
                     {"capacity_share", bounded ? nlohmann::ordered_json(t.capacity_share()) : nullptr},
                     {"usd_per_gb_month", t.usd_per_GB_month},
                     {"usd_per_month", t.usd_per_month()}});
  }
  if (const auto& d = p.dataset) {
    j["dataset"] = {{"size_bytes", d->size_B},
                    {"hot_tier", d->hot},
                    {"warm_tier", d->warm},
                    {"cold_tier", d->cold},
                    {"hot_fraction_requested", d->requested_hot_fraction},
                    {"hot_bytes", d->hot_B},
                    {"hit_rate", d->hit_rate},
                    {"staging_s", d->staging_s},
                    {"staging_egress_usd", d->staging_egress_usd},
                    {"hot_bandwidth_Bps", s.data.hot_bw_Bps},
                    {"warm_bandwidth_Bps", s.data.tier_bw_Bps},
                    {"effective_read_bandwidth_Bps", s.data.effective_bw_Bps},
                    {"starvation", s.data.starvation},
                    {"required_warm_bandwidth_Bps", s.data.required_bw_Bps},
                    {"required_hit_rate", s.data.required_hit_rate}};
  }
  if (const auto& c = p.checkpoints) {
    auto& cj = j["checkpoints"] = {{"hot_tier", c->hot},     {"keep_hot", c->keep_hot},
                                   {"cold_tier", c->cold},   {"keep_cold", c->keep_cold},
                                   {"checkpoint_bytes", c->checkpoint_B}};
    if (const auto& d = c->drain) {
      cj["drain_bandwidth_Bps"] = d->bandwidth_Bps;
      cj["drain_s"] = d->drain_s;
      cj["checkpoint_interval_s"] = d->interval_s;
      cj["drain_keeps_up"] = d->keeps_up;
      cj["drains_per_month"] = d->drains_per_month;
      cj["transfer_usd_per_month"] = d->transfer_usd_per_month;
    }
  }
  j["usd_per_month"] = p.usd_per_month();
  if (!p.notes.empty()) j["notes"] = p.notes;
  return j;
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
  if (s.placement) j["placement"] = placement_json(s);
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
  j["checkpoint_interval_bound"] = std::string(workloads::to_string(r.interval_bound));
  j["young_daly_interval_s"] = r.young_daly_interval_s;
  j["checkpoint_stall_s"] = r.checkpoint_stall_s;
  j["checkpoint_contention_s"] = r.checkpoint_contention_s;
  j["checkpoint_background_s"] = r.checkpoint_background_s;
  j["checkpoint_cost_s"] = r.checkpoint_cost_s;
  j["checkpoint_durable_s"] = r.checkpoint_durable_s;
  j["checkpoint_cost_from"] = r.checkpoint_cost_simulated ? "des" : "closed-form";
  j["checkpoints_kept"] = r.checkpoints_kept;
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
