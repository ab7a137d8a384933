// Speed of the analytical engine: one training-configuration evaluation of a 405B-class model on 16,384 GPUs.
// DESIGN.md target: at least 1,000,000 evaluations per second on one core.
#include <benchmark/benchmark.h>

#include "models/hardware/cluster.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/analytical/analytical_engine.hpp"

namespace {

capsim::hw::ClusterSpec h100_cluster(int nodes) {
  return capsim::hw::default_cluster(*capsim::hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
}

capsim::workloads::TrainingJob llama405b_job() {
  capsim::workloads::TrainingJob job;
  job.name = "pretrain";
  job.model = *capsim::workloads::ModelCatalog::builtin().find("llama3-405b");
  auto& p = job.parallelism;
  p.tp = 8;
  p.pp = 16;
  p.dp = 128;
  p.virtual_stages = 4;  // 126 layers on 64 chunks: uneven
  p.micro_batch = 1;
  p.global_batch = 2048;
  p.sequence_parallel = true;
  p.zero = 1;
  return job;
}

void BM_Estimate405BOn16kGpus(benchmark::State& state) {
  const auto cluster = h100_cluster(2048);
  const auto job = llama405b_job();
  for (auto _ : state) {
    auto e = capsim::sim::estimate_training_step(cluster, job);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Estimate405BOn16kGpus);

void BM_RunTraining405BOn16kGpus(benchmark::State& state) {
  const auto cluster = h100_cluster(2048);
  const auto job = llama405b_job();
  const capsim::sim::AnalyticalEngine engine;
  for (auto _ : state) {
    auto r = engine.run_training(cluster, job);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RunTraining405BOn16kGpus);

}  // namespace

BENCHMARK_MAIN();
