#pragma once
/// @file chart_model.hpp
/// The report charts as plain data: what to draw, already scaled, ticked and coloured. Pure functions fill these
/// (cost_chart_data.hpp, scenario_report.cpp); the SVG renderer (svg_chart.hpp) and the QCustomPlot renderer
/// (pdf/cost_charts.hpp) only paint them, so a chart changes in one place (STYLE.md, "One chart, two renderers").

#include <optional>
#include <string>
#include <vector>

#include "planner/report/chart_axis.hpp"

namespace capsim::planner::report {

/// Colour `i` of the report palette, "#rrggbb" (Tableau 20, then repeated).
std::string palette_color(std::size_t i);

/// A named colour swatch of a legend.
struct LegendEntry {
  std::string name;
  std::string color;  ///< "#rrggbb"
};

/// One line of a line chart, one y value per x of the chart.
struct LineSeries {
  std::string name;
  std::string color;  ///< "#rrggbb"
  std::vector<double> y;
  bool emphasized = false;  ///< drawn thicker (the recommended option)
};

/// A labelled point on a line: a vertical guide down to the x axis, a dot, and a label above the plot.
struct ChartMarker {
  double x = 0;
  double y = 0;
  std::string label;  ///< "Own: break-even month 14"
  std::string color;  ///< "#rrggbb"
};

/// Lines over a shared x axis (months).
struct LineChart {
  std::string title;
  std::string x_title;  ///< "month"
  std::string y_title;  ///< "cumulative cost (USD)"
  AxisTicks x_ticks, y_ticks;
  std::vector<double> x;  ///< shared x values, one per point of every series
  std::vector<LineSeries> series;
  std::vector<ChartMarker> markers;
};

/// One layer of a stacked bar chart: a category's value at every x.
struct StackLayer {
  std::string name;
  std::string color;           ///< "#rrggbb"
  std::vector<double> values;  ///< one per x; negative values stack downwards from zero
};

/// Vertical bars, one per x, stacked from the layers (bottom layer first). Positive values stack up from zero,
/// negative ones down from zero.
struct StackedBarChart {
  std::string title;
  std::string x_title, y_title;
  AxisTicks x_ticks, y_ticks;
  std::vector<double> x;  ///< bar centres (month numbers)
  std::vector<StackLayer> layers;
};

/// A horizontal span of one row.
struct RangeSegment {
  double from = 0;
  double to = 0;
  std::string color;  ///< "#rrggbb"
};

/// One row of a horizontal bar chart: its label, its spans and an optional tick (a median).
struct RangeRow {
  std::string label;
  std::vector<RangeSegment> segments;
  std::optional<double> marker;  ///< drawn as a short vertical tick across the row
  std::string value_text;        ///< printed right of the plot, in its own column
};

/// Horizontal bars: a bar chart (segments from 0), a stack in one row (consecutive segments), a tornado (segments
/// from a base) or percentile ranges (P10 to P90 with a P50 tick). Rows are drawn top to bottom.
struct RangeBarChart {
  std::string title;
  std::string x_title;
  AxisTicks x_ticks;
  std::vector<RangeRow> rows;
  std::optional<double> reference;  ///< a vertical line across every row (the base total, a capacity limit)
  std::string reference_label;      ///< written at the top of that line
  std::vector<LegendEntry> legend;  ///< empty = no legend
};

}  // namespace capsim::planner::report
