#include "tests/des/moe_test_job.hpp"
#include "sim/des/des_engine.hpp"

#include <gtest/gtest.h>

#include "tests/des/breakdown_part.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/scenario.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_ring.hpp"

using capsim::sim::des::testing::moe_job;

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

using testing::part;

hw::ClusterSpec h100_cluster(int nodes) {
  return hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
}


TEST(DesEngine, AgreesWithAnalyticalWithinFivePercentOnEveryMegatronRow) {
  const std::string dir = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation/megatron-sc21";
  int rows = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const auto scenario = planner::load_scenario_file(entry.path().string());
    const auto& job = std::get<workloads::TrainingJob>(scenario.workloads.front());
    const double analytical = AnalyticalEngine().run_training(scenario.cluster, job).step_time_s;
    const double des = DesEngine().run_training(scenario.cluster, job).step_time_s;
    EXPECT_NEAR(des / analytical, 1.0, 0.05) << entry.path().filename();
    ++rows;
  }
  EXPECT_EQ(rows, 10);
}

TEST(DesEngine, LoneRingAllReduceTakesTheTextbookTime) {
  for (int nodes : {4, 64}) {
    const auto cluster = h100_cluster(nodes);
    const double bytes = 1e9;
    const double t = std::stod(des::run_in_child_process(
        [&] { return std::to_string(des::simulate_ring_all_reduce(cluster, nodes, bytes)); }));
    const double bw = cluster.scale_out.nic_bw_Bps * cluster.scale_out.nic_efficiency;
    // 2(N-1) steps, each moving S/N over one NIC cable, plus one end-to-end latency per step.
    const double expected = 2.0 * (nodes - 1) * (bytes / nodes / bw + cluster.scale_out.latency_s);
    EXPECT_NEAR(t / expected, 1.0, 0.01) << nodes << " nodes";
    EXPECT_NEAR(t, 2.0 * (nodes - 1) / nodes * bytes / bw, 0.01 * t + 2.0 * nodes * cluster.scale_out.latency_s);
  }
}

TEST(DesEngine, OversubscriptionSlowsExpertAllToAllThatSpansLeaves) {
  const int nodes = 60;
  const auto job = moe_job(nodes);
  double ep[3];
  const double ratios[3] = {1.0, 2.0, 4.0};
  for (int i = 0; i < 3; ++i) {
    auto cluster = h100_cluster(nodes);
    cluster.scale_out.topology = "rail-optimized";
    cluster.scale_out.radix = 30;  // 15:15, 20:10 and 24:6 ports at the leaves
    cluster.scale_out.oversubscription = ratios[i];
    ep[i] = part(DesEngine().run_training(cluster, job), "ep_comm");
  }
  ASSERT_GT(ep[0], 0);
  // Each rail has leaves of its own. At 2:1 a leaf of 20 NICs sends 40/59 of its all-to-all up through half the
  // ports: 2 x 0.68 = 1.36x; at 4:1 a leaf of 24 sends 36/59 through a quarter: about 2.44x. (In lockstep pairwise
  // rounds, round k sending i -> i + k, it would be 1.51x and 2.53x; the DES keeps 4 rounds in flight per replica.)
  EXPECT_NEAR(ep[1] / ep[0], 1.36, 0.25);
  EXPECT_NEAR(ep[2] / ep[0], 2.44, 0.45);
}

TEST(DesEngine, TwoJobsSharingAnOversubscribedFabricSlowEachOther) {
  auto cluster = h100_cluster(60);
  cluster.scale_out.topology = "rail-optimized";
  cluster.scale_out.radix = 30;
  cluster.scale_out.oversubscription = 4.0;
  const auto a = moe_job(30);
  auto b = moe_job(30);
  b.name = "moe-b";
  const double alone = DesEngine().run_training(cluster, a).step_time_s;
  const auto together = DesEngine().run_trainings(cluster, {a, b});
  ASSERT_EQ(together.size(), 2u);
  EXPECT_GT(together[0].step_time_s, 1.02 * alone);
}

TEST(DesEngine, AStragglerSlowsTheWholeStep) {
  const auto cluster = h100_cluster(8);
  workloads::TrainingJob job = moe_job(8);
  job.model.experts = 0;
  job.model.top_k = 0;
  job.parallelism.ep = 1;
  job.parallelism.pp = 2;
  job.parallelism.dp = 4;
  job.parallelism.global_batch = 32;
  const double base = DesEngine().run_training(cluster, job).step_time_s;
  DesEngineOptions slow;
  slow.slowdown.assign(64, 1.0);
  slow.slowdown[13] = 1.5;  // one GPU of stage 0, replica 1
  const double straggling = DesEngine(slow).run_training(cluster, job).step_time_s;
  EXPECT_GT(straggling, 1.2 * base);
}

TEST(DesEngine, TraceIsValidJsonWithComputeAndCommunicationTracksPerStage) {
  const auto cluster = h100_cluster(8);
  workloads::TrainingJob job = moe_job(8);
  job.model.experts = 0;
  job.parallelism.ep = 1;
  job.parallelism.pp = 4;
  job.parallelism.dp = 2;
  job.parallelism.global_batch = 16;
  const std::string path = (std::filesystem::temp_directory_path() / "capsim-des-trace-test.json").string();
  DesEngineOptions options;
  options.trace_path = path;
  DesEngine(options).run_training(cluster, job);
  std::ifstream in(path);
  const auto doc = nlohmann::json::parse(in);
  std::set<std::string> tracks;
  int slices = 0;
  for (const auto& e : doc.at("traceEvents")) {
    if (e.at("ph") == "M" && e.at("name") == "thread_name") tracks.insert(e.at("args").at("name").get<std::string>());
    if (e.at("ph") == "X") ++slices;
  }
  for (int s = 0; s < 4; ++s) {
    EXPECT_TRUE(tracks.count("stage " + std::to_string(s) + " compute")) << s;
    EXPECT_TRUE(tracks.count("stage " + std::to_string(s) + " communication")) << s;
  }
  EXPECT_GE(slices, 4 * 2 * 8);  // every stage runs 8 micro-batches forward and backward
  std::filesystem::remove(path);
}

TEST(ChildProcess, ErrorInTheChildBecomesACapsimErrorInTheParent) {
  try {
    des::run_in_child_process([]() -> std::string { throw InfeasibleError("no room for the jobs"); });
    FAIL() << "expected an exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no room for the jobs"), std::string::npos);
  }
}

TEST(ChildProcess, InfeasibleInTheChildStaysInfeasible) {
  EXPECT_THROW(des::run_in_child_process([]() -> std::string { throw InfeasibleError("too big"); }), InfeasibleError);
}

TEST(ChildProcess, ReturnsTheChildsResult) {
  EXPECT_EQ(des::run_in_child_process([] { return std::string(100000, 'x'); }).size(), 100000u);
}

}  // namespace
}  // namespace capsim::sim

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

TEST(DesEngine, FailedCablesSlowTheFlowsThatCrossThem) {
  const auto cluster = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 4);
  workloads::TrainingJob job;
  job.name = "dp";
  job.model = {"dense", 8, 8192, 28672, 64, 8, 0, 32000, 4096, true};
  job.parallelism.tp = 8;
  job.parallelism.dp = 4;
  job.parallelism.global_batch = 4;
  job.software.overlap_grad_reduce = false;
  const auto dp_comm = [](const TrainingResult& r) {
    for (const auto& [k, v] : r.breakdown_s) {
      if (k == "dp_comm") return v;
    }
    return 0.0;
  };
  const double healthy = dp_comm(DesEngine().run_training(cluster, job));
  DesEngineOptions broken;
  broken.failed.push_back({0, 1, 0, 4});  // half of node 0's eight NIC cables
  const double degraded = dp_comm(DesEngine(broken).run_training(cluster, job));
  // The gradient ring runs at the pace of its slowest hop: node 0's link now has half its bandwidth.
  EXPECT_NEAR(degraded / healthy, 2.0, 0.25);
}

}  // namespace
}  // namespace capsim::sim

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

TEST(DesEngine, ContextParallelRingAcrossNodesRunsAsFlows) {
  const auto cluster = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 2);
  workloads::TrainingJob job;
  job.name = "long-context";
  job.model = {"dense", 4, 8192, 28672, 64, 8, 0, 32000, 65536, true};
  job.parallelism.tp = 8;
  job.parallelism.cp = 2;  // the two CP ranks sit on different nodes
  job.parallelism.global_batch = 1;
  job.parallelism.sequence_parallel = true;
  const TrainingResult r = DesEngine().run_training(cluster, job);
  ASSERT_FALSE(r.busiest_links.empty());
  // Per layer and pass, each of the 8 GPUs sends its K and V block (32k tokens x 8 KV heads x 128 x 2 x bf16).
  const double kv_block = 32768.0 * 2 * 8 * 128 / 8 * 2;
  const double expected = 8 * kv_block * 4 * (1 + 2);  // 4 layers, forward once, backward twice
  // The busiest link also carries the gradient reduction over the two CP ranks, so it moves at least this much.
  EXPECT_GT(r.busiest_links.front().bytes, expected);
  const double analytical = AnalyticalEngine().run_training(cluster, job).step_time_s;
  EXPECT_NEAR(r.step_time_s / analytical, 1.0, 0.05);
}

}  // namespace
}  // namespace capsim::sim
