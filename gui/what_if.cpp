#include "gui/what_if.hpp"

#include <chrono>
#include <exception>
#include <variant>

#include "models/hardware/calibration_profile.hpp"
#include "models/hardware/power_model.hpp"
#include "planner/json_reader.hpp"
#include "planner/run.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

using ll = long long;

std::string str(ll v) { return std::to_string(v); }

/// "1, 2, 4, 8, 16, 32 or 64": divisors of `n`, for hints (n is a head count, so small).
std::string divisors(ll n) {
  std::string out;
  std::vector<ll> found;
  for (ll d = 1; d <= n && found.size() < 12; ++d) {
    if (n % d == 0) found.push_back(d);
  }
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i > 0) out += i + 1 == found.size() ? " or " : ", ";
    out += str(found[i]);
  }
  return out;
}

const workloads::TrainingJob& training_job(const planner::Scenario& scenario, int index) {
  return std::get<workloads::TrainingJob>(scenario.workloads.at(static_cast<std::size_t>(index)));
}

/// The rules of planner/scenario_checks.cpp that the edited fields can break, worded the same way.
void check_layout(const workloads::TrainingJob& job, const WhatIf& w, std::vector<std::string>& out) {
  const workloads::TransformerModel& m = job.model;
  if (m.heads % w.tp != 0) {
    out.push_back("tp " + str(w.tp) + " does not divide heads (" + str(m.heads) + "): use a tp of " +
                  divisors(m.heads));
  } else if (m.kv_heads > 0 && m.kv_heads % w.tp != 0 && w.tp % m.kv_heads != 0) {
    out.push_back("tp " + str(w.tp) + " and kv_heads (" + str(m.kv_heads) +
                  ") do not divide one another: use a tp that divides " + str(m.kv_heads) + " or a multiple of it");
  }
  if (w.pp > m.layers) {
    out.push_back("pp " + str(w.pp) + " is more than layers (" + str(m.layers) +
                  "): every stage needs at least one layer");
  }
  if (w.virtual_stages > 1 && w.pp == 1) {
    out.push_back("virtual_stages " + str(w.virtual_stages) + " needs pp > 1");
  } else if (w.pp <= m.layers && static_cast<ll>(w.pp) * w.virtual_stages > m.layers) {
    out.push_back("pp x virtual_stages = " + str(static_cast<ll>(w.pp) * w.virtual_stages) + " is more than layers (" +
                  str(m.layers) + "): use virtual_stages <= " + str(m.layers / w.pp));
  }
  const ll per_step = static_cast<ll>(w.dp) * w.micro_batch;
  if (w.global_batch % per_step != 0) {
    out.push_back("global_batch " + str(w.global_batch) + " does not split into micro-batches: dp (" + str(w.dp) +
                  ") x micro_batch (" + str(w.micro_batch) + ") = " + str(per_step) + " does not divide it");
  } else if (w.virtual_stages > 1 && w.pp > 1 && (w.global_batch / per_step) % w.pp != 0) {
    out.push_back("the interleaved schedule (virtual_stages " + str(w.virtual_stages) +
                  ") needs the micro-batch count (" + str(w.global_batch / per_step) + ") to be a multiple of pp (" +
                  str(w.pp) + ")");
  }
  const workloads::Parallelism& p = job.parallelism;
  if (p.ep > 1 && (static_cast<ll>(w.dp) * p.cp) % p.ep != 0) {
    out.push_back("ep (" + str(p.ep) + ") does not divide dp x cp (" + str(static_cast<ll>(w.dp) * p.cp) +
                  "): experts are spread inside the data-parallel group");
  }
}

/// The loader's rules for `cluster.power.gpu_power_cap` (planner/facility_scenario.cpp), worded the same way.
void check_power_cap(const hw::GpuSpec& gpu, double cap_W, std::vector<std::string>& out) {
  if (cap_W == 0) return;
  if (cap_W < 0) {
    out.push_back("a GPU power cap of " + units::format_power(cap_W) + " is negative: use 0 for no cap");
  } else if (gpu.tdp_W > 0 && cap_W > gpu.tdp_W) {
    out.push_back("a cap of " + units::format_power(cap_W) + " is above the " + gpu.id + "'s TDP of " +
                  units::format_power(gpu.tdp_W) + ": use at most " + units::format_power(gpu.tdp_W) +
                  ", or none for no cap");
  } else if (cap_W <= gpu.idle_W) {
    out.push_back("a cap of " + units::format_power(cap_W) + " is not above the GPU's idle draw of " +
                  units::format_power(gpu.idle_W) + ": a GPU cannot run below its idle power; use e.g. half its TDP");
  }
}

}  // namespace

HardwareBaseline hardware_baseline(const nlohmann::json& doc, const std::string& file) {
  nlohmann::json uncapped = doc;
  bool names_profile = false;
  if (uncapped.is_object() && uncapped.contains("cluster") && uncapped["cluster"].is_object()) {
    nlohmann::json& cluster = uncapped["cluster"];
    if (cluster.contains("power") && cluster["power"].is_object()) cluster["power"].erase("gpu_power_cap");
    names_profile = cluster.contains("calibration");
  }
  nlohmann::json datasheet = uncapped;
  if (names_profile) datasheet["cluster"].erase("calibration");

  HardwareBaseline out;
  out.datasheet = planner::load_scenario(datasheet, file).cluster;
  if (names_profile) {
    out.measured = planner::load_scenario(uncapped, file).cluster;
    out.file_figures = HardwareFigures::measured;
    const nlohmann::json& named = uncapped["cluster"]["calibration"];
    out.measured_source = named.is_string() ? named.get<std::string>() : hw::kBuiltinProfile;
  } else if (const hw::CalibrationProfile* profile = hw::builtin_profile(out.datasheet.gpu.id)) {
    // What `"calibration": "builtin"` would have done (planner/scenario.cpp): the GPU figures and measured curves.
    hw::ClusterSpec measured = out.datasheet;
    hw::apply_profile(measured.gpu, *profile);
    for (const auto& curve : profile->collectives) measured.scale_out.nccl_tests.push_back(curve);
    out.measured = std::move(measured);
    out.measured_source = hw::kBuiltinProfile;
  }
  return out;
}

HardwareBaseline hardware_baseline_file(const std::string& path) {
  std::vector<Diagnostic> found;
  std::string text;
  std::optional<nlohmann::json> doc;
  if (planner::read_text_file(path, text, path, "", found)) doc = planner::parse_json_text(text, path, found);
  if (!doc) throw InputError(found);
  return hardware_baseline(*doc, path);
}

int first_training_index(const planner::Scenario& scenario) {
  for (std::size_t i = 0; i < scenario.workloads.size(); ++i) {
    if (std::holds_alternative<workloads::TrainingJob>(scenario.workloads[i])) return static_cast<int>(i);
  }
  return -1;
}

WhatIf what_if_of(const workloads::TrainingJob& job) {
  const workloads::Parallelism& p = job.parallelism;
  return WhatIf{p.tp, p.pp, p.dp, p.micro_batch, p.global_batch, p.virtual_stages, p.recompute, p.zero, job.precision};
}

long long gpus_needed(const planner::Scenario& scenario, int index, const WhatIf& w) {
  ll need = 0;
  for (std::size_t i = 0; i < scenario.workloads.size(); ++i) {
    const auto& workload = scenario.workloads[i];
    if (static_cast<int>(i) == index) {
      const int cp = training_job(scenario, index).parallelism.cp;
      need += static_cast<ll>(w.tp) * w.pp * cp * w.dp;
    } else if (const auto* job = std::get_if<workloads::TrainingJob>(&workload)) {
      const workloads::Parallelism& p = job->parallelism;
      need += static_cast<ll>(p.tp) * p.pp * p.cp * p.dp;
    } else {
      const auto& serve = std::get<workloads::InferenceJob>(workload);
      need += static_cast<ll>(serve.tp) * serve.pp * serve.replicas;
    }
  }
  return need;
}

WhatIf what_if_of(const planner::Scenario& scenario, const HardwareBaseline& hardware, int index) {
  WhatIf w = what_if_of(training_job(scenario, index));
  w.gpu_power_cap_W = scenario.cluster.power.gpu_power_cap_W;
  w.figures = hardware.file_figures;
  return w;
}

const hw::ClusterSpec* chosen_cluster(const HardwareBaseline& hardware, const WhatIf& w) {
  if (w.figures == HardwareFigures::datasheet) return &hardware.datasheet;
  return hardware.measured ? &*hardware.measured : nullptr;
}

std::vector<std::string> check_what_if(const planner::Scenario& scenario, const HardwareBaseline& hardware, int index,
                                       const WhatIf& w) {
  std::vector<std::string> out;
  if (index < 0 || static_cast<std::size_t>(index) >= scenario.workloads.size() ||
      !std::holds_alternative<workloads::TrainingJob>(scenario.workloads[static_cast<std::size_t>(index)])) {
    out.push_back("the scenario has no training workload to edit");
    return out;
  }
  for (const auto& [name, value] : {std::pair<const char*, int>{"tp", w.tp},
                                    {"pp", w.pp},
                                    {"dp", w.dp},
                                    {"micro_batch", w.micro_batch},
                                    {"global_batch", w.global_batch},
                                    {"virtual_stages", w.virtual_stages}}) {
    if (value < 1) out.push_back(std::string(name) + " must be at least 1, not " + str(value));
  }
  if (w.zero < 0 || w.zero > 3) out.push_back("zero must be a ZeRO stage from 0 to 3, not " + str(w.zero));
  if (!out.empty()) return out;  // the divisibility rules below assume positive factors

  check_layout(training_job(scenario, index), w, out);
  const hw::ClusterSpec* cluster = chosen_cluster(hardware, w);
  if (cluster == nullptr) {
    std::string have;
    for (const auto& p : hw::builtin_profiles()) have += (have.empty() ? "" : ", ") + p.gpu;
    out.push_back("CapSim ships no measured profile for " + hardware.datasheet.gpu.id + " (it has: " + have +
                  "): use datasheet figures, or measure one with `capsim calibrate` and name it in the scenario");
    cluster = &hardware.datasheet;
  }
  check_power_cap(cluster->gpu, w.gpu_power_cap_W, out);
  const hw::GpuSpec& gpu = scenario.cluster.gpu;
  if (!gpu.supports(w.precision)) {
    out.push_back("the " + gpu.id + " has no " + std::string(hw::to_string(w.precision)) + " math");
  }
  const ll need = gpus_needed(scenario, index, w);
  const ll have = scenario.cluster.total_gpus();
  if (need > have) {
    out.push_back("the workloads need " + str(need) + " GPUs but the cluster has " + str(have) + ": " +
                  str(need - have) + " too many");
  }
  return out;
}

void apply_what_if(planner::Scenario& scenario, const HardwareBaseline& hardware, int index, const WhatIf& w) {
  // A fresh copy of the uncapped cluster every time: the cap is applied once, after the profile, as the loader does.
  const hw::ClusterSpec* cluster = chosen_cluster(hardware, w);
  if (cluster == nullptr) throw InfeasibleError("no measured profile for " + hardware.datasheet.gpu.id);
  scenario.cluster = *cluster;
  scenario.cluster.power.gpu_power_cap_W = w.gpu_power_cap_W;
  hw::apply_power_cap(scenario.cluster.gpu, w.gpu_power_cap_W);
  auto& job = std::get<workloads::TrainingJob>(scenario.workloads.at(static_cast<std::size_t>(index)));
  workloads::Parallelism& p = job.parallelism;
  p.tp = w.tp;
  p.pp = w.pp;
  p.dp = w.dp;
  p.micro_batch = w.micro_batch;
  p.global_batch = w.global_batch;
  p.virtual_stages = w.virtual_stages;
  p.recompute = w.recompute;
  p.zero = w.zero;
  job.precision = w.precision;
}

WhatIfOutcome evaluate_what_if(const planner::Scenario& base, const HardwareBaseline& hardware, int index,
                               const WhatIf& w, const std::string& engine) {
  WhatIfOutcome outcome;
  outcome.problems = check_what_if(base, hardware, index, w);
  if (!outcome.problems.empty()) return outcome;
  planner::Scenario scenario = base;
  apply_what_if(scenario, hardware, index, w);
  // Results come back in the order of the training workloads; ours is preceded by the training jobs before it.
  std::size_t result_slot = 0;
  for (int i = 0; i < index; ++i) {
    if (std::holds_alternative<workloads::TrainingJob>(scenario.workloads[static_cast<std::size_t>(i)])) {
      ++result_slot;
    }
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    planner::ScenarioResult run = planner::run_scenario(scenario, engine);
    outcome.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcome.engine = run.engine;
    outcome.warnings = run.warnings;
    if (result_slot < run.training.size()) {
      outcome.result = std::move(run.training[result_slot]);
    } else {
      outcome.problems.push_back("the engine returned no result for this workload");
    }
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) outcome.problems.push_back(d.to_string());
  } catch (const Error& e) {
    outcome.problems.push_back(e.what());
  } catch (const std::exception& e) {
    // A bug below the GUI must not take the planner's session down with it; say so plainly instead.
    outcome.problems.push_back(std::string("internal error: ") + e.what());
  }
  return outcome;
}

}  // namespace capsim::gui
