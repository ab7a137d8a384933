#include "gui/serving_view.hpp"

#include <qcustomplot.h>

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include "gui/figure_strip.hpp"
#include "gui/latency_table_model.hpp"
#include "gui/replica_plan_chart.hpp"
#include "gui/serving_charts.hpp"
#include "planner/report/chart_axis.hpp"
#include "planner/report/pdf/cost_charts.hpp"
#include "planner/report/pdf/qt_text.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

using planner::report::qstr;

/// An empty chart that only says `title`.
planner::report::LineChart message_chart(const std::string& title) {
  planner::report::LineChart c;
  c.title = title;
  c.x_ticks = planner::report::nice_ticks(0, 1, 3, planner::report::TickFormat::count);
  c.y_ticks = c.x_ticks;
  return c;
}

/// `chart` of the result's time series, or why there is none.
planner::report::LineChart series_chart(const sim::serving::InferenceResult& r, const std::string& what,
                                        planner::report::LineChart (*chart)(const sim::serving::InferenceResult&)) {
  if (!r.series.empty()) return chart(r);
  return message_chart(r.fits_in_memory ? what + ": no time series"
                                         : "Does not fit in GPU memory: nothing was simulated");
}

QCustomPlot* make_plot(QWidget* parent, const char* name) {
  auto* plot = new QCustomPlot(parent);
  plot->setObjectName(QString::fromLatin1(name));
  plot->setMinimumHeight(220);
  return plot;
}

}  // namespace

ServingView::ServingView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("serving_view"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(8, 8, 8, 8);

  auto* top = new QHBoxLayout;
  combo_label_ = new QLabel(tr("Workload:"), this);
  combo_ = new QComboBox(this);
  combo_->setObjectName(QStringLiteral("serving_workload"));
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  top->addWidget(combo_label_);
  top->addWidget(combo_);
  figures_ = new FigureStrip(this);
  top->addWidget(figures_, 1);
  layout->addLayout(top);

  latency_model_ = new LatencyTableModel(this);
  latency_table_ = new QTableView(this);
  latency_table_->setObjectName(QStringLiteral("latency_table"));
  latency_table_->setModel(latency_model_);
  latency_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  latency_table_->setAlternatingRowColors(true);
  latency_table_->setSelectionMode(QAbstractItemView::NoSelection);
  latency_table_->setFocusPolicy(Qt::NoFocus);
  latency_table_->setShowGrid(false);
  latency_table_->verticalHeader()->setVisible(false);
  latency_table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  latency_table_->horizontalHeader()->setStretchLastSection(true);
  // Four rows and a header: the table takes no more height than those need.
  latency_table_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  latency_table_->setFixedHeight(latency_table_->horizontalHeader()->sizeHint().height() +
                                 LatencyTableModel::row_count * latency_table_->verticalHeader()->defaultSectionSize() +
                                 2 * latency_table_->frameWidth() + 2);

  activity_plot_ = make_plot(this, "serving_activity");
  load_plot_ = make_plot(this, "serving_load_curve");
  replica_plot_ = make_plot(this, "serving_replica_plan");

  grid_ = new QGridLayout;
  grid_->addWidget(latency_table_, 0, 0);
  grid_->addWidget(activity_plot_, 1, 0);
  grid_->addWidget(load_plot_, 0, 1, 2, 1);
  grid_->addWidget(replica_plot_, 2, 0, 1, 2);
  grid_->setColumnStretch(0, 1);
  grid_->setColumnStretch(1, 1);
  grid_->setRowStretch(1, 1);
  grid_->setRowStretch(2, 1);
  layout->addLayout(grid_, 1);

  connect(combo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    if (index >= 0 && index != current_) show_workload(index);
  });
  clear();
}

void ServingView::clear() {
  results_.clear();
  curves_.clear();
  plan_ = {};
  current_ = -1;
  {
    const QSignalBlocker block(combo_);
    combo_->clear();
  }
  combo_->setVisible(false);
  combo_label_->setVisible(false);
  figures_->set_figures({});
  latency_model_->clear();
  activity_chart_ = message_chart("Requests running and queued: no result");
  load_chart_ = message_chart("Throughput against load: no result");
  plan_message_ = tr("Replicas over the day: no result");
  replica_plot_->setVisible(true);
  grid_->setRowStretch(2, 1);
  draw_charts();
}

void ServingView::set_results(const planner::Scenario& scenario,
                              const std::vector<sim::serving::InferenceResult>& results) {
  clear();
  scenario_ = scenario;
  results_ = results;
  {
    const QSignalBlocker block(combo_);
    for (const auto& r : results_) combo_->addItem(qstr(r.name));
  }
  combo_->setVisible(results_.size() > 1);
  combo_label_->setVisible(results_.size() > 1);
  if (!results_.empty()) show_workload(0);
}

void ServingView::show_workload(int index) {
  if (index < 0 || index >= static_cast<int>(results_.size())) return;
  current_ = index;
  {
    const QSignalBlocker block(combo_);
    combo_->setCurrentIndex(index);
  }
  const sim::serving::InferenceResult& r = results_[static_cast<std::size_t>(index)];
  show_figures(r);
  latency_model_->set_result(r);
  activity_chart_ = series_chart(r, "Requests running and queued", serving_activity_chart);
  show_load_curve(index);
}

void ServingView::set_load_curve(int workload_index, const LoadCurve& curve) {
  curves_[workload_index] = curve;
  if (workload_index == current_) show_load_curve(workload_index);
}

void ServingView::show_load_curve(int index) {
  const auto found = curves_.find(index);
  const workloads::InferenceJob* job = inference_workload(scenario_, index);
  // An offline batch has no load axis and no day to plan replicas over: its throughput over the run takes the load
  // curve's place, and the replica plan's row goes.
  const bool offline = job != nullptr && job->load.mode == workloads::LoadMode::offline;
  replica_plot_->setVisible(!offline);
  grid_->setRowStretch(2, offline ? 0 : 1);
  if (offline) {
    plan_ = {};
    load_chart_ = series_chart(results_[static_cast<std::size_t>(index)], "Output tokens/s over the run",
                               serving_throughput_chart);
    draw_charts();
    return;
  }
  if (found == curves_.end()) {
    plan_ = {};
    load_chart_ = message_chart("Throughput against load: running the serving model...");
    plan_message_ = tr("Replicas over the day: waiting for the load curve");
    draw_charts();
    emit load_curve_wanted(index);
    return;
  }
  const LoadCurve& curve = found->second;
  load_chart_ =
      curve.points.empty() ? message_chart("Throughput against load: " + curve.note) : load_curve_chart(curve);
  plan_ = job != nullptr ? replica_plan(*job, capacity_per_replica(curve)) : ReplicaPlan{};
  plan_message_ = tr("Replicas over the day: the load curve shows no rate that meets the SLO");
  if (job != nullptr && job->load.mode == workloads::LoadMode::concurrency) {
    plan_message_ = tr("Replicas over the day: a closed loop of users has no arrival rate to plan for");
  } else if (!curve.note.empty()) {
    plan_message_ = tr("Replicas over the day: ") + qstr(curve.note);
  }
  draw_charts();
}

void ServingView::draw_charts() {
  planner::report::draw_line_chart(activity_plot_, activity_chart_);
  activity_plot_->replot();
  planner::report::draw_line_chart(load_plot_, load_chart_);
  load_plot_->replot();
  draw_replica_plan(replica_plot_, plan_, plan_message_);
}

void ServingView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  draw_charts();
}

void ServingView::show_figures(const sim::serving::InferenceResult& r) {
  std::vector<Figure> f;
  f.push_back({tr("Replicas"),
               QStringLiteral("%1 x %2 GPU%3").arg(r.replicas).arg(r.tp * r.pp).arg(r.tp * r.pp == 1 ? "" : "s"),
               qstr(r.gpu + ", " + std::to_string(r.gpus) + " GPUs"), false});
  if (!r.fits_in_memory) {
    f.push_back({tr("Memory"), tr("does not fit"), tr("nothing was simulated"), true});
    figures_->set_figures(f);
    return;
  }
  f.push_back({tr("Requests/s"), qstr(units::format_count(r.requests_per_s)),
               qstr(units::format_integer(static_cast<double>(r.completed)) + " completed of " +
                    units::format_integer(static_cast<double>(r.requests))),
               false});
  f.push_back({tr("Output tokens/s"), qstr(units::format_count(r.output_tokens_per_s)), {}, false});
  if (!r.slo.empty()) {
    f.push_back({tr("Goodput"), qstr(units::format_count(r.goodput_requests_per_s) + "/s"),
                 tr("completed requests within both SLO thresholds, per second"), false});
    f.push_back({tr("SLO"), qstr((r.slo_met ? "met, " : "missed, ") + units::format_percent(r.slo_attainment)),
                 tr("share of requests within both thresholds"), !r.slo_met});
  }
  f.push_back({tr("KV cache use (mean)"), qstr(units::format_percent(r.kv_utilization_mean)),
               qstr("peak " + units::format_percent(r.kv_utilization_peak)), r.kv_utilization_peak >= 0.999});
  f.push_back({tr("Queue (mean)"), qstr(units::format_count(r.queue_mean)),
               qstr("requests waiting, time average over the run; the longest queue of one replica: " +
                    units::format_integer(static_cast<double>(r.queue_max))),
               false});
  figures_->set_figures(f);
}

}  // namespace capsim::gui
