#include "planner/report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace capsim::planner::report {

namespace {

constexpr double kFontPx = 12;
constexpr double kTitlePx = 14;
constexpr double kLegendRowPx = 18;
constexpr double kMarkerRowPx = 16;
constexpr double kTickGapPx = 10;  // the least space between two tick labels
constexpr const char* kAxisColor = "#57606a";
constexpr const char* kGridColor = "#e4e8ec";
constexpr const char* kTextColor = "#24292f";

std::string px(double v) { return fmt::format("{:.1f}", v); }

/// Maps data values on [d0, d1] to pixels on [p0, p1].
struct Scale {
  double d0, d1, p0, p1;
  double operator()(double v) const { return d1 == d0 ? p0 : p0 + (v - d0) * (p1 - p0) / (d1 - d0); }
};

/// An SVG element under construction.
class Svg {
 public:
  Svg(double width, double height, const std::string& title) {
    out_ =
        fmt::format(R"(<svg class="chart" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" font-size="{2}" )"
                    R"(fill="{3}"><title>{4}</title>)",
                    px(width), px(height), kFontPx, kTextColor, xml_escape(title));
    text(8, 20, title, "start", "font-weight=\"bold\" font-size=\"" + px(kTitlePx) + "\"");
  }
  void text(double x, double y, std::string_view s, const char* anchor = "start", const std::string& extra = "") {
    out_ +=
        fmt::format(R"(<text x="{}" y="{}" text-anchor="{}" {}>{}</text>)", px(x), px(y), anchor, extra, xml_escape(s));
  }
  void line(double x1, double y1, double x2, double y2, std::string_view color, double width = 1, bool dashed = false) {
    out_ += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}/>)", px(x1), px(y1),
                        px(x2), px(y2), color, px(width), dashed ? R"( stroke-dasharray="5 4")" : "");
  }
  void rect(double x, double y, double w, double h, std::string_view fill, std::string_view tooltip = {}) {
    out_ += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}">)", px(x), px(y), px(std::max(w, 0.0)),
                        px(std::max(h, 0.0)), fill);
    if (!tooltip.empty()) out_ += "<title>" + xml_escape(tooltip) + "</title>";
    out_ += "</rect>";
  }
  void raw(const std::string& s) { out_ += s; }
  std::string finish() { return out_ + "</svg>"; }

 private:
  std::string out_;
};

/// Where each legend entry goes: rows of swatches and names wrapped at `right`.
struct LegendLayout {
  std::vector<std::pair<double, double>> at;  ///< x and row index of each entry
  int rows = 0;
};

LegendLayout layout_legend(const std::vector<LegendEntry>& entries, double left, double right) {
  LegendLayout layout;
  double x = left;
  int row = 0;
  for (const LegendEntry& e : entries) {
    const double w = 16 + text_width_px(e.name, kFontPx) + 18;
    if (x > left && x + w > right) {
      x = left;
      ++row;
    }
    layout.at.emplace_back(x, row);
    x += w;
  }
  layout.rows = entries.empty() ? 0 : row + 1;
  return layout;
}

void draw_legend(Svg& svg, const std::vector<LegendEntry>& entries, const LegendLayout& layout, double top) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double x = layout.at[i].first, y = top + layout.at[i].second * kLegendRowPx;
    svg.rect(x, y + 2, 12, 12, entries[i].color);
    svg.text(x + 16, y + 12, entries[i].name);
  }
}

/// Every k-th tick, k the smallest step at which neighbouring labels keep kTickGapPx apart.
std::size_t tick_stride(const AxisTicks& ticks, const Scale& s) {
  if (ticks.values.size() < 2) return 1;
  double widest = 0, closest = 1e300;
  for (std::size_t i = 0; i < ticks.values.size(); ++i) {
    widest = std::max(widest, text_width_px(ticks.labels[i], kFontPx));
    if (i > 0) closest = std::min(closest, std::fabs(s(ticks.values[i]) - s(ticks.values[i - 1])));
  }
  std::size_t stride = 1;
  while (stride < ticks.values.size() && closest * static_cast<double>(stride) < widest + kTickGapPx) ++stride;
  return stride;
}

/// Tick labels under the plot at `y`, with vertical grid lines from `grid_top` when asked.
void x_axis(Svg& svg, const AxisTicks& ticks, const Scale& sx, double y, double grid_top, bool grid) {
  const std::size_t stride = tick_stride(ticks, sx);
  for (std::size_t i = 0; i < ticks.values.size(); i += stride) {
    const double x = sx(ticks.values[i]);
    if (grid) svg.line(x, grid_top, x, y, kGridColor);
    svg.line(x, y, x, y + 4, kAxisColor);
    svg.text(x, y + 17, ticks.labels[i], "middle");
  }
}

/// Tick labels left of the plot with horizontal grid lines, the zero line darker.
void y_axis(Svg& svg, const AxisTicks& ticks, const Scale& sy, double left, double right) {
  for (std::size_t i = 0; i < ticks.values.size(); ++i) {
    const double y = sy(ticks.values[i]);
    svg.line(left, y, right, y, ticks.values[i] == 0 ? kAxisColor : kGridColor);
    svg.text(left - 6, y + 4, ticks.labels[i], "end");
  }
}

double widest_label(const AxisTicks& ticks) {
  double w = 0;
  for (const std::string& l : ticks.labels) w = std::max(w, text_width_px(l, kFontPx));
  return w;
}

/// `text` cut with an ellipsis so that it fits `width` pixels.
std::string fit_text(const std::string& text, double width) {
  if (text_width_px(text, kFontPx) <= width) return text;
  std::string cut = text;
  while (!cut.empty() && text_width_px(cut + "...", kFontPx) > width) {
    // Drop the last UTF-8 character whole: its continuation bytes, then its lead byte.
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
    if (!cut.empty()) cut.pop_back();
  }
  return cut + "...";
}

/// The frame shared by the line and stacked-bar charts: title, legend, the plot rectangle and both axes.
struct Frame {
  double left, right, top, bottom;
};

Frame xy_frame(Svg& svg, const std::string& x_title, const std::string& y_title, const AxisTicks& x_ticks,
               const AxisTicks& y_ticks, const std::vector<LegendEntry>& legend, double width, double height,
               double band_px) {
  const double left = 8 + 18 + widest_label(y_ticks) + 10;
  const double right = width - 16;
  const LegendLayout layout = layout_legend(legend, left, right);
  draw_legend(svg, legend, layout, 30);
  const double top = 30 + layout.rows * kLegendRowPx + band_px + 10;
  const double bottom = height - 42;
  const Scale sx{x_ticks.min, x_ticks.max, left, right}, sy{y_ticks.min, y_ticks.max, bottom, top};
  y_axis(svg, y_ticks, sy, left, right);
  x_axis(svg, x_ticks, sx, bottom, top, false);
  svg.line(left, top, left, bottom, kAxisColor);
  svg.text((left + right) / 2, height - 8, x_title, "middle");
  svg.text(0, 0, y_title, "middle",
           fmt::format(R"x(transform="translate(16 {}) rotate(-90)")x", px((top + bottom) / 2)));
  return {left, right, top, bottom};
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double text_width_px(std::string_view text, double font_px) {
  double em = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: the same character
    // Capitals and digits run wider than lower case in DejaVu and Liberation Sans; spaces and dots narrower.
    em += (c >= 'A' && c <= 'Z') || c == '$' || c == '%' ? 0.72 : (c == ' ' || c == '.' || c == ',') ? 0.34 : 0.6;
  }
  return em * font_px;
}

std::string svg_line_chart(const LineChart& chart, double width, double height) {
  Svg svg(width, height, chart.title);
  std::vector<LegendEntry> legend;
  for (const LineSeries& s : chart.series) legend.push_back({s.name, s.color});
  const double band = static_cast<double>(chart.markers.size()) * kMarkerRowPx;
  const Frame f =
      xy_frame(svg, chart.x_title, chart.y_title, chart.x_ticks, chart.y_ticks, legend, width, height, band);
  const Scale sx{chart.x_ticks.min, chart.x_ticks.max, f.left, f.right};
  const Scale sy{chart.y_ticks.min, chart.y_ticks.max, f.bottom, f.top};
  for (const LineSeries& s : chart.series) {
    std::string points;
    for (std::size_t i = 0; i < std::min(s.y.size(), chart.x.size()); ++i) {
      if (std::isfinite(s.y[i])) points += px(sx(chart.x[i])) + "," + px(sy(s.y[i])) + " ";
    }
    svg.raw(fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round" points="{}"/>)",
                        s.color, s.emphasized ? "3.5" : "2", points));
  }
  std::vector<ChartMarker> markers = chart.markers;
  std::stable_sort(markers.begin(), markers.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
  for (std::size_t k = 0; k < markers.size(); ++k) {
    const ChartMarker& m = markers[k];
    const double x = sx(m.x), y = sy(m.y);
    const double label_y = f.top - 10 - band + (static_cast<double>(k) + 1) * kMarkerRowPx - 4;
    svg.line(x, label_y + 3, x, f.bottom, m.color, 1.2, true);
    svg.raw(fmt::format(R"(<circle cx="{}" cy="{}" r="5" fill="{}" stroke="#ffffff" stroke-width="1.5"/>)", px(x),
                        px(y), m.color));
    const bool left_half = x < (f.left + f.right) / 2;
    svg.text(left_half ? x + 5 : x - 5, label_y, m.label, left_half ? "start" : "end",
             R"(stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke")");
  }
  return svg.finish();
}

std::string svg_stacked_bars(const StackedBarChart& chart, double width, double height) {
  Svg svg(width, height, chart.title);
  std::vector<LegendEntry> legend;
  for (const StackLayer& l : chart.layers) legend.push_back({l.name, l.color});
  const Frame f = xy_frame(svg, chart.x_title, chart.y_title, chart.x_ticks, chart.y_ticks, legend, width, height, 0);
  const Scale sx{chart.x_ticks.min, chart.x_ticks.max, f.left, f.right};
  const Scale sy{chart.y_ticks.min, chart.y_ticks.max, f.bottom, f.top};
  const double bar_w = chart.x.size() > 1 ? 0.72 * std::fabs(sx(chart.x[1]) - sx(chart.x[0])) : 24;
  for (std::size_t i = 0; i < chart.x.size(); ++i) {
    double up = 0, down = 0;
    for (const StackLayer& l : chart.layers) {
      const double v = i < l.values.size() ? l.values[i] : 0;
      if (v == 0 || !std::isfinite(v)) continue;
      double& base = v > 0 ? up : down;
      const double y0 = sy(base), y1 = sy(base + v);
      base += v;
      svg.rect(sx(chart.x[i]) - bar_w / 2, std::min(y0, y1), bar_w, std::fabs(y1 - y0), l.color,
               fmt::format("{} {:g}, {}: {}", chart.x_title, chart.x[i], l.name, format_tick(v, TickFormat::money)));
    }
  }
  svg.line(f.left, sy(0), f.right, sy(0), kAxisColor);
  return svg.finish();
}

std::string svg_range_bars(const RangeBarChart& chart, double width) {
  constexpr double kRowPx = 26, kBarPx = 14;
  double label_w = 0, value_w = 0;
  for (const RangeRow& r : chart.rows) {
    label_w = std::max(label_w, text_width_px(r.label, kFontPx));
    value_w = std::max(value_w, text_width_px(r.value_text, kFontPx));
  }
  label_w = std::min(label_w + 10, 0.4 * width);
  value_w = std::min(value_w + 12, 0.34 * width);
  const double left = 8 + label_w, right = width - value_w - 8;
  const LegendLayout layout = layout_legend(chart.legend, 8, width - 8);
  const double legend_top = 30;
  const double top = legend_top + layout.rows * kLegendRowPx + (chart.reference ? 22 : 8);
  const double bottom = top + static_cast<double>(chart.rows.size()) * kRowPx;
  const double height = bottom + 44;
  Svg svg(width, height, chart.title);
  draw_legend(svg, chart.legend, layout, legend_top);
  const Scale sx{chart.x_ticks.min, chart.x_ticks.max, left, right};
  x_axis(svg, chart.x_ticks, sx, bottom, top, true);
  svg.line(left, bottom, right, bottom, kAxisColor);
  svg.text((left + right) / 2, height - 8, chart.x_title, "middle");
  for (std::size_t i = 0; i < chart.rows.size(); ++i) {
    const RangeRow& row = chart.rows[i];
    const double mid = top + (static_cast<double>(i) + 0.5) * kRowPx;
    svg.text(left - 8, mid + 4, fit_text(row.label, label_w - 10), "end");
    for (const RangeSegment& s : row.segments) {
      if (s.to == s.from || !std::isfinite(s.from) || !std::isfinite(s.to)) continue;
      svg.rect(sx(std::min(s.from, s.to)), mid - kBarPx / 2, std::fabs(sx(s.to) - sx(s.from)), kBarPx, s.color,
               row.label + ": " + row.value_text);
    }
    if (row.marker)
      svg.line(sx(*row.marker), mid - kBarPx / 2 - 3, sx(*row.marker), mid + kBarPx / 2 + 3, "#000000", 2.5);
    svg.text(right + 8, mid + 4, fit_text(row.value_text, value_w - 8));
  }
  if (chart.reference) {
    const double x = sx(*chart.reference);
    svg.line(x, top - 6, x, bottom, kTextColor, 1.5, true);
    const double half = text_width_px(chart.reference_label, kFontPx) / 2;
    const double lo = left + half, hi = std::max(lo, right - half);
    svg.text(std::clamp(x, lo, hi), top - 9, chart.reference_label, "middle");
  }
  return svg.finish();
}

}  // namespace capsim::planner::report
