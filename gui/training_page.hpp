#pragma once
/// @file training_page.hpp
/// The page of a training scenario: left, the scenario panel (engine and what-if fields of its first training
/// workload); right, the headline figures, the step-time breakdown, the summary table and memory per GPU against
/// capacity. Runs go through the window's BackgroundRunner, so a discrete-event run never freezes the window.

#include <QWidget>

class QCustomPlot;
class QTabWidget;
#include <memory>
#include <optional>

#include "gui/what_if.hpp"
#include "planner/scenario.hpp"

namespace capsim::gui {

class BackgroundRunner;
class BreakdownChart;
class HeadlineBar;
class MemoryChart;
class PipelineTimeline;
class ScenarioPanel;
class SummaryTableModel;
class SummaryView;

class TrainingPage : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingPage(BackgroundRunner* runner, QWidget* parent = nullptr);

  /// Shows `scenario` (read from `path`) and runs its first training workload with the file's values.
  void set_scenario(const QString& path, std::shared_ptr<const planner::Scenario> scenario,
                    const HardwareBaseline& hardware);
  /// Shows the file's problems instead of results.
  void show_file_problems(const QString& path, const std::vector<std::string>& problems);

  ScenarioPanel* scenario_panel() const { return panel_; }
  HeadlineBar* headline_bar() const { return headline_; }
  SummaryTableModel* summary_model() const { return summary_model_; }
  BreakdownChart* breakdown_chart() const { return breakdown_; }
  MemoryChart* memory_chart() const { return memory_; }
  QCustomPlot* power_plot() const { return power_; }
  PipelineTimeline* timeline() const { return timeline_; }
  /// True when the panel holds the file's own values (no what-if), so the result shown is the file's.
  bool at_file_values() const;
  /// The last result shown (none when the layout cannot run).
  const std::optional<sim::TrainingResult>& result() const { return result_; }

 public slots:
  /// Runs the edited workload again with the panel's values and redraws every panel.
  void rerun();
  void reset_what_if();
  /// Simulates one step of the edited workload on the discrete-event engine (in the background; the engine runs in
  /// a child process) and draws its pipeline timeline.
  void run_timeline();

 signals:
  /// A line for the status bar.
  void status(const QString& message);

 private:
  void show(const WhatIfOutcome& outcome);
  void show_no_result(const QString& why);
  void draw_power(const sim::TrainingResult& r);

  BackgroundRunner* runner_;
  std::shared_ptr<const planner::Scenario> scenario_;
  HardwareBaseline hardware_;
  int training_index_ = -1;
  QString path_;
  std::optional<sim::TrainingResult> result_;

  ScenarioPanel* panel_ = nullptr;
  HeadlineBar* headline_ = nullptr;
  SummaryTableModel* summary_model_ = nullptr;
  SummaryView* summary_view_ = nullptr;
  BreakdownChart* breakdown_ = nullptr;
  MemoryChart* memory_ = nullptr;
  QCustomPlot* power_ = nullptr;
  PipelineTimeline* timeline_ = nullptr;
  QTabWidget* lower_tabs_ = nullptr;
};

}  // namespace capsim::gui
