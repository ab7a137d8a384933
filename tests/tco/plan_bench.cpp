// Planning speed (DESIGN.md: every bundled study within 1 s; a 10,000-sample Monte Carlo within 5 s on 2 cores).
// Whole plans from the study file: loading, simulating each shape once, pricing, the tornado and the samples.
#include <benchmark/benchmark.h>

#include "planner/tco/plan.hpp"
#include "planner/tco/study.hpp"

namespace CAPSIM_UNITY_ID {

std::string study(const char* name) { return std::string(CAPSIM_SOURCE_DIR) + "/scenarios/studies/" + name + ".json"; }

void BM_PlanStudy(benchmark::State& state, const char* name) {
  for (auto _ : state) {
    auto st = capsim::planner::tco::load_study_file(study(name));
    auto plan = capsim::planner::tco::plan_study(st);
    benchmark::DoNotOptimize(plan.options.data());
  }
}
BENCHMARK_CAPTURE(BM_PlanStudy, 70b_pretrain, "70b-pretrain")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PlanStudy, chat_growth, "chat-growth")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PlanStudy, mixed_lab, "mixed-lab")->Unit(benchmark::kMillisecond);

void BM_MonteCarlo10k(benchmark::State& state) {
  const auto st = capsim::planner::tco::load_study_file(study("chat-growth"));
  for (auto _ : state) {
    auto plan = capsim::planner::tco::plan_study(st, 10'000);
    benchmark::DoNotOptimize(plan.monte_carlo->p50_usd.data());
  }
}
BENCHMARK(BM_MonteCarlo10k)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
