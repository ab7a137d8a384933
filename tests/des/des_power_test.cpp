// The DES power trace (`simulation.des.power_trace`): SimGrid's host and link energy plugins meter the GPUs and the
// fabric over simulated time.
#include "sim/des/des_power.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "models/hardware/gpu_catalog.hpp"
#include "models/hardware/power_model.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/des/fat_tree_shape.hpp"
#include "sim/des/job_plan.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

hw::ClusterSpec h100_cluster(int nodes) {
  return hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
}

workloads::TrainingJob dense_job(int tp, int pp, int dp, int global_batch) {
  workloads::TrainingJob j;
  j.name = "dense";
  j.model = {"dense", 8, 4096, 14336, 32, 8, 0, 32000, 4096, true};
  j.parallelism.tp = tp;
  j.parallelism.pp = pp;
  j.parallelism.dp = dp;
  j.parallelism.global_batch = global_batch;
  j.parallelism.sequence_parallel = tp > 1;
  return j;
}

DesEngineOptions metered(double period_s = 0) {
  DesEngineOptions o;
  o.power_trace.enabled = true;
  o.power_trace.period_s = period_s;
  return o;
}

/// Time-weighted mean of `pick` over the samples; the last sample ends at the span.
template <class Pick>
double time_average(const PowerTrace& t, Pick pick) {
  double sum = 0;
  for (size_t i = 0; i < t.samples.size(); ++i) {
    const double end = i + 1 < t.samples.size() ? t.samples[i + 1].time_s : t.span_s;
    sum += pick(t.samples[i]) * (end - t.samples[i].time_s);
  }
  return sum / t.span_s;
}

TEST(DesPower, OffByDefault) {
  const TrainingResult r = DesEngine().run_training(h100_cluster(1), dense_job(8, 1, 1, 4));
  EXPECT_TRUE(r.power_trace.empty());
}

TEST(DesPower, TraceAverageIsTheMeteredEnergyOverTheSpan) {
  const auto cluster = h100_cluster(4);
  const auto job = dense_job(8, 2, 2, 16);
  const TrainingResult r = DesEngine(metered()).run_training(cluster, job);
  const PowerTrace& t = r.power_trace;
  ASSERT_FALSE(t.empty());
  // step / 200 by default: about 200 samples over the simulated activities.
  EXPECT_GT(t.samples.size(), 150u);
  EXPECT_LT(t.samples.size(), 260u);
  EXPECT_NEAR(t.span_s / r.step_time_s, 1.0, 0.1);
  for (size_t i = 1; i < t.samples.size(); ++i) {
    EXPECT_NEAR(t.samples[i].time_s - t.samples[i - 1].time_s, t.period_s, 1e-9 + 1e-6 * t.period_s) << i;
  }
  EXPECT_DOUBLE_EQ(t.mean_W, t.energy_J / t.span_s);
  EXPECT_NEAR(time_average(t, [](const PowerSample& s) { return s.total_W; }) / t.mean_W, 1.0, 1e-9);
  double peak = 0;
  for (const auto& s : t.samples) {
    // The wall power adds the node overhead and PSU losses to what the plugins metered.
    EXPECT_GT(s.total_W, s.gpu_W + s.network_W);
    peak = std::max(peak, s.total_W);
  }
  EXPECT_DOUBLE_EQ(t.peak_W, peak);
  EXPECT_GT(t.peak_W, t.mean_W);
  // The same order as the analytical engine's average IT power for the same step.
  EXPECT_NEAR(t.mean_W / r.power.it_power_W, 1.0, 0.1);
}

TEST(DesPower, ComputeBoundSingleNodeJobMatchesTheAnalyticalGpuPower) {
  const auto cluster = h100_cluster(1);
  const auto job = dense_job(1, 1, 8, 64);  // eight data-parallel replicas on one node: compute back to back
  const TrainingResult r = DesEngine(metered()).run_training(cluster, job);
  ASSERT_FALSE(r.power_trace.empty());
  const double per_gpu = time_average(r.power_trace, [](const PowerSample& s) { return s.gpu_W; }) / r.gpus;
  EXPECT_NEAR(per_gpu / r.power.gpu_power_W, 1.0, 0.03) << per_gpu << " W vs " << r.power.gpu_power_W << " W";
  // Every GPU computes all the time: the plugin's loaded figure, every sample.
  const auto plan = des::make_job_plan(cluster, job, 0, {});
  const double busy_W = des::gpu_power_states(cluster, job, plan).busy_W;
  EXPECT_NEAR(per_gpu / busy_W, 1.0, 1e-6);
  EXPECT_GT(busy_W, 0.8 * cluster.gpu.tdp_W);  // compute-bound
  // A one-node cluster has no scale-out switches, in the DES as in the analytical model.
  EXPECT_EQ(r.power_trace.samples.front().network_W, 0);
  EXPECT_NEAR(r.power_trace.mean_W / r.power.it_power_W, 1.0, 0.03);
}

TEST(DesPower, APipelineBubbleDrawsLessThanTheSteadyState) {
  // Four stages on four nodes, sixteen micro-batches: while the pipeline fills, only the first stages compute.
  const auto cluster = h100_cluster(4);
  const auto job = dense_job(8, 4, 1, 16);
  const TrainingResult r = DesEngine(metered()).run_training(cluster, job);
  const auto& samples = r.power_trace.samples;
  ASSERT_GT(samples.size(), 100u);
  const double fill = samples.front().gpu_W;
  std::vector<double> middle;
  for (size_t i = samples.size() / 3; i < 2 * samples.size() / 3; ++i) middle.push_back(samples[i].gpu_W);
  std::sort(middle.begin(), middle.end());
  const double steady = middle[middle.size() / 2];
  // One of four stages busy while the rest wait, against all four busy.
  EXPECT_LT(fill, 0.6 * steady) << fill << " W vs " << steady << " W";
  const auto plan = des::make_job_plan(cluster, job, 0, {});
  const des::GpuPowerStates w = des::gpu_power_states(cluster, job, plan);
  EXPECT_NEAR(fill, 8 * (w.busy_W + 3 * w.wait_W), 0.02 * fill);
  EXPECT_GT(steady, 0.9 * 32 * w.busy_W);
}

TEST(DesPower, FabricLinksDrawTheSwitchPortsOfTheAnalyticalFabric) {
  // One port per NIC at its leaf and two per NIC at every tier above, whatever the DES's shape of the tiers.
  for (const int nodes : {4, 16}) {
    auto cluster = h100_cluster(nodes);
    cluster.scale_out.topology = "rail-optimized";  // a leaf per rail: two tiers even for 4 nodes
    if (nodes == 16) cluster.scale_out.radix = 8;  // 16 nodes a rail on 8-port switches
    const auto job = dense_job(8, 1, nodes, nodes);
    const TrainingResult r = DesEngine(metered()).run_training(cluster, job);
    ASSERT_FALSE(r.power_trace.empty());
    const int tiers = static_cast<int>(des::fat_tree_shape(cluster, nodes).levels);
    const double expected = hw::fabric_power_W(nodes * 8L, tiers, cluster.power);
    EXPECT_GE(tiers, 2) << nodes;
    for (const auto& s : r.power_trace.samples) ASSERT_NEAR(s.network_W, expected, 1e-6 * expected) << nodes;
  }
}

TEST(DesPower, TheChromeTraceHasAPowerCounterTrack) {
  const std::string path = (std::filesystem::temp_directory_path() / "capsim-des-power-trace-test.json").string();
  DesEngineOptions options = metered(1e-3);
  options.trace_path = path;
  const TrainingResult r = DesEngine(options).run_training(h100_cluster(2), dense_job(8, 2, 1, 4));
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  size_t counters = 0;
  std::set<std::string> series;
  for (const auto& e : doc.at("traceEvents")) {
    if (e.at("ph") != "C") continue;
    ++counters;
    for (const auto& [key, value] : e.at("args").items()) series.insert(key);
  }
  EXPECT_EQ(counters, r.power_trace.samples.size());
  EXPECT_EQ(series, (std::set<std::string>{"gpu_W", "network_W", "total_W"}));
  EXPECT_DOUBLE_EQ(r.power_trace.period_s, 1e-3);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace capsim::sim
