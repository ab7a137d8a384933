#include "gui/option_table_model.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>

#include "planner/report/cost_chart_data.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace tco = planner::tco;

OptionTableModel::OptionTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void OptionTableModel::set_plan(const tco::PlanResult& plan, const tco::PlanResult* baseline) {
  beginResetModel();
  options_ = plan.options;
  recommended_ = plan.recommended;
  cheapest_cloud_ = plan.cheapest_cloud.value_or("");
  delta_npv_usd_.assign(options_.size(), std::nullopt);
  if (baseline != nullptr) {
    for (std::size_t i = 0; i < options_.size(); ++i) {
      for (const tco::OptionResult& b : baseline->options) {
        if (b.name == options_[i].name) delta_npv_usd_[i] = options_[i].npv_usd - b.npv_usd;
      }
    }
  }
  endResetModel();
}

void OptionTableModel::clear() {
  beginResetModel();
  options_.clear();
  delta_npv_usd_.clear();
  recommended_.clear();
  cheapest_cloud_.clear();
  endResetModel();
}

int OptionTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(options_.size());
}

int OptionTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : column_count; }

QVariant OptionTableModel::value(std::size_t row, int column) const {
  const tco::OptionResult& o = options_[row];
  switch (column) {
    case total_column: return o.total_cost_usd;
    case npv_column: return o.npv_usd;
    case gpu_hour_column: return o.cost_per_gpu_hour_usd;
    case million_tokens_column: return o.cost_per_million_tokens_usd;
    case utilization_column: return o.utilization;
    case break_even_column: return o.break_even_month ? QVariant(*o.break_even_month) : QVariant();
    case delta_column: return delta_npv_usd_[row] ? QVariant(*delta_npv_usd_[row]) : QVariant();
    default: return {};
  }
}

QString OptionTableModel::text(std::size_t row, int column) const {
  const tco::OptionResult& o = options_[row];
  auto money = [](double usd) { return QString::fromStdString(units::format_money(usd)); };
  switch (column) {
    case option_column: return QString::fromStdString(o.name);
    case kind_column: return QString::fromStdString(o.kind);
    case total_column: return money(o.total_cost_usd);
    case npv_column: return money(o.npv_usd);
    case gpu_hour_column: return money(o.cost_per_gpu_hour_usd);
    case million_tokens_column: return o.cost_per_million_tokens_usd > 0 ? money(o.cost_per_million_tokens_usd) : "-";
    case utilization_column: return QString::fromStdString(units::format_percent(o.utilization));
    case break_even_column:
      if (o.name == cheapest_cloud_) return QStringLiteral("reference");
      if (o.break_even_month) return QStringLiteral("month %1").arg(planner::report::month_number(*o.break_even_month));
      return o.kind == "cloud" ? QStringLiteral("-") : QStringLiteral("never");  // renting has nothing to earn back
    case delta_column: {
      const std::optional<double>& d = delta_npv_usd_[row];
      if (!d) return QStringLiteral("-");
      if (*d == 0) return QStringLiteral("same");
      return QString::fromStdString((*d > 0 ? "+" : "") + units::format_money(*d));
    }
    default: return {};
  }
}

QVariant OptionTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const auto row = static_cast<std::size_t>(index.row());
  const tco::OptionResult& o = options_[row];
  switch (role) {
    case Qt::DisplayRole: return text(row, index.column());
    case Qt::UserRole: return value(row, index.column());
    case Qt::ToolTipRole:
      if (index.column() == option_column) return QString::fromStdString(o.description);
      if (index.column() == delta_column) return QStringLiteral("NPV change against the file's values");
      if (index.column() == break_even_column) {
        return QStringLiteral("first month from which its cost to date stays at or below the cheapest cloud option's");
      }
      return text(row, index.column());
    case Qt::FontRole:
      if (o.name == recommended_) {
        QFont font;
        font.setBold(true);
        return font;
      }
      return {};
    case Qt::ForegroundRole:
      if (index.column() == delta_column && delta_npv_usd_[row] && *delta_npv_usd_[row] != 0) {
        // A cost: more is worse (red), less is better (green).
        return QBrush(*delta_npv_usd_[row] > 0 ? QColor(0xc6, 0x28, 0x28) : QColor(0x2e, 0x7d, 0x32));
      }
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() <= kind_column) return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
      return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    default: return {};
  }
}

QVariant OptionTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case option_column: return QStringLiteral("Option");
    case kind_column: return QStringLiteral("Kind");
    case total_column: return QStringLiteral("Total");
    case npv_column: return QStringLiteral("NPV");
    case gpu_hour_column: return QStringLiteral("$/GPU-hour");
    case million_tokens_column: return QStringLiteral("$/M tokens");
    case utilization_column: return QStringLiteral("Utilization");
    case break_even_column: return QStringLiteral("Break-even");
    case delta_column: return QStringLiteral("NPV vs file");
    default: return {};
  }
}

}  // namespace capsim::gui
