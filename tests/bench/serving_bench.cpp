// Speed of the serving simulation: one simulated hour at 50 requests/s (Poisson), Llama 3 70B on 8 replicas of TP4
// H100 (16-bit), 1000 input and 200 output tokens. DESIGN.md target: within 10 s on a 2-core machine.
#include <benchmark/benchmark.h>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/serving/serving_simulation.hpp"

namespace {

capsim::workloads::InferenceJob hour_at_50_per_s() {
  capsim::workloads::InferenceJob job;
  job.name = "chat";
  job.model = *capsim::workloads::ModelCatalog::builtin().find("llama3-70b");
  job.tp = 4;
  job.replicas = 8;
  job.load.mode = capsim::workloads::LoadMode::poisson;
  job.load.rate_per_s = 50;
  job.load.duration_s = 3600;
  job.input_tokens = 1000;
  job.output_tokens = 200;
  return job;
}

void BM_ServingHourAt50PerSecond70BOn8xTP4H100(benchmark::State& state) {
  const auto cluster = capsim::hw::default_cluster(*capsim::hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 4);
  const auto job = hour_at_50_per_s();
  std::int64_t steps = 0;
  std::int64_t requests = 0;
  for (auto _ : state) {
    const auto r = capsim::sim::serving::simulate_serving(cluster, job, 1);
    steps = r.steps;
    requests = r.completed;
    benchmark::DoNotOptimize(r);
  }
  state.counters["steps"] = static_cast<double>(steps);
  state.counters["requests"] = static_cast<double>(requests);
  state.SetItemsProcessed(state.iterations() * steps);
}
BENCHMARK(BM_ServingHourAt50PerSecond70BOn8xTP4H100)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
