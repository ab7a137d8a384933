#include "sim/des/des_engine.hpp"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_training.hpp"

namespace capsim::sim {

namespace {

/// Samples past this many per job make the trace too long to be useful in JSON or Perfetto: the period grows.
constexpr double kMaxPowerSamples = 20000;

nlohmann::json power_json(const PowerTrace& t) {
  nlohmann::json samples = nlohmann::json::array();
  for (const auto& s : t.samples) samples.push_back({s.time_s, s.gpu_W, s.network_W, s.total_W});
  return {{"period_s", t.period_s}, {"span_s", t.span_s}, {"energy_J", t.energy_J}, {"mean_W", t.mean_W},
          {"peak_W", t.peak_W}, {"samples", samples}};
}

PowerTrace power_from_json(const nlohmann::json& j) {
  PowerTrace t;
  t.period_s = j.at("period_s").get<double>();
  t.span_s = j.at("span_s").get<double>();
  t.energy_J = j.at("energy_J").get<double>();
  t.mean_W = j.at("mean_W").get<double>();
  t.peak_W = j.at("peak_W").get<double>();
  for (const auto& s : j.at("samples")) t.samples.push_back({s[0], s[1], s[2], s[3]});
  return t;
}

/// The power trace's sampling period: as asked, else the slowest job's analytical step / 200; never so short that
/// a job's trace would pass kMaxPowerSamples samples.
double power_period_s(const DesPowerTrace& spec, const hw::ClusterSpec& cluster,
                      const std::vector<workloads::TrainingJob>& jobs) {
  if (!spec.enabled) return 0;
  double longest = 0;
  for (const auto& job : jobs) longest = std::max(longest, estimate_training_step(cluster, job).step_time_s);
  const double period = spec.period_s > 0 ? spec.period_s : longest / 200.0;
  return std::max(period, longest / kMaxPowerSamples);
}

std::string encode(const des::DesRunResult& run) {
  nlohmann::json j;
  j["activities"] = run.activities;
  j["rails_bundled"] = run.rails_bundled;
  j["makespan_s"] = run.makespan_s;
  j["peak_memory_bytes"] = run.peak_memory_bytes;
  for (const auto& r : run.jobs) {
    j["jobs"].push_back({{"step_time_s", r.step_time_s}, {"busy_s", r.busy_s}, {"ep_comm_s", r.ep_comm_s},
                         {"cp_comm_s", r.cp_comm_s}, {"pp_comm_s", r.pp_comm_s}, {"bubble_s", r.bubble_s},
                         {"dp_comm_s", r.dp_comm_s}, {"param_gather_s", r.param_gather_s},
                         {"optimizer_s", r.optimizer_s}, {"start_s", r.start_s},
                         {"checkpoint_bytes", r.checkpoint_bytes}, {"checkpoint_write_s", r.checkpoint_write_s}});
    if (!r.power_trace.empty()) j["jobs"].back()["power"] = power_json(r.power_trace);
  }
  j["links"] = nlohmann::json::array();
  for (const auto& l : run.busiest_links) {
    j["links"].push_back({{"name", l.name}, {"bytes", l.bytes}, {"utilization", l.utilization}});
  }
  return j.dump();
}

/// Replaces the analytical step with the simulated one, keeping the analytical split of the critical stage's busy
/// time into compute and node-local communication.
void apply(TrainingResult& r, const StepEstimate& analytical, const nlohmann::json& job, const hw::ClusterSpec& cluster,
           const workloads::TrainingJob& spec) {
  // The fabric's all-to-all was measured; otherwise expert traffic stayed in the node and sits in `busy`.
  const double ep_fabric = job.at("ep_comm_s").get<double>();
  const double ep_node = ep_fabric > 0 ? 0.0 : analytical.ep_comm_s;
  const double cp_fabric = job.at("cp_comm_s").get<double>();
  const double cp_node = cp_fabric > 0 ? 0.0 : analytical.cp_comm_s;
  const double busy = job.at("busy_s").get<double>();
  const double parts = analytical.compute_s + analytical.tp_comm_s + cp_node + ep_node;
  const double scale = parts > 0 ? busy / parts : 0;
  r.step_time_s = job.at("step_time_s").get<double>();
  r.breakdown_s = {{"compute", analytical.compute_s * scale},
                   {"tp_comm", analytical.tp_comm_s * scale},
                   {"cp_comm", cp_node * scale + cp_fabric},
                   {"ep_comm", ep_node * scale + ep_fabric},
                   {"pp_comm", job.at("pp_comm_s").get<double>()},
                   {"bubble", job.at("bubble_s").get<double>()},
                   {"dp_comm", job.at("dp_comm_s").get<double>()},
                   {"param_gather", job.at("param_gather_s").get<double>()},
                   {"optimizer", job.at("optimizer_s").get<double>()}};
  r.tokens_per_s = r.tokens_per_step / r.step_time_s;
  r.model_tflops_per_gpu = r.model_flops_per_step / r.step_time_s / r.gpus / 1e12;
  r.mfu = r.model_flops_per_step / (r.step_time_s * r.gpus * cluster.gpu.peak(spec.precision));
  r.time_to_train_s = spec.tokens > 0 ? spec.tokens / r.tokens_per_s : 0;
}

/// The checkpoint step `job` (from the run that wrote one) against the step without (`r`, already applied).
SimulatedCheckpoint simulated_checkpoint(const nlohmann::json& job, const TrainingResult& r,
                                         const DesCheckpoint& spec) {
  SimulatedCheckpoint c;
  c.mode = spec.mode == workloads::CheckpointMode::sync ? "sync" : "async";
  c.tier = spec.tier.name;
  c.bytes = job.at("checkpoint_bytes").get<double>();
  c.write_s = job.at("checkpoint_write_s").get<double>();
  c.stall_s = job.at("start_s").get<double>();
  c.step_time_s = job.at("step_time_s").get<double>();
  c.step_without_s = r.step_time_s;
  c.contention_slowdown = r.step_time_s > 0 ? (c.step_time_s - c.stall_s) / r.step_time_s : 1.0;
  return c;
}

/// The injected faults, echoed so that a reader knows what the step time includes.
std::string faults_note(const DesEngineOptions& options) {
  std::string text = "des: failed cables applied:";
  for (const auto& f : options.failed) {
    text += " " + std::to_string(f.cables) + " on tier " + std::to_string(f.tier) + " of the route from node " +
            std::to_string(f.from_node) + " to node " + std::to_string(f.to_node) + ";";
  }
  text.back() = '.';
  return text;
}

std::string stragglers_note(const std::vector<double>& slowdown) {
  std::string text = "des: stragglers applied:";
  for (std::size_t gpu = 0; gpu < slowdown.size(); ++gpu) {
    if (slowdown[gpu] == 1) continue;
    char factor[32];
    std::snprintf(factor, sizeof factor, "%.3g", slowdown[gpu]);
    text += " GPU " + std::to_string(gpu) + " x" + factor + ";";
  }
  text.back() = '.';
  return text;
}

/// Activities (compute ops and flows) the DES would create for `jobs`, estimated from the layout: every stage
/// replica runs 2 x micro-batches x virtual stages ops, and each op may send one pipeline flow per NIC rail; the
/// gradient and parameter rings add a flow per rail per GPU.
double estimated_activities(const hw::ClusterSpec& cluster, const std::vector<workloads::TrainingJob>& jobs) {
  const double rails = std::max(1, cluster.scale_out.nics_per_node);
  double total = 0;
  for (const auto& job : jobs) {
    const auto& p = job.parallelism;
    const double ops = double(p.dp) * p.cp * p.pp * 2.0 * p.micro_batches() * p.virtual_stages;
    total += ops * (1 + rails) + 2.0 * p.gpus() * rails;
  }
  return total;
}

/// Refuses a DES run estimated above kMaxDesActivities before forking: it would outgrow the child's budget.
void check_bounded(const hw::ClusterSpec& cluster, const std::vector<workloads::TrainingJob>& jobs) {
  const double estimate = estimated_activities(cluster, jobs);
  if (estimate <= kMaxDesActivities) return;
  char shown[32];
  std::snprintf(shown, sizeof shown, "%.3g", estimate);
  throw InfeasibleError("the DES run would create about " + std::string(shown) + " ops and flows, above the " +
                        units::format_count(kMaxDesActivities) +
                        " it may simulate in one run (a 405B step on 16,384 GPUs is about 5M): use the analytical "
                        "engine, or a smaller cluster or fewer micro-batches for the DES");
}

nlohmann::json run_child(const hw::ClusterSpec& cluster, const std::vector<workloads::TrainingJob>& jobs,
                         const des::DesOptions& options) {
  return nlohmann::json::parse(
      des::run_in_child_process([&] { return encode(des::simulate_training_steps(cluster, jobs, options)); }));
}

}  // namespace

TrainingResult DesEngine::run_training(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) const {
  return run_trainings(cluster, {job}).front();
}

std::vector<TrainingResult> DesEngine::run_trainings(const hw::ClusterSpec& cluster,
                                                     const std::vector<workloads::TrainingJob>& jobs) const {
  des::DesOptions options;
  options.slowdown = options_.slowdown;
  options.trace_path = options_.trace_path;
  options.failed = options_.failed;
  options.checkpoint = options_.checkpoint;
  options.write_checkpoint = false;
  options.power_period_s = power_period_s(options_.power_trace, cluster, jobs);
  check_bounded(cluster, jobs);
  const nlohmann::json run = run_child(cluster, jobs, options);
  // One engine per process: the step with a checkpoint runs in a second child, on the same platform.
  nlohmann::json with_checkpoint;
  if (options_.checkpoint.enabled) {
    options.write_checkpoint = true;
    options.trace_path.clear();
    options.power_period_s = 0;
    with_checkpoint = run_child(cluster, jobs, options);
  }

  const AnalyticalEngine analytical;
  std::vector<TrainingResult> results;
  for (size_t i = 0; i < jobs.size(); ++i) {
    TrainingResult r = analytical.run_training(cluster, jobs[i]);
    apply(r, estimate_training_step(cluster, jobs[i]), run.at("jobs").at(i), cluster, jobs[i]);
    for (const auto& l : run.at("links")) {
      r.busiest_links.push_back({l.at("name").get<std::string>(), l.at("bytes").get<double>(),
                                 l.at("utilization").get<double>()});
    }
    // Peak memory stays out of the notes: it varies from run to run, and the notes are part of golden outputs.
    r.notes.push_back("des: " + units::format_count(static_cast<double>(run.at("activities").get<long long>())) +
                      " ops and flows simulated; pipeline, data-parallel and cross-node context- and "
                      "expert-parallel traffic runs on the fabric as " +
                      (run.value("rails_bundled", false)
                           ? std::string("one flow per transfer for all its rails (the same answer as a flow per "
                                         "rail, as every transfer spreads evenly over them)")
                           : std::string("one flow per rail")) +
                      ", tensor-parallel traffic is costed by the node model");
    if (i == 0 && !options_.failed.empty()) r.notes.push_back(faults_note(options_));
    if (i == 0 && std::any_of(options_.slowdown.begin(), options_.slowdown.end(), [](double x) { return x != 1; })) {
      r.notes.push_back(stragglers_note(options_.slowdown));
    }
    if (const auto& job = run.at("jobs").at(i); job.contains("power")) {
      r.power_trace = power_from_json(job.at("power"));
      if (options_.power_trace.period_s > 0 && r.power_trace.period_s > options_.power_trace.period_s) {
        r.notes.push_back("des: power sampled every " + units::format_time(r.power_trace.period_s) + ", not " +
                          units::format_time(options_.power_trace.period_s) + ", to stay within " +
                          std::to_string(static_cast<int>(kMaxPowerSamples)) + " samples a step");
      }
    }
    if (options_.checkpoint.enabled) {
      r.storage.des_checkpoint = simulated_checkpoint(with_checkpoint.at("jobs").at(i), r, options_.checkpoint);
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace capsim::sim
