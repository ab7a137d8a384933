#include "planner/report/plan_report.hpp"

#include <fmt/format.h>

#include "planner/report/cost_chart_data.hpp"
#include "planner/report/html_page.hpp"
#include "planner/report/plan_tables.hpp"
#include "planner/report/plan_text.hpp"
#include "planner/report/result_charts.hpp"
#include "planner/report/svg_chart.hpp"

namespace capsim::planner::report {

namespace {

/// A CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string cents(double usd) {
  std::string text = fmt::format("{:.2f}", usd);
  return text == "-0.00" ? "0.00" : text;
}

std::string section(const std::string& id, const std::string& heading) {
  return "<section id=\"" + id + "\">\n<h2>" + xml_escape(heading) + "</h2>\n";
}

std::string paragraph(const std::string& text, const std::string& css_class = "") {
  return (css_class.empty() ? "<p>" : "<p class=\"" + css_class + "\">") + xml_escape(text) + "</p>\n";
}

std::string answer_section(const tco::PlanResult& plan) {
  std::string out = section("answer", "The answer");
  out += "<div class=\"answer\">\n" + paragraph(plan.headline, "headline");
  const std::string recommended = recommendation_line(plan);
  if (!recommended.empty()) out += paragraph(recommended);
  out += html_list(plan.reasons) + "</div>\n";
  if (!plan.warnings.empty()) out += "<h3>Warnings</h3>\n" + html_list(plan.warnings, "warn");
  return out + "</section>\n";
}

std::string options_section(const tco::PlanResult& plan) {
  std::string out = section("options", "Options");
  out += html_table(make_options_table(plan));
  out += paragraph(break_even_note(plan), "meta");
  const std::vector<std::string> notes = option_notes(plan);
  if (!notes.empty()) out += "<h3>About the options</h3>\n" + html_list(notes);
  out += "<h3>Cost by category over the horizon</h3>\n" + html_table(make_category_table(plan));
  return out + "</section>\n";
}

std::string charts_sections(const tco::PlanResult& plan) {
  std::string out = section("cumulative", "Cumulative cost");
  out += paragraph(cumulative_note(), "meta") + svg_line_chart(make_cumulative_chart(plan)) + "</section>\n";
  out += section("monthly", "Monthly cost by category");
  out += paragraph(monthly_note(), "meta");
  for (std::size_t i = 0; i < plan.options.size(); ++i) out += svg_stacked_bars(make_monthly_stack(plan, i));
  out += "</section>\n" + section("sensitivity", "Sensitivity");
  const RangeBarChart tornado = make_tornado(plan);
  if (tornado.rows.empty()) {
    out += paragraph("No sensitivity analysis in this plan.");
  } else {
    out += paragraph(tornado_note(plan), "meta");
    out += svg_range_bars(tornado) + html_list(tornado_notes(plan));
  }
  out += "</section>\n";
  if (plan.monte_carlo) {
    out += section("monte-carlo", "Monte Carlo") + paragraph(monte_carlo_note(plan), "meta");
    out += svg_range_bars(make_monte_carlo_chart(plan)) + html_table(make_monte_carlo_table(plan));
    out += html_list(plan.monte_carlo->assumptions) + "</section>\n";
  }
  return out;
}

std::string capacity_section(const tco::PlanResult& plan) {
  std::string out = section("capacity", "Capacity behind the GPU-hours");
  if (!plan.demand.empty()) out += svg_line_chart(make_demand_chart(plan), 1140, 320);
  if (plan.shapes.empty()) return out + paragraph("No simulated shapes in this plan.") + "</section>\n";
  out += html_table(make_shapes_table(plan));
  for (const tco::CapacityShape& s : plan.shapes) {
    out += "<h3>" + xml_escape(shape_title(s)) + "</h3>\n" + paragraph(shape_facts(s));
    if (!s.breakdown_s.empty()) out += svg_range_bars(breakdown_chart(s.breakdown_s));
    if (!s.power_W.empty()) out += svg_range_bars(power_chart(s.power_W, "IT power by part"));
  }
  return out + "</section>\n";
}

std::string bom_section(const tco::PlanResult& plan) {
  std::string out = section("bom", "Bill of materials");
  bool any = false;
  for (const tco::OptionResult& o : plan.options) {
    if (o.bom.empty() && o.purchases.empty()) continue;
    any = true;
    out += "<h3>" + xml_escape(o.name) + " (" + xml_escape(o.kind) + ")</h3>\n";
    if (!o.purchases.empty()) out += html_table(make_purchases_table(o));
    if (!o.bom.empty()) out += html_table(make_bom_table(o));
  }
  if (!any) out += paragraph("No option buys hardware.");
  return out + "</section>\n";
}

std::string assumptions_section(const tco::PlanResult& plan) {
  std::string out = section("assumptions", "Assumptions: prices used");
  out += paragraph(prices_note(plan), "meta");
  return out + html_table(make_assumptions_table(plan), 5) + "</section>\n";
}

}  // namespace

std::string plan_costs_csv(const tco::PlanResult& plan) {
  std::string out = "month,option,kind,category,cost_usd\r\n";
  const int months = plan_months(plan);
  for (int m = 0; m < months; ++m) {
    const auto at = static_cast<std::size_t>(m);
    for (const tco::OptionResult& o : plan.options) {
      for (const auto& [category, values] : monthly_by_category(o)) {
        out += std::to_string(month_number(m)) + "," + csv_field(o.name) + "," + csv_field(o.kind) + "," +
               csv_field(category) + "," + cents(at < values.size() ? values[at] : 0.0) + "\r\n";
      }
    }
  }
  return out;
}

std::string plan_report_html(const tco::PlanResult& plan) {
  std::string out = html_page_begin("CapSim plan: " + plan.study);
  out += "<h1>Cost plan: " + xml_escape(plan.study) + "</h1>\n" + paragraph(plan_meta_line(plan), "meta");
  out += answer_section(plan) + options_section(plan) + charts_sections(plan) + capacity_section(plan) +
         bom_section(plan) + assumptions_section(plan);
  return out + html_page_end();
}

}  // namespace capsim::planner::report
