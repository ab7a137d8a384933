#pragma once
/// @file option_table_model.hpp
/// The study view's table of options: one row per option of a tco::PlanResult, its costs and the change against a
/// baseline plan (the file's values) when one is given.

#include <QAbstractTableModel>
#include <optional>
#include <string>
#include <vector>

#include "planner/tco/plan_result.hpp"

namespace capsim::gui {

/// Options of a plan as a read-only table, in the plan's order. Display texts are formatted for people
/// (units::format_money and friends); Qt::UserRole gives the number behind a cell (USD, a ratio, a 0-based month;
/// an invalid QVariant where there is none). The recommended option's row is bold.
class OptionTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  /// Columns of the table.
  enum Column {
    option_column = 0,
    kind_column,
    total_column,            ///< total cost over the horizon, USD
    npv_column,              ///< NPV at the study's discount rate, USD
    gpu_hour_column,         ///< effective USD per GPU-hour of work done
    million_tokens_column,   ///< USD per million tokens
    utilization_column,      ///< owned (or committed) GPU-hours used / online
    break_even_column,       ///< first month at or below the cheapest cloud option
    delta_column,            ///< NPV minus the baseline's NPV of the option with the same name, USD
    column_count
  };

  explicit OptionTableModel(QObject* parent = nullptr);

  /// Replaces every row (a model reset) with `plan`'s options; `baseline` (may be null, not kept) gives the deltas.
  void set_plan(const planner::tco::PlanResult& plan, const planner::tco::PlanResult* baseline);
  /// Removes every row.
  void clear();
  /// The options shown.
  const std::vector<planner::tco::OptionResult>& options() const { return options_; }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QVariant value(std::size_t row, int column) const;
  QString text(std::size_t row, int column) const;

  std::vector<planner::tco::OptionResult> options_;
  std::vector<std::optional<double>> delta_npv_usd_;  ///< per row; empty when no baseline has the option
  std::string recommended_;
  std::string cheapest_cloud_;
};

}  // namespace capsim::gui
