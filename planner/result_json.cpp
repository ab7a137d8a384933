#include "planner/result_json.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

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
  if (!r.memory_advice.empty()) j["memory_advice"] = r.memory_advice;
  if (!r.notes.empty()) j["notes"] = r.notes;
  return j;
}

nlohmann::ordered_json to_json(const ScenarioResult& result) {
  nlohmann::ordered_json j;
  j["schema"] = "capsim/result/v1";
  j["scenario"] = result.scenario_name;
  j["engine"] = result.engine;
  j["workloads"] = nlohmann::ordered_json::array();
  for (const auto& t : result.training) j["workloads"].push_back(to_json(t));
  j["warnings"] = result.warnings;
  return j;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path tmp = target;
  tmp += ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("cannot write " + tmp.string() + ": check that the folder exists and is writable");
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw Error("writing " + tmp.string() + " failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error("cannot move the result into place at " + target.string());
  }
}

}  // namespace capsim::planner
