#pragma once
/// @file search_view.hpp
/// The result view of a design search (`capsim search`): the Pareto front of cost against time as a scatter where a
/// click picks a configuration, and a side panel with its details.

#include <QMetaType>
#include <QWidget>
#include <nlohmann/json.hpp>
#include <vector>

#include "planner/scenario.hpp"
#include "planner/search/search_space.hpp"
#include "planner/search/search_tally.hpp"

class QCustomPlot;
class QCPAbstractPlottable;
class QCPGraph;
class QLabel;
class QPushButton;

namespace capsim::gui {

class FigureStrip;

/// A configuration picked on the front: enough to open it as a scenario.
struct SearchChoice {
  int pareto_index = -1;  ///< in the sorted front (SearchTally::pareto)
  planner::search::Candidate candidate;
  nlohmann::ordered_json configuration;  ///< planner::search::candidate_json: cluster, layout and figures
  planner::Scenario scenario;            ///< the searched scenario with this cluster and training layout
  std::string workload_pointer;          ///< the searched workload in the file ("/workloads/0")
};

/// Shows a search's front; clicking a point (or choose_point()) selects it, shows its details and emits
/// configuration_chosen().
class SearchView : public QWidget {
  Q_OBJECT

 public:
  explicit SearchView(QWidget* parent = nullptr);

  /// Shows `tally` (complete, front sorted by SearchTally::sort_pareto) of `problem`, searched from `scenario`.
  /// Copies what it needs.
  void set_result(const planner::Scenario& scenario, const planner::search::SearchProblem& problem,
                  const planner::search::SearchTally& tally);
  /// Empties the view.
  void clear();
  /// Selects front member `pareto_index` as a click on its point does (the test hook); out of range is ignored.
  void choose_point(int pareto_index);
  /// The choice for front member `pareto_index` (an empty choice when out of range).
  SearchChoice choice(int pareto_index) const;
  /// Where front member `pareto_index` is drawn, in the plot's pixels (after a replot at the current size).
  QPointF point_pixel(int pareto_index) const;

  /// The selected front member (-1 when none).
  int chosen() const { return chosen_; }
  /// The plot, owned by this view.
  QCustomPlot* plot() const { return plot_; }
  /// The details panel's text (rich text), for tests.
  QString details_text() const;

 signals:
  /// A configuration was picked.
  void configuration_chosen(const capsim::gui::SearchChoice& choice);
  /// "Open as a scenario" was pressed for the picked configuration.
  void open_requested(const capsim::gui::SearchChoice& choice);

 protected:
  /// Redraws the front: its legend fits the plot's width.
  void resizeEvent(QResizeEvent* event) override;

 private:
  void draw_front();
  void on_plottable_click(QCPAbstractPlottable* plottable, int data_index);
  void show_details(int pareto_index);

  planner::Scenario scenario_;
  planner::search::SearchProblem problem_;
  planner::search::SearchTally tally_;
  bool has_result_ = false;
  int chosen_ = -1;
  std::vector<QCPGraph*> groups_;               ///< one scatter per GPU type and precision; owned by the plot
  std::vector<std::vector<int>> group_points_;  ///< per group, per data point: the front index
  QCPGraph* highlight_ = nullptr;               ///< ring around the chosen point; owned by the plot

  QLabel* heading_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QPushButton* open_ = nullptr;
  QLabel* details_ = nullptr;
};

}  // namespace capsim::gui

Q_DECLARE_METATYPE(capsim::gui::SearchChoice)
