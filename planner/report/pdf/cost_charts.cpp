#include "planner/report/pdf/cost_charts.hpp"

#include <qcustomplot.h>

#include <algorithm>

#include "planner/report/cost_chart_data.hpp"
#include "planner/report/pdf/qt_text.hpp"
#include "planner/report/result_charts.hpp"

namespace capsim::planner::report {

namespace {

constexpr double kBarWidth = 0.72;  // share of a month or a row a bar fills, as in the SVG renderer
constexpr double kRowHalf = 0.3;
const QColor kGuideGrey(0x57, 0x60, 0x6a);

QColor qcolor(const std::string& hex) { return QColor(qstr(hex)); }

/// Empties the plot and, the first time, lays it out as a title row, a legend row and the axis rect. The legend
/// leaves the axis rect, so it never covers data; it sits in a row of its own beside a spacer that takes the width
/// it does not need (a layout column is only as wide as its narrowest element allows).
void reset(QCustomPlot* plot, const std::string& title) {
  plot->clearItems();
  plot->clearPlottables();
  plot->legend->clearItems();
  QCPLayoutGrid* layout = plot->plotLayout();
  auto* heading = qobject_cast<QCPTextElement*>(layout->element(0, 0));
  if (heading == nullptr || heading->objectName() != QLatin1String("capsim_chart_title")) {
    layout->insertRow(0);
    heading = new QCPTextElement(plot, QString(), QFont(plot->font().family(), 11, QFont::Bold));
    heading->setObjectName(QStringLiteral("capsim_chart_title"));
    layout->addElement(0, 0, heading);
    layout->insertRow(1);
    auto* legend_row = new QCPLayoutGrid;
    layout->addElement(1, 0, legend_row);
    plot->axisRect()->insetLayout()->take(plot->legend);
    legend_row->addElement(0, 0, plot->legend);
    legend_row->addElement(0, 1, new QCPLayoutElement(plot));
    legend_row->setColumnSpacing(0);
    layout->setRowStretchFactor(0, 0.001);
    layout->setRowStretchFactor(1, 0.001);
    layout->setRowSpacing(0);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setBorderPen(Qt::NoPen);
    plot->legend->setBrush(Qt::NoBrush);
    plot->legend->setSizeConstraintRect(QCPLayoutElement::scrOuterRect);
  }
  heading->setText(qstr(title));
  plot->legend->setVisible(true);
  plot->axisRect()->setAutoMargins(QCP::msAll);
  for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
    axis->setRangeReversed(false);
    axis->setTickLength(0, 5);
    axis->setSubTicks(false);
    axis->setLabel(QString());
    axis->grid()->setVisible(true);
    axis->grid()->setPen(QPen(QColor(0xe4, 0xe8, 0xec)));
    axis->grid()->setZeroLinePen(QPen(kGuideGrey));
  }
}

/// Legend entries per row: as many as fit the plot's width (a column is as wide as its widest entry); the legend as
/// narrow as its entries.
void wrap_legend(QCustomPlot* plot) {
  const QFontMetrics metrics(plot->legend->font());
  std::vector<int> widths;
  for (int i = 0; i < plot->legend->itemCount(); ++i) {
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot->legend->item(i))) {
      // The icon, its padding to the text, the item's margins and the column spacing (QCPLegend's defaults).
      widths.push_back(metrics.horizontalAdvance(item->plottable()->name()) + plot->legend->iconSize().width() +
                       plot->legend->iconTextPadding() + 24);
    }
  }
  int columns = std::max<int>(1, static_cast<int>(widths.size()));
  for (; columns > 1; --columns) {
    int total = 30;  // the legend's own margins
    for (int c = 0; c < columns; ++c) {
      int widest = 0;
      for (std::size_t i = static_cast<std::size_t>(c); i < widths.size(); i += static_cast<std::size_t>(columns)) {
        widest = std::max(widest, widths[i]);
      }
      total += widest;
    }
    if (total <= plot->width()) break;
  }
  plot->legend->setWrap(columns);
  plot->legend->setFillOrder(QCPLegend::foColumnsFirst, true);  // re-places the entries: setWrap alone does not
  plot->legend->setMaximumSize(plot->legend->minimumOuterSizeHint().width(), QWIDGETSIZE_MAX);
  plot->legend->setVisible(plot->legend->itemCount() > 0);
}

void set_ticks(QCPAxis* axis, const AxisTicks& ticks) {
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (std::size_t i = 0; i < ticks.values.size(); ++i) ticker->addTick(ticks.values[i], qstr(ticks.labels[i]));
  axis->setTicker(ticker);
  axis->setRange(ticks.min, ticks.max);
}

/// The plot emptied, titled and ticked for a chart over months (a LineChart or a StackedBarChart).
template <typename Chart>
void xy_frame(QCustomPlot* plot, const Chart& chart) {
  reset(plot, chart.title);
  set_ticks(plot->xAxis, chart.x_ticks);
  set_ticks(plot->yAxis, chart.y_ticks);
  plot->xAxis->setLabel(qstr(chart.x_title));
  plot->yAxis->setLabel(qstr(chart.y_title));
  plot->xAxis->grid()->setVisible(false);
}

QVector<double> qvec(const std::vector<double>& v, std::size_t n) {
  return QVector<double>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(std::min(n, v.size())));
}

QCPItemText* label(QCustomPlot* plot, const std::string& text, Qt::Alignment alignment) {
  auto* item = new QCPItemText(plot);
  item->setText(qstr(text));
  item->setPositionAlignment(alignment);
  item->setClipToAxisRect(false);
  return item;
}

}  // namespace

void draw_line_chart(QCustomPlot* plot, const LineChart& chart) {
  xy_frame(plot, chart);
  for (const LineSeries& s : chart.series) {
    QCPGraph* graph = plot->addGraph(plot->xAxis, plot->yAxis);
    graph->setName(qstr(s.name));
    graph->setPen(QPen(qcolor(s.color), s.emphasized ? 3.5 : 2));
    graph->setData(qvec(chart.x, s.y.size()), qvec(s.y, chart.x.size()), true);
  }
  // Marker labels get rows of their own above the highest tick, the leftmost marker on top (as in the SVG).
  std::vector<ChartMarker> markers = chart.markers;
  std::stable_sort(markers.begin(), markers.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
  const double span = chart.y_ticks.max - chart.y_ticks.min;
  const double row = 0.075 * span;
  plot->yAxis->setRange(chart.y_ticks.min, chart.y_ticks.max + row * static_cast<double>(markers.size()));
  const double middle = (chart.x_ticks.min + chart.x_ticks.max) / 2;
  for (std::size_t k = 0; k < markers.size(); ++k) {
    const ChartMarker& m = markers[k];
    const double label_y = chart.y_ticks.max + row * (static_cast<double>(markers.size() - k) - 0.5);
    auto* guide = new QCPItemLine(plot);
    guide->start->setCoords(m.x, chart.y_ticks.min);
    guide->end->setCoords(m.x, label_y);
    guide->setPen(QPen(qcolor(m.color), 1.2, Qt::DashLine));
    QCPGraph* dot = plot->addGraph(plot->xAxis, plot->yAxis);
    dot->removeFromLegend();
    dot->setLineStyle(QCPGraph::lsNone);
    dot->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 1.5), qcolor(m.color), 10));
    dot->setData(QVector<double>{m.x}, QVector<double>{m.y});
    const bool left_half = m.x < middle;
    QCPItemText* text = label(plot, m.label, (left_half ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    text->position->setCoords(m.x, label_y);
    text->setPadding(QMargins(5, 1, 5, 1));
    text->setBrush(Qt::white);  // a halo: the other guides pass behind the text
  }
  wrap_legend(plot);
}

void draw_stacked_bars(QCustomPlot* plot, const StackedBarChart& chart) {
  xy_frame(plot, chart);
  QCPBars* below = nullptr;
  for (const StackLayer& layer : chart.layers) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(qstr(layer.name));
    bars->setPen(Qt::NoPen);
    bars->setBrush(qcolor(layer.color));
    bars->setWidth(kBarWidth);
    bars->setData(qvec(chart.x, layer.values.size()), qvec(layer.values, chart.x.size()), true);
    if (below != nullptr) bars->moveAbove(below);  // QCustomPlot stacks negative values downwards on their own
    below = bars;
  }
  wrap_legend(plot);
}

void draw_range_bars(QCustomPlot* plot, const RangeBarChart& chart) {
  reset(plot, chart.title);
  QCPAxis* x = plot->xAxis;
  QCPAxis* y = plot->yAxis;
  set_ticks(x, chart.x_ticks);
  x->setLabel(qstr(chart.x_title));
  QSharedPointer<QCPAxisTickerText> rows(new QCPAxisTickerText);
  const auto n = static_cast<double>(chart.rows.size());
  for (std::size_t i = 0; i < chart.rows.size(); ++i)
    rows->addTick(static_cast<double>(i + 1), qstr(chart.rows[i].label));
  y->setTicker(rows);
  y->setRangeReversed(true);  // the first row on top
  const double top = chart.reference ? -0.1 : 0.4;
  y->setRange(top, n + 0.6);
  y->grid()->setVisible(false);
  y->setTickLength(0, 0);
  for (const LegendEntry& e : chart.legend) {
    auto* swatch = new QCPBars(y, x);  // no data: only its legend entry shows
    swatch->setName(qstr(e.name));
    swatch->setPen(Qt::NoPen);
    swatch->setBrush(qcolor(e.color));
  }
  const QFontMetrics metrics(plot->font());
  int value_px = 0;
  for (std::size_t i = 0; i < chart.rows.size(); ++i) {
    const RangeRow& r = chart.rows[i];
    const auto at = static_cast<double>(i + 1);
    for (const RangeSegment& s : r.segments) {
      if (s.from == s.to) continue;
      auto* rect = new QCPItemRect(plot);
      rect->topLeft->setCoords(std::min(s.from, s.to), at - kRowHalf);
      rect->bottomRight->setCoords(std::max(s.from, s.to), at + kRowHalf);
      rect->setPen(Qt::NoPen);
      rect->setBrush(qcolor(s.color));
    }
    if (r.marker) {
      auto* tick = new QCPItemLine(plot);
      tick->start->setCoords(*r.marker, at - kRowHalf - 0.12);
      tick->end->setCoords(*r.marker, at + kRowHalf + 0.12);
      tick->setPen(QPen(Qt::black, 2.5));
    }
    QCPItemText* value = label(plot, r.value_text, Qt::AlignLeft | Qt::AlignVCenter);
    value->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    value->position->setCoords(1.0, at);
    value->setPadding(QMargins(8, 0, 0, 0));
    value_px = std::max(value_px, metrics.horizontalAdvance(qstr(r.value_text)));
  }
  if (chart.reference) {
    auto* line = new QCPItemLine(plot);
    line->start->setCoords(*chart.reference, top + 0.25);
    line->end->setCoords(*chart.reference, n + 0.6);
    line->setPen(QPen(QColor(0x24, 0x29, 0x2f), 1.5, Qt::DashLine));
    QCPItemText* text = label(plot, chart.reference_label, Qt::AlignHCenter | Qt::AlignTop);
    text->position->setCoords(*chart.reference, top);
    text->setBrush(Qt::white);  // the dashed line passes behind it
  }
  // Value texts sit in a right margin of their own, never over the bars.
  plot->axisRect()->setAutoMargins(QCP::msLeft | QCP::msTop | QCP::msBottom);
  plot->axisRect()->setMargins(QMargins(0, 0, value_px + 20, 0));
  wrap_legend(plot);
}

int range_chart_height(const RangeBarChart& chart) {
  const int legend_rows = chart.legend.empty() ? 0 : 1 + static_cast<int>(chart.legend.size()) / 4;
  return 34 + 22 * legend_rows + (chart.reference ? 18 : 0) + 30 * static_cast<int>(chart.rows.size()) + 56;
}

void plot_cumulative_costs(QCustomPlot* plot, const tco::PlanResult& plan) {
  draw_line_chart(plot, make_cumulative_chart(plan));
}

void plot_monthly_stack(QCustomPlot* plot, const tco::PlanResult& plan, std::size_t option) {
  draw_stacked_bars(plot, make_monthly_stack(plan, option));
}

void plot_tornado(QCustomPlot* plot, const tco::PlanResult& plan) { draw_range_bars(plot, make_tornado(plan)); }

void plot_monte_carlo(QCustomPlot* plot, const tco::PlanResult& plan) {
  draw_range_bars(plot, make_monte_carlo_chart(plan));
}

void plot_demand(QCustomPlot* plot, const tco::PlanResult& plan) { draw_line_chart(plot, make_demand_chart(plan)); }

void plot_step_breakdown(QCustomPlot* plot, const tco::CapacityShape& shape) {
  draw_range_bars(plot, breakdown_chart(shape.breakdown_s));
}

void plot_shape_power(QCustomPlot* plot, const tco::CapacityShape& shape) {
  draw_range_bars(plot, power_chart(shape.power_W, "IT power by part"));
}

}  // namespace capsim::planner::report
