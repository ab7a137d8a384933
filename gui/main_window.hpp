#pragma once
/// @file main_window.hpp
/// The capsim-gui main window: a what-if planner for one training workload. Left, the scenario panel; right, the
/// headline figures, the step-time breakdown, the summary table and memory per GPU against capacity.

#include <QMainWindow>
#include <optional>

#include "gui/what_if.hpp"
#include "planner/scenario.hpp"

namespace capsim::gui {

class BreakdownChart;
class HeadlineBar;
class MemoryChart;
class ScenarioPanel;
class SummaryTableModel;
class SummaryView;

/// The main window. Owns the loaded scenario (as read from its file; what-if edits are applied to copies) and every
/// panel.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  /// Reads and runs the scenario at `path`. On a bad file, shows its problems in the panel and returns false; never
  /// throws for bad input.
  bool open_scenario(const QString& path);
  /// Reads the current file again, dropping what-if edits. Returns what open_scenario returns.
  bool reload();
  /// Writes the step-time breakdown chart to `path` as PNG. Returns false if it cannot write.
  bool export_breakdown_png(const QString& path);

  /// Path of the scenario file last opened ("" if none).
  QString scenario_path() const { return path_; }
  /// The panels, owned by the window (for tests and screenshots).
  ScenarioPanel* scenario_panel() const { return panel_; }
  HeadlineBar* headline_bar() const { return headline_; }
  SummaryTableModel* summary_model() const { return summary_model_; }
  BreakdownChart* breakdown_chart() const { return breakdown_; }
  MemoryChart* memory_chart() const { return memory_; }

 public slots:
  /// Runs the edited workload again with the panel's values and redraws every panel.
  void rerun();

 private slots:
  void open_dialog();
  void export_dialog();
  void reset_what_if();

 private:
  void build_menu();
  void show_no_result(const QString& why);

  std::optional<planner::Scenario> scenario_;
  HardwareBaseline hardware_;  ///< scenario_'s clusters before any power cap (what_if.hpp says why)
  int training_index_ = -1;  ///< index in scenario_->workloads of the edited training workload
  QString path_;

  ScenarioPanel* panel_ = nullptr;
  HeadlineBar* headline_ = nullptr;
  SummaryTableModel* summary_model_ = nullptr;
  SummaryView* summary_view_ = nullptr;
  BreakdownChart* breakdown_ = nullptr;
  MemoryChart* memory_ = nullptr;
};

}  // namespace capsim::gui
