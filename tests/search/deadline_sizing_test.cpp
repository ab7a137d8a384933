#include "planner/search/deadline_sizing.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sim/core/error.hpp"

namespace capsim::planner::search {
namespace CAPSIM_UNITY_ID {

const std::string kDefault = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/default.json";

SearchTally same(const SearchTally& t) { return t; }

TEST(DeadlineSizing, PicksTheFewestGpusThatMakeTheDeadlineWithFailures) {
  SearchSpec spec;
  const Scenario scenario = load_search_scenario_file(kDefault, spec);
  spec.cluster_gpus = {2048, 512, 1024, 4096};
  spec.deadline_s = 110 * 86400.0;
  RunSettings settings;
  const DeadlineResult r = size_for_deadline(scenario, spec, settings, same);
  ASSERT_EQ(r.picks.size(), 1u);
  const DeadlinePick& p = r.picks[0];
  ASSERT_TRUE(p.found);
  EXPECT_EQ(r.cheapest, 0);
  EXPECT_LE(p.effective_time_s, spec.deadline_s);
  EXPECT_GT(p.effective_time_s, p.candidate.time_s);  // failures and checkpoints cost time
  EXPECT_LT(p.goodput, 1.0);
  const int gpus = r.problem.variants[p.candidate.variant].gpus;
  EXPECT_EQ(gpus, 2048);  // 1,024 H100s need about 115 days before failures
  // Sizes are tried from small to large and the search stops at the first that makes it.
  for (const Variant& v : r.problem.variants) EXPECT_LE(v.gpus, gpus);
}

TEST(DeadlineSizing, NeedsTokens) {
  const std::string text = R"({"schema": "capsim/scenario/v1", "name": "x",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 2},
    "workloads": [{"name": "t", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"tp": 1, "global_batch": 64}}]})";
  SearchSpec spec;
  const Scenario scenario = load_search_scenario(text, "s.json", spec);
  spec.deadline_s = 86400;
  try {
    size_for_deadline(scenario, spec, RunSettings{}, same);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().at(0).pointer, "/workloads/0/tokens");
  }
}

}  // namespace
}  // namespace capsim::planner::search
