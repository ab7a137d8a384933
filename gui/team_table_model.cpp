#include "gui/team_table_model.hpp"

#include <QBrush>
#include <QColor>

#include "planner/report/pdf/qt_text.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

const QColor kShortColor(0xc6, 0x28, 0x28);
constexpr double kShortTolerance = 0.9;  // under 90% of its entitlement counts as short-changed

using planner::report::qstr;
QString time_or_dash(const fleet::TimeStats& s, double v) {
  return s.count > 0 ? qstr(units::format_time(v)) : QStringLiteral("-");
}

}  // namespace

TeamTableModel::TeamTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TeamTableModel::set_result(const fleet::FleetResult& result) {
  beginResetModel();
  teams_ = result.teams;
  priced_ = result.price_per_gpu_hour_usd > 0;
  endResetModel();
}

void TeamTableModel::clear() {
  beginResetModel();
  teams_.clear();
  priced_ = false;
  endResetModel();
}

bool TeamTableModel::short_changed(const fleet::TeamResult& t) {
  return t.entitlement > 0 && t.share < kShortTolerance * t.entitlement && t.demand_share > t.share;
}

int TeamTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(teams_.size());
}

int TeamTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : column_count; }

QVariant TeamTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const fleet::TeamResult& t = teams_[static_cast<std::size_t>(index.row())];
  const int column = index.column();
  if (role == value_role) {
    switch (column) {
      case quota_column:
        return t.quota_gpus;
      case jobs_column:
        return static_cast<double>(t.jobs_completed);
      case mean_wait_column:
        return t.queue.mean;
      case p99_wait_column:
        return t.queue.p99;
      case mean_jct_column:
        return t.jct.mean;
      case gpu_hours_column:
        return t.gpu_hours;
      case share_column:
        return t.share;
      case entitlement_column:
        return t.entitlement;
      case preemptions_column:
        return static_cast<double>(t.preemptions);
      case cost_column:
        return t.cost_usd;
      default:
        return {};
    }
  }
  switch (role) {
    case Qt::DisplayRole:
      switch (column) {
        case team_column:
          return qstr(t.name);
        case quota_column:
          return t.quota_gpus > 0 ? qstr(units::format_integer(t.quota_gpus)) : QStringLiteral("-");
        case jobs_column:
          return qstr(units::format_integer(static_cast<double>(t.jobs_completed)) + " of " +
                      units::format_integer(static_cast<double>(t.jobs_submitted)));
        case mean_wait_column:
          return time_or_dash(t.queue, t.queue.mean);
        case p99_wait_column:
          return time_or_dash(t.queue, t.queue.p99);
        case mean_jct_column:
          return time_or_dash(t.jct, t.jct.mean);
        case gpu_hours_column:
          return qstr(units::format_count(t.gpu_hours));
        case share_column:
          return qstr(units::format_percent(t.share));
        case entitlement_column:
          return qstr(units::format_percent(t.entitlement));
        case preemptions_column:
          return qstr(units::format_integer(static_cast<double>(t.preemptions)));
        case cost_column:
          return priced_ ? qstr(units::format_money(t.cost_usd)) : QStringLiteral("-");
        default:
          return {};
      }
    case Qt::ToolTipRole:
      if (column == share_column) {
        return QStringLiteral("%1 of all GPU-hours held; entitled to %2, asked for %3 of the GPU-time")
            .arg(qstr(units::format_percent(t.share)), qstr(units::format_percent(t.entitlement)),
                 qstr(units::format_percent(t.demand_share)));
      }
      return {};
    case Qt::ForegroundRole:
      if (column == share_column && short_changed(t)) return QBrush(kShortColor);
      return {};
    case Qt::TextAlignmentRole:
      if (column == team_column) return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
      return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    default:
      return {};
  }
}

QVariant TeamTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kHeaders[] = {"Team",        "Quota (GPUs)", "Jobs done", "Mean wait",
                                         "P99 wait",    "Mean JCT",     "GPU-hours", "Share",
                                         "Entitlement", "Preemptions",  "Cost"};
  if (section < 0 || section >= column_count) return {};
  return QString::fromUtf8(kHeaders[section]);
}

}  // namespace capsim::gui
