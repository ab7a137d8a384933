// Speed of design-space search (DESIGN.md: at least 1,000,000 configurations per second of wall time on the 2-core
// machine): Llama 3 405B on 2,048 to 16,384 H100s, bf16 and fp8, the whole enumeration per iteration.
#include <benchmark/benchmark.h>

#include <string>

#include "planner/search/design_search.hpp"

namespace CAPSIM_UNITY_ID {

using namespace capsim::planner::search;

SearchProblem llama405b_problem() {
  SearchSpec spec;
  const auto scenario =
      load_search_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/llama3-405b-16k-gpus.json", spec);
  spec.cluster_gpus = {2048, 4096, 8192, 12288, 16384};
  spec.precisions = {capsim::hw::Precision::bf16, capsim::hw::Precision::fp8};
  return make_search_problem(scenario, spec);
}

/// The whole search on `threads` threads; items = configurations evaluated (feasible or not).
void BM_Search405BUpTo16kGpus(benchmark::State& state) {
  const SearchProblem problem = llama405b_problem();
  RunSettings settings;
  settings.threads = static_cast<int>(state.range(0));
  std::uint64_t evaluated = 0;
  std::uint64_t estimated = 0;
  for (auto _ : state) {
    const SearchTally tally = run_search(problem, settings);
    evaluated += tally.evaluated;
    estimated += tally.estimated;
    benchmark::DoNotOptimize(tally.pareto.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(evaluated));
  state.counters["engine_timed_per_s"] =
      benchmark::Counter(static_cast<double>(estimated), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Search405BUpTo16kGpus)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
