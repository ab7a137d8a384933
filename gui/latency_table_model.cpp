#include "gui/latency_table_model.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>

#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

const char* const kRowNames[] = {"Time to first token", "Time per output token", "End to end", "Queue wait"};
const QColor kMissColor(0xc6, 0x28, 0x28);
const QColor kMetColor(0x1a, 0x7f, 0x37);

QString time_text(double s) { return QString::fromStdString(units::format_time(s)); }

}  // namespace

LatencyTableModel::LatencyTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LatencyTableModel::set_result(const sim::serving::InferenceResult& r) {
  beginResetModel();
  has_result_ = true;
  lines_[ttft_row] = {r.ttft_s, r.slo.ttft_s, r.slo.ttft_percentile};
  lines_[tpot_row] = {r.tpot_s, r.slo.tpot_s, r.slo.tpot_percentile};
  lines_[e2e_row] = {r.e2e_s, 0, 0};
  lines_[queue_row] = {r.queue_s, 0, 0};
  endResetModel();
}

void LatencyTableModel::clear() {
  beginResetModel();
  has_result_ = false;
  lines_ = {};
  endResetModel();
}

int LatencyTableModel::percentile_column(int p) {
  return p == 50 ? p50_column : p == 90 ? p90_column : p == 99 ? p99_column : -1;
}

double LatencyTableModel::value(const Line& line, int column) {
  switch (column) {
    case mean_column:
      return line.stats.mean;
    case p50_column:
      return line.stats.p50;
    case p90_column:
      return line.stats.p90;
    case p99_column:
      return line.stats.p99;
    case max_column:
      return line.stats.max;
    default:
      return -1;
  }
}

bool LatencyTableModel::misses_slo(int row) const {
  if (!has_result_ || row < 0 || row >= row_count) return false;
  const Line& line = lines_[static_cast<std::size_t>(row)];
  const int column = percentile_column(line.percentile);
  return line.target_s > 0 && column >= 0 && value(line, column) > line.target_s;
}

int LatencyTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !has_result_ ? 0 : row_count;
}

int LatencyTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : column_count; }

QVariant LatencyTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
  const int row = index.row();
  const int column = index.column();
  const Line& line = lines_[static_cast<std::size_t>(row)];
  const bool target_cell = line.target_s > 0 && column == percentile_column(line.percentile);
  const bool miss = misses_slo(row);
  const QString target = line.target_s > 0
                             ? QStringLiteral("p%1 \u2264 %2").arg(line.percentile).arg(time_text(line.target_s))
                             : QString();
  switch (role) {
    case Qt::DisplayRole:
      if (column == metric_column) return QString::fromUtf8(kRowNames[row]);
      if (column == slo_column) {
        if (line.target_s <= 0) return QStringLiteral("-");
        return target + (miss ? QStringLiteral(": missed") : QStringLiteral(": met"));
      }
      return time_text(value(line, column));
    case Qt::ToolTipRole:
      if (target_cell || (column == slo_column && line.target_s > 0)) {
        return miss ? QStringLiteral("Misses the SLO (%1)").arg(target)
                    : QStringLiteral("Within the SLO (%1)").arg(target);
      }
      return {};
    case seconds_role:
      if (column == metric_column || column == slo_column) return {};
      return value(line, column);
    case slo_miss_role:
      return (target_cell || column == slo_column) && miss;
    case Qt::ForegroundRole:
      if (target_cell || (column == slo_column && line.target_s > 0)) return QBrush(miss ? kMissColor : kMetColor);
      return {};
    case Qt::FontRole:
      if (target_cell) {
        QFont font;
        font.setBold(true);
        return font;
      }
      return {};
    case Qt::TextAlignmentRole:
      if (column == metric_column || column == slo_column) {
        return QVariant::fromValue(Qt::Alignment(Qt::AlignLeft | Qt::AlignVCenter));
      }
      return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    default:
      return {};
  }
}

QVariant LatencyTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kHeaders[] = {"Latency", "Mean", "P50", "P90", "P99", "Max", "SLO"};
  if (section < 0 || section >= column_count) return {};
  return QString::fromUtf8(kHeaders[section]);
}

}  // namespace capsim::gui
