// The fleet report: its charts are the run's series (daily means per team, hourly queue), and its page holds every
// section, escapes what the scenario wrote and loads nothing from outside.

#include <gtest/gtest.h>

#include "planner/report/fleet_report.hpp"

namespace capsim::planner::report {
namespace CAPSIM_UNITY_ID {

fleet::FleetResult two_days() {
  fleet::FleetResult r;
  r.policy = "fifo";
  r.placement = "packed";
  r.cluster_gpus = 16;
  r.teams.resize(2);
  r.teams[0].name = "a<b";
  r.teams[1].name = "c";
  for (int h = 0; h < 48; ++h) {
    fleet::TimeSample s;
    s.t_s = h * 3600.0;
    s.team_allocated = {h < 24 ? 8.0 : 4.0, 2.0};
    s.down = h == 0 ? 8 : 0;
    s.queued = h;
    s.running = 3;
    r.series.push_back(s);
  }
  return r;
}

TEST(FleetReport, AllocationChartIsTheDailyMeanPerTeamAndRepairs) {
  const StackedBarChart c = fleet_allocation_chart(two_days());
  ASSERT_EQ(c.x.size(), 2u);
  ASSERT_EQ(c.layers.size(), 3u);
  EXPECT_EQ(c.layers[0].name, "a<b");
  EXPECT_DOUBLE_EQ(c.layers[0].values[0], 8);
  EXPECT_DOUBLE_EQ(c.layers[0].values[1], 4);
  EXPECT_DOUBLE_EQ(c.layers[1].values[1], 2);
  EXPECT_EQ(c.layers[2].name, "in repair");
  EXPECT_DOUBLE_EQ(c.layers[2].values[0], 8.0 / 24);
  EXPECT_GE(c.y_ticks.max, 16);
}

TEST(FleetReport, QueueChartFollowsTheHourlySamples) {
  const LineChart c = fleet_queue_chart(two_days());
  ASSERT_EQ(c.series.size(), 2u);
  ASSERT_EQ(c.series[0].y.size(), 48u);
  EXPECT_DOUBLE_EQ(c.series[0].y[47], 47);
  EXPECT_DOUBLE_EQ(c.x[24], 2);  // day 2 starts at hour 24
}

TEST(FleetReport, PageHasEverySectionAndEscapesNames) {
  Scenario sc;
  sc.name = "lab & co";
  PreparedFleet f;
  f.spec.cluster.nodes = 2;
  f.spec.cluster.gpus_per_node = 8;
  f.spec.cluster.gpu.id = "h100-sxm5-80gb";
  const std::string html = fleet_report_html(sc, f, two_days());
  for (const char* h : {"<h2>The answer</h2>", "<h2>Allocation</h2>", "<h2>Queue</h2>", "<h2>Teams</h2>",
                        "<h2>Job sizes</h2>"}) {
    EXPECT_NE(html.find(h), std::string::npos) << h;
  }
  EXPECT_NE(html.find("lab &amp; co"), std::string::npos);
  EXPECT_NE(html.find("a&lt;b"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace capsim::planner::report
