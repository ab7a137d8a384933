// `capsim plan STUDY`: the cost of each option of a study over its horizon, the recommendation first.
#include <filesystem>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/plan_reports.hpp"
#include "planner/report/plan_tables.hpp"
#include "planner/tco/plan.hpp"
#include "planner/tco/study.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using planner::tco::OptionResult;
using planner::tco::PlanResult;

std::string month_or_never(const std::optional<int>& m) { return m ? "month " + std::to_string(*m + 1) : "never"; }

std::string category_label(const std::string& key) {
  std::string s = key;
  for (char& c : s) c = c == '_' ? ' ' : c;
  return s;
}

}  // namespace

std::string plan_summary(const PlanResult& p) {
  std::ostringstream out;
  out << fmt::format("CapSim plan: study \"{}\", {} months, discount rate {}\n\n", p.study, p.horizon_months,
                     units::format_percent(p.discount_rate));
  out << p.headline << "\n";
  for (const auto& r : p.reasons) out << "  - " << r << "\n";
  out << "\n";
  out << fmt::format("  {:<22} {:<8} {:>12} {:>12} {:>10} {:>10} {:>9} {:>11} {:>11}\n", "option", "kind", "total",
                     "NPV", "$/GPU-h", "$/M tok", "util.", "break-even", "cash back");
  for (const OptionResult& o : p.options) {
    out << fmt::format("  {:<22} {:<8} {:>12} {:>12} {:>10} {:>10} {:>9} {:>11} {:>11}{}\n", o.name.substr(0, 22), o.kind,
                       units::format_money(o.total_cost_usd), units::format_money(o.npv_usd),
                       units::format_money(o.cost_per_gpu_hour_usd), units::format_money(o.cost_per_million_tokens_usd),
                       planner::report::utilization_text(o),
                       o.kind == "cloud" ? "-" : month_or_never(o.break_even_month),
                       o.kind == "cloud" ? "-" : month_or_never(o.payback_month),
                       o.name == p.recommended ? "  <- recommended" : "");
  }
  out << "  break-even: from this month on, the cost to date (owned hardware at book value) stays below the cheapest\n"
         "  cloud option's; cash back: the same with cash only (hardware at its price, no book value)\n\n";
  for (const OptionResult& o : p.options) {
    out << fmt::format("{} ({}): {}\n", o.name, o.kind, o.description);
    out << fmt::format("  {} GPU-hours of work on {}", units::format_count(o.gpu_hours), o.gpu);
    if (o.cloud_gpu_hours > 0 && o.kind != "cloud") out << fmt::format(", {} rented", units::format_count(o.cloud_gpu_hours));
    if (o.owned_gpus > 0) out << fmt::format("; {} GPUs owned", o.owned_gpus);
    out << "\n  ";
    bool first = true;
    for (const auto& [cat, usd] : o.cost_by_category_usd) {
      out << (first ? "" : ", ") << category_label(cat) << " " << units::format_money(usd);
      first = false;
    }
    out << "\n";
    for (const std::string& n : o.notes) out << "  note: " << n << "\n";
  }
  if (!p.sensitivity.empty()) {
    out << fmt::format("\nSensitivity of \"{}\" (NPV) to each input at -/+{}:\n", p.recommended,
                       units::format_percent(p.sensitivity_range));
    std::size_t best = 0;
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      if (p.options[i].name == p.recommended) best = i;
    }
    const double base = p.options[best].npv_usd;
    for (const auto& b : p.sensitivity) {
      out << fmt::format("  {:<40} {:>12} {:>12}\n", b.label, units::format_money(b.low_total_usd[best] - base),
                         units::format_money(b.high_total_usd[best] - base));
    }
  }
  if (p.monte_carlo) {
    const auto& mc = *p.monte_carlo;
    out << fmt::format("\nMonte Carlo, {} samples (NPV):\n", mc.samples);
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      out << fmt::format("  {:<22} P10 {:>10}  P50 {:>10}  P90 {:>10}  cheapest in {}\n", p.options[i].name.substr(0, 22),
                         units::format_money(mc.p10_usd[i]), units::format_money(mc.p50_usd[i]),
                         units::format_money(mc.p90_usd[i]), units::format_percent(mc.cheapest_share[i]));
    }
  }
  out << "\nCapacity behind the GPU-hours (simulated once per shape):\n";
  for (const auto& s : p.shapes) {
    if (s.kind == "inference") {
      out << fmt::format("  {} on {}: {} serves {:.2f} requests/s within the SLO\n", s.demand, s.gpu, s.layout,
                         s.capacity_per_s);
    } else {
      out << fmt::format("  {} on {}: {} GPUs, {}; step {}, goodput {}, {} GPU-hours over {:.1f} months\n", s.demand,
                         s.gpu, s.gpus, s.layout, units::format_time(s.step_time_s), units::format_percent(s.goodput),
                         units::format_count(s.gpu_hours), s.months);
    }
  }
  std::size_t estimates = 0;
  for (const auto& u : p.prices) estimates += u.estimate ? 1 : 0;
  out << fmt::format("\nPrices: {} used, {} of them estimates; every one with its date and source in --json and the "
                     "reports' assumptions table.\n", p.prices.size(), estimates);
  return out.str();
}

CLI::App* add_plan_command(CLI::App& app, PlanOptions& o) {
  auto* cmd = app.add_subcommand("plan", "Cost of each option of a study (cloud, on-prem, hybrid) over its horizon");
  cmd->add_option("study", o.study, "Study file (schema capsim/study/v1)")->required();
  cmd->add_flag("--json", o.json, "Print the result document as JSON on stdout, and nothing else");
  cmd->add_option("--out", o.out_dir, "Also write result.json, summary.txt, costs.csv, report.html and report.pdf into this folder");
  cmd->add_option("--monte-carlo", o.monte_carlo, "Monte Carlo samples over prices and demand (default: the study's)")
      ->check(CLI::Range(0, 1'000'000));
  return cmd;
}

int plan_command(const PlanOptions& o) {
  if (!o.out_dir.empty()) prepare_output_folder(o.out_dir);
  const planner::tco::Study study = planner::tco::load_study_file(o.study);
  const PlanResult plan = planner::tco::plan_study(study, o.monte_carlo);
  const std::string summary = plan_summary(plan);
  if (!o.out_dir.empty()) write_plan_reports(plan, summary, o.out_dir);
  if (o.json) {
    std::cout << planner::tco::plan_to_json(plan).dump(2) << "\n";
  } else {
    std::cout << summary;
    if (!o.out_dir.empty()) std::cout << "\nWrote result.json, summary.txt, costs.csv, report.html and report.pdf to " << o.out_dir << "\n";
  }
  return 0;
}

}  // namespace capsim::cli
