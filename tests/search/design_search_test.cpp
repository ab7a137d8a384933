#include "planner/search/design_search.hpp"

#include <gtest/gtest.h>

#include <string>

#include "planner/scenario.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner::search {
namespace CAPSIM_UNITY_ID {

const std::string kDefault = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/default.json";

SearchProblem default_problem(SearchSpec spec = {}) {
  const Scenario scenario = load_search_scenario_file(kDefault, spec);
  return make_search_problem(scenario, spec);
}

std::vector<std::uint64_t> indices(const SearchTally& t) {
  std::vector<std::uint64_t> out;
  for (const auto& c : t.pareto) out.push_back(c.index);
  for (const auto& c : t.best) out.push_back(c.index);
  return out;
}

TEST(DesignSearch, FiguresMatchTheEngineForTheBestLayout) {
  const SearchProblem problem = default_problem();
  RunSettings settings;
  settings.threads = 1;
  const SearchTally tally = run_search(problem, settings);
  ASSERT_TRUE(tally.has_best);
  for (const Candidate& c : tally.best) {
    const Variant& v = problem.variants[c.variant];
    const sim::TrainingResult r = sim::AnalyticalEngine().run_training(v.cluster, candidate_job(problem, c));
    EXPECT_TRUE(r.fits_in_memory);
    EXPECT_DOUBLE_EQ(c.step_time_s, r.step_time_s);
    EXPECT_NEAR(c.time_s, r.time_to_train_s, 1e-9 * r.time_to_train_s);
    EXPECT_NEAR(c.energy_J, r.power.energy_to_train_J, 1e-6 * r.power.energy_to_train_J);
    EXPECT_NEAR(c.mfu, r.mfu, 1e-12);
    EXPECT_NEAR(c.cost_usd, r.time_to_train_s * v.gpus * v.price_usd_per_gpu_s, 1e-6 * c.cost_usd);
  }
}

TEST(DesignSearch, OneThreadTwoThreadsAndTwoRanksAgree) {
  SearchSpec spec;
  spec.cluster_gpus = {512, 1024};
  const SearchProblem problem = default_problem(spec);
  RunSettings one;
  one.threads = 1;
  RunSettings two;
  two.threads = 2;
  const SearchTally a = run_search(problem, one);
  const SearchTally b = run_search(problem, two);
  RunSettings rank0 = one;
  rank0.ranks = 2;
  RunSettings rank1 = rank0;
  rank1.rank = 1;
  SearchTally merged = run_search(problem, rank1);
  merged.merge(run_search(problem, rank0));
  merged.sort_pareto();
  const SearchTally& c = merged;
  for (const SearchTally* t : {&b, &c}) {
    EXPECT_EQ(t->evaluated, a.evaluated);
    EXPECT_EQ(t->feasible, a.feasible);
    EXPECT_EQ(t->infeasible, a.infeasible);
    EXPECT_EQ(indices(*t), indices(a));
  }
}

TEST(DesignSearch, BestIsAtLeastAsFastAsTheScenariosOwnLayout) {
  SearchSpec spec;
  const Scenario scenario = load_search_scenario_file(kDefault, spec);
  const SearchProblem problem = make_search_problem(scenario, spec);
  const auto own = sim::AnalyticalEngine().run_training(scenario.cluster, problem.job);
  RunSettings settings;
  const SearchTally tally = run_search(problem, settings);
  EXPECT_LE(tally.best[0].step_time_s, own.step_time_s);
  EXPECT_GT(tally.evaluated, 10'000u);
}

TEST(DesignSearch, UnknownGpuNamesTheOptionAndACloseId) {
  SearchSpec spec;
  spec.gpu_types = {"h100-sxm5-80gbx"};
  try {
    default_problem(spec);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_NE(e.diagnostics()[0].pointer.find("--gpu"), std::string::npos);
    EXPECT_NE(e.diagnostics()[0].hint.find("h100-sxm5-80gb"), std::string::npos);
  }
}

TEST(DesignSearch, SearchBlockProblemsCarryTheirJsonPath) {
  const std::string text = R"({"schema": "capsim/scenario/v1", "name": "x",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 2},
    "workloads": [{"name": "t", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"tp": 1, "global_batch": 64}}],
    "search": {"gpus": [16, -8], "precision": "fp7"}})";
  SearchSpec spec;
  try {
    load_search_scenario(text, "s.json", spec);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].pointer, "/search/gpus/1");
    EXPECT_EQ(e.diagnostics()[1].pointer, "/search/precision");
  }
}

TEST(DesignSearch, ClusterSizesMustBeWholeNodes) {
  SearchSpec spec;
  spec.cluster_gpus = {1020};
  EXPECT_THROW(default_problem(spec), InputError);
}

}  // namespace
}  // namespace capsim::planner::search
