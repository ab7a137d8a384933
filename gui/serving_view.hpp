#pragma once
/// @file serving_view.hpp
/// The result view of a serving scenario: headline figures, latency percentiles against the SLO, requests running
/// and queued over the run, throughput against load, and the replicas a day of the rate curve needs.

#include <QWidget>
#include <map>
#include <vector>

#include "gui/serving_load_curve.hpp"
#include "planner/report/chart_model.hpp"
#include "planner/scenario.hpp"
#include "sim/serving/inference_result.hpp"

class QComboBox;
class QGridLayout;
class QCustomPlot;
class QLabel;
class QTableView;

namespace capsim::gui {

class FigureStrip;
class LatencyTableModel;

/// Shows the inference results of one scenario run, one workload at a time (a combo picks it when there are
/// several). It runs no simulation itself: the load curve comes from set_load_curve(), which the owner computes
/// with serving_load_curve() (on a background thread) when load_curve_wanted() asks for it.
class ServingView : public QWidget {
  Q_OBJECT

 public:
  explicit ServingView(QWidget* parent = nullptr);

  /// Shows `results` (planner::ScenarioResult::inference) of `scenario`, whose inference workloads they are in
  /// order; forgets earlier load curves and shows the first workload. Copies what it needs.
  void set_results(const planner::Scenario& scenario, const std::vector<sim::serving::InferenceResult>& results);
  /// Takes the load curve of inference workload `workload_index`: draws it, and the replica plan from the capacity
  /// it shows, when that workload is on screen.
  void set_load_curve(int workload_index, const LoadCurve& curve);
  /// Shows inference workload `index` (the combo follows).
  void show_workload(int index);
  /// Empties every panel.
  void clear();

  /// The workload on screen (-1 when none).
  int current_workload() const { return current_; }
  /// The latency table's model, owned by this view.
  LatencyTableModel* latency_model() const { return latency_model_; }
  /// The workload combo (hidden with one workload).
  QComboBox* workload_combo() const { return combo_; }
  /// The figures strip.
  FigureStrip* figures() const { return figures_; }
  /// The plots, owned by this view.
  QCustomPlot* activity_plot() const { return activity_plot_; }
  QCustomPlot* load_plot() const { return load_plot_; }
  QCustomPlot* replica_plot() const { return replica_plot_; }
  /// The replica plan drawn last (empty before a load curve).
  const ReplicaPlan& replica_plan_shown() const { return plan_; }

 signals:
  /// Workload `workload_index` is on screen and has no load curve yet: run serving_load_curve() and pass the result
  /// to set_load_curve().
  void load_curve_wanted(int workload_index);

 protected:
  /// Redraws the charts: their legends wrap to the plots' widths.
  void resizeEvent(QResizeEvent* event) override;

 private:
  void show_figures(const sim::serving::InferenceResult& r);
  void draw_charts();
  void show_load_curve(int index);

  planner::Scenario scenario_;
  std::vector<sim::serving::InferenceResult> results_;
  std::map<int, LoadCurve> curves_;
  ReplicaPlan plan_;
  QString plan_message_;  ///< the replica chart's title without a plan
  planner::report::LineChart activity_chart_;
  planner::report::LineChart load_chart_;
  int current_ = -1;

  QComboBox* combo_ = nullptr;
  QLabel* combo_label_ = nullptr;
  FigureStrip* figures_ = nullptr;
  LatencyTableModel* latency_model_ = nullptr;
  QTableView* latency_table_ = nullptr;
  QCustomPlot* activity_plot_ = nullptr;
  QCustomPlot* load_plot_ = nullptr;
  QCustomPlot* replica_plot_ = nullptr;
  QGridLayout* grid_ = nullptr;
};

}  // namespace capsim::gui
