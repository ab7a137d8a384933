#pragma once
/// @file tco_view.hpp
/// The study (TCO) view: what a tco::PlanResult answers, for people. The recommendation with its reasons and the
/// plan's warnings on top; the cumulative cost per option (break-even marked), one option's monthly cost stacked by
/// category and the tornado; the table of options, with the change against a baseline plan (the file's values).
/// The charts are the report's own (planner/report/pdf/cost_charts.hpp), so the app, the PDF and the HTML agree.

#include <QWidget>
#include <optional>

#include "planner/tco/plan_result.hpp"

class QComboBox;
class QCustomPlot;
class QLabel;
class QTableView;

namespace capsim::gui {

class OptionTableModel;

/// Shows one plan. Owns its plots and its table model.
class TcoView : public QWidget {
  Q_OBJECT

 public:
  explicit TcoView(QWidget* parent = nullptr);

  /// Shows `plan`; `baseline` (may be null; copied, not kept) is the plan of the file's values, for the deltas in
  /// the table and the headline. The option chosen for the monthly chart is kept by name, else the recommended one.
  void set_plan(const planner::tco::PlanResult& plan, const planner::tco::PlanResult* baseline);
  /// Empties every chart and the table and shows `why` (e.g. the what-if's problem) in the headline's place.
  void clear(const QString& why);

  /// Writes one chart, "cumulative", "monthly" or "tornado", to `path` as PNG at its size on screen (its minimum
  /// size when it has never been shown). Returns false for another name, or when the file cannot be written.
  bool save_chart_png(const QString& chart, const QString& path);

  /// The plan shown (empty after clear()).
  const std::optional<planner::tco::PlanResult>& plan() const { return plan_; }
  /// The headline text shown (the recommendation, or clear()'s reason).
  QString headline_text() const;
  QCustomPlot* cumulative_plot() const { return cumulative_; }
  QCustomPlot* monthly_plot() const { return monthly_; }
  QCustomPlot* tornado_plot() const { return tornado_; }
  /// Chooses the option of the monthly chart.
  QComboBox* monthly_option() const { return monthly_option_; }
  OptionTableModel* option_model() const { return model_; }
  QTableView* option_table() const { return table_; }

 protected:
  /// Redraws a chart whose plot was resized: the chart functions wrap the legend to the plot's width.
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void draw_charts();
  void draw_monthly();
  QCustomPlot* chart(const QString& name) const;

  QLabel* headline_ = nullptr;
  QLabel* reasons_ = nullptr;
  QLabel* warnings_ = nullptr;
  QCustomPlot* cumulative_ = nullptr;
  QComboBox* monthly_option_ = nullptr;
  QCustomPlot* monthly_ = nullptr;
  QCustomPlot* tornado_ = nullptr;
  QLabel* tornado_notes_ = nullptr;
  OptionTableModel* model_ = nullptr;
  QTableView* table_ = nullptr;
  std::optional<planner::tco::PlanResult> plan_;
};

}  // namespace capsim::gui
