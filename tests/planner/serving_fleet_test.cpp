// plan-serving's fleets: headroom sizing, packing onto whole nodes, and the long check that grows a fleet until the
// requests in the system settle and the KV cache stops running out.
#include "planner/serving_check.hpp"
#include "planner/serving_fleet.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using sim::serving::InferenceResult;

TEST(ServingFleet, ReplicasArePackedOntoWholeNodesWhichThenRunAllTheyHold) {
  // 3 x TP1 on 8-GPU nodes: 1 node, 8 GPUs paid for, so 8 replicas run.
  NodeFleet f = pack_on_nodes(3, 1, 8);
  EXPECT_EQ(f.nodes, 1);
  EXPECT_EQ(f.gpus, 8);
  EXPECT_EQ(f.replicas, 8);
  // 3 x TP2 = 6 GPUs: 1 node, 4 replicas.
  f = pack_on_nodes(3, 2, 8);
  EXPECT_EQ(f.nodes, 1);
  EXPECT_EQ(f.gpus, 8);
  EXPECT_EQ(f.replicas, 4);
  // 5 x TP2 = 10 GPUs: 2 nodes, 16 GPUs, 8 replicas.
  f = pack_on_nodes(5, 2, 8);
  EXPECT_EQ(f.nodes, 2);
  EXPECT_EQ(f.gpus, 16);
  EXPECT_EQ(f.replicas, 8);
  // A replica wider than a node (TP8 x PP2 on 8-GPU nodes) takes two whole nodes.
  f = pack_on_nodes(1, 16, 8);
  EXPECT_EQ(f.nodes, 2);
  EXPECT_EQ(f.replicas, 1);
  // TP3-wide replicas (TP1 x PP3) leave GPUs over: 3 replicas = 9 GPUs -> 2 nodes, which hold 5.
  f = pack_on_nodes(3, 3, 8);
  EXPECT_EQ(f.nodes, 2);
  EXPECT_EQ(f.replicas, 5);
}

TEST(ServingFleet, OneMoreReplicaAddsTheWholeNodesItNeeds) {
  const NodeFleet full = pack_on_nodes(4, 2, 8);  // 1 node, 4 replicas
  const NodeFleet more = one_more_replica(full, 2, 8);
  EXPECT_EQ(more.nodes, 2);
  EXPECT_EQ(more.replicas, 8);
  EXPECT_EQ(one_more_replica(pack_on_nodes(1, 16, 8), 16, 8).nodes, 4);
}

TEST(ServingFleet, HeadroomSizesTheFleetForTheRateTimesOnePlusHeadroom) {
  // 20/s at 5.03/s per replica: 4 replicas without headroom (20.1/s, 0.6% spare), 5 with 20% (24/s needed).
  EXPECT_EQ(replicas_for(20, 5.03, 0.0), 4);
  EXPECT_EQ(replicas_for(20, 5.03, 0.2), 5);
  // An exact multiple is enough: 24/s at 6/s is 4 replicas, not 5.
  EXPECT_EQ(replicas_for(20, 6.0, 0.2), 4);
  EXPECT_EQ(replicas_for(0.01, 50, 0.2), 1);
  // The reviewer's case: 3 x 6.35/s = 19.05/s does not serve 20/s; 4 replicas do, and 20% more needs 4 as well.
  EXPECT_EQ(replicas_for(20, 6.35, 0.0), 4);
  EXPECT_EQ(replicas_for(20, 6.35, 0.2), 4);
  EXPECT_EQ(replicas_for(20, 6.35, 0.3), 5);
}

/// A run of `window_s` seconds of arrivals whose requests in the system follow `in_system(t)`, in 60 s intervals.
template <typename F>
InferenceResult run_with(double window_s, F in_system) {
  InferenceResult r;
  r.interval_s = 60;
  for (double t = 0; t < window_s + 300; t += 60) {
    sim::serving::TimeSeriesPoint p;
    p.start_s = t;
    p.running = t < window_s ? in_system(t) : 0;  // the drain empties it
    r.series.push_back(p);
  }
  r.requests = r.completed = 10'000;
  r.fits_in_memory = true;
  r.slo_met = true;
  return r;
}

TEST(ServingCheck, SettlingTellsALevelQueueFromOneThatKeepsGrowing) {
  const Settling level = settling(run_with(3600, [](double) { return 300.0; }), 3600, 0.05);
  EXPECT_TRUE(level.settled);
  EXPECT_DOUBLE_EQ(level.third_quarter, 300);
  EXPECT_DOUBLE_EQ(level.last_quarter, 300);
  // Growing by 10 requests a minute: the last quarter averages 150 more than the third.
  const Settling growing = settling(run_with(3600, [](double t) { return 100 + t / 6; }), 3600, 0.05);
  EXPECT_FALSE(growing.settled);
  EXPECT_GT(growing.last_quarter, growing.third_quarter * 1.05 + 1);
  // Noise within 5% is not growth; the drain after the last arrival is not looked at.
  const Settling noisy = settling(run_with(3600, [](double t) { return t < 2700 ? 300.0 : 312.0; }), 3600, 0.05);
  EXPECT_TRUE(noisy.settled);
}

TEST(ServingCheck, AFleetWhoseKvCacheRunsOutGrowsByWholeNodesUntilItPasses) {
  FleetCheckSettings settings;
  settings.min_window_s = 3600;
  std::vector<int> asked;
  // Below 8 replicas the cache runs out 20 times in 10,000 requests (more than 1 in 10,000).
  const FleetSimulation simulate = [&](int replicas, double window_s) {
    asked.push_back(replicas);
    InferenceResult r = run_with(window_s, [](double) { return 300.0; });
    r.preemptions = replicas < 8 ? 20 : 1;
    r.kv_utilization_peak = replicas < 8 ? 1.0 : 0.4;
    return r;
  };
  const FleetCheck check = check_fleet_long(pack_on_nodes(4, 2, 8), 2, 8, settings, simulate);
  EXPECT_TRUE(check.passed);
  EXPECT_EQ(asked, (std::vector<int>{4, 8}));
  EXPECT_EQ(check.fleet.nodes, 2);
  EXPECT_EQ(check.fleet.replicas, 8);
  ASSERT_EQ(check.tries.size(), 2u);
  EXPECT_FALSE(check.tries[0].passed);
  EXPECT_NE(check.tries[0].verdict.find("KV cache ran out"), std::string::npos);
  EXPECT_EQ(check.tries[1].verdict, "passes");
  EXPECT_DOUBLE_EQ(check.window_s, 3600);
}

TEST(ServingCheck, AWindowThatHasNotSettledIsDoubledAndARunawayQueueFails) {
  FleetCheckSettings settings;
  settings.min_window_s = 3600;
  settings.max_window_s = 4 * 3600;
  settings.max_extra_replicas = 1;
  std::vector<double> windows;
  // Grows for the first 50 minutes, then levels off: 1 h is not enough to tell, 2 h is.
  const FleetSimulation levels_off = [&](int, double window_s) {
    windows.push_back(window_s);
    return run_with(window_s, [](double t) { return t < 3000 ? 100 + t / 30 : 200.0; });
  };
  const FleetCheck settled = check_fleet_long(pack_on_nodes(1, 8, 8), 8, 8, settings, levels_off);
  EXPECT_TRUE(settled.passed);
  EXPECT_EQ(windows, (std::vector<double>{3600, 7200}));
  EXPECT_EQ(settled.tries.front().verdict, "still growing: window doubled");
  EXPECT_DOUBLE_EQ(settled.window_s, 7200);
  // Never levels off: doubled up to 4 h, then one more replica over 4 h, then it gives up.
  windows.clear();
  const FleetSimulation runaway = [&](int, double window_s) {
    windows.push_back(window_s);
    return run_with(window_s, [](double t) { return 10 + t / 60; });
  };
  const FleetCheck failed = check_fleet_long(pack_on_nodes(1, 8, 8), 8, 8, settings, runaway);
  EXPECT_FALSE(failed.passed);
  EXPECT_EQ(windows, (std::vector<double>{3600, 7200, 14400, 14400}));
  EXPECT_EQ(failed.fleet.nodes, 2);
  EXPECT_NE(failed.tries.back().verdict.find("still growing after"), std::string::npos);
}

}  // namespace
}  // namespace capsim::planner
