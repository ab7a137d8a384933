#pragma once
/// @file memory_chart.hpp
/// One stacked bar of the memory a GPU needs (weights, gradients, optimizer states, activations, buffers) against a
/// line at the GPU's HBM capacity.

#include <QWidget>
#include <vector>

#include "planner/chart_data.hpp"

class QCustomPlot;
class QCPBars;
class QCPLayoutGrid;

namespace capsim::gui {

/// Draws a planner::StackSeries of bytes as a horizontal stacked bar with a capacity line; the title turns red when
/// the stack is over the line.
class MemoryChart : public QWidget {
  Q_OBJECT

 public:
  explicit MemoryChart(QWidget* parent = nullptr);

  /// Draws `series` (unit "B").
  void set_series(const planner::StackSeries& series);
  /// Removes the stack and shows `message` in the title instead.
  void clear(const QString& message);

  /// The series drawn last (empty after clear()).
  const planner::StackSeries& series() const { return series_; }
  /// The plot, owned by this widget.
  QCustomPlot* plot() const { return plot_; }

 private:
  void set_title(const QString& text, bool warning);

  QCustomPlot* plot_ = nullptr;
  QCPLayoutGrid* legend_row_ = nullptr;  ///< holds the legend under the plot; owned by the plot
  std::vector<QCPBars*> parts_;          ///< one per stack part, bottom first; owned by the plot
  planner::StackSeries series_;
};

}  // namespace capsim::gui
