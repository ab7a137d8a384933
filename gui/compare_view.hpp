#pragma once
/// @file compare_view.hpp
/// Compare two to four results side by side: on the left every result the app holds (each open file's last run and
/// every pinned what-if), ticked ones compared; on the right the figures table (first ticked result is the
/// reference for the deltas) and a bar chart of the selected row across the compared results.

#include <QWidget>
#include <vector>

#include "gui/compare_snapshot.hpp"

class QCustomPlot;
class QLabel;
class QListWidget;
class QTableView;

namespace capsim::gui {

class CompareModel;

class CompareView : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kMaxCompared = 4;

  explicit CompareView(QWidget* parent = nullptr);

  /// The results that can be compared. Keeps the ticks of results whose labels stay; ticks new ones while fewer than
  /// two are ticked.
  void set_candidates(std::vector<Snapshot> candidates);
  /// Ticks exactly `which` (candidate numbers; at most kMaxCompared are taken).
  void set_compared(const std::vector<int>& which);
  std::vector<int> compared() const;
  const std::vector<Snapshot>& candidates() const { return candidates_; }

  CompareModel* model() const { return model_; }
  QCustomPlot* plot() const { return plot_; }
  /// Charts figure row `row` of the table across the compared results.
  void chart_row(int row);

 private:
  void update_compared();

  std::vector<Snapshot> candidates_;
  QListWidget* list_ = nullptr;
  QLabel* hint_ = nullptr;
  QTableView* table_ = nullptr;
  CompareModel* model_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  bool updating_ = false;
};

}  // namespace capsim::gui
