#pragma once
/// @file compare_snapshot.hpp
/// What the compare view lines up: a result frozen under a label ("70b-pretrain", "70b-pretrain (what-if: electricity
/// $0.12/kWh)"), as the figures a planner compares. Studies give each option's NPV, total, $/GPU-hour, $/million
/// tokens and break-even plus the recommendation; training gives step time, throughput, MFU, memory and time to
/// train; serving gives each workload's latency percentiles and throughput. No Qt.

#include <optional>
#include <string>
#include <vector>

#include "planner/report/chart_axis.hpp"
#include "planner/tco/plan_result.hpp"
#include "sim/engine.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::gui {

/// One figure of a snapshot: a row label, the text shown and the number behind it (for deltas; NaN when none).
struct CompareFigure {
  std::string label;
  std::string text;
  double value = 0;
  bool has_value = false;
  bool lower_is_better = true;  ///< costs and times: lower is better; throughput and MFU: higher
  planner::report::TickFormat format = planner::report::TickFormat::count;  ///< how a chart axis of it reads

  bool operator==(const CompareFigure&) const = default;
};

struct Snapshot {
  std::string label;       ///< column header
  std::string kind;        ///< "study", "training", "serving"
  std::string source;      ///< the file it came from
  std::vector<CompareFigure> figures;
  /// Studies: option name and NPV, for the chart (options of different studies are matched by name).
  std::vector<std::pair<std::string, double>> option_npv_usd;
};

Snapshot snapshot_of(const std::string& label, const planner::tco::PlanResult& plan);
Snapshot snapshot_of(const std::string& label, const std::string& source, const sim::TrainingResult& result);
Snapshot snapshot_of(const std::string& label, const std::string& source,
                     const std::vector<sim::serving::InferenceResult>& results);

/// The rows of the comparison: every figure label of any snapshot, in the order they first occur, with each
/// snapshot's figure under it (none where a snapshot lacks that row).
struct CompareRow {
  std::string label;
  std::vector<std::optional<CompareFigure>> cells;  ///< one per snapshot
};
std::vector<CompareRow> compare_rows(const std::vector<Snapshot>& snapshots);

/// The change of `cell` against the first snapshot's figure of the row, for people: "+$1.2M (+8.1%)"; "" when either
/// has no number or they are equal.
std::string delta_text(const CompareRow& row, std::size_t column);

}  // namespace capsim::gui
