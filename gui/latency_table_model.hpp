#pragma once
/// @file latency_table_model.hpp
/// The latency percentiles of one serving run (TTFT, TPOT, E2E, queue) against its SLO, as a table model.

#include <QAbstractTableModel>
#include <array>

#include "sim/serving/inference_result.hpp"

namespace capsim::gui {

/// Rows TTFT, TPOT, end-to-end and queue; columns mean, p50, p90, p99, max and the SLO target. The cell at the SLO's
/// percentile is bold, green when within target and red when over (an SLO miss, also said in its tooltip and in
/// the SLO column). Times formatted by units::format_time.
class LatencyTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// Rows of the table.
  enum Row { ttft_row = 0, tpot_row, e2e_row, queue_row, row_count };
  /// Columns of the table.
  enum Column {
    metric_column = 0,
    mean_column,
    p50_column,
    p90_column,
    p99_column,
    max_column,
    slo_column,
    column_count
  };
  /// Role of the raw value, seconds (a double), of the percentile columns.
  static constexpr int seconds_role = Qt::UserRole + 1;
  /// Role saying whether a cell misses the SLO (a bool).
  static constexpr int slo_miss_role = Qt::UserRole + 2;

  explicit LatencyTableModel(QObject* parent = nullptr);

  /// Shows `result`'s latencies (a model reset).
  void set_result(const sim::serving::InferenceResult& result);
  /// Removes every row.
  void clear();
  /// True when row `row` has a target and its percentile is over it.
  bool misses_slo(int row) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  /// One row's figures and target.
  struct Line {
    sim::serving::LatencyStats stats;
    double target_s = 0;  ///< 0 = no target
    int percentile = 0;   ///< of the target
  };
  /// The column of percentile `p` (50, 90, 99), or -1.
  static int percentile_column(int p);
  /// Seconds in `column` of `line`, or -1 for the metric and SLO columns.
  static double value(const Line& line, int column);

  bool has_result_ = false;
  std::array<Line, row_count> lines_{};
};

}  // namespace capsim::gui
