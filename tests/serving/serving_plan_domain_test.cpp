// plan-serving offers tensor parallelism across a scale-up domain larger than one node (GB200 NVL72: 72 GPUs on
// 4-GPU trays), and only within one node where the domain is the node (HGX boards).
#include <gtest/gtest.h>

#include <algorithm>

#include "planner/serving_plan.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

int largest_tp(const std::string& gpu) {
  json doc = json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "chat", "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 4},
    "workloads": [{"name": "chat", "kind": "inference", "model": {"preset": "llama3-70b"}, "replicas": 1,
                   "load": {"mode": "poisson", "rate": "2/s"},
                   "input_tokens": 1000, "output_tokens": 200, "slo": {"ttft_p90": "2 s", "tpot_p99": "100 ms"}}]
  })");
  ServingPlanOptions o;
  o.window_s = 30;
  o.gpus = {gpu};
  o.top = 1;
  o.check.min_window_s = 0;
  const ServingPlan plan = plan_serving(load_scenario(doc, "plan.json"), o);
  int tp = 0;
  for (const ServingCandidate& c : plan.ranked) tp = std::max(tp, c.tp);
  for (const ServingCandidate& c : plan.infeasible) tp = std::max(tp, c.tp);
  return tp;
}

TEST(ServingPlanDomain, TensorParallelismSpansTheNvl72DomainButNotAnHgxNode) {
  EXPECT_EQ(largest_tp("gb200"), 64);            // 64 query heads; the 72-GPU domain holds TP 64 over 16 trays
  EXPECT_EQ(largest_tp("h100-sxm5-80gb"), 8);    // the 8-GPU HGX board
}

}  // namespace
}  // namespace capsim::planner
