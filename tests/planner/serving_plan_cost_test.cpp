// plan-serving ranks by cost, not GPU count: GPUs x the price of a GPU-hour, whole nodes, stated headroom; a GPU
// type without a price ranks after the priced ones; the trial window is the planner's, not the load's duration.
#include "planner/serving_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

/// Llama 3 8B in bf16 at 100/s on B200s (the scenario's GPU, so every B200 layout is tried in full).
Scenario chat_on_b200() {
  return load_scenario(json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "chat", "cluster": {"gpu": "b200-sxm-180gb", "nodes": 1},
    "workloads": [{"name": "chat", "kind": "inference", "model": {"preset": "llama3-8b"}, "replicas": 1,
                   "load": {"mode": "poisson", "rate": "100/s", "duration": "1 min"},
                   "input_tokens": 1000, "output_tokens": 200, "slo": {"ttft_p90": "1 s", "tpot_p99": "60 ms"}}]
  })"),
                       "chat.json");
}

/// Prices per GPU-hour by GPU id; GPUs not listed have none.
GpuPriceLookup prices(std::map<std::string, double> usd) {
  return [usd](const std::string& gpu) -> std::optional<GpuHourPrice> {
    const auto it = usd.find(gpu);
    if (it == usd.end()) return std::nullopt;
    GpuHourPrice p;
    p.usd_per_gpu_hour = it->second;
    p.instance = gpu + "-x8";
    p.instance_gpus = 8;
    p.pricing = "on-demand";
    return p;
  };
}

ServingPlanOptions quick(GpuPriceLookup lookup) {
  ServingPlanOptions o;
  o.window_s = 120;
  o.gpus = {"a100-sxm4-80gb", "b200-sxm-180gb"};
  o.top = 2;
  o.check.min_window_s = 0;  // the long check has its own tests (serving_fleet_test.cpp)
  o.prices = std::move(lookup);
  o.price_source = "the test's prices";
  return o;
}

const ServingCandidate& best_of(const ServingPlan& plan, const std::string& gpu) {
  return *std::find_if(plan.ranked.begin(), plan.ranked.end(), [&](const auto& c) { return c.gpu == gpu; });
}

TEST(ServingPlanCost, MoreCheaperA100sBeatFewerDearerB200s) {
  // At 100/s (120/s with 20% headroom) an A100 node of 8 serves about 75/s, a B200 node far more: the A100 fleet
  // needs 2 nodes (16 GPUs), the B200 fleet 1 node (8 GPUs). By GPU count the B200 wins; at $2.00 against $6.00 a
  // GPU-hour the A100s cost $32 an hour and the B200s $48.
  const ServingPlan plan =
      plan_serving(chat_on_b200(), quick(prices({{"a100-sxm4-80gb", 2.0}, {"b200-sxm-180gb", 6.0}})));
  ASSERT_FALSE(plan.ranked.empty());
  const ServingCandidate& a100 = best_of(plan, "a100-sxm4-80gb");
  const ServingCandidate& b200 = best_of(plan, "b200-sxm-180gb");
  EXPECT_EQ(plan.ranked.front().gpu, "a100-sxm4-80gb");
  EXPECT_GT(a100.gpus, b200.gpus);
  EXPECT_EQ(a100.nodes, 2);
  EXPECT_EQ(b200.nodes, 1);
  EXPECT_DOUBLE_EQ(a100.cost_per_hour_usd, 16 * 2.0);
  EXPECT_DOUBLE_EQ(b200.cost_per_hour_usd, 8 * 6.0);
  EXPECT_EQ(plan.price_source, "the test's prices");
  // Without prices the same candidates rank by GPU count: the B200 first.
  const ServingPlan unpriced = plan_serving(chat_on_b200(), quick(prices({})));
  ASSERT_FALSE(unpriced.ranked.empty());
  EXPECT_EQ(unpriced.ranked.front().gpu, "b200-sxm-180gb");
  EXPECT_FALSE(unpriced.ranked.front().price.has_value());
}

TEST(ServingPlanCost, AGpuWithoutAPriceRanksAfterEveryPricedOne) {
  const ServingPlan plan = plan_serving(chat_on_b200(), quick(prices({{"a100-sxm4-80gb", 2.0}})));
  ASSERT_FALSE(plan.ranked.empty());
  bool unpriced_seen = false;
  for (const auto& c : plan.ranked) {
    if (!c.price) unpriced_seen = true;
    EXPECT_FALSE(unpriced_seen && c.price.has_value()) << c.gpu << " TP" << c.tp << " ranks after an unpriced one";
  }
  EXPECT_TRUE(unpriced_seen);
  EXPECT_EQ(plan.ranked.front().gpu, "a100-sxm4-80gb");
}

TEST(ServingPlanCost, FleetsAreWholeNodesWithTheStatedHeadroom) {
  ServingPlanOptions o = quick(prices({{"a100-sxm4-80gb", 2.0}, {"b200-sxm-180gb", 6.0}}));
  o.headroom = 0.5;
  const ServingPlan plan = plan_serving(chat_on_b200(), o);
  EXPECT_DOUBLE_EQ(plan.headroom, 0.5);
  for (const auto& c : plan.ranked) {
    EXPECT_EQ(c.gpus % c.gpus_per_node, 0) << c.gpu << " TP" << c.tp;
    EXPECT_EQ(c.gpus, c.nodes * c.gpus_per_node);
    EXPECT_EQ(c.replicas, c.gpus / c.gpus_per_replica);
    EXPECT_GE(c.replicas, c.replicas_needed);
    EXPECT_GE(c.replicas_needed * c.capacity_per_replica, 100 * 1.5 - 1e-9);
    EXPECT_LT((c.replicas_needed - 1) * c.capacity_per_replica, 100 * 1.5);
  }
}

TEST(ServingPlanCost, TheTrialWindowIsHonouredBeyondTheLoadsDuration) {
  // The load lasts 1 minute; the planner's trials run the 2 minutes asked for.
  ServingPlanOptions o = quick(prices({{"b200-sxm-180gb", 6.0}}));
  o.gpus = {"b200-sxm-180gb"};
  const ServingPlan plan = plan_serving(chat_on_b200(), o);
  EXPECT_DOUBLE_EQ(plan.window_s, 120);
  const ServingCandidate& best = plan.ranked.front();
  ASSERT_TRUE(best.fleet_checked);
  EXPECT_GT(best.fleet.requests, 100 * 100);  // about 12,000 arrivals in 120 s at 100/s
}

TEST(ServingPlanCost, SkippedLayoutsSayWhy) {
  // The A100 node is cheap and serves the rate; a B200 node alone costs more than that whole plan, but the B200 is
  // the scenario's GPU and is tried in full. With the A100 as the scenario's GPU the B200s are skipped instead.
  json doc = json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "chat", "cluster": {"gpu": "a100-sxm4-80gb", "nodes": 1},
    "workloads": [{"name": "chat", "kind": "inference", "model": {"preset": "llama3-8b"}, "replicas": 1,
                   "load": {"mode": "poisson", "rate": "20/s"},
                   "input_tokens": 1000, "output_tokens": 200, "slo": {"ttft_p90": "1 s", "tpot_p99": "60 ms"}}]
  })");
  const ServingPlan plan =
      plan_serving(load_scenario(doc, "chat.json"), quick(prices({{"a100-sxm4-80gb", 2.0}, {"b200-sxm-180gb", 6.0}})));
  int skipped = 0;
  for (const auto& c : plan.infeasible) {
    if (!c.skipped) continue;
    ++skipped;
    EXPECT_EQ(c.gpu, "b200-sxm-180gb");
    EXPECT_EQ(c.why_not, "one node already costs $48.00 an hour, more than the best plan ($16.00)");
  }
  EXPECT_EQ(skipped, 4);  // TP1, TP2, TP4, TP8
}

}  // namespace
}  // namespace capsim::planner
