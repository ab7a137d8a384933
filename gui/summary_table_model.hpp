#pragma once
/// @file summary_table_model.hpp
/// A two-column table model (metric, value) over planner::make_summary_rows.

#include <QAbstractTableModel>
#include <vector>

#include "planner/chart_data.hpp"

namespace capsim::gui {

/// Rows of planner::SummaryRow as a read-only table: column 0 the metric, column 1 its value. Headline rows are bold,
/// warnings red.
class SummaryTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// Columns of the table.
  enum Column { metric_column = 0, value_column = 1, column_count = 2 };

  explicit SummaryTableModel(QObject* parent = nullptr);

  /// Replaces every row (a model reset).
  void set_rows(std::vector<planner::SummaryRow> rows);
  /// Removes every row.
  void clear();
  /// The rows shown.
  const std::vector<planner::SummaryRow>& rows() const { return rows_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<planner::SummaryRow> rows_;
};

}  // namespace capsim::gui
