#include "gui/summary_view.hpp"

#include <QHeaderView>

#include "gui/summary_table_model.hpp"

namespace capsim::gui {

SummaryView::SummaryView(SummaryTableModel* model, QWidget* parent) : QTableView(parent) {
  setObjectName(QStringLiteral("summary_view"));
  setModel(model);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  setAlternatingRowColors(true);
  setWordWrap(true);
  setShowGrid(false);
  verticalHeader()->setVisible(false);
  // Notes and advice are sentences: rows grow to show them whole instead of eliding them.
  verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  setTextElideMode(Qt::ElideNone);
  horizontalHeader()->setSectionResizeMode(SummaryTableModel::metric_column, QHeaderView::ResizeToContents);
  horizontalHeader()->setStretchLastSection(true);
}

}  // namespace capsim::gui
