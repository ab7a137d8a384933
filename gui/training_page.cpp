#include "gui/training_page.hpp"

#include <QDir>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QTemporaryDir>
#include <qcustomplot.h>
#include <QSplitter>
#include <QVBoxLayout>
#include <string>
#include <utility>
#include <vector>

#include "gui/background_runner.hpp"
#include "gui/breakdown_chart.hpp"
#include "gui/headline_bar.hpp"
#include "gui/memory_chart.hpp"
#include "gui/pipeline_timeline.hpp"
#include "gui/scenario_panel.hpp"
#include "gui/summary_table_model.hpp"
#include "gui/summary_view.hpp"
#include "planner/chart_data.hpp"
#include "planner/report/pdf/cost_charts.hpp"
#include "planner/report/result_charts.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

TrainingPage::TrainingPage(BackgroundRunner* runner, QWidget* parent) : QWidget(parent), runner_(runner) {
  panel_ = new ScenarioPanel;
  auto* panel_scroll = new QScrollArea;
  panel_scroll->setWidget(panel_);
  panel_scroll->setWidgetResizable(true);
  panel_scroll->setFrameShape(QFrame::NoFrame);
  panel_scroll->setMinimumWidth(370);

  auto* results = new QWidget;
  auto* results_layout = new QVBoxLayout(results);
  results_layout->setContentsMargins(4, 0, 0, 0);
  headline_ = new HeadlineBar;
  results_layout->addWidget(headline_);
  auto* middle = new QSplitter(Qt::Horizontal);
  breakdown_ = new BreakdownChart;
  summary_model_ = new SummaryTableModel(this);
  summary_view_ = new SummaryView(summary_model_);
  middle->addWidget(breakdown_);
  middle->addWidget(summary_view_);
  middle->setStretchFactor(0, 3);
  middle->setStretchFactor(1, 2);
  auto* lower = new QSplitter(Qt::Vertical);
  memory_ = new MemoryChart;
  power_ = new QCustomPlot;
  power_->setObjectName(QStringLiteral("power"));
  auto* timeline_page = new QWidget;
  auto* timeline_layout = new QVBoxLayout(timeline_page);
  timeline_layout->setContentsMargins(0, 0, 0, 0);
  auto* run_des = new QPushButton(QStringLiteral("Simulate one step on the discrete-event engine"));
  run_des->setObjectName(QStringLiteral("run_timeline"));
  timeline_ = new PipelineTimeline;
  timeline_layout->addWidget(run_des, 0, Qt::AlignLeft);
  timeline_layout->addWidget(timeline_, 1);
  connect(run_des, &QPushButton::clicked, this, &TrainingPage::run_timeline);
  lower_tabs_ = new QTabWidget;
  lower_tabs_->setObjectName(QStringLiteral("training_details"));
  lower_tabs_->addTab(memory_, QStringLiteral("Memory per GPU"));
  lower_tabs_->addTab(power_, QStringLiteral("Power"));
  lower_tabs_->addTab(timeline_page, QStringLiteral("Pipeline timeline (DES)"));
  lower->addWidget(middle);
  lower->addWidget(lower_tabs_);
  lower->setStretchFactor(0, 3);
  lower->setStretchFactor(1, 1);
  results_layout->addWidget(lower, 1);

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(panel_scroll);
  split->addWidget(results);
  split->setStretchFactor(0, 0);
  split->setStretchFactor(1, 1);
  split->setSizes({380, 870});
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);

  connect(panel_, &ScenarioPanel::what_if_changed, this, &TrainingPage::rerun);
  connect(panel_, &ScenarioPanel::engine_changed, this, &TrainingPage::rerun);
  connect(panel_, &ScenarioPanel::reset_requested, this, &TrainingPage::reset_what_if);
  show_no_result(QStringLiteral("no scenario loaded"));
}

void TrainingPage::set_scenario(const QString& path, std::shared_ptr<const planner::Scenario> scenario,
                                const HardwareBaseline& hardware) {
  path_ = path;
  scenario_ = std::move(scenario);
  hardware_ = hardware;
  training_index_ = first_training_index(*scenario_);
  panel_->set_scenario(path, *scenario_, hardware_, training_index_);
  rerun();
}

void TrainingPage::show_file_problems(const QString& path, const std::vector<std::string>& problems) {
  path_ = path;
  scenario_.reset();
  training_index_ = -1;
  result_.reset();
  panel_->clear_scenario();
  panel_->show_problems(problems);
  show_no_result(QStringLiteral("the scenario file has problems"));
}

void TrainingPage::rerun() {
  if (!scenario_) return;
  if (training_index_ < 0) {
    panel_->show_problems({});
    show_no_result(QStringLiteral("the scenario has no training workload"));
    return;
  }
  const WhatIf w = panel_->what_if();
  panel_->show_gpus(gpus_needed(*scenario_, training_index_, w), scenario_->cluster.total_gpus());
  const std::string engine = panel_->engine();
  const bool des = (engine.empty() ? scenario_->simulation.engine : engine) == "des";
  if (!des) {  // the closed-form engine answers in milliseconds: on the GUI thread, so a what-if redraws at once
    if (runner_->busy()) runner_->cancel();
    show(evaluate_what_if(*scenario_, hardware_, training_index_, w, engine));
    return;
  }
  // The discrete-event engine can take seconds to minutes: in the background, with the progress bar and Cancel.
  auto scenario = scenario_;
  const HardwareBaseline hardware = hardware_;
  const int index = training_index_;
  runner_->run(QStringLiteral("Simulating %1 on the des engine").arg(QString::fromStdString(scenario->name)),
               [this, scenario, hardware, index, w, engine]() -> BackgroundRunner::Delivery {
                 auto outcome = std::make_shared<WhatIfOutcome>(evaluate_what_if(*scenario, hardware, index, w, engine));
                 return [this, outcome] { show(*outcome); };
               });
}

void TrainingPage::show(const WhatIfOutcome& outcome) {
  panel_->show_problems(outcome.problems);
  if (!outcome.result) {
    result_.reset();
    show_no_result(QStringLiteral("this layout cannot run (see the panel)"));
    emit status(QStringLiteral("Not run: %1").arg(QString::fromStdString(outcome.problems.front())));
    return;
  }
  result_ = outcome.result;
  const sim::TrainingResult& r = *outcome.result;
  const std::vector<planner::SummaryRow> rows = planner::make_summary_rows(r);
  summary_model_->set_rows(rows);
  headline_->set_rows(rows);
  breakdown_->set_series(planner::make_breakdown_series(r));
  memory_->set_series(planner::make_memory_series(r));
  draw_power(r);
  QString message =
      QStringLiteral("%1 engine answered in %2: %3 on %4 GPUs")
          .arg(QString::fromStdString(outcome.engine), QString::fromStdString(units::format_time(outcome.elapsed_s)),
               QString::fromStdString(r.name))
          .arg(r.gpus);
  for (const std::string& warning : outcome.warnings) message += QStringLiteral("  |  ") + QString::fromStdString(warning);
  emit status(message);
}

void TrainingPage::show_no_result(const QString& why) {
  summary_model_->clear();
  headline_->clear();
  breakdown_->clear(QStringLiteral("Step-time breakdown: %1").arg(why));
  memory_->clear(QStringLiteral("Memory per GPU: %1").arg(why));
  planner::report::RangeBarChart empty;
  empty.title = "IT power: " + why.toStdString();
  planner::report::draw_range_bars(power_, empty);
  power_->replot();
}

void TrainingPage::draw_power(const sim::TrainingResult& r) {
  if (r.power.it_power_W > 0) {
    planner::report::draw_range_bars(
        power_, planner::report::power_chart(r.power.breakdown_W, "IT power by part: " +
                                                                      units::format_power(r.power.it_power_W) +
                                                                      " for " + std::to_string(r.power.nodes) + " nodes"));
  } else {
    planner::report::RangeBarChart empty;
    empty.title = "IT power: the analytical engine computes it (the DES gives a power trace with simulation.des)";
    planner::report::draw_range_bars(power_, empty);
  }
  power_->replot();
}

void TrainingPage::run_timeline() {
  if (!scenario_ || training_index_ < 0) return;
  const WhatIf w = panel_->what_if();
  auto dir = std::make_shared<QTemporaryDir>();
  auto scenario = std::make_shared<planner::Scenario>(*scenario_);
  scenario->simulation.des.trace_path = dir->filePath(QStringLiteral("step-trace.json")).toStdString();
  const HardwareBaseline hardware = hardware_;
  const int index = training_index_;
  timeline_->clear(QStringLiteral("Simulating one step on the discrete-event engine..."));
  runner_->run(QStringLiteral("Pipeline timeline of %1 (des)").arg(QString::fromStdString(scenario->name)),
               [this, scenario, hardware, index, w, dir]() -> BackgroundRunner::Delivery {
                 const WhatIfOutcome outcome = evaluate_what_if(*scenario, hardware, index, w, "des");
                 std::string error;
                 std::optional<Timeline> t;
                 if (outcome.result) t = read_timeline(scenario->simulation.des.trace_path, &error);
                 else error = outcome.problems.empty() ? "the DES did not run" : outcome.problems.front();
                 auto timeline = std::make_shared<std::optional<Timeline>>(std::move(t));
                 const double step_s = outcome.result ? outcome.result->step_time_s : 0;
                 const double took_s = outcome.elapsed_s;
                 return [this, timeline, error, step_s, took_s, dir] {
                   if (!*timeline) {
                     timeline_->clear(QStringLiteral("No timeline: ") + QString::fromStdString(error));
                     return;
                   }
                   timeline_->set_timeline(**timeline,
                                           QStringLiteral("One step on the DES: %1 (simulated in %2)")
                                               .arg(QString::fromStdString(units::format_time(step_s)),
                                                    QString::fromStdString(units::format_time(took_s))));
                 };
               });
}

bool TrainingPage::at_file_values() const {
  return scenario_ && training_index_ >= 0 &&
         panel_->what_if() == what_if_of(*scenario_, hardware_, training_index_);
}

void TrainingPage::reset_what_if() {
  if (!scenario_) return;
  panel_->set_scenario(path_, *scenario_, hardware_, training_index_);
  rerun();
}

}  // namespace capsim::gui
