#include "planner/report/pdf/plan_report_pdf.hpp"

#include <qcustomplot.h>

#include <filesystem>

#include "planner/report/cost_chart_data.hpp"
#include "planner/report/pdf/cost_charts.hpp"
#include "planner/report/pdf/pdf_document.hpp"
#include "planner/report/pdf/qt_app.hpp"
#include "planner/report/plan_tables.hpp"
#include "planner/report/plan_text.hpp"
#include "planner/report/result_charts.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner::report {

namespace {

const QColor kWarning(0x9a, 0x34, 0x12);

/// Sizes `plot` for the page before it is filled (legends wrap to the width), fills it and draws it.
template <typename Fill>
void chart(PdfDocument& doc, QCustomPlot& plot, int height, Fill fill) {
  plot.resize(doc.content_width(), height);
  fill(&plot);
  doc.chart(plot, height);
}

void answer_and_options(PdfDocument& doc, const tco::PlanResult& plan) {
  doc.title("Cost plan: " + plan.study, plan_meta_line(plan));
  doc.heading("The answer");
  doc.paragraph(plan.headline, true);
  doc.paragraph(recommendation_line(plan));
  doc.bullets(plan.reasons);
  doc.bullets(plan.warnings, kWarning);
  doc.heading("Options", false);
  doc.table(make_options_table(plan));
  doc.paragraph(break_even_note(plan));
  const std::vector<std::string> notes = option_notes(plan);
  if (!notes.empty()) {
    doc.subheading("About the options");
    doc.bullets(notes);
  }
  const Table categories = make_category_table(plan);
  doc.subheading("Cost by category over the horizon", doc.table_height(categories));
  doc.table(categories);
}

void cost_charts(PdfDocument& doc, QCustomPlot& plot, const tco::PlanResult& plan) {
  doc.heading("Cumulative cost");
  doc.paragraph(cumulative_note());
  chart(doc, plot, static_cast<int>(std::min(560.0, doc.space_left() - 10)),
        [&](QCustomPlot* p) { plot_cumulative_costs(p, plan); });
  doc.heading("Monthly cost by category");
  doc.paragraph(monthly_note());
  for (std::size_t i = 0; i < plan.options.size(); ++i) {
    chart(doc, plot, 300, [&](QCustomPlot* p) { plot_monthly_stack(p, plan, i); });
  }
  doc.heading("Sensitivity");
  const RangeBarChart tornado = make_tornado(plan);
  if (tornado.rows.empty()) {
    doc.paragraph("No sensitivity analysis in this plan.");
  } else {
    doc.paragraph(tornado_note(plan));
    chart(doc, plot, range_chart_height(tornado), [&](QCustomPlot* p) { draw_range_bars(p, tornado); });
    doc.bullets(tornado_notes(plan));
  }
  if (plan.monte_carlo) {
    const RangeBarChart spread = make_monte_carlo_chart(plan);
    // The chart and its table stay together: about 22 px a table row.
    doc.heading("Monte Carlo", false, range_chart_height(spread) + 22.0 * static_cast<double>(plan.options.size() + 4));
    doc.paragraph(monte_carlo_note(plan));
    chart(doc, plot, range_chart_height(spread), [&](QCustomPlot* p) { draw_range_bars(p, spread); });
    doc.table(make_monte_carlo_table(plan));
    doc.bullets(plan.monte_carlo->assumptions);
  }
}

void capacity(PdfDocument& doc, QCustomPlot& plot, const tco::PlanResult& plan) {
  doc.heading("Capacity behind the GPU-hours");
  if (!plan.demand.empty()) chart(doc, plot, 250, [&](QCustomPlot* p) { plot_demand(p, plan); });
  if (plan.shapes.empty()) {
    doc.paragraph("No simulated shapes in this plan.");
    return;
  }
  doc.table(make_shapes_table(plan));
  for (const tco::CapacityShape& s : plan.shapes) {
    const RangeBarChart breakdown = breakdown_chart(s.breakdown_s);
    const RangeBarChart power = power_chart(s.power_W, "IT power by part");
    const int first = !s.breakdown_s.empty() ? range_chart_height(breakdown) : range_chart_height(power);
    doc.subheading(shape_title(s), first + 30);  // the title stays with the facts and the first chart
    doc.paragraph(shape_facts(s));
    if (!s.breakdown_s.empty()) {
      chart(doc, plot, range_chart_height(breakdown), [&](QCustomPlot* p) { draw_range_bars(p, breakdown); });
    }
    if (!s.power_W.empty()) {
      chart(doc, plot, range_chart_height(power), [&](QCustomPlot* p) { draw_range_bars(p, power); });
    }
  }
}

void bills_and_prices(PdfDocument& doc, const tco::PlanResult& plan) {
  doc.heading("Bill of materials");
  bool any = false;
  for (const tco::OptionResult& o : plan.options) {
    if (o.bom.empty() && o.purchases.empty()) continue;
    any = true;
    const Table purchases = make_purchases_table(o);
    doc.subheading(o.name + " (" + o.kind + ")", doc.table_height(purchases) + 60);
    doc.table(purchases);
    doc.table(make_bom_table(o));
  }
  if (!any) doc.paragraph("No option buys hardware.");
  doc.heading("Assumptions: prices used");
  doc.paragraph(prices_note(plan));
  doc.table(make_assumptions_table(plan), 5);
}

}  // namespace

void write_plan_report_pdf(const tco::PlanResult& plan, const std::string& path) {
  ensure_qt_app();
  const std::string temporary = path + ".tmp";
  try {
    PdfDocument doc(QString::fromStdString(temporary), QString::fromStdString("CapSim plan: " + plan.study),
                    QString::fromStdString("CapSim cost plan: " + plan.study));
    QCustomPlot plot;  // one widget refilled for every chart, as the desktop app refills its own
    answer_and_options(doc, plan);
    cost_charts(doc, plot, plan);
    capacity(doc, plot, plan);
    bills_and_prices(doc, plan);
    if (!doc.finish()) throw Error("cannot finish the PDF " + temporary);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw Error("cannot write " + path + ": " + ec.message());
  }
}

}  // namespace capsim::planner::report
