#pragma once
/// @file svg_chart.hpp
/// The report charts (chart_model.hpp) as inline SVG for an HTML page: no script, no external font or image. Each
/// function returns one `<svg>` element sized in CSS pixels through its viewBox (it scales with the page width).
/// Titles and legends sit above the plot, value labels in their own column, and tick labels are thinned until they
/// do not overlap, so nothing covers the data.

#include <string>
#include <string_view>

#include "planner/report/chart_model.hpp"

namespace capsim::planner::report {

/// Escapes `text` for HTML and SVG text and attribute values: & < > " and '.
std::string xml_escape(std::string_view text);

/// Estimated width in pixels of `text` in the report's sans-serif font at `font_px` (UTF-8 aware; errs wide).
double text_width_px(std::string_view text, double font_px);

/// A line chart `width` x `height` pixels: legend and marker labels above the plot, a dashed guide at each marker,
/// labels on a white halo so that no guide runs through them.
std::string svg_line_chart(const LineChart& chart, double width = 1140, double height = 420);

/// Stacked vertical bars `width` x `height` pixels, each rectangle with a tooltip (month, category, value).
std::string svg_stacked_bars(const StackedBarChart& chart, double width = 1140, double height = 340);

/// Horizontal bars `width` pixels wide, as tall as its rows need: row labels left, value texts right.
std::string svg_range_bars(const RangeBarChart& chart, double width = 1140);

}  // namespace capsim::planner::report
