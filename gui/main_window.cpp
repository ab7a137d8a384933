#include "gui/main_window.hpp"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QMenuBar>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>
#include <string>
#include <vector>

#include "gui/breakdown_chart.hpp"
#include "gui/headline_bar.hpp"
#include "gui/memory_chart.hpp"
#include "gui/scenario_panel.hpp"
#include "gui/summary_table_model.hpp"
#include "gui/summary_view.hpp"
#include "gui/what_if.hpp"
#include "planner/chart_data.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QStringLiteral("CapSim"));
  resize(1440, 900);

  panel_ = new ScenarioPanel;
  auto* panel_scroll = new QScrollArea;
  panel_scroll->setWidget(panel_);
  panel_scroll->setWidgetResizable(true);
  panel_scroll->setFrameShape(QFrame::NoFrame);
  panel_scroll->setMinimumWidth(330);

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
  lower->addWidget(middle);
  lower->addWidget(memory_);
  lower->setStretchFactor(0, 3);
  lower->setStretchFactor(1, 1);
  results_layout->addWidget(lower, 1);

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(panel_scroll);
  split->addWidget(results);
  split->setStretchFactor(0, 0);
  split->setStretchFactor(1, 1);
  split->setSizes({340, 1100});
  split->setContentsMargins(6, 6, 6, 6);
  setCentralWidget(split);

  build_menu();
  connect(panel_, &ScenarioPanel::what_if_changed, this, &MainWindow::rerun);
  connect(panel_, &ScenarioPanel::engine_changed, this, &MainWindow::rerun);
  connect(panel_, &ScenarioPanel::reset_requested, this, &MainWindow::reset_what_if);
  show_no_result(QStringLiteral("no scenario loaded"));
  statusBar()->showMessage(QStringLiteral("Open a scenario (File > Open scenario...)"));
}

void MainWindow::build_menu() {
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  QAction* open = file->addAction(QStringLiteral("&Open scenario..."), this, &MainWindow::open_dialog);
  open->setShortcut(QKeySequence::Open);
  QAction* again = file->addAction(QStringLiteral("&Reload"), this, &MainWindow::reload);
  again->setShortcuts({QKeySequence::Refresh, QKeySequence(QStringLiteral("Ctrl+R"))});
  QAction* exp = file->addAction(QStringLiteral("&Export breakdown as PNG..."), this, &MainWindow::export_dialog);
  exp->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
  file->addSeparator();
  QAction* quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
}

bool MainWindow::open_scenario(const QString& path) {
  path_ = path;
  std::vector<std::string> problems;
  try {
    scenario_ = planner::load_scenario_file(path.toStdString());
    hardware_ = hardware_baseline_file(path.toStdString());
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) problems.push_back(d.to_string());
  } catch (const Error& e) {
    problems.push_back(e.what());
  }
  if (!problems.empty()) {
    scenario_.reset();
    training_index_ = -1;
    panel_->clear_scenario();
    panel_->show_problems(problems);
    show_no_result(QStringLiteral("the scenario file has problems"));
    setWindowTitle(QStringLiteral("CapSim"));
    statusBar()->showMessage(QStringLiteral("Could not open %1: fix the file, then File > Reload").arg(path));
    return false;
  }
  training_index_ = first_training_index(*scenario_);
  panel_->set_scenario(path, *scenario_, hardware_, training_index_);
  setWindowTitle(QStringLiteral("CapSim - %1").arg(QString::fromStdString(scenario_->name)));
  rerun();
  return true;
}

bool MainWindow::reload() {
  if (path_.isEmpty()) return false;
  return open_scenario(path_);
}

bool MainWindow::export_breakdown_png(const QString& path) {
  const bool ok = breakdown_->save_png(path, 1200, 600);
  statusBar()->showMessage(ok ? QStringLiteral("Wrote %1").arg(path) : QStringLiteral("Could not write %1").arg(path));
  return ok;
}

void MainWindow::rerun() {
  if (!scenario_) return;
  if (training_index_ < 0) {
    panel_->show_problems({});
    show_no_result(QStringLiteral("the scenario has no training workload"));
    return;
  }
  const WhatIf w = panel_->what_if();
  panel_->show_gpus(gpus_needed(*scenario_, training_index_, w), scenario_->cluster.total_gpus());
  const WhatIfOutcome outcome = evaluate_what_if(*scenario_, hardware_, training_index_, w, panel_->engine());
  panel_->show_problems(outcome.problems);
  if (!outcome.result) {
    show_no_result(QStringLiteral("this layout cannot run (see the panel)"));
    statusBar()->showMessage(QStringLiteral("Not run: %1").arg(QString::fromStdString(outcome.problems.front())));
    return;
  }
  const sim::TrainingResult& r = *outcome.result;
  const std::vector<planner::SummaryRow> rows = planner::make_summary_rows(r);
  summary_model_->set_rows(rows);
  headline_->set_rows(rows);
  breakdown_->set_series(planner::make_breakdown_series(r));
  memory_->set_series(planner::make_memory_series(r));
  QString message =
      QStringLiteral("%1 engine answered in %2: %3 on %4 GPUs")
          .arg(QString::fromStdString(outcome.engine), QString::fromStdString(units::format_time(outcome.elapsed_s)),
               QString::fromStdString(r.name))
          .arg(r.gpus);
  for (const std::string& warning : outcome.warnings)
    message += QStringLiteral("  |  ") + QString::fromStdString(warning);
  statusBar()->showMessage(message);
}

void MainWindow::show_no_result(const QString& why) {
  summary_model_->clear();
  headline_->clear();
  breakdown_->clear(QStringLiteral("Step-time breakdown: %1").arg(why));
  memory_->clear(QStringLiteral("Memory per GPU: %1").arg(why));
}

void MainWindow::open_dialog() {
  const QString start = path_.isEmpty() ? QString() : QFileInfo(path_).absolutePath();
  const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open scenario"), start,
                                                    QStringLiteral("Scenarios (*.json);;All files (*)"));
  if (!path.isEmpty()) open_scenario(path);
}

void MainWindow::export_dialog() {
  const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export breakdown as PNG"),
                                                    QStringLiteral("breakdown.png"), QStringLiteral("PNG (*.png)"));
  if (!path.isEmpty()) export_breakdown_png(path);
}

void MainWindow::reset_what_if() {
  if (!scenario_) return;
  panel_->set_scenario(path_, *scenario_, hardware_, training_index_);
  rerun();
}

}  // namespace capsim::gui
