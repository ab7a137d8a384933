// Speed and memory of the DES engine. One training iteration of Llama 3.1 405B on 16,384 H100s (TP8, PP16 with 4
// virtual stages, DP128) on a 3-tier fat-tree, every scale-out flow simulated: issue 13's target is 30 s and 2 GB on
// a 2-core machine. The second benchmark also writes an asynchronous checkpoint to the default parallel file system
// across the fabric (its writes are not rail-symmetric, so it keeps a flow per rail: rail_bundle.hpp). Then a 256-GPU
// mixture-of-experts iteration (target 20 s), bundled and with a flow per rail. Run: build/tests/capsim_des_bench
#include <benchmark/benchmark.h>

#include <cstdio>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_training.hpp"

namespace {

/// One iteration of the 405B job; `checkpoint` also writes an asynchronous checkpoint during it; `bundle` false runs
/// a flow per rail (rail_bundle.hpp).
void run_405b(benchmark::State& state, bool checkpoint, bool bundle = true) {
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
      options.bundle_rails = bundle;
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

void BM_Des405BOn16kGpusOneIterationFlowPerRail(benchmark::State& state) { run_405b(state, false, false); }
BENCHMARK(BM_Des405BOn16kGpusOneIterationFlowPerRail)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_Des405BOn16kGpusOneIterationWithAsyncCheckpoint(benchmark::State& state) { run_405b(state, true); }
BENCHMARK(BM_Des405BOn16kGpusOneIterationWithAsyncCheckpoint)
    ->Unit(benchmark::kSecond)
    ->Iterations(1)
    ->UseRealTime();

/// One iteration of a 256-GPU mixture-of-experts job (32 DGX H100 nodes on the default fat-tree): 64 experts, top-6
/// routing, 24 layers (DeepSeek-MoE-16B-like widths), TP1 and EP64, so each expert-parallel group spans 8 nodes and
/// every GPU sends its dispatch and combine to 56 peers on other nodes as flows. DESIGN.md target: 20 s. `bundle`
/// false runs a flow per rail (rail_bundle.hpp), the comparison for the bundled run's speed-up.
void run_moe(benchmark::State& state, bool bundle) {
  auto cluster = capsim::hw::default_cluster(*capsim::hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 32);
  capsim::workloads::TrainingJob job;
  job.name = "moe-256";
  auto& m = job.model;
  m.name = "moe-64x-top6";
  m.layers = 24;
  m.hidden = 2048;
  m.heads = 16;
  m.kv_heads = 16;
  m.vocab = 102400;
  m.seq_len = 4096;
  m.gated_mlp = true;
  m.experts = 64;
  m.top_k = 6;
  m.expert_ffn_hidden = 1408;
  m.ffn_hidden = 10944;
  auto& p = job.parallelism;
  p.tp = 1;
  p.dp = 256;
  p.ep = 64;
  p.global_batch = 1024;
  double activities = 0;
  double step = 0;
  double ep = 0;
  for (auto _ : state) {
    const std::string out = capsim::sim::des::run_in_child_process([&] {
      capsim::sim::des::DesOptions options;
      options.bundle_rails = bundle;
      const auto r = capsim::sim::des::simulate_training_steps(cluster, {job}, options);
      return std::to_string(r.activities) + " " + std::to_string(r.jobs.front().step_time_s) + " " +
             std::to_string(r.jobs.front().ep_comm_s);
    });
    std::sscanf(out.c_str(), "%lf %lf %lf", &activities, &step, &ep);
  }
  state.counters["activities"] = activities;
  state.counters["simulated_step_s"] = step;
  state.counters["ep_comm_s"] = ep;
}

void BM_DesMoe256GpusOneIteration(benchmark::State& state) { run_moe(state, true); }
BENCHMARK(BM_DesMoe256GpusOneIteration)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_DesMoe256GpusOneIterationFlowPerRail(benchmark::State& state) { run_moe(state, false); }
BENCHMARK(BM_DesMoe256GpusOneIterationFlowPerRail)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
