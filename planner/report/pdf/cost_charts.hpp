#pragma once
/// @file cost_charts.hpp
/// The report charts drawn with QCustomPlot, for the PDF report and the desktop app. Each function fills the given
/// plot from the same chart data the HTML report draws as SVG (chart_model.hpp), so both show the same ticks,
/// colours and labels. A plot can be filled again and again (the desktop app reuses its widgets): every call first
/// removes what an earlier call drew. The caller owns the plot and calls replot() or toPainter() afterwards.

#include <cstddef>

#include "planner/report/chart_model.hpp"
#include "planner/tco/plan_result.hpp"

class QCustomPlot;

namespace capsim::planner::report {

/// A line chart: title and legend above the plot, labelled markers with dashed guides above the data.
void draw_line_chart(QCustomPlot* plot, const LineChart& chart);

/// Stacked vertical bars (negative values stack down from zero), title and legend above the plot.
void draw_stacked_bars(QCustomPlot* plot, const StackedBarChart& chart);

/// Horizontal bars, rows top to bottom, value texts in a column right of the plot.
void draw_range_bars(QCustomPlot* plot, const RangeBarChart& chart);

/// Pixels of height `chart` needs at the default font: title, legend, rows and the x axis.
int range_chart_height(const RangeBarChart& chart);

/// The plan's cumulative cost per option, break-even months marked (make_cumulative_chart).
void plot_cumulative_costs(QCustomPlot* plot, const tco::PlanResult& plan);

/// Option `option`'s monthly cost stacked by category, on the scale every option shares (make_monthly_stack).
void plot_monthly_stack(QCustomPlot* plot, const tco::PlanResult& plan, std::size_t option);

/// The recommended option's tornado (make_tornado).
void plot_tornado(QCustomPlot* plot, const tco::PlanResult& plan);

/// P10 to P90 per option with the P50 (make_monte_carlo_chart).
void plot_monte_carlo(QCustomPlot* plot, const tco::PlanResult& plan);

/// Peak GPUs needed per month (make_demand_chart).
void plot_demand(QCustomPlot* plot, const tco::PlanResult& plan);

/// A training shape's step-time breakdown (breakdown_chart).
void plot_step_breakdown(QCustomPlot* plot, const tco::CapacityShape& shape);

/// A shape's IT power by part (power_chart).
void plot_shape_power(QCustomPlot* plot, const tco::CapacityShape& shape);

}  // namespace capsim::planner::report
