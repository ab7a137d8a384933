#include "gui/breakdown_chart.hpp"

#include <qcustomplot.h>

#include <QVBoxLayout>
#include <algorithm>

#include "gui/axis_tickers.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

/// Groups of planner::breakdown_group, their legend names and colours (blue: useful work, orange: communication,
/// grey: waiting).
struct Group {
  const char* key;
  const char* legend;
  QColor color;
};
const Group kGroups[] = {{"compute", "Compute", QColor(0x2f, 0x6f, 0xb3)},
                         {"communication", "Communication (exposed)", QColor(0xe0, 0x8a, 0x2c)},
                         {"idle", "Idle (pipeline bubble)", QColor(0x9a, 0xa5, 0xb1)}};

}  // namespace

BreakdownChart::BreakdownChart(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("breakdown_chart"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(this);
  plot_->setMinimumHeight(220);
  layout->addWidget(plot_);

  plot_->plotLayout()->insertRow(0);
  auto* title = new QCPTextElement(plot_, QString(), QFont(font().family(), 11, QFont::Bold));
  title->setObjectName(QStringLiteral("title"));
  plot_->plotLayout()->addElement(0, 0, title);

  // Horizontal bars: the key axis is the left (y) axis, the value axis the bottom (x) axis. One plottable per group
  // so each has its colour and legend entry; a group only holds data at its own parts' keys.
  for (std::size_t g = 0; g < bars_.size(); ++g) {
    bars_[g] = new QCPBars(plot_->yAxis, plot_->xAxis);
    bars_[g]->setWidth(0.65);
    bars_[g]->setPen(Qt::NoPen);
    bars_[g]->setBrush(kGroups[g].color);
    bars_[g]->setName(QString::fromLatin1(kGroups[g].legend));
  }
  plot_->legend->setVisible(true);
  plot_->legend->setBorderPen(QPen(QColor(0xd0, 0xd7, 0xde)));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

  plot_->yAxis->setRangeReversed(true);  // first part of the step at the top
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
  plot_->yAxis->setSubTicks(false);
  plot_->yAxis->setTickLength(0, 4);
  plot_->yAxis->grid()->setVisible(false);
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new TimeAxisTicker));
  plot_->xAxis->setLabel(QStringLiteral("time per training step"));
  plot_->xAxis->grid()->setSubGridVisible(false);
  clear(QStringLiteral("Step-time breakdown: no result"));
}

void BreakdownChart::set_title(const QString& text) {
  if (auto* title = qobject_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))) title->setText(text);
}

void BreakdownChart::set_series(const planner::BarSeries& series) {
  series_ = series;
  plot_->clearItems();
  const int n = static_cast<int>(series.values.size());
  QVector<double> keys, values;
  QVector<QString> labels;
  double max_value = 0;
  for (QCPBars* bars : bars_) bars->data()->clear();
  for (int i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    keys << i + 1;
    values << series.values[at];
    labels << QString::fromStdString(series.labels[at]);
    max_value = std::max(max_value, series.values[at]);
    std::size_t g = bars_.size() - 1;  // unknown groups draw as idle
    for (std::size_t k = 0; k < bars_.size(); ++k) {
      if (at < series.groups.size() && series.groups[at] == kGroups[k].key) g = k;
    }
    bars_[g]->addData(i + 1, series.values[at]);
  }
  plot_->legend->clearItems();  // list only the groups this step has, in group order
  plot_->legend->setVisible(true);
  plot_->xAxis->setTickLabels(true);
  for (QCPBars* bars : bars_) {
    if (!bars->data()->isEmpty()) bars->addToLegend();
  }
  auto ticker = qSharedPointerCast<QCPAxisTickerText>(plot_->yAxis->ticker());
  ticker->setTicks(keys, labels);

  for (int i = 0; i < n; ++i) {
    auto* text = new QCPItemText(plot_);
    text->setClipToAxisRect(false);
    text->position->setAxes(plot_->xAxis, plot_->yAxis);
    text->position->setCoords(values[i], keys[i]);
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    text->setPadding(QMargins(5, 0, 0, 0));
    text->setText(QString::fromStdString(series.value_texts[static_cast<std::size_t>(i)]));
  }
  plot_->yAxis->setRange(0.4, n + 0.6);
  // Leave room right of the longest bar for its "1.52 s (43.1%)" label.
  plot_->xAxis->setRange(0, max_value > 0 ? max_value * 1.4 : 1);
  set_title(
      QStringLiteral("Step-time breakdown: %1 per step").arg(QString::fromStdString(units::format_time(series.total))));
  plot_->replot();
}

void BreakdownChart::clear(const QString& message) {
  series_ = {};
  plot_->clearItems();
  for (QCPBars* bars : bars_) bars->data()->clear();
  plot_->legend->clearItems();
  plot_->legend->setVisible(false);
  plot_->xAxis->setTickLabels(false);  // an empty axis with "200 ms" ticks would suggest a result
  qSharedPointerCast<QCPAxisTickerText>(plot_->yAxis->ticker())->clear();
  plot_->yAxis->setRange(0, 1);
  plot_->xAxis->setRange(0, 1);
  set_title(message);
  plot_->replot();
}

int BreakdownChart::bar_count() const {
  int count = 0;
  for (const QCPBars* bars : bars_) count += bars->data()->size();
  return count;
}

bool BreakdownChart::save_png(const QString& path, int width, int height) {
  return plot_->savePng(path, width, height);
}

}  // namespace capsim::gui
