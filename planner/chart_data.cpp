#include "planner/chart_data.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "sim/core/units.hpp"

namespace capsim::planner {

namespace {

/// Breakdown keys the engines emit (sim/analytical/analytical_engine.cpp) and their names for people.
constexpr std::array<std::pair<const char*, const char*>, 9> kBreakdownLabels{{
    {"compute", "Compute"},
    {"tp_comm", "Tensor-parallel comm"},
    {"cp_comm", "Context-parallel comm"},
    {"ep_comm", "Expert-parallel comm"},
    {"pp_comm", "Pipeline comm"},
    {"bubble", "Pipeline bubble"},
    {"dp_comm", "Data-parallel comm"},
    {"param_gather", "Parameter all-gather"},
    {"optimizer", "Optimizer step"},
}};

std::string with_share(const std::string& value, double share) {
  return value + " (" + units::format_percent(share) + ")";
}

}  // namespace

std::string breakdown_label(const std::string& key) {
  for (const auto& [k, label] : kBreakdownLabels) {
    if (key == k) return label;
  }
  std::string spelled = key;
  for (char& c : spelled) {
    if (c == '_') c = ' ';
  }
  if (!spelled.empty()) spelled[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(spelled[0])));
  return spelled;
}

std::string breakdown_group(const std::string& key) {
  if (key == "compute" || key == "optimizer") return "compute";
  const std::string comm = "_comm";
  const bool ends_in_comm = key.size() >= comm.size() && key.compare(key.size() - comm.size(), comm.size(), comm) == 0;
  if (ends_in_comm || key == "param_gather") return "communication";
  return "idle";
}

BarSeries make_breakdown_series(const sim::TrainingResult& result) {
  BarSeries s;
  s.title = "Step-time breakdown";
  s.unit = "s";
  for (const auto& [key, seconds] : result.breakdown_s) {
    if (seconds == 0) continue;
    s.keys.push_back(key);
    s.labels.push_back(breakdown_label(key));
    s.groups.push_back(breakdown_group(key));
    s.values.push_back(seconds);
    s.total += seconds;
  }
  for (double v : s.values) {
    const double share = s.total != 0 ? v / s.total : 0.0;
    s.shares.push_back(share);
    s.value_texts.push_back(with_share(units::format_time(v), share));
  }
  return s;
}

StackSeries make_memory_series(const sim::TrainingResult& result) {
  const sim::MemoryBreakdown& m = result.memory;
  StackSeries s;
  s.title = "Memory per GPU";
  s.unit = "B";
  s.labels = {"Weights", "Gradients", "Optimizer states", "Activations", "Buffers"};
  s.values = {m.weights_B, m.gradients_B, m.optimizer_B, m.activations_B, m.buffers_B};
  for (double v : s.values) {
    s.value_texts.push_back(units::format_bytes(v));
    s.total += v;
  }
  s.total_text = units::format_bytes(s.total);
  s.limit = result.memory_capacity_B;
  if (s.limit > 0) {
    s.limit_label = "HBM capacity " + units::format_bytes(s.limit);
    s.within_limit = s.total <= s.limit;
  }
  return s;
}

std::vector<SummaryRow> make_summary_rows(const sim::TrainingResult& r) {
  std::vector<SummaryRow> rows;
  const auto headline = [&rows](std::string label, std::string value, std::string brief = {}, bool warning = false) {
    rows.push_back({std::move(label), std::move(value), std::move(brief), true, warning});
  };
  const auto detail = [&rows](std::string label, std::string value, bool warning = false) {
    rows.push_back({std::move(label), std::move(value), {}, false, warning});
  };

  headline("Step time", units::format_time(r.step_time_s));
  headline("Tokens/s", units::format_count(r.tokens_per_s) + " tokens/s");
  headline("MFU", units::format_percent(r.mfu));
  const double memory_B = r.memory.total_B();
  std::string memory = units::format_bytes(memory_B);
  std::string memory_brief = memory;
  if (r.memory_capacity_B > 0) {
    memory_brief += " of " + units::format_bytes(r.memory_capacity_B);
    memory = memory_brief + " (" + units::format_percent(memory_B / r.memory_capacity_B) + ")";
  }
  if (!r.fits_in_memory) memory += ": does not fit";
  headline("Memory per GPU", memory, memory_brief, !r.fits_in_memory);
  if (r.time_to_train_s > 0) {
    headline("Time to train", units::format_time(r.time_to_train_s));
  } else {
    headline("Time to train", "n/a (no token count)", "n/a");
  }

  detail("GPUs", std::to_string(r.gpus));
  detail("Model FLOP/s per GPU", units::format_flop_rate(r.model_tflops_per_gpu * 1e12));
  detail("Tokens per step", units::format_count(r.tokens_per_step));
  detail("Micro-batches per step", std::to_string(r.micro_batches));
  detail("Model FLOPs per step", units::format_flops(r.model_flops_per_step));
  if (r.hardware_flops_per_step > 0) {
    detail("Hardware FLOPs per step", units::format_flops(r.hardware_flops_per_step));
  }
  for (const std::string& advice : r.memory_advice) detail("To fit", advice, true);
  for (const std::string& note : r.notes) detail("Note", note);
  return rows;
}

}  // namespace capsim::planner
