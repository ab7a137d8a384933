#include "gui/compare_view.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>
#include <set>
#include <utility>

#include "gui/compare_model.hpp"
#include "planner/report/chart_model.hpp"
#include "planner/report/pdf/cost_charts.hpp"

namespace capsim::gui {

namespace report = planner::report;

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
  list_ = new QListWidget;
  list_->setObjectName(QStringLiteral("compare_candidates"));
  list_->setAccessibleName(QStringLiteral("Results to compare"));
  list_->setMinimumWidth(260);
  hint_ = new QLabel;
  hint_->setWordWrap(true);
  auto* left = new QWidget;
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  auto* title = new QLabel(QStringLiteral("<b>Compare</b> (tick two to four)"));
  left_layout->addWidget(title);
  left_layout->addWidget(list_, 1);
  left_layout->addWidget(hint_);

  model_ = new CompareModel(this);
  table_ = new QTableView;
  table_->setObjectName(QStringLiteral("compare_table"));
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->horizontalHeader()->setTextElideMode(Qt::ElideMiddle);  // a what-if's label lists its changes
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideLeft);  // keep the change ("+$1.2M (+2.7%)") in sight
  table_->setAlternatingRowColors(true);
  plot_ = new QCustomPlot;
  plot_->setMinimumHeight(220);

  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(table_);
  right->addWidget(plot_);
  right->setStretchFactor(0, 3);
  right->setStretchFactor(1, 2);

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(left);
  split->addWidget(right);
  split->setStretchFactor(1, 1);
  split->setSizes({280, 1100});
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(split);

  connect(list_, &QListWidget::itemChanged, this, [this] {
    if (!updating_) update_compared();
  });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) { chart_row(current.row()); });
  update_compared();
}

void CompareView::set_candidates(std::vector<Snapshot> candidates) {
  std::set<std::string> ticked;
  for (int i : compared()) ticked.insert(candidates_[static_cast<std::size_t>(i)].label);
  candidates_ = std::move(candidates);
  updating_ = true;
  list_->clear();
  int count = static_cast<int>(ticked.size());
  for (const Snapshot& s : candidates_) {
    auto* item = new QListWidgetItem(QString::fromStdString(s.label + "  (" + s.kind + ")"), list_);
    item->setToolTip(QString::fromStdString(s.source));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    bool on = ticked.count(s.label) > 0;
    if (!on && count < 2) {
      on = true;
      ++count;
    }
    item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
  }
  updating_ = false;
  update_compared();
}

void CompareView::set_compared(const std::vector<int>& which) {
  updating_ = true;
  for (int i = 0; i < list_->count(); ++i) {
    const bool on = std::find(which.begin(), which.end(), i) != which.end();
    list_->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
  }
  updating_ = false;
  update_compared();
}

std::vector<int> CompareView::compared() const {
  std::vector<int> out;
  for (int i = 0; i < list_->count() && static_cast<int>(out.size()) < kMaxCompared; ++i)
    if (list_->item(i)->checkState() == Qt::Checked) out.push_back(i);
  return out;
}

void CompareView::update_compared() {
  std::vector<Snapshot> chosen;
  for (int i : compared()) chosen.push_back(candidates_[static_cast<std::size_t>(i)]);
  int ticked = 0;
  for (int i = 0; i < list_->count(); ++i) ticked += list_->item(i)->checkState() == Qt::Checked;
  if (candidates_.size() < 2) {
    hint_->setText(QStringLiteral("Open a second file, or pin a what-if (Compare > Pin current result), to compare."));
  } else if (ticked > kMaxCompared) {
    hint_->setText(QStringLiteral("Only the first four ticked results are compared."));
  } else {
    hint_->setText(QStringLiteral("The first ticked result is the reference of the changes shown."));
  }
  model_->set_snapshots(std::move(chosen));
  int row = 0;  // chart the first row with numbers: the recommended NPV, or the step time
  for (; row < model_->rowCount(); ++row)
    if (model_->data(model_->index(row, 0), Qt::UserRole).isValid()) break;
  if (row < model_->rowCount()) {
    table_->selectRow(row);
  }
  chart_row(row);
}

void CompareView::chart_row(int row) {
  report::RangeBarChart chart;
  const auto& rows = model_->rows();
  if (row >= 0 && row < static_cast<int>(rows.size())) {
    const CompareRow& r = rows[static_cast<std::size_t>(row)];
    chart.title = r.label;
    double lo = 0, hi = 0;
    report::TickFormat format = report::TickFormat::count;
    for (std::size_t c = 0; c < r.cells.size(); ++c) {
      report::RangeRow bar;
      bar.label = model_->snapshots()[c].label;
      if (r.cells[c] && r.cells[c]->has_value) {
        const CompareFigure& f = *r.cells[c];
        bar.segments.push_back({0, f.value, report::palette_color(c)});
        bar.value_text = f.text;
        lo = std::min(lo, f.value);
        hi = std::max(hi, f.value);
        format = f.format;
      } else {
        bar.value_text = r.cells[c] ? r.cells[c]->text : "-";
      }
      chart.rows.push_back(std::move(bar));
    }
    chart.x_ticks = report::nice_ticks(lo, hi, 6, format);
  } else {
    chart.title = "Select a figure in the table to chart it";
  }
  report::draw_range_bars(plot_, chart);
  plot_->replot();
}

}  // namespace capsim::gui
