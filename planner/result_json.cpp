#include "planner/result_json.hpp"

#include "planner/storage_reliability.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {

nlohmann::ordered_json to_json(const sim::TrainingResult& r) {
  nlohmann::ordered_json j;
  j["name"] = r.name;
  j["kind"] = "training";
  j["gpus"] = r.gpus;
  j["step_time_s"] = r.step_time_s;
  j["tokens_per_s"] = r.tokens_per_s;
  j["model_flops_per_step"] = r.model_flops_per_step;
  j["model_tflops_per_gpu"] = r.model_tflops_per_gpu;
  j["mfu"] = r.mfu;
  j["hardware_flops_per_step"] = r.hardware_flops_per_step;
  j["memory_per_gpu_bytes"] = r.memory.total_B();
  j["memory_capacity_bytes"] = r.memory_capacity_B;
  j["fits_in_memory"] = r.fits_in_memory;
  j["memory_breakdown_bytes"] = {{"weights", r.memory.weights_B},
                                 {"gradients", r.memory.gradients_B},
                                 {"optimizer", r.memory.optimizer_B},
                                 {"activations", r.memory.activations_B},
                                 {"buffers", r.memory.buffers_B}};
  nlohmann::ordered_json parts = nlohmann::ordered_json::object();
  for (const auto& [part, seconds] : r.breakdown_s) parts[part] = seconds;
  j["breakdown_s"] = parts;
  j["micro_batches"] = r.micro_batches;
  j["tokens_per_step"] = r.tokens_per_step;
  if (r.time_to_train_s > 0) j["time_to_train_s"] = r.time_to_train_s;
  if (r.power.it_power_W > 0) {
    const auto& pw = r.power;
    j["it_power_W"] = pw.it_power_W;
    j["facility_power_W"] = pw.facility_power_W;
    j["energy_per_step_J"] = pw.energy_per_step_J;
    if (pw.energy_to_train_J > 0) j["energy_to_train_J"] = pw.energy_to_train_J;
    nlohmann::ordered_json p;
    p["pue"] = pw.pue;
    p["gpu_power_W"] = pw.gpu_power_W;
    p["node_power_W"] = pw.node_power_W;
    p["idle_node_power_W"] = pw.idle_node_power_W;
    p["node_peak_W"] = pw.node_peak_W;
    p["nodes"] = pw.nodes;
    p["racks"] = pw.racks;
    p["nodes_per_rack"] = pw.nodes_per_rack;
    if (pw.energy_to_train_J > 0) {
      p["carbon_to_train_kg"] = pw.carbon_to_train_kg;
      p["electricity_cost_usd"] = pw.electricity_cost_usd;
    }
    nlohmann::ordered_json parts = nlohmann::ordered_json::object();
    for (const auto& [part, watts] : pw.breakdown_W) parts[part] = watts;
    p["breakdown_W"] = parts;
    if (!pw.problems.empty()) p["problems"] = pw.problems;
    j["power"] = p;
  }
  if (const auto& t = r.power_trace; !t.empty()) {
    nlohmann::ordered_json samples = nlohmann::ordered_json::array();
    for (const auto& s : t.samples) {
      samples.push_back({{"time_s", s.time_s}, {"gpu_W", s.gpu_W}, {"network_W", s.network_W}, {"total_W", s.total_W}});
    }
    j["power_trace"] = {{"period_s", t.period_s}, {"span_s", t.span_s}, {"energy_J", t.energy_J},
                        {"mean_W", t.mean_W}, {"peak_W", t.peak_W}, {"samples", samples}};
  }
  if (!r.memory_advice.empty()) j["memory_advice"] = r.memory_advice;
  if (!r.notes.empty()) j["notes"] = r.notes;
  if (!r.busiest_links.empty()) {
    j["busiest_links"] = nlohmann::ordered_json::array();
    for (const auto& l : r.busiest_links) {
      j["busiest_links"].push_back({{"link", l.name}, {"bytes", l.bytes}, {"utilization", l.utilization}});
    }
  }
  j["storage"] = storage_json(r.storage);
  if (const auto& c = r.storage.des_checkpoint; !c.mode.empty()) {
    j["storage"]["des_checkpoint"] = {{"mode", c.mode},
                                      {"tier", c.tier},
                                      {"bytes", c.bytes},
                                      {"write_s", c.write_s},
                                      {"stall_s", c.stall_s},
                                      {"step_time_s", c.step_time_s},
                                      {"step_time_without_s", c.step_without_s},
                                      {"contention_slowdown", c.contention_slowdown}};
  }
  j["reliability"] = reliability_json(r.reliability);
  return j;
}

namespace {

nlohmann::ordered_json latency_json(const sim::serving::LatencyStats& s) {
  return {{"mean", s.mean}, {"p50", s.p50}, {"p90", s.p90}, {"p99", s.p99}, {"max", s.max}};
}

/// Columns of the time series, one array per quantity, for plots.
nlohmann::ordered_json series_json(const sim::serving::InferenceResult& r) {
  nlohmann::ordered_json j;
  j["interval_s"] = r.interval_s;
  auto column = [&](const char* key, auto field) {
    auto& a = j[key] = nlohmann::ordered_json::array();
    for (const auto& p : r.series) a.push_back(p.*field);
  };
  using P = sim::serving::TimeSeriesPoint;
  column("start_s", &P::start_s);
  column("arrivals", &P::arrivals);
  column("running", &P::running);
  column("queued", &P::queued);
  column("output_tokens_per_s", &P::output_tokens_per_s);
  column("ttft_p90_s", &P::ttft_p90_s);
  column("first_tokens", &P::first_tokens);
  return j;
}

constexpr double kJoulesPerKWh = 3.6e6;  ///< 1 kWh = 1000 W x 3600 s

/// Details of a serving power block (the headline figures sit at the workload's top level, as for training).
nlohmann::ordered_json serving_power_json(const sim::serving::ServingPower& pw) {
  nlohmann::ordered_json p;
  p["pue"] = pw.pue;
  p["gpu_power_W"] = pw.gpu_power_W;
  p["busy_gpu_power_W"] = pw.busy_gpu_power_W;
  p["node_power_W"] = pw.node_power_W;
  p["nodes"] = pw.nodes;
  p["energy_per_million_tokens_kWh"] = pw.energy_per_million_tokens_J / kJoulesPerKWh;
  p["carbon_kg"] = pw.carbon_kg;
  p["carbon_per_million_tokens_kg"] = pw.carbon_per_million_tokens_kg;
  p["electricity_cost_usd"] = pw.electricity_cost_usd;
  p["electricity_cost_per_million_tokens_usd"] = pw.electricity_cost_per_million_tokens_usd;
  const auto& a = pw.activity;
  p["activity_s"] = {
      {"compute_bound", a.compute_bound_s}, {"memory_bound", a.memory_bound_s}, {"comm", a.comm_s}, {"idle", a.idle_s}};
  nlohmann::ordered_json parts = nlohmann::ordered_json::object();
  for (const auto& [part, watts] : pw.breakdown_W) parts[part] = watts;
  p["breakdown_W"] = parts;
  return p;
}

}  // namespace

nlohmann::ordered_json to_json(const sim::serving::InferenceResult& r) {
  nlohmann::ordered_json j;
  j["name"] = r.name;
  j["kind"] = "inference";
  j["gpu"] = r.gpu;
  j["gpus"] = r.gpus;
  j["replicas"] = r.replicas;
  j["prefill_replicas"] = r.prefill_replicas;
  j["tp"] = r.tp;
  j["pp"] = r.pp;
  j["ttft_s"] = latency_json(r.ttft_s);
  j["tpot_s"] = latency_json(r.tpot_s);
  j["e2e_s"] = latency_json(r.e2e_s);
  j["queue_s"] = latency_json(r.queue_s);
  j["output_tokens_per_s"] = r.output_tokens_per_s;
  j["input_tokens_per_s"] = r.input_tokens_per_s;
  j["requests_per_s"] = r.requests_per_s;
  j["requests"] = r.requests;
  j["completed"] = r.completed;
  j["unfinished"] = r.unfinished;
  j["rejected"] = r.rejected;
  j["duration_s"] = r.duration_s;
  if (!r.slo.empty()) {
    nlohmann::ordered_json slo;
    if (r.slo.ttft_s > 0) slo["ttft_p" + std::to_string(r.slo.ttft_percentile) + "_s"] = r.slo.ttft_s;
    if (r.slo.tpot_s > 0) slo["tpot_p" + std::to_string(r.slo.tpot_percentile) + "_s"] = r.slo.tpot_s;
    j["slo"] = slo;
  }
  j["goodput_requests_per_s"] = r.goodput_requests_per_s;
  j["slo_attainment"] = r.slo_attainment;
  j["slo_met"] = r.slo_met;
  j["kv_utilization_mean"] = r.kv_utilization_mean;
  j["kv_utilization_peak"] = r.kv_utilization_peak;
  j["kv_cache_tokens_per_replica"] = r.memory.kv_tokens;
  j["queue_mean"] = r.queue_mean;
  j["queue_max"] = r.queue_max;
  j["running_mean"] = r.running_mean;
  j["preemptions"] = r.preemptions;
  j["steps"] = r.steps;
  j["mean_step_tokens"] = r.mean_step_tokens;
  j["busy_share"] = r.busy_share;
  j["unloaded_ttft_s"] = r.unloaded_ttft_s;
  j["unloaded_tpot_s"] = r.unloaded_tpot_s;
  if (const auto& pw = r.power; pw.it_power_W > 0) {
    j["it_power_W"] = pw.it_power_W;
    j["facility_power_W"] = pw.facility_power_W;
    j["energy_J"] = pw.energy_J;
    j["energy_per_step_J"] = pw.energy_per_step_J;
    j["energy_per_million_tokens_J"] = pw.energy_per_million_tokens_J;
    j["power"] = serving_power_json(pw);
  }
  const auto& m = r.memory;
  j["memory_per_gpu_bytes"] = m.weights_B + m.activations_B + m.runtime_B + m.kv_cache_B;
  j["fits_in_memory"] = r.fits_in_memory;
  j["memory_breakdown_bytes"] = {{"weights", m.weights_B},
                                 {"activations", m.activations_B},
                                 {"runtime", m.runtime_B},
                                 {"kv_cache", m.kv_cache_B}};
  j["time_series"] = series_json(r);
  if (!r.notes.empty()) j["notes"] = r.notes;
  return j;
}

nlohmann::ordered_json to_json(const ScenarioResult& result) {
  nlohmann::ordered_json j;
  j["schema"] = "capsim/result/v1";
  j["scenario"] = result.scenario_name;
  j["engine"] = result.engine;
  j["fabric"] = to_json(result.fabric);
  j["workloads"] = nlohmann::ordered_json::array();
  for (const auto& t : result.training) j["workloads"].push_back(to_json(t));
  for (const auto& i : result.inference) j["workloads"].push_back(to_json(i));
  j["warnings"] = result.warnings;
  return j;
}


}  // namespace capsim::planner
