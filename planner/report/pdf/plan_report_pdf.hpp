#pragma once
/// @file plan_report_pdf.hpp
/// The plan's report as a PDF, drawn with Qt (QPdfWriter, QPainter, QCustomPlot). Qt lives only in this library
/// and in gui/ (DESIGN.md).

#include <string>

#include "planner/tco/plan_result.hpp"

namespace capsim::planner::report {

/// Writes the plan's report to `path` as A4 landscape pages, with the sections of plan_report_html in the same
/// order: the answer and the options (page 1), cumulative cost, monthly cost by category (two options a page),
/// sensitivity and Monte Carlo, the capacity behind the GPU-hours, bills of materials, and every price used. Charts
/// are vectors (QCustomPlot through cost_charts.hpp), tables continue across pages with their header repeated.
/// Creates the QApplication when there is none (ensure_qt_app: offscreen without a display). Writes `path`.tmp and
/// renames it, so `path` is never half written. Throws capsim::Error when the file cannot be written.
void write_plan_report_pdf(const tco::PlanResult& plan, const std::string& path);

}  // namespace capsim::planner::report
