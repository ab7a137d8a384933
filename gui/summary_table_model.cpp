#include "gui/summary_table_model.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <utility>

namespace capsim::gui {

SummaryTableModel::SummaryTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SummaryTableModel::set_rows(std::vector<planner::SummaryRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void SummaryTableModel::clear() { set_rows({}); }

int SummaryTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int SummaryTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : column_count; }

QVariant SummaryTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const planner::SummaryRow& row = rows_[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
      return QString::fromStdString(index.column() == metric_column ? row.label : row.value);
    case Qt::ForegroundRole:
      if (row.warning) return QBrush(QColor(0xc6, 0x28, 0x28));
      return {};
    case Qt::FontRole:
      if (row.headline) {
        QFont font;
        font.setBold(true);
        return font;
      }
      return {};
    case Qt::TextAlignmentRole:
      return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
    default:
      return {};
  }
}

QVariant SummaryTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == metric_column) return QStringLiteral("Metric");
  if (section == value_column) return QStringLiteral("Value");
  return {};
}

}  // namespace capsim::gui
