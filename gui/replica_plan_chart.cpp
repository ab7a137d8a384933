#include "gui/replica_plan_chart.hpp"

#include <qcustomplot.h>

#include <algorithm>

#include "gui/serving_charts.hpp"
#include "planner/report/pdf/cost_charts.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

const QColor kRateColor(0x1f, 0x77, 0xb4);  // report palette 0
const QColor kDeployedColor(0xd6, 0x27, 0x28);
using units::kSecondsPerHour;

}  // namespace

void draw_replica_plan(QCustomPlot* plot, const ReplicaPlan& plan, const QString& empty_message) {
  planner::report::StackedBarChart chart = replica_plan_chart(plan);
  if (plan.points.empty()) chart.title = empty_message.toStdString();
  planner::report::draw_stacked_bars(plot, chart);
  plot->yAxis2->setVisible(!plan.points.empty());
  if (plan.points.empty()) {
    plot->replot();
    return;
  }
  const double end_h = chart.x_ticks.max;
  QCPGraph* deployed = plot->addGraph(plot->xAxis, plot->yAxis);
  deployed->setName(QStringLiteral("replicas deployed (%1)").arg(plan.deployed_replicas));
  deployed->setPen(QPen(kDeployedColor, 2, Qt::DashLine));
  deployed->setData(QVector<double>{0, end_h},
                    QVector<double>{double(plan.deployed_replicas), double(plan.deployed_replicas)});

  QCPGraph* rate = plot->addGraph(plot->xAxis, plot->yAxis2);
  rate->setName(plan.flat ? QStringLiteral("arrival rate, right axis (flat: no rate curve)")
                          : QStringLiteral("arrival rate, right axis"));
  rate->setPen(QPen(kRateColor, 3));
  rate->setLineStyle(QCPGraph::lsStepLeft);
  QVector<double> t, r;
  double top = 0;
  for (const ReplicaPlanPoint& p : plan.points) {
    t.push_back(p.start_s / kSecondsPerHour);
    r.push_back(p.rate_per_s);
    top = std::max(top, p.rate_per_s);
  }
  t.push_back(end_h);  // the last interval's step runs to the end of the day
  r.push_back(r.back());
  rate->setData(t, r, true);
  plot->yAxis2->setLabel(QStringLiteral("arrival rate (requests/s)"));
  plot->yAxis2->setRange(0, std::max(top, 1e-9) * 1.25);
  plot->yAxis2->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  // The legend gained entries after the report renderer fitted it: refit it in one row.
  plot->legend->setWrap(plot->legend->itemCount());
  plot->legend->setFillOrder(QCPLegend::foColumnsFirst, true);
  plot->legend->setMaximumSize(plot->legend->minimumOuterSizeHint().width(), QWIDGETSIZE_MAX);
  plot->replot();
}

}  // namespace capsim::gui
