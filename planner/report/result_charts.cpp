#include "planner/report/result_charts.hpp"

#include <algorithm>

#include "sim/core/units.hpp"

namespace capsim::planner::report {

namespace {

struct Group {
  const char* key;
  const char* legend;
  const char* color;
};
// The GUI's breakdown colours (gui/breakdown_chart.cpp).
constexpr Group kGroups[] = {{"compute", "Compute", "#2f6fb3"},
                             {"communication", "Communication (exposed)", "#e08a2c"},
                             {"idle", "Idle (pipeline bubble)", "#9aa5b1"}};

/// Power parts as the power model names them (models/hardware/power_model.cpp) and their names for people.
constexpr std::pair<const char*, const char*> kPowerLabels[] = {{"gpus", "GPUs"},
                                                                {"cpus", "CPUs"},
                                                                {"memory", "Host memory"},
                                                                {"nics", "NICs"},
                                                                {"scale_up_switches", "Scale-up switches"},
                                                                {"psu_loss", "PSU loss"},
                                                                {"fabric", "Fabric"},
                                                                {"storage", "Storage"}};

std::string power_label(const std::string& key) {
  for (const auto& [k, label] : kPowerLabels) {
    if (key == k) return label;
  }
  return breakdown_label(key);
}

}  // namespace

std::string breakdown_group_color(const std::string& group) {
  for (const Group& g : kGroups) {
    if (group == g.key) return g.color;
  }
  return kGroups[2].color;
}

RangeBarChart breakdown_chart(const BarSeries& series) {
  RangeBarChart chart;
  chart.title = "Step-time breakdown: " + units::format_time(series.total) + " per step";
  chart.x_title = "time per training step";
  double largest = 0;
  for (std::size_t i = 0; i < series.values.size(); ++i) {
    const std::string group = i < series.groups.size() ? series.groups[i] : "idle";
    chart.rows.push_back(
        {series.labels[i], {{0, series.values[i], breakdown_group_color(group)}}, std::nullopt, series.value_texts[i]});
    largest = std::max(largest, series.values[i]);
  }
  for (const Group& g : kGroups) {
    if (std::find(series.groups.begin(), series.groups.end(), g.key) != series.groups.end()) {
      chart.legend.push_back({g.legend, g.color});
    }
  }
  chart.x_ticks = nice_ticks(0, largest, kValueAxisTicks, TickFormat::seconds);
  return chart;
}

RangeBarChart breakdown_chart(const std::vector<std::pair<std::string, double>>& breakdown_s) {
  sim::TrainingResult result;
  result.breakdown_s = breakdown_s;
  return breakdown_chart(make_breakdown_series(result));
}

RangeBarChart memory_chart(const StackSeries& series) {
  RangeBarChart chart;
  chart.title = series.title + ": " + series.total_text +
                (series.limit > 0 ? " of " + units::format_bytes(series.limit) : std::string());
  chart.x_title = "bytes per GPU";
  RangeRow row;
  row.label = series.within_limit ? "fits" : "does not fit";
  double at = 0;
  for (std::size_t i = 0; i < series.values.size(); ++i) {
    const std::string color = palette_color(i);
    chart.legend.push_back({series.labels[i] + " " + series.value_texts[i], color});
    if (series.values[i] <= 0) continue;
    row.segments.push_back({at, at + series.values[i], color});
    at += series.values[i];
  }
  row.value_text = series.total_text;
  chart.rows.push_back(std::move(row));
  if (series.limit > 0) {
    chart.reference = series.limit;
    chart.reference_label = series.limit_label;
  }
  chart.x_ticks = nice_ticks(0, std::max(series.total, series.limit), kValueAxisTicks, TickFormat::bytes);
  return chart;
}

RangeBarChart power_chart(const std::vector<std::pair<std::string, double>>& parts_W, const std::string& title) {
  std::vector<std::pair<std::string, double>> parts;
  double total = 0;
  for (const auto& part : parts_W) {
    if (part.second == 0) continue;
    parts.push_back(part);
    total += part.second;
  }
  std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  RangeBarChart chart;
  chart.title = title + ": " + units::format_power(total);
  chart.x_title = "IT power";
  double largest = 0, smallest = 0;
  for (const auto& [key, watts] : parts) {
    const std::string share = total != 0 ? " (" + units::format_percent(watts / total) + ")" : "";
    chart.rows.push_back(
        {power_label(key), {{0, watts, palette_color(0)}}, std::nullopt, units::format_power(watts) + share});
    largest = std::max(largest, watts);
    smallest = std::min(smallest, watts);
  }
  chart.x_ticks = nice_ticks(smallest, largest, kValueAxisTicks, TickFormat::watts);
  return chart;
}

}  // namespace capsim::planner::report
