#include "planner/tco/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include <tbb/parallel_for.h>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/fleet_scenario.hpp"
#include "planner/scenario.hpp"
#include "models/hardware/power_model.hpp"
#include "models/network/fabric_factory.hpp"
#include "models/workloads/reliability.hpp"
#include "planner/run.hpp"
#include "planner/serving_plan.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::tco {

namespace {

/// Serving capacity trials: long enough for a replica's queue to show whether it keeps up at a given rate (the
/// bisection's verdict), short enough that a study plans in about a second. plan-serving's own default is longer.
constexpr double kCapacityWindow_s = 300;
/// Data parallelism grows at most this many times to meet a deadline.
constexpr int kMaxScaleOut = 64;

/// The scenario's cluster, or the same number of nodes of `gpu`'s default node with the scenario's fabric and facility
/// choices, when the option runs another GPU type.
hw::ClusterSpec cluster_for(const Scenario& s, const std::string& gpu) {
  if (s.cluster.gpu.id == gpu) return s.cluster;
  const hw::GpuSpec* spec = hw::GpuCatalog::builtin().find(gpu);
  hw::ClusterSpec c = hw::default_cluster(*spec, s.cluster.nodes);
  c.scale_out.topology = s.cluster.scale_out.topology;
  c.scale_out.oversubscription = s.cluster.scale_out.oversubscription;
  c.facility = s.cluster.facility;
  return c;
}

template <class Job>
const Job& job_of(const Scenario& s, const std::string& name) {
  for (const auto& w : s.workloads) {
    if (const Job* j = std::get_if<Job>(&w); j != nullptr && j->name == name) return *j;
  }
  throw Error("workload \"" + name + "\" vanished from its scenario");
}

[[noreturn]] void cannot(const Demand& d, const std::string& gpu, const std::string& why, const std::string& hint) {
  throw InputError({{"", d.pointer, "\"" + d.name + "\" cannot run on " + gpu + ": " + why, hint}});
}

/// One simulation of `job` on `cluster`, through the planner's run (reliability, storage and power included).
sim::TrainingResult simulate(const Scenario& base, const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) {
  Scenario s = base;
  s.cluster = cluster;
  s.workloads = {job};
  s.simulation.engine = "analytical";
  ScenarioResult r = run_scenario(s, "analytical");
  return r.training.at(0);
}

TrainingCapacity training_capacity(const Demand& d, const std::string& gpu) {
  const Scenario& s = *d.scenario;
  workloads::TrainingJob job = job_of<workloads::TrainingJob>(s, d.workload);
  job.tokens = d.tokens;
  hw::ClusterSpec cluster = cluster_for(s, gpu);
  const int base_dp = job.parallelism.dp;
  const int base_nodes = cluster.nodes;
  const int base_batch = job.parallelism.global_batch;
  sim::TrainingResult r;
  int scale = 1;
  for (;;) {
    try {
      r = simulate(s, cluster, job);
    } catch (const InfeasibleError& e) {
      cannot(d, gpu, e.what(), "pick another GPU type for this option, or change the scenario's layout");
    }
    if (!r.fits_in_memory) {
      cannot(d, gpu, "its layout needs " + units::format_bytes(r.memory.total_B()) + " per GPU of " +
                         units::format_bytes(r.memory_capacity_B),
             "run `capsim run` on the scenario with that GPU to see the memory advice");
    }
    const double hours = r.reliability.effective_time_to_train_s / 3600;
    if (d.kind != Demand::Kind::training || !d.deadline_months || hours <= *d.deadline_months * kHoursPerMonth) break;
    // Too slow for the deadline: more data-parallel replicas at the same global batch (more if it cannot split).
    const int next = std::max(scale + 1, static_cast<int>(std::ceil(scale * hours / (*d.deadline_months * kHoursPerMonth))));
    if (next > kMaxScaleOut) {
      cannot(d, gpu,
             "it takes " + units::format_time(hours * 3600) + " on " + std::to_string(r.gpus) +
                 " GPUs and would need more than " + std::to_string(kMaxScaleOut) + "x the scenario's data parallelism " +
                 "to finish within " + units::format_time(*d.deadline_months * kHoursPerMonth * 3600),
             "extend the deadline or give the scenario a larger cluster");
    }
    scale = next;
    job.parallelism.dp = base_dp * scale;
    cluster.nodes = base_nodes * scale;
    const int per_step = job.parallelism.dp * job.parallelism.micro_batch;
    job.parallelism.global_batch = std::max(base_batch, per_step);
    job.parallelism.global_batch = (job.parallelism.global_batch + per_step - 1) / per_step * per_step;
  }
  TrainingCapacity t;
  t.gpus = r.gpus;
  t.tokens = d.tokens;
  t.failure_free_hours = r.reliability.time_to_train_s / 3600;
  t.busy_W_per_gpu = r.power.it_power_W / std::max(1, r.gpus);
  t.pue = r.power.pue > 0 ? r.power.pue : 1;
  t.checkpoint_bytes = r.storage.checkpoint.total_B;
  const double bpt = s.storage.data.bytes_per_token > 0 ? s.storage.data.bytes_per_token
                                                        : (job.model.vocab > 65536 ? 4.0 : 2.0);
  t.dataset_bytes = d.tokens * bpt;
  t.checkpoint.stall_s = r.reliability.checkpoint_stall_s;
  t.checkpoint.contention_s = r.reliability.checkpoint_contention_s;
  t.checkpoint.durable_s = r.reliability.checkpoint_durable_s;
  t.requested_interval_s = r.reliability.requested_interval_s;
  t.restart_s = r.reliability.restart_overhead_s;
  t.failure_rate_per_s = r.reliability.mtbf_s > 0 ? 1 / r.reliability.mtbf_s : 0;
  t.step_time_s = r.step_time_s;
  const auto& p = job.parallelism;
  CapacityShape& sh = t.shape;
  sh.demand = d.name;
  sh.kind = to_string(d.kind);
  sh.gpu = gpu;
  sh.gpus = r.gpus;
  sh.gpus_per_node = cluster.gpus_per_node;
  sh.layout = "TP" + std::to_string(p.tp) + " PP" + std::to_string(p.pp) +
              (p.cp > 1 ? " CP" + std::to_string(p.cp) : "") + " DP" + std::to_string(p.dp) +
              (p.ep > 1 ? " EP" + std::to_string(p.ep) : "") + ", global batch " + std::to_string(p.global_batch);
  sh.step_time_s = r.step_time_s;
  sh.tokens_per_s = r.tokens_per_s;
  sh.goodput = r.reliability.goodput;
  sh.gpu_hours = r.gpus * r.reliability.effective_time_to_train_s / 3600;
  sh.it_power_W = r.power.it_power_W;
  sh.months = r.reliability.effective_time_to_train_s / 3600 / kHoursPerMonth;
  // Parts that are zero up to rounding (a bubble of -1e-10 s) would print as noise in the reports.
  for (const auto& [part, seconds] : r.breakdown_s) {
    if (std::abs(seconds) > 1e-9 * std::max(1.0, r.step_time_s)) sh.breakdown_s.emplace_back(part, seconds);
  }
  sh.power_W = r.power.breakdown_W;
  return t;
}

ServiceCapacity service_capacity(const Demand& d, const std::string& gpu) {
  const Scenario& s = *d.scenario;
  ServingPlanOptions o;
  o.workload = d.workload;
  o.rate_per_s = std::max(d.rate_per_s, 1e-3);
  o.window_s = kCapacityWindow_s;
  o.gpus = {gpu};
  o.top = 1;
  o.check.min_window_s = 0;  // the plan sizes each hour with headroom; it needs the capacity, not plan-serving's check
  ServingPlan plan = plan_serving(s, o);
  if (plan.ranked.empty()) {
    std::string why = "no tensor-parallel layout meets the SLO";
    if (!plan.infeasible.empty()) why = plan.infeasible.front().why_not;
    cannot(d, gpu, why, "relax the workload's SLO, or pick another GPU type");
  }
  const ServingCandidate& c = plan.ranked.front();
  const auto& job = job_of<workloads::InferenceJob>(s, d.workload);
  ServiceCapacity sc;
  sc.gpus_per_replica = c.gpus_per_replica;
  sc.capacity_per_s = c.capacity_per_replica;
  sc.output_tokens_per_request = job.output_tokens;
  sc.input_tokens_per_request = job.input_tokens;
  sc.restart_s = s.reliability.restart_overhead_s;
  if (c.fleet_checked && c.fleet.replicas > 0) {
    sc.replica_W = c.fleet.power.it_power_W / c.fleet.replicas;
    sc.pue = c.fleet.power.pue > 0 ? c.fleet.power.pue : 1;
  }
  CapacityShape& sh = sc.shape;
  sh.demand = d.name;
  sh.kind = "inference";
  sh.gpu = gpu;
  sh.gpus = c.gpus_per_replica;
  sh.layout = "TP" + std::to_string(c.tp) + (c.pp > 1 ? " PP" + std::to_string(c.pp) : "") + " replica";
  sh.capacity_per_s = c.capacity_per_replica;
  sh.tokens_per_s = c.capacity_per_replica * job.output_tokens;
  sh.it_power_W = sc.replica_W;
  if (c.fleet_checked) {
    sh.step_time_s = c.fleet.tpot_s.p50;
    sh.power_W = c.fleet.power.breakdown_W;
    if (c.fleet.replicas > 0) {
      for (auto& [part, w] : sh.power_W) w /= c.fleet.replicas;
    }
  }
  return sc;
}

}  // namespace

double training_goodput(const TrainingCapacity& t, double failure_factor, double extra_rate_per_s) {
  const double rate = t.failure_rate_per_s * failure_factor + extra_rate_per_s;
  const double mtbf = rate > 0 ? 1 / rate : 0;
  const double interval =
      workloads::checkpoint_interval(t.checkpoint, mtbf, t.step_time_s, t.requested_interval_s).interval_s;
  return workloads::expected_goodput(interval, t.checkpoint.cost_s(), t.checkpoint.lag_s(), t.restart_s, mtbf);
}

CapacityModel build_capacity(const Study& study) {
  CapacityModel m;
  std::set<std::string> gpus;
  for (const Option& o : study.options) {
    if (o.kind != Option::Kind::on_prem) gpus.insert(o.cloud.gpu);
    if (o.kind != Option::Kind::cloud) gpus.insert(o.on_prem.gpu);
  }
  // Every (demand, GPU type) shape is independent: simulate them on all cores (the engines hold no global state).
  std::vector<std::pair<std::size_t, std::string>> jobs;
  for (std::size_t i = 0; i < study.demand.size(); ++i) {
    for (const std::string& gpu : gpus) jobs.emplace_back(i, gpu);
  }
  std::vector<std::optional<TrainingCapacity>> trained(jobs.size());
  std::vector<std::optional<ServiceCapacity>> served(jobs.size());
  std::vector<std::vector<Diagnostic>> failed(jobs.size());
  tbb::parallel_for(std::size_t{0}, jobs.size(), [&](std::size_t k) {
    const auto& [i, gpu] = jobs[k];
    const Demand& d = study.demand[i];
    try {
      if (d.kind == Demand::Kind::inference) {
        served[k] = service_capacity(d, gpu);
      } else {
        trained[k] = training_capacity(d, gpu);
      }
    } catch (const InputError& e) {
      for (Diagnostic diag : e.diagnostics()) {
        diag.file = study.file;
        failed[k].push_back(diag);
      }
    } catch (const UsageError& e) {
      failed[k].push_back({study.file, d.pointer, "\"" + d.name + "\" cannot run on " + gpu + ": " + e.what(), ""});
    }
  });
  std::vector<Diagnostic> problems;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    if (trained[k]) m.training.emplace(jobs[k], std::move(*trained[k]));
    if (served[k]) m.services.emplace(jobs[k], std::move(*served[k]));
    problems.insert(problems.end(), failed[k].begin(), failed[k].end());
  }
  if (!problems.empty()) throw InputError(problems);
  // Fleet runs of the owned options: scheduling and repair losses, and the queueing the teams would see.
  for (const Option& o : study.options) {
    const std::string& path = o.on_prem.fleet;
    if (path.empty() || m.fleets.count(path) > 0) continue;
    const Scenario sc = load_scenario_file(path);
    const PreparedFleet prepared = prepare_fleet(sc);
    const fleet::FleetResult r = run_fleet_scenario(prepared);
    FleetFacts f;
    f.scenario = sc.name;
    f.file = path;
    f.policy = r.policy;
    f.cluster_gpus = r.cluster_gpus;
    f.allocation = r.gpu_allocation;
    f.goodput = r.goodput;
    f.fragmentation = r.mean_fragmentation;
    f.down_share = r.gpu_down;
    f.usable_share = std::clamp(1 - f.fragmentation - f.down_share, 0.05, 1.0);
    f.mean_queue_s = r.queue.mean;
    f.p99_queue_s = r.queue.p99;
    f.mean_jct_s = r.jct.mean;
    m.fleets.emplace(path, f);
  }
  for (const std::string& gpu : gpus) {
    const hw::GpuSpec* spec = hw::GpuCatalog::builtin().find(gpu);
    const hw::ClusterSpec node = hw::default_cluster(*spec, 1);
    const int g = node.gpus_per_node;
    const int nics = node.scale_out.nics_per_node;
    const hw::NodePower idle = hw::node_power(node.gpu, g, nics, node.power, hw::GpuActivity{});
    // Switch ports per NIC in a 2-tier Clos (leaf port + two above) at their catalog power, as fabric_power_W does.
    const double fabric_per_gpu = hw::fabric_power_W(static_cast<long>(nics) * 64, 2, node.power) / (64.0 * g);
    m.idle_W_per_gpu[gpu] = idle.total_W / g + fabric_per_gpu;
    m.peak_W_per_gpu[gpu] = hw::node_peak_W(node.gpu, g, nics, node.power) / g + fabric_per_gpu;
    m.node_peak_W[gpu] = hw::node_peak_W(node.gpu, g, nics, node.power);
    m.gpus_per_node[gpu] = g;
    m.nics_per_gpu[gpu] = static_cast<double>(nics) / g;
  }
  return m;
}

}  // namespace capsim::planner::tco
