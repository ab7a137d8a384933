#pragma once
/// @file fleet_view.hpp
/// The result view of a fleet scenario: headline figures, GPUs held per team over time, the queue over time, and a
/// table of the teams.

#include <QWidget>

#include "planner/report/chart_model.hpp"
#include "planner/scenario.hpp"
#include "sim/fleet/fleet_result.hpp"

class QCustomPlot;
class QLabel;
class QTableView;

namespace capsim::gui {

class FigureStrip;
class TeamTableModel;

/// Shows one fleet::FleetResult (planner::run_fleet_scenario). The charts are the fleet report's
/// (planner/report/fleet_report.hpp) drawn with the PDF report's QCustomPlot renderer, so all three agree.
class FleetView : public QWidget {
  Q_OBJECT

 public:
  explicit FleetView(QWidget* parent = nullptr);

  /// Shows `result`, the fleet run of `scenario`.
  void set_result(const planner::Scenario& scenario, const fleet::FleetResult& result);
  /// Empties every panel.
  void clear();

  /// The team table's model, owned by this view.
  TeamTableModel* team_model() const { return team_model_; }
  /// The figures strip.
  FigureStrip* figures() const { return figures_; }
  /// The plots, owned by this view.
  QCustomPlot* allocation_plot() const { return allocation_plot_; }
  QCustomPlot* queue_plot() const { return queue_plot_; }

 protected:
  /// Redraws the charts: their legends wrap to the plots' widths.
  void resizeEvent(QResizeEvent* event) override;

 private:
  void show_figures(const fleet::FleetResult& r);
  void draw_charts();

  planner::report::StackedBarChart allocation_chart_;
  planner::report::LineChart queue_chart_;
  QLabel* heading_ = nullptr;
  FigureStrip* figures_ = nullptr;
  QCustomPlot* allocation_plot_ = nullptr;
  QCustomPlot* queue_plot_ = nullptr;
  TeamTableModel* team_model_ = nullptr;
  QTableView* team_table_ = nullptr;
  QLabel* warnings_ = nullptr;
};

}  // namespace capsim::gui
