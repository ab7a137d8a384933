#pragma once
/// @file replica_plan_chart.hpp
/// The replica plan of a serving workload drawn with QCustomPlot: the replicas its rate curve needs per hour (the
/// report renderer's bars, replica_plan_chart in serving_charts.hpp), the replicas deployed (dashed) and the arrival
/// rate (a step line on the right axis).

#include <QString>

#include "gui/serving_load_curve.hpp"

class QCustomPlot;

namespace capsim::gui {

/// Fills `plot` (owned by the caller) with `plan`, removing what an earlier call drew; with no points it shows
/// `empty_message` as the title instead. Calls replot().
void draw_replica_plan(QCustomPlot* plot, const ReplicaPlan& plan, const QString& empty_message);

}  // namespace capsim::gui
