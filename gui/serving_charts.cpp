#include "gui/serving_charts.hpp"

#include <algorithm>
#include <cmath>

#include "planner/report/chart_axis.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

using planner::report::LineChart;
using planner::report::LineSeries;
using planner::report::nice_ticks;
using planner::report::palette_color;
using planner::report::StackedBarChart;
using planner::report::TickFormat;

/// Ticks over [0, end_s] at a round time step (10 s, 1 min, 5 min, 1 h, ...): at most `max_ticks` of them, so a
/// run of ten minutes reads "0 s, 2 min, 4 min" rather than nice_ticks' decimal "1.67 min".
planner::report::AxisTicks time_ticks(double end_s, int max_ticks) {
  static const double kSteps[] = {1,   2,   5,    10,   15,   30,    60,    120,   300,
                                  600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  double step = kSteps[std::size(kSteps) - 1];
  for (double candidate : kSteps) {
    if (end_s / candidate <= max_ticks - 1) {
      step = candidate;
      break;
    }
  }
  planner::report::AxisTicks ticks;
  ticks.min = 0;
  ticks.max = std::max(step, std::ceil(end_s / step - 1e-9) * step);
  for (double t = 0; t <= ticks.max + step / 2; t += step) {
    ticks.values.push_back(t);
    ticks.labels.push_back(planner::report::format_tick(t, TickFormat::seconds));
  }
  return ticks;
}

using units::kSecondsPerHour;

/// The x axis of a chart of `r.series`: each interval at its middle, ticks over the whole run.
void run_time_axis(LineChart& c, const sim::serving::InferenceResult& r) {
  c.x_title = "time";
  for (const auto& p : r.series) c.x.push_back(p.start_s + r.interval_s / 2);
  const double end = std::max(r.duration_s, r.series.empty() ? 1.0 : r.series.back().start_s + r.interval_s);
  c.x_ticks = time_ticks(end, 8);
}

}  // namespace

LineChart serving_activity_chart(const sim::serving::InferenceResult& r) {
  LineChart c;
  c.title = "Requests running and queued (KV cache use: mean " + units::format_percent(r.kv_utilization_mean) +
            ", peak " + units::format_percent(r.kv_utilization_peak) + ")";
  run_time_axis(c, r);
  c.y_title = "requests (mean over interval)";
  LineSeries running{"running (holding KV cache)", palette_color(0), {}, false};
  LineSeries queued{"queued", palette_color(6), {}, true};
  double top = 1;
  for (const auto& p : r.series) {
    running.y.push_back(p.running);
    queued.y.push_back(p.queued);
    top = std::max({top, p.running, p.queued});
  }
  c.series = {running, queued};
  c.y_ticks = nice_ticks(0, top * 1.05, 6, TickFormat::count);
  return c;
}

LineChart serving_throughput_chart(const sim::serving::InferenceResult& r) {
  LineChart c;
  c.title = "Output tokens/s over the run (mean " + units::format_count(r.output_tokens_per_s) + "/s)";
  run_time_axis(c, r);
  c.y_title = "output tokens/s (mean over interval)";
  LineSeries tokens{"output tokens/s", palette_color(0), {}, false};
  double top = 1;
  for (const auto& p : r.series) {
    tokens.y.push_back(p.output_tokens_per_s);
    top = std::max(top, p.output_tokens_per_s);
  }
  c.series = {tokens};
  c.y_ticks = nice_ticks(0, top * 1.05, 6, TickFormat::count);
  return c;
}

LineChart load_curve_chart(const LoadCurve& curve) {
  LineChart c;
  c.title = "Throughput against load (" + curve.workload + ", " + std::to_string(curve.replicas) + " replica" +
            (curve.replicas == 1 ? "" : "s") + ")";
  c.x_title = "offered load (requests/s)";
  c.y_title = "requests/s";
  LineSeries offered{"offered", "#8c959f", {}, false};
  LineSeries served{"throughput", palette_color(0), {}, true};
  LineSeries good{"goodput (within SLO)", palette_color(4), {}, false};
  double right = 0, top = 0;
  std::string misses;
  // A closed loop's offered rate comes out of its runs: sort by it, so the lines run left to right.
  std::vector<LoadPoint> points = curve.points;
  std::stable_sort(points.begin(), points.end(),
                   [](const LoadPoint& a, const LoadPoint& b) { return a.offered_per_s < b.offered_per_s; });
  for (const LoadPoint& p : points) {
    c.x.push_back(p.offered_per_s);
    offered.y.push_back(p.offered_per_s);
    served.y.push_back(p.requests_per_s);
    good.y.push_back(p.goodput_per_s);
    right = std::max(right, p.offered_per_s);
    top = std::max({top, p.offered_per_s, p.requests_per_s});
    if (curve.has_slo && !p.slo_met && misses.empty()) misses = units::format_count(p.offered_per_s) + "/s";
  }
  c.series = {offered, served};
  if (curve.has_slo) c.series.push_back(good);
  if (!misses.empty()) c.title += ": SLO missed from " + misses;
  for (const LoadPoint& p : curve.points) {
    if (std::fabs(p.rate_factor - 1.0) < 1e-9) {
      c.markers.push_back({p.offered_per_s, p.requests_per_s, "its own load", palette_color(2)});
    }
  }
  c.x_ticks = nice_ticks(0, right > 0 ? right : 1, 8, TickFormat::count);
  c.y_ticks = nice_ticks(0, top > 0 ? top * 1.05 : 1, 6, TickFormat::count);
  return c;
}

StackedBarChart replica_plan_chart(const ReplicaPlan& plan) {
  StackedBarChart c;
  c.x_title = "time of day";
  c.y_title = "replicas";
  planner::report::StackLayer needed{"replicas needed", palette_color(5), {}};
  int low = 0, high = 0;
  for (const ReplicaPlanPoint& p : plan.points) {
    const double step_s = plan.points.size() > 1 ? plan.points[1].start_s - plan.points[0].start_s : kSecondsPerHour;
    c.x.push_back((p.start_s + step_s / 2) / kSecondsPerHour);
    needed.values.push_back(p.replicas_needed);
    low = needed.values.size() == 1 ? p.replicas_needed : std::min(low, p.replicas_needed);
    high = std::max(high, p.replicas_needed);
  }
  c.layers.push_back(needed);
  const std::string range = low == high ? std::to_string(high) : std::to_string(low) + " to " + std::to_string(high);
  c.title = "Replicas over the day: " + range + " needed at " + units::format_count(plan.capacity_per_replica) +
            " requests/s per replica (" + units::format_percent(plan.headroom) + " headroom)";
  const double end_h = c.x.empty() ? 24 : std::max(24.0, std::ceil(c.x.back()));
  for (int h = 0; h <= end_h; h += 3) {
    c.x_ticks.values.push_back(h);
    c.x_ticks.labels.push_back(std::to_string(h) + " h");
  }
  c.x_ticks.min = 0;
  c.x_ticks.max = end_h;
  c.y_ticks = nice_ticks(0, std::max(high, plan.deployed_replicas) * 1.2 + 0.5, 6, TickFormat::count);
  return c;
}

}  // namespace capsim::gui
