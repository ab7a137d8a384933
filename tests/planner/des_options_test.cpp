// `simulation.des` options that need other parts of the scenario: the checkpoint a DES step writes takes its tier
// from `storage`.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

json base() {
  std::ifstream in(std::string(CAPSIM_TEST_FIXTURES) + "/scenarios/design_example_129_nodes.json");
  return json::parse(in);
}

std::vector<Diagnostic> problems_in(const json& doc) {
  try {
    load_scenario(doc, "scenario.json");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "the scenario loaded, but it should not";
  return {};
}

TEST(DesOptions, NoCheckpointUnlessAsked) {
  EXPECT_FALSE(load_scenario(base(), "scenario.json").simulation.des.checkpoint.enabled);
  json doc = base();
  doc["simulation"]["des"] = {{"checkpoint", "none"}};
  EXPECT_FALSE(load_scenario(doc, "scenario.json").simulation.des.checkpoint.enabled);
}

TEST(DesOptions, CheckpointWritesToTheStorageCheckpointTier) {
  json doc = base();
  doc["storage"] = {{"tiers",
                     {{{"name", "nvme"}, {"kind", "local-nvme"}},
                      {{"name", "fast"},
                       {"kind", "parallel-fs"},
                       {"servers", 16},
                       {"bandwidth_per_server", "5 GB/s"},
                       {"client_bandwidth_per_node", "25 GB/s"}}}},
                    {"checkpoint", {{"tier", "fast"}, {"host_copy_bandwidth", "50 GB/s"}}}};
  doc["simulation"]["des"] = {{"checkpoint", "sync"}};
  const Scenario s = load_scenario(doc, "scenario.json");
  const sim::DesCheckpoint& c = s.simulation.des.checkpoint;
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.mode, workloads::CheckpointMode::sync);
  EXPECT_EQ(c.tier.name, "fast");
  EXPECT_EQ(c.tier.servers, 16);
  EXPECT_DOUBLE_EQ(c.tier.client_bw_per_node_Bps, 25e9);
  EXPECT_DOUBLE_EQ(c.host_copy_bw_Bps, 50e9);
  // Without a storage block the default tiers apply, and the checkpoint goes to the parallel file system.
  doc.erase("storage");
  doc["simulation"]["des"]["checkpoint"] = "async";
  const Scenario d = load_scenario(doc, "scenario.json");
  EXPECT_EQ(d.simulation.des.checkpoint.mode, workloads::CheckpointMode::async);
  EXPECT_EQ(d.simulation.des.checkpoint.tier.name, "pfs");
}

TEST(DesOptions, ANodeLocalCheckpointTierIsAnErrorWithAHint) {
  json doc = base();
  doc["storage"] = {{"checkpoint", {{"tier", "nvme"}}}};
  doc["simulation"]["des"] = {{"checkpoint", "async"}};
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].file, "scenario.json");
  EXPECT_EQ(ds[0].pointer, "/simulation/des/checkpoint");
  EXPECT_NE(ds[0].message.find("\"nvme\" is local-nvme"), std::string::npos) << ds[0].message;
  EXPECT_NE(ds[0].hint.find("parallel-fs or object-store"), std::string::npos) << ds[0].hint;
}

TEST(DesOptions, AnUnknownCheckpointModeListsTheChoices) {
  json doc = base();
  doc["simulation"]["des"] = {{"checkpoint", "always"}};
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/simulation/des/checkpoint");
  EXPECT_NE(ds[0].message.find("\"async\""), std::string::npos) << ds[0].message;
}

TEST(DesOptions, PowerTraceIsOffUnlessAskedAndTakesTrueOrAPeriod) {
  EXPECT_FALSE(load_scenario(base(), "scenario.json").simulation.des.power_trace.enabled);
  json doc = base();
  doc["simulation"]["des"] = {{"power_trace", true}};
  const sim::DesPowerTrace on = load_scenario(doc, "scenario.json").simulation.des.power_trace;
  EXPECT_TRUE(on.enabled);
  EXPECT_EQ(on.period_s, 0);  // the engine samples every step / 200
  doc["simulation"]["des"]["power_trace"] = "2 ms";
  const sim::DesPowerTrace every = load_scenario(doc, "scenario.json").simulation.des.power_trace;
  EXPECT_TRUE(every.enabled);
  EXPECT_DOUBLE_EQ(every.period_s, 2e-3);
  doc["simulation"]["des"]["power_trace"] = 0.5;
  EXPECT_DOUBLE_EQ(load_scenario(doc, "scenario.json").simulation.des.power_trace.period_s, 0.5);
  doc["simulation"]["des"]["power_trace"] = false;
  EXPECT_FALSE(load_scenario(doc, "scenario.json").simulation.des.power_trace.enabled);
}

TEST(DesOptions, ABadPowerTraceNamesItsPathAndWhatItTakes) {
  json doc = base();
  doc["simulation"]["des"] = {{"power_trace", "often"}};
  auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].file, "scenario.json");
  EXPECT_EQ(ds[0].pointer, "/simulation/des/power_trace");
  EXPECT_FALSE(ds[0].hint.empty());

  doc["simulation"]["des"]["power_trace"] = {{"period", "1 ms"}};
  ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/simulation/des/power_trace");
  EXPECT_NE(ds[0].message.find("expected true, false or a sampling period"), std::string::npos) << ds[0].message;
  EXPECT_NE(ds[0].hint.find("\"1 ms\""), std::string::npos) << ds[0].hint;

  doc["simulation"]["des"]["power_trace"] = "0 s";
  ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/simulation/des/power_trace");
  EXPECT_NE(ds[0].hint.find("use a value"), std::string::npos) << ds[0].hint;

  doc["simulation"]["des"]["power_trace"] = "5 GB";
  ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/simulation/des/power_trace");
}

}  // namespace
}  // namespace capsim::planner
