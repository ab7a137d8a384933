#include "gui/compare_model.hpp"

#include <QBrush>
#include <QColor>
#include <utility>

namespace capsim::gui {

void CompareModel::set_snapshots(std::vector<Snapshot> snapshots) {
  beginResetModel();
  snapshots_ = std::move(snapshots);
  rows_ = compare_rows(snapshots_);
  endResetModel();
}

int CompareModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int CompareModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(snapshots_.size());
}

QVariant CompareModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const CompareRow& row = rows_[static_cast<std::size_t>(index.row())];
  const auto c = static_cast<std::size_t>(index.column());
  const std::optional<CompareFigure>& cell = row.cells[c];
  if (!cell) return role == Qt::DisplayRole ? QVariant(QStringLiteral("-")) : QVariant();
  const std::string delta = delta_text(row, c);
  switch (role) {
    case Qt::DisplayRole:
      return QString::fromStdString(delta.empty() ? cell->text : cell->text + "   " + delta);
    case Qt::ToolTipRole:
      return QString::fromStdString(row.label + " in " + snapshots_[c].label + ": " + cell->text +
                                    (delta.empty() ? "" : " (" + delta + " against " + snapshots_[0].label + ")"));
    case Qt::ForegroundRole: {
      if (delta.empty() || !row.cells[0]) return {};
      const bool lower = cell->value < row.cells[0]->value;
      const bool better = cell->lower_is_better ? lower : !lower;
      return QBrush(better ? QColor(0x1a, 0x7f, 0x37) : QColor(0xb4, 0x23, 0x18));
    }
    case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::UserRole: return cell->has_value ? QVariant(cell->value) : QVariant();
    default: return {};
  }
}

QVariant CompareModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole && role != Qt::ToolTipRole) return {};
  if (orientation == Qt::Horizontal) {
    if (section < 0 || section >= columnCount()) return {};
    const Snapshot& s = snapshots_[static_cast<std::size_t>(section)];
    return QString::fromStdString(role == Qt::DisplayRole ? s.label : s.label + "\n" + s.source);
  }
  if (section < 0 || section >= rowCount()) return {};
  return QString::fromStdString(rows_[static_cast<std::size_t>(section)].label);
}

}  // namespace capsim::gui
