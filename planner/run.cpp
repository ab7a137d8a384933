#include "planner/run.hpp"

#include <memory>
#include <string>

#include "planner/storage_reliability.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/serving/serving_simulation.hpp"

namespace capsim::planner {

namespace {

std::unique_ptr<sim::Engine> make_engine(const std::string& name, const sim::DesEngineOptions& options) {
  if (name == "analytical") return std::make_unique<sim::AnalyticalEngine>();
  if (name == "des") return std::make_unique<sim::DesEngine>(options);
  throw UsageError("unknown engine \"" + name + "\": expected \"analytical\" or \"des\"");
}

constexpr double kMinNicBps = 1e9 / 8;  // 1 Gb/s: every datacenter NIC of the last decade is faster
constexpr double kMaxSloS = 60;        // a TTFT or TPOT target over a minute is a unit slip ("1000" meant ms)

int workload_gpus(const std::variant<workloads::TrainingJob, workloads::InferenceJob>& workload) {
  if (const auto* job = std::get_if<workloads::TrainingJob>(&workload)) return job->parallelism.gpus();
  const auto& serve = std::get<workloads::InferenceJob>(workload);
  return serve.replicas * serve.tp * serve.pp;
}

/// The results' own verdicts: what does not fit, which SLO is missed.
void add_result_warnings(ScenarioResult& result) {
  for (const auto& r : result.training) {
    if (!r.fits_in_memory) {
      result.warnings.push_back("\"" + r.name + "\" does not fit in GPU memory: " +
                                units::format_bytes(r.memory.total_B()) + " per GPU of " +
                                units::format_bytes(r.memory_capacity_B) + " (see its advice)");
    }
  }
  for (const auto& r : result.inference) {
    if (!r.fits_in_memory) {
      result.warnings.push_back("\"" + r.name + "\" does not fit in GPU memory: nothing was simulated");
    } else if (!r.slo.empty() && !r.slo_met) {
      result.warnings.push_back("\"" + r.name + "\" misses its SLO (capsim plan-serving sizes a fleet that meets it)");
    }
  }
}

}  // namespace

bool ScenarioResult::infeasible() const {
  for (const auto& r : training) {
    if (!r.fits_in_memory) return true;
  }
  for (const auto& r : inference) {
    if (!r.fits_in_memory) return true;
  }
  return false;
}

bool ScenarioResult::slo_missed() const {
  for (const auto& r : inference) {
    if (r.fits_in_memory && !r.slo.empty() && !r.slo_met) return true;
  }
  return false;
}

std::vector<std::string> input_warnings(const Scenario& scenario) {
  std::vector<std::string> out;
  const hw::ClusterSpec& c = scenario.cluster;
  if (c.scale_out.nic_bw_Bps < kMinNicBps) {
    out.push_back("/cluster/scale_out/nic_bandwidth: " + units::format_bandwidth(c.scale_out.nic_bw_Bps) +
                  " per NIC is under 1 Gb/s; datacenter NICs run 100-800 Gb/s (\"400 Gb/s\")");
  }
  if (c.scale_up.bw_Bps > c.gpu.scale_up.bw_Bps * 1.0001 && c.gpu.scale_up.bw_Bps > 0) {
    out.push_back("/cluster/scale_up/bandwidth: " + units::format_bandwidth(c.scale_up.bw_Bps) + " is above the " +
                  c.gpu.name + "'s " + units::format_bandwidth(c.gpu.scale_up.bw_Bps) +
                  " in the catalog; bandwidths are per direction, and datasheets often add both directions");
  }
  int used = 0;
  for (std::size_t i = 0; i < scenario.workloads.size(); ++i) {
    used += workload_gpus(scenario.workloads[i]);
    const auto* serve = std::get_if<workloads::InferenceJob>(&scenario.workloads[i]);
    if (serve == nullptr) continue;
    const std::string slo = "/workloads/" + std::to_string(i) + "/slo/";
    if (serve->slo.ttft_s > kMaxSloS) {
      out.push_back(slo + "ttft_p" + std::to_string(serve->slo.ttft_percentile) + ": " +
                    units::format_time(serve->slo.ttft_s) + " is over a minute; was it meant in ms (\"1000 ms\")?");
    }
    if (serve->slo.tpot_s > kMaxSloS) {
      out.push_back(slo + "tpot_p" + std::to_string(serve->slo.tpot_percentile) + ": " +
                    units::format_time(serve->slo.tpot_s) + " per output token is over a minute; was it meant in ms?");
    }
  }
  const int idle = c.total_gpus() - used;
  if (idle > 0 && used > 0) {
    out.push_back("/cluster: " + units::format_integer(idle) + " of " + units::format_integer(c.total_gpus()) +
                  " GPUs (" + units::format_count(idle / static_cast<double>(c.gpus_per_node)) +
                  " nodes) run no workload, yet power, racks and cost count them; size the parallelism or \"nodes\" "
                  "to use them");
  }
  return out;
}

ScenarioResult run_scenario(const Scenario& scenario, const std::string& engine_override) {
  const std::string engine_name = engine_override.empty() ? scenario.simulation.engine : engine_override;
  const auto engine = make_engine(engine_name, scenario.simulation.des);
  ScenarioResult result;
  result.scenario_name = scenario.name;
  result.engine = engine->name();
  result.fabric = fabric_inventory(scenario.cluster);
  result.warnings = input_warnings(scenario);
  // Training jobs run together: on the DES they share the fabric and interfere.
  std::vector<workloads::TrainingJob> jobs;
  for (const auto& workload : scenario.workloads) {
    if (const auto* job = std::get_if<workloads::TrainingJob>(&workload)) jobs.push_back(*job);
  }
  if (!jobs.empty()) result.training = engine->run_trainings(scenario.cluster, jobs);
  if (jobs.empty() && engine_name == "des") {
    result.warnings.push_back("the des engine times training only and this scenario has none: serving ran its "
                              "request-level event loop, as it does under every engine");
  }
  for (std::size_t i = 0; i < result.training.size() && i < jobs.size(); ++i) {
    add_storage_and_reliability(scenario, jobs[i], result.training[i]);
  }
  for (const auto& workload : scenario.workloads) {
    if (std::holds_alternative<workloads::InferenceJob>(workload)) {
      // Serving always runs the request-level event loop (sim/serving), whichever engine times training.
      const auto& serve = std::get<workloads::InferenceJob>(workload);
      result.inference.push_back(sim::serving::simulate_serving(scenario.cluster, serve, scenario.simulation.seed));
    }
  }
  add_result_warnings(result);
  return result;
}

}  // namespace capsim::planner
