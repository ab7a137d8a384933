#pragma once
/// @file breakdown_chart.hpp
/// Horizontal bars of the step-time breakdown (compute, communication, bubble, ...), seconds.

#include <QWidget>
#include <array>

#include "planner/chart_data.hpp"

class QCustomPlot;
class QCPBars;

namespace capsim::gui {

/// Draws a planner::BarSeries of seconds as horizontal bars, first part at the top, each bar labelled with its time
/// and share of the step and coloured by its group (compute, communication, idle).
class BreakdownChart : public QWidget {
  Q_OBJECT

 public:
  explicit BreakdownChart(QWidget* parent = nullptr);

  /// Draws `series` (unit "s").
  void set_series(const planner::BarSeries& series);
  /// Removes the bars and shows `message` in the title instead.
  void clear(const QString& message);
  /// Writes the chart to `path` as PNG, `width` x `height` pixels (0 = as shown). Returns false if it cannot write.
  bool save_png(const QString& path, int width = 0, int height = 0);

  /// The series drawn last (empty after clear()).
  const planner::BarSeries& series() const { return series_; }
  /// The plot, owned by this widget.
  QCustomPlot* plot() const { return plot_; }
  /// Bars drawn, over every group.
  int bar_count() const;

 private:
  void set_title(const QString& text);

  QCustomPlot* plot_ = nullptr;
  std::array<QCPBars*, 3> bars_{};  ///< compute, communication, idle; owned by the plot
  planner::BarSeries series_;
};

}  // namespace capsim::gui
