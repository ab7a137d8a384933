#include "gui/memory_chart.hpp"

#include <qcustomplot.h>

#include <QVBoxLayout>
#include <algorithm>

#include "gui/axis_tickers.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

/// One colour per part, in make_memory_series order; a sixth part (if one is ever added) reuses the palette.
const QColor kPartColors[] = {QColor(0x2f, 0x6f, 0xb3), QColor(0x5a, 0xa4, 0x69), QColor(0xe0, 0x9f, 0x3e),
                              QColor(0x8e, 0x6c, 0xc1), QColor(0x9a, 0xa5, 0xb1)};
const QColor kLimitColor(0xc6, 0x28, 0x28);

}  // namespace

MemoryChart::MemoryChart(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("memory_chart"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setMinimumHeight(190);
  layout->addWidget(plot_);

  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, new QCPTextElement(plot_, QString(), QFont(font().family(), 11, QFont::Bold)));

  // The legend goes under the plot, in one row, so it never covers the bar.
  legend_row_ = new QCPLayoutGrid;
  plot_->plotLayout()->addElement(2, 0, legend_row_);
  legend_row_->setMargins(QMargins(5, 0, 5, 5));
  legend_row_->addElement(0, 0, plot_->legend);
  plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  plot_->legend->setBorderPen(Qt::NoPen);
  plot_->legend->setVisible(true);
  plot_->plotLayout()->setRowStretchFactor(2, 0.001);

  plot_->yAxis->setTicks(false);
  plot_->yAxis->setTickLabels(false);
  plot_->yAxis->grid()->setVisible(false);
  plot_->yAxis->setRange(0.3, 1.9);
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new BytesAxisTicker));
  plot_->xAxis->setLabel(QStringLiteral("memory per GPU"));
  clear(QStringLiteral("Memory per GPU: no result"));
}

void MemoryChart::set_title(const QString& text, bool warning) {
  if (auto* title = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) {
    title->setText(text);
    title->setTextColor(warning ? kLimitColor : QColor(Qt::black));
  }
}

void MemoryChart::set_series(const planner::StackSeries& series) {
  clear(QString());
  series_ = series;
  if (!legend_row_->hasElement(0, 0)) legend_row_->addElement(0, 0, plot_->legend);
  plot_->legend->setVisible(true);
  plot_->xAxis->setTickLabels(true);
  QCPBars* below = nullptr;
  for (std::size_t i = 0; i < series.values.size(); ++i) {
    auto* bars = new QCPBars(plot_->yAxis, plot_->xAxis);
    bars->setWidth(0.6);
    bars->setPen(QPen(Qt::white, 1));
    bars->setBrush(kPartColors[i % std::size(kPartColors)]);
    bars->setName(QStringLiteral("%1 %2").arg(QString::fromStdString(series.labels[i]),
                                              QString::fromStdString(series.value_texts[i])));
    bars->addData(1, series.values[i]);
    if (below != nullptr) bars->moveAbove(below);
    below = bars;
    parts_.push_back(bars);
  }

  const double upper = std::max(series.total, series.limit) * 1.2;
  plot_->xAxis->setRange(0, upper > 0 ? upper : 1);
  if (series.limit > 0) {
    auto* line = new QCPItemStraightLine(plot_);
    line->setPen(QPen(kLimitColor, 2, Qt::DashLine));
    line->point1->setCoords(series.limit, 0);
    line->point2->setCoords(series.limit, 1);
    auto* label = new QCPItemText(plot_);
    label->position->setCoords(series.limit, 1.6);
    label->setPositionAlignment(Qt::AlignRight | Qt::AlignVCenter);
    label->setPadding(QMargins(0, 0, 6, 0));
    label->setColor(kLimitColor);
    label->setText(QString::fromStdString(series.limit_label));
  }
  auto* total = new QCPItemText(plot_);
  total->position->setCoords(series.total, 1);
  total->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  total->setPadding(QMargins(6, 0, 0, 0));
  total->setText(QStringLiteral("total %1").arg(QString::fromStdString(series.total_text)));

  QString title = QStringLiteral("Memory per GPU: %1").arg(QString::fromStdString(series.total_text));
  if (series.limit > 0) {
    title += QStringLiteral(" of %1 (%2)")
                 .arg(QString::fromStdString(units::format_bytes(series.limit)),
                      QString::fromStdString(units::format_percent(series.total / series.limit)));
  }
  if (!series.within_limit) title += QStringLiteral(": does not fit");
  set_title(title, !series.within_limit);
  plot_->replot();
}

void MemoryChart::clear(const QString& message) {
  series_ = {};
  plot_->clearItems();
  for (QCPBars* bars : parts_) plot_->removePlottable(bars);
  parts_.clear();
  // An empty legend caps the width of the plot's layout column, squeezing the axis to the left: take it out.
  if (legend_row_->hasElement(0, 0)) legend_row_->take(plot_->legend);
  plot_->legend->setVisible(false);
  plot_->xAxis->setTickLabels(false);
  plot_->xAxis->setRange(0, 1);
  set_title(message, false);
  plot_->replot();
}

}  // namespace capsim::gui
