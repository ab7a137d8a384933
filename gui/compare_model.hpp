#pragma once
/// @file compare_model.hpp
/// The comparison table: one row per figure, one column per compared result, each cell its value with the change
/// against the first column ("$41.2M  +$3.1M (+8.1%)"); better changes green, worse red.

#include <QAbstractTableModel>
#include <vector>

#include "gui/compare_snapshot.hpp"

namespace capsim::gui {

class CompareModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  using QAbstractTableModel::QAbstractTableModel;

  void set_snapshots(std::vector<Snapshot> snapshots);
  const std::vector<Snapshot>& snapshots() const { return snapshots_; }
  const std::vector<CompareRow>& rows() const { return rows_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<Snapshot> snapshots_;
  std::vector<CompareRow> rows_;
};

}  // namespace capsim::gui
