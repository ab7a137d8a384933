#include "planner/serving_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

/// Llama 3 8B on H100s, in nodes of `gpus_per_node` (1: single-GPU instances, so fleets grow a GPU at a time).
Scenario chat_scenario(const json& load, int gpus_per_node = 8) {
  json doc = json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "chat", "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 4},
    "workloads": [{"name": "chat", "kind": "inference", "model": {"preset": "llama3-8b"}, "replicas": 1,
                   "input_tokens": 1000, "output_tokens": 200, "slo": {"ttft_p90": "1 s", "tpot_p99": "60 ms"}}]
  })");
  doc["workloads"][0]["load"] = load;
  doc["cluster"]["gpus_per_node"] = gpus_per_node;
  return load_scenario(doc, "plan.json");
}

ServingPlanOptions quick() {
  ServingPlanOptions o;
  o.window_s = 120;
  o.gpus = {"h100-sxm5-80gb"};
  o.top = 2;
  o.check.min_window_s = 0;  // the long check has its own tests (tests/planner/serving_fleet_test.cpp)
  return o;
}

TEST(ServingPlan, MoreTrafficNeedsMoreReplicasAndEveryCheckedFleetMeetsTheSlo) {
  const Scenario s = chat_scenario({{"mode", "poisson"}, {"rate", "10/s"}});
  const ServingPlan low = plan_serving(s, quick());
  ServingPlanOptions o = quick();
  o.rate_per_s = 40;
  const ServingPlan high = plan_serving(s, o);
  ASSERT_FALSE(low.ranked.empty());
  ASSERT_FALSE(high.ranked.empty());
  auto tp1 = [](const ServingPlan& p) {
    return *std::find_if(p.ranked.begin(), p.ranked.end(), [](const auto& c) { return c.tp == 1; });
  };
  EXPECT_GT(tp1(high).replicas_needed, tp1(low).replicas_needed);
  const auto& best = high.ranked.front();
  EXPECT_TRUE(best.fleet_checked);
  EXPECT_TRUE(best.fleet.slo_met);
  EXPECT_LE(best.fleet.ttft_s.p90, 1.0);
  EXPECT_LE(best.fleet.tpot_s.p99, 0.060);
  // Capacity is what the fleet size rests on: ceil(rate x 1.2 / capacity) replicas at least (20% headroom).
  EXPECT_GE(best.replicas, static_cast<int>(std::ceil(40 * 1.2 / best.capacity_per_replica - 1e-9)));
}

TEST(ServingPlan, AutoscalingOverADailyCurveSavesGpuHours) {
  json rates = json::array();
  for (int h = 0; h < 24; ++h) rates.push_back(std::to_string(h >= 9 && h < 18 ? 30 : 6) + "/s");
  const Scenario s =
      chat_scenario({{"mode", "poisson"}, {"rate_curve", {{"interval", "1 h"}, {"rates", rates}}}}, 1);
  const ServingPlan plan = plan_serving(s, quick());
  ASSERT_EQ(plan.daily.size(), 24u);
  EXPECT_DOUBLE_EQ(plan.rate_per_s, 30);  // the peak
  EXPECT_GT(plan.daily[12].replicas, plan.daily[3].replicas);
  EXPECT_LT(plan.cycle_gpu_hours, plan.peak_fleet_gpu_hours);
  double sum = 0;
  for (const auto& p : plan.daily) sum += p.gpus;  // one-hour intervals
  EXPECT_DOUBLE_EQ(plan.cycle_gpu_hours, sum);
}

TEST(ServingPlan, LayoutsThatCannotRunAreListedWithTheReason) {
  json doc = json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "big", "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 1},
    "workloads": [{"name": "big", "kind": "inference", "model": {"preset": "llama3-70b"}, "replicas": 1,
                   "load": {"mode": "poisson", "rate": "1/s"}, "input_tokens": 500, "output_tokens": 100}]
  })");
  ServingPlanOptions o = quick();
  o.gpus = {"h100-sxm5-80gb", "a100-sxm4-80gb"};
  const ServingPlan plan = plan_serving(load_scenario(doc, "big.json"), o);
  EXPECT_TRUE(plan.default_slo);
  bool tp1_does_not_fit = false;
  for (const auto& c : plan.infeasible) tp1_does_not_fit |= c.tp == 1 && c.why_not.find("does not fit") == 0;
  EXPECT_TRUE(tp1_does_not_fit);
  ASSERT_FALSE(plan.ranked.empty());
  EXPECT_GE(plan.ranked.front().tp, 2);
}

TEST(ServingPlan, AClosedLoopLoadNeedsAnExplicitRate) {
  const Scenario s = chat_scenario({{"mode", "concurrency"}, {"users", 10}});
  EXPECT_THROW(plan_serving(s, quick()), UsageError);
  ServingPlanOptions o = quick();
  o.rate_per_s = 5;
  EXPECT_NO_THROW(plan_serving(s, o));
}

}  // namespace
}  // namespace capsim::planner
