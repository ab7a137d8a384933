// Speed of building scale-out fabrics of 16,384 GPUs (2,048 nodes x 8 NICs) and of the collective model's queries.
#include <benchmark/benchmark.h>

#include "models/hardware/gpu_catalog.hpp"
#include "models/network/fabric_factory.hpp"
#include "models/network/nccl_collectives.hpp"

namespace CAPSIM_UNITY_ID {

capsim::hw::ClusterSpec h100_cluster(int nodes, const char* topology, int planes) {
  auto c = capsim::hw::default_cluster(*capsim::hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  c.scale_out.topology = topology;
  c.scale_out.planes = planes;
  return c;
}

void BM_BuildFatTree16kGpus(benchmark::State& state) {
  const auto c = h100_cluster(2048, "fat-tree", 1);
  for (auto _ : state) benchmark::DoNotOptimize(capsim::net::build_fabric(c));
}
BENCHMARK(BM_BuildFatTree16kGpus)->Unit(benchmark::kMillisecond);

void BM_BuildRailOptimized16kGpus(benchmark::State& state) {
  const auto c = h100_cluster(2048, "rail-optimized", 1);
  for (auto _ : state) benchmark::DoNotOptimize(capsim::net::build_fabric(c));
}
BENCHMARK(BM_BuildRailOptimized16kGpus)->Unit(benchmark::kMillisecond);

void BM_BuildEightPlanes16kGpus(benchmark::State& state) {
  const auto c = h100_cluster(2048, "fat-tree", 8);
  for (auto _ : state) benchmark::DoNotOptimize(capsim::net::build_fabric(c));
}
BENCHMARK(BM_BuildEightPlanes16kGpus)->Unit(benchmark::kMillisecond);

void BM_RouteEveryNicToItsMirror(benchmark::State& state) {
  const auto fabric = capsim::net::build_fabric(h100_cluster(2048, "fat-tree", 1));
  std::vector<int> path;
  path.reserve(8);
  const int n = fabric->endpoints();
  for (auto _ : state) {
    for (int a = 0; a < n; ++a) {
      path.clear();
      fabric->route(a, n - 1 - a, 1, path);
      benchmark::DoNotOptimize(path.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_RouteEveryNicToItsMirror)->Unit(benchmark::kMillisecond);

void BM_CollectiveModelQuery(benchmark::State& state) {
  const capsim::net::NcclCollectives model(h100_cluster(2048, "fat-tree", 1));
  const capsim::net::CommGroup dp{128, 1, 8};
  double bytes = 1e6;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.time_s(capsim::net::CollectiveOp::reduce_scatter, bytes, dp));
    bytes = bytes < 1e10 ? bytes * 1.1 : 1e6;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CollectiveModelQuery);

}  // namespace

BENCHMARK_MAIN();
