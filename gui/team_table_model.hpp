#pragma once
/// @file team_table_model.hpp
/// The teams of a fleet run as a table model: jobs, waits, completion times, GPU-hours and share against quota.

#include <QAbstractTableModel>
#include <vector>

#include "sim/fleet/fleet_result.hpp"

namespace capsim::gui {

/// One row per fleet::TeamResult, in the result's order. Times by units::format_time, GPU-hours and shares by
/// units::format_count and format_percent; a team that got less than its entitlement while it asked for more is
/// drawn red in the share column. Cost is shown only when the run is priced.
class TeamTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// Columns of the table.
  enum Column {
    team_column = 0,
    quota_column,
    jobs_column,       ///< completed of submitted
    mean_wait_column,  ///< mean queue time of its started jobs
    p99_wait_column,
    mean_jct_column,
    gpu_hours_column,
    share_column,        ///< its share of all GPU-hours held
    entitlement_column,  ///< its quota (or weight) share of the cluster
    preemptions_column,
    cost_column,
    column_count
  };
  /// Role of the raw figure of a cell (a double: seconds, GPU-hours, ratios, USD, counts).
  static constexpr int value_role = Qt::UserRole + 1;

  explicit TeamTableModel(QObject* parent = nullptr);

  /// Shows `result`'s teams (a model reset).
  void set_result(const fleet::FleetResult& result);
  /// Removes every row.
  void clear();
  /// The teams shown.
  const std::vector<fleet::TeamResult>& teams() const { return teams_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  /// True when `team` held less than its entitlement while asking for more.
  static bool short_changed(const fleet::TeamResult& team);

  std::vector<fleet::TeamResult> teams_;
  bool priced_ = false;
};

}  // namespace capsim::gui
