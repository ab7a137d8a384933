#pragma once
/// @file serving_charts.hpp
/// Chart data of the serving view as plain report charts (planner/report/chart_model.hpp), so that the HTML report
/// could draw the same ones: requests running and queued over a run, and throughput against offered load. Qt-free.

#include "gui/serving_load_curve.hpp"
#include "planner/report/chart_model.hpp"
#include "sim/serving/inference_result.hpp"

namespace capsim::gui {

/// Requests running (in the KV cache) and queued, per interval of `result.series`, against time in seconds; the
/// run's mean and peak KV-cache use in the title (the series has no per-interval KV figure).
planner::report::LineChart serving_activity_chart(const sim::serving::InferenceResult& result);

/// Output tokens/s per interval of `result.series` against time, with the run's mean in the title: what an offline
/// batch (every request queued at once, no load axis) shows instead of a load curve.
planner::report::LineChart serving_throughput_chart(const sim::serving::InferenceResult& result);

/// Throughput and goodput (requests/s) against offered requests/s, with the offered load itself as a guide and a
/// marker at the workload's own load; points that miss the SLO listed in the title.
planner::report::LineChart load_curve_chart(const LoadCurve& curve);

/// The replicas `plan` needs per interval of its day as bars against hours (0 to 24 h ticks), titled with the range
/// needed, the capacity per replica and the headroom. The rate and the deployed replicas are drawn over it by
/// draw_replica_plan (replica_plan_chart.hpp), on axes of their own.
planner::report::StackedBarChart replica_plan_chart(const ReplicaPlan& plan);

}  // namespace capsim::gui
