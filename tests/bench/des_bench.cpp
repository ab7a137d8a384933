// Speed and memory of the DES engine: one training iteration of Llama 3.1 405B on 16,384 H100s (TP8, PP16 with 4
// virtual stages, DP128) on a 3-tier fat-tree, every scale-out flow simulated. DESIGN.md target: within 60 s and
// 8 GB on a 2-core machine. The second benchmark also writes an asynchronous checkpoint to the default parallel
// file system across the fabric. Run: build/tests/capsim_des_bench
#include <benchmark/benchmark.h>

#include <cstdio>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_training.hpp"

namespace {

/// One iteration of the 405B job; `checkpoint` also writes an asynchronous checkpoint during it.
void run_405b(benchmark::State& state, bool checkpoint) {
  auto cluster = capsim::hw::default_cluster(*capsim::hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 2048);
  capsim::workloads::TrainingJob job;
  job.name = "pretrain";
  job.model = *capsim::workloads::ModelCatalog::builtin().find("llama3-405b");
  auto& p = job.parallelism;
  p.tp = 8;
  p.pp = 16;
  p.dp = 128;
  p.virtual_stages = 4;
  p.global_batch = 2048;
  p.sequence_parallel = true;
  p.zero = 1;
  double peak = 0;
  double activities = 0;
  double step = 0;
  double write = 0;
  for (auto _ : state) {
    const std::string out = capsim::sim::des::run_in_child_process([&] {
      capsim::sim::des::DesOptions options;
      options.checkpoint.enabled = checkpoint;
      const auto r = capsim::sim::des::simulate_training_steps(cluster, {job}, options);
      return std::to_string(r.peak_memory_bytes) + " " + std::to_string(r.activities) + " " +
             std::to_string(r.jobs.front().step_time_s) + " " + std::to_string(r.jobs.front().checkpoint_write_s);
    });
    std::sscanf(out.c_str(), "%lf %lf %lf %lf", &peak, &activities, &step, &write);
  }
  state.counters["peak_memory_GiB"] = peak / (1024.0 * 1024 * 1024);
  state.counters["activities"] = activities;
  state.counters["simulated_step_s"] = step;
  if (checkpoint) state.counters["checkpoint_write_s"] = write;
}

void BM_Des405BOn16kGpusOneIteration(benchmark::State& state) { run_405b(state, false); }
BENCHMARK(BM_Des405BOn16kGpusOneIteration)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_Des405BOn16kGpusOneIterationWithAsyncCheckpoint(benchmark::State& state) { run_405b(state, true); }
BENCHMARK(BM_Des405BOn16kGpusOneIterationWithAsyncCheckpoint)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
