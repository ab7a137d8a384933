#pragma once
/// @file summary_view.hpp
/// The table that shows a SummaryTableModel: compact, read-only, long notes wrapped.

#include <QTableView>

namespace capsim::gui {

class SummaryTableModel;

/// A read-only view of the summary table. Does not own the model.
class SummaryView : public QTableView {
  Q_OBJECT

 public:
  explicit SummaryView(SummaryTableModel* model, QWidget* parent = nullptr);
};

}  // namespace capsim::gui
