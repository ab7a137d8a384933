// The scale_out keys of a scenario: read into the cluster, checked with their JSON pointer, and a fabric the switches
// cannot build reported at the key responsible.
#include <gtest/gtest.h>

#include "models/network/fabric_factory.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

std::string scenario_with(const std::string& nodes, const std::string& scale_out) {
  return R"({"schema": "capsim/scenario/v1", "name": "fabric",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": )" + nodes + R"(, "scale_out": )" + scale_out + R"(},
    "workloads": [{"name": "t", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"tp": 8, "pp": 1, "micro_batch": 1, "global_batch": 4096}}]})";
}

/// The diagnostics of a scenario that must fail.
std::vector<Diagnostic> problems_of(const std::string& text) {
  try {
    load_scenario_text(text, "fabric.json");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected an InputError";
  return {};
}

TEST(FabricScenario, ReadsEveryScaleOutKey) {
  const Scenario s = load_scenario_text(
      scenario_with("2048", R"({"topology": "rail-optimized", "tiers": 3, "radix": 64, "port_bandwidth": "400 Gb/s",
                                "oversubscription": [1, 2], "rails": 8, "planes": 1, "switch_latency": "200 ns",
                                "sharp": true})"),
      "fabric.json");
  const hw::ScaleOutSpec& so = s.cluster.scale_out;
  EXPECT_EQ(so.topology, "rail-optimized");
  EXPECT_EQ(so.tiers, 3);
  EXPECT_EQ(so.radix, 64);
  EXPECT_DOUBLE_EQ(so.port_bw_Bps, 50e9);
  EXPECT_DOUBLE_EQ(so.oversubscription, 1);
  EXPECT_DOUBLE_EQ(so.spine_oversubscription, 2);
  EXPECT_EQ(so.rails, 8);
  EXPECT_DOUBLE_EQ(so.switch_latency_s, 200e-9);
  EXPECT_TRUE(so.in_network_reduction);
  EXPECT_EQ(net::build_fabric(s.cluster)->counts().tiers.size(), 3u);
}

TEST(FabricScenario, AFabricTheSwitchesCannotBuildIsReportedAtItsKey) {
  const auto d = problems_of(scenario_with("2048", R"({"tiers": 2, "radix": 64})"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].file, "fabric.json");
  EXPECT_EQ(d[0].pointer, "/cluster/scale_out/tiers");
  EXPECT_NE(d[0].message.find("at most 2048"), std::string::npos) << d[0].message;
  EXPECT_NE(d[0].hint.find("\"tiers\": 3"), std::string::npos) << d[0].hint;
}

TEST(FabricScenario, BadValuesNameTheirPointer) {
  const auto d = problems_of(scenario_with(
      "64", R"({"tiers": 5, "oversubscription": [1, 0.5, 2], "torus": [4, 4], "topology": "dragonfly",
               "nccl_tests": "no-such.log"})"));
  std::set<std::string> pointers;
  for (const auto& x : d) pointers.insert(x.pointer);
  for (const char* p : {"/cluster/scale_out/tiers", "/cluster/scale_out/oversubscription", "/cluster/scale_out/torus",
                        "/cluster/scale_out/topology", "/cluster/scale_out/nccl_tests"}) {
    EXPECT_EQ(pointers.count(p), 1u) << p;
  }
}

TEST(FabricScenario, TorusMustHoldEveryNode) {
  const auto d = problems_of(scenario_with("64", R"({"topology": "torus3d", "torus": [4, 4, 2]})"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].pointer, "/cluster/scale_out/torus");
  const Scenario ok = load_scenario_text(scenario_with("64", R"({"topology": "torus3d", "torus": [4, 4, 4]})"), "t.json");
  EXPECT_EQ(net::build_fabric(ok.cluster)->kind(), "torus3d");
}

TEST(FabricScenario, NcclTestsLogCalibratesTheCluster) {
  const std::string log = std::string(CAPSIM_TEST_FIXTURES) + "/nccl/h100-8gpu-all_reduce.format-sample.txt";
  const Scenario s = load_scenario_text(scenario_with("2", R"({"nccl_tests": ")" + log + R"("})"), "fabric.json");
  ASSERT_EQ(s.cluster.scale_out.nccl_tests.size(), 1u);
  EXPECT_EQ(s.cluster.scale_out.nccl_tests[0].op, "all_reduce");
  EXPECT_EQ(s.cluster.scale_out.nccl_tests[0].ranks, 8);
  EXPECT_EQ(s.cluster.scale_out.nccl_tests[0].bytes.size(), 31u);
}

}  // namespace
}  // namespace capsim::planner
