#include "gui/compare_snapshot.hpp"

#include <cmath>
#include <map>

#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

using planner::report::TickFormat;

CompareFigure money(const std::string& label, double usd) {
  return {label, units::format_money(usd), usd, true, true, TickFormat::money};
}
CompareFigure time(const std::string& label, double s) {
  return {label, units::format_time(s), s, true, true, TickFormat::seconds};
}
CompareFigure text(const std::string& label, const std::string& t) { return {label, t, 0, false, true, TickFormat::count}; }
CompareFigure higher(const std::string& label, const std::string& t, double v, TickFormat f = TickFormat::count) {
  return {label, t, v, true, false, f};
}

}  // namespace

Snapshot snapshot_of(const std::string& label, const planner::tco::PlanResult& plan) {
  Snapshot s;
  s.label = label;
  s.kind = "study";
  s.source = plan.file;
  s.figures.push_back(text("Recommended", plan.recommended.empty() ? "none" : plan.recommended));
  for (const auto& o : plan.options) {
    if (o.name == plan.recommended) {
      s.figures.push_back(money("Recommended: NPV", o.npv_usd));
      s.figures.push_back(money("Recommended: total cost", o.total_cost_usd));
    }
  }
  for (const auto& o : plan.options) {
    s.figures.push_back(money(o.name + ": NPV", o.npv_usd));
    s.figures.push_back(money(o.name + ": $/GPU-hour", o.cost_per_gpu_hour_usd));
    if (o.cost_per_million_tokens_usd > 0)
      s.figures.push_back(money(o.name + ": $/million tokens", o.cost_per_million_tokens_usd));
    if (o.kind != "cloud")
      s.figures.push_back(text(o.name + ": break-even",
                               o.break_even_month ? "month " + std::to_string(*o.break_even_month + 1) : "never"));
    s.option_npv_usd.emplace_back(o.name, o.npv_usd);
  }
  return s;
}

Snapshot snapshot_of(const std::string& label, const std::string& source, const sim::TrainingResult& r) {
  Snapshot s;
  s.label = label;
  s.kind = "training";
  s.source = source;
  s.figures.push_back(text("Workload", r.name));
  s.figures.push_back({"GPUs", units::format_integer(r.gpus), static_cast<double>(r.gpus), true, true, TickFormat::count});
  s.figures.push_back(time("Step time", r.step_time_s));
  s.figures.push_back(higher("Tokens/s", units::format_count(r.tokens_per_s), r.tokens_per_s));
  s.figures.push_back(higher("MFU", units::format_percent(r.mfu), r.mfu, TickFormat::percent));
  s.figures.push_back(
      {"Memory per GPU", units::format_bytes(r.memory.total_B()), r.memory.total_B(), true, true, TickFormat::bytes});
  if (r.time_to_train_s > 0) s.figures.push_back(time("Time to train", r.time_to_train_s));
  if (r.power.it_power_W > 0)
    s.figures.push_back(
        {"IT power", units::format_power(r.power.it_power_W), r.power.it_power_W, true, true, TickFormat::watts});
  return s;
}

Snapshot snapshot_of(const std::string& label, const std::string& source,
                     const std::vector<sim::serving::InferenceResult>& results) {
  Snapshot s;
  s.label = label;
  s.kind = "serving";
  s.source = source;
  for (const auto& r : results) {
    const std::string p = results.size() > 1 ? r.name + ": " : "";
    s.figures.push_back(
        {p + "GPUs", units::format_integer(r.gpus), static_cast<double>(r.gpus), true, true, TickFormat::count});
    s.figures.push_back(time(p + "TTFT p90", r.ttft_s.p90));
    s.figures.push_back(time(p + "TTFT p99", r.ttft_s.p99));
    s.figures.push_back(time(p + "TPOT p99", r.tpot_s.p99));
    s.figures.push_back(higher(p + "Output tokens/s", units::format_count(r.output_tokens_per_s), r.output_tokens_per_s));
    s.figures.push_back(higher(p + "SLO attainment", units::format_percent(r.slo_attainment), r.slo_attainment, TickFormat::percent));
    s.figures.push_back(text(p + "SLO", r.slo_met ? "met" : "missed"));
  }
  return s;
}

std::vector<CompareRow> compare_rows(const std::vector<Snapshot>& snapshots) {
  std::vector<CompareRow> rows;
  std::map<std::string, std::size_t> where;
  for (std::size_t c = 0; c < snapshots.size(); ++c) {
    for (const CompareFigure& f : snapshots[c].figures) {
      auto [it, fresh] = where.emplace(f.label, rows.size());
      if (fresh) rows.push_back({f.label, std::vector<std::optional<CompareFigure>>(snapshots.size())});
      rows[it->second].cells[c] = f;
    }
  }
  return rows;
}

std::string delta_text(const CompareRow& row, std::size_t column) {
  if (column == 0 || column >= row.cells.size() || !row.cells[0] || !row.cells[column]) return "";
  const CompareFigure& base = *row.cells[0];
  const CompareFigure& f = *row.cells[column];
  if (!base.has_value || !f.has_value || f.value == base.value) return "";
  const double d = f.value - base.value;
  std::string abs;
  if (f.text.find('$') != std::string::npos) {
    abs = (d > 0 ? "+" : "-") + units::format_money(std::fabs(d));
  }
  std::string rel;
  if (base.value != 0) {
    const double r = d / std::fabs(base.value);
    rel = (r > 0 ? "+" : "") + units::format_percent(r);
  }
  if (abs.empty()) return rel;
  return rel.empty() ? abs : abs + " (" + rel + ")";
}

}  // namespace capsim::gui
