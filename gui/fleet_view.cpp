#include "gui/fleet_view.hpp"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "gui/figure_strip.hpp"
#include "gui/team_table_model.hpp"
#include "planner/report/fleet_report.hpp"
#include "planner/report/pdf/cost_charts.hpp"
#include "planner/report/pdf/qt_text.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

using planner::report::qstr;

constexpr double kFragmentationWarning = 0.1;  // a tenth of the GPUs free yet unusable while jobs wait

}  // namespace

FleetView::FleetView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("fleet_view"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(8, 8, 8, 8);
  heading_ = new QLabel(this);
  heading_->setStyleSheet(QStringLiteral("color: #57606a;"));
  heading_->setWordWrap(true);
  layout->addWidget(heading_);
  figures_ = new FigureStrip(this);
  layout->addWidget(figures_);

  auto* charts = new QHBoxLayout;
  allocation_plot_ = new QCustomPlot(this);
  allocation_plot_->setObjectName(QStringLiteral("fleet_allocation"));
  queue_plot_ = new QCustomPlot(this);
  queue_plot_->setObjectName(QStringLiteral("fleet_queue"));
  for (QCustomPlot* plot : {allocation_plot_, queue_plot_}) {
    plot->setMinimumHeight(260);
    charts->addWidget(plot, 1);
  }
  layout->addLayout(charts, 3);

  team_model_ = new TeamTableModel(this);
  team_table_ = new QTableView(this);
  team_table_->setObjectName(QStringLiteral("team_table"));
  team_table_->setModel(team_model_);
  team_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  team_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  team_table_->setAlternatingRowColors(true);
  team_table_->setShowGrid(false);
  team_table_->verticalHeader()->setVisible(false);
  team_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  team_table_->horizontalHeader()->setSectionResizeMode(TeamTableModel::team_column, QHeaderView::ResizeToContents);
  layout->addWidget(team_table_, 1);

  warnings_ = new QLabel(this);
  warnings_->setWordWrap(true);
  warnings_->setStyleSheet(QStringLiteral("color: #9a6700;"));
  layout->addWidget(warnings_);
  clear();
}

void FleetView::clear() {
  heading_->setText(tr("Fleet: no result"));
  figures_->set_figures({});
  team_model_->clear();
  allocation_chart_ = planner::report::fleet_allocation_chart({});
  queue_chart_ = planner::report::fleet_queue_chart({});
  draw_charts();
  warnings_->clear();
  warnings_->setVisible(false);
}

void FleetView::set_result(const planner::Scenario& scenario, const fleet::FleetResult& r) {
  heading_->setText(QStringLiteral("Fleet %1: %2 GPUs, policy %3, placement %4, %5 simulated")
                        .arg(qstr(scenario.name), qstr(units::format_integer(r.cluster_gpus)), qstr(r.policy),
                             qstr(r.placement), qstr(units::format_time(r.horizon_s))));
  show_figures(r);
  team_model_->set_result(r);
  allocation_chart_ = planner::report::fleet_allocation_chart(r);
  queue_chart_ = planner::report::fleet_queue_chart(r);
  draw_charts();
  // The table takes the height of its rows (up to a dozen), the charts the rest.
  const int rows = std::min(team_model_->rowCount(), 12);
  team_table_->setMaximumHeight(team_table_->horizontalHeader()->sizeHint().height() +
                                std::max(rows, 1) * team_table_->verticalHeader()->defaultSectionSize() +
                                2 * team_table_->frameWidth() + 2);
  QStringList lines;
  for (const std::string& w : r.warnings) lines << qstr(w);
  warnings_->setText(lines.join(QLatin1Char('\n')));
  warnings_->setVisible(!lines.isEmpty());
}

void FleetView::draw_charts() {
  planner::report::draw_stacked_bars(allocation_plot_, allocation_chart_);
  allocation_plot_->replot();
  planner::report::draw_line_chart(queue_plot_, queue_chart_);
  queue_plot_->replot();
}

void FleetView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  draw_charts();
}

void FleetView::show_figures(const fleet::FleetResult& r) {
  std::vector<Figure> f;
  f.push_back({tr("GPU allocation"), qstr(units::format_percent(r.gpu_allocation)),
               tr("GPU-seconds held / (GPUs x simulated time)"), false});
  f.push_back({tr("Busy"), qstr(units::format_percent(r.gpu_busy)), tr("GPU-seconds stepping"), false});
  f.push_back({tr("Goodput"), qstr(units::format_percent(r.goodput)), tr("GPU-seconds of work kept"), false});
  f.push_back({tr("Fragmentation"), qstr(units::format_percent(r.mean_fragmentation)),
               tr("mean share of GPUs free but unusable by any waiting job, while jobs wait"),
               r.mean_fragmentation > kFragmentationWarning});
  f.push_back({tr("Jobs done of %1").arg(qstr(units::format_integer(static_cast<double>(r.jobs_submitted)))),
               qstr(units::format_integer(static_cast<double>(r.jobs_completed))),
               qstr(units::format_integer(static_cast<double>(r.jobs_unfinished)) + " unfinished at the horizon"),
               false});
  f.push_back(
      {tr("Mean JCT"), r.jct.count > 0 ? qstr(units::format_time(r.jct.mean)) : QStringLiteral("-"), {}, false});
  f.push_back({tr("P99 wait"), r.queue.count > 0 ? qstr(units::format_time(r.queue.p99)) : QStringLiteral("-"),
               tr("first start - submit, started jobs"), false});
  figures_->set_figures(f);
}

}  // namespace capsim::gui
