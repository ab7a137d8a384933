// One flow per transfer for all its rails (sim/des/rail_bundle.hpp) must change no answer: the same runs, bundled and
// with a flow per rail, give the same step and the same parts of it, on a classic fat-tree and on a rail-optimized
// fabric, oversubscribed so that switch links bind, for pipeline, data-parallel and expert traffic.
#include "tests/des/moe_test_job.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_training.hpp"

namespace capsim::sim::des {
namespace CAPSIM_UNITY_ID {

/// DGX H100 nodes (8 NICs of 400 Gb/s each) at 3:1, so that leaf uplinks bind. A classic fat-tree's 64-port leaves
/// hold 6 nodes; a rail-optimized fabric's 16-port leaves hold 12 nodes' NICs of one rail: both straddle leaves.
hw::ClusterSpec cluster(const std::string& topology, int nodes) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  c.scale_out.topology = topology;
  c.scale_out.radix = topology == "rail-optimized" ? 16 : 64;
  c.scale_out.oversubscription = 3.0;
  return c;
}

/// Llama 3 8B cut to 8 layers, TP 8 (one node per stage), PP 2, DP `dp`: pipeline transfers between nodes and
/// data-parallel rings across leaves.
workloads::TrainingJob dense_job(int dp) {
  workloads::TrainingJob j;
  j.name = "dense";
  j.model = *workloads::ModelCatalog::builtin().find("llama3-8b");
  j.model.layers = 8;
  auto& p = j.parallelism;
  p.tp = 8;
  p.pp = 2;
  p.dp = dp;
  p.global_batch = 4 * dp;
  p.sequence_parallel = true;
  p.zero = 1;
  return j;
}

struct Outcome {
  double step = 0, dp = 0, gather = 0, pp = 0, ep = 0, bubble = 0;
  long long activities = 0;
  std::string links;  ///< every loaded link's name, each followed by '|' 
};

Outcome simulate(const hw::ClusterSpec& c, const workloads::TrainingJob& job, bool bundle) {
  const std::string out = run_in_child_process([&] {
    DesOptions options;
    options.bundle_rails = bundle;
    options.top_links = 1000;
    const DesRunResult r = simulate_training_steps(c, {job}, options);
    const DesJobResult& j = r.jobs.front();
    std::ostringstream s;
    s.precision(17);
    s << j.step_time_s << ' ' << j.dp_comm_s << ' ' << j.param_gather_s << ' ' << j.pp_comm_s << ' ' << j.ep_comm_s
      << ' ' << j.bubble_s << ' ' << r.activities << '\n'
      ;
    for (const LinkLoad& l : r.busiest_links) s << l.name << '|';
    return s.str();
  });
  std::istringstream s(out);
  Outcome r;
  s >> r.step >> r.dp >> r.gather >> r.pp >> r.ep >> r.bubble >> r.activities;
  s.ignore();
  std::getline(s, r.links);
  return r;
}

void expect_same(const Outcome& bundled, const Outcome& per_rail) {
  constexpr double kRel = 1e-6;
  EXPECT_NEAR(bundled.step, per_rail.step, kRel * per_rail.step);
  EXPECT_NEAR(bundled.dp, per_rail.dp, kRel * per_rail.step);
  EXPECT_NEAR(bundled.gather, per_rail.gather, kRel * per_rail.step);
  EXPECT_NEAR(bundled.pp, per_rail.pp, kRel * per_rail.step);
  EXPECT_NEAR(bundled.ep, per_rail.ep, kRel * per_rail.step);
  EXPECT_NEAR(bundled.bubble, per_rail.bubble, kRel * per_rail.step);
  // Eight rails: the flows are an eighth (the compute timers stay).
  EXPECT_LT(bundled.activities, per_rail.activities);
}

TEST(RailBundle, ChangesNoAnswerOnAClassicFatTree) {
  // 6 nodes per 48-port leaf: the 16 nodes' rings and pipeline transfers straddle leaves.
  const auto c = cluster("fat-tree", 16);
  const Outcome per_rail = simulate(c, dense_job(8), false);
  const Outcome bundled = simulate(c, dense_job(8), true);
  ASSERT_GT(per_rail.dp + per_rail.gather + per_rail.pp, 0);
  expect_same(bundled, per_rail);
  // Rail 0's cable of each node stands for the node's eight, and says so.
  EXPECT_NE(bundled.links.find("NICs (8) -> leaf"), std::string::npos) << bundled.links;
  EXPECT_EQ(bundled.links.find(" nic "), std::string::npos) << bundled.links;
  EXPECT_NE(per_rail.links.find(" nic 7 -> leaf"), std::string::npos) << per_rail.links;
  std::printf("classic: step %.9f / %.9f s, activities %lld / %lld\n", bundled.step, per_rail.step,
              bundled.activities, per_rail.activities);
}

TEST(RailBundle, ChangesNoAnswerOnARailOptimizedFabric) {
  const auto c = cluster("rail-optimized", 16);
  const Outcome per_rail = simulate(c, dense_job(8), false);
  const Outcome bundled = simulate(c, dense_job(8), true);
  expect_same(bundled, per_rail);
}

TEST(RailBundle, ChangesNoAnswerForAnExpertAllToAll) {
  for (const char* topology : {"fat-tree", "rail-optimized"}) {
    const auto c = cluster(topology, 16);
    const Outcome per_rail = simulate(c, testing::moe_job(16, 2), false);
    const Outcome bundled = simulate(c, testing::moe_job(16, 2), true);
    ASSERT_GT(per_rail.ep, 0) << topology;
    expect_same(bundled, per_rail);
  }
}

TEST(RailBundle, KeepsAFlowPerRailWhenACableFails) {
  // A failed NIC cable moves one rail's share onto another NIC: the rails are no longer interchangeable.
  const auto c = cluster("fat-tree", 16);
  const auto job = dense_job(8);
  long long activities[2] = {0, 0};
  for (bool bundle : {false, true}) {
    activities[bundle] = std::stoll(run_in_child_process([&] {
      DesOptions options;
      options.bundle_rails = bundle;
      options.failed.push_back({0, 1, 0, 2});
      return std::to_string(simulate_training_steps(c, {job}, options).activities);
    }));
  }
  EXPECT_GT(activities[false], 0);
  EXPECT_EQ(activities[true], activities[false]);
}

}  // namespace
}  // namespace capsim::sim::des
