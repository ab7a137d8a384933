// `storage.placement`: parsing, its errors (file, JSON pointer, what was expected, a hint), the capacity check at
// load time, and what a run reports with it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "planner/result_json.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

/// Llama 3 8B on 4 DGX H100 nodes (112 GB checkpoints), 200 MB video samples, a 2 GB/s file system and a placement.
json base() {
  return json::parse(R"({
    "schema": "capsim/scenario/v1",
    "name": "placement",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 4},
    "workloads": [{"name": "train", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"tp": 8, "dp": 4, "global_batch": 64, "zero": 1}}],
    "storage": {
      "tiers": [{"name": "nvme", "kind": "local-nvme", "capacity_per_node": "10 TB"},
                {"name": "pfs", "kind": "parallel-fs", "servers": 2, "bandwidth_per_server": "1 GB/s",
                 "capacity": "100 TB", "price_per_gb_month": "$0.10"},
                {"name": "s3", "kind": "object-store"}],
      "data": {"sample_size": "200 MB", "tokens_per_sample": 8192},
      "placement": {
        "dataset": {"size": "20 TB", "hot": "nvme", "hot_fraction": 0.5, "warm": "pfs", "cold": "s3"},
        "checkpoints": {"hot": "pfs", "keep_hot": 3, "cold": "s3", "keep_cold": 10}}}
  })");
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

const Diagnostic* at(const std::vector<Diagnostic>& ds, const std::string& pointer) {
  for (const auto& d : ds) {
    if (d.pointer == pointer) return &d;
  }
  ADD_FAILURE() << "no problem reported at " << pointer;
  static const Diagnostic none;
  return &none;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(PlacementScenario, ReadsThePolicyAndPointsDataAndCheckpointsAtItsTiers) {
  const Scenario s = load_scenario(base(), "scenario.json");
  ASSERT_TRUE(s.storage.placement);
  const auto& p = *s.storage.placement;
  ASSERT_TRUE(p.dataset);
  EXPECT_DOUBLE_EQ(p.dataset->size_B, 20e12);
  EXPECT_EQ(p.dataset->hot, "nvme");
  EXPECT_DOUBLE_EQ(p.dataset->hot_fraction, 0.5);
  EXPECT_EQ(p.dataset->cold, "s3");
  ASSERT_TRUE(p.checkpoints);
  EXPECT_EQ(p.checkpoints->keep_hot, 3);
  EXPECT_EQ(p.checkpoints->keep_cold, 10);
  EXPECT_EQ(s.storage.data.tier, "pfs");
  EXPECT_EQ(s.storage.checkpoint.tier, "pfs");
  EXPECT_DOUBLE_EQ(s.storage.tiers[1].usd_per_GB_month, 0.10);
}

TEST(PlacementScenario, RolesDefaultToTheDataAndCheckpointTiers) {
  json doc = base();
  doc["storage"]["data"]["tier"] = "s3";
  doc["storage"]["checkpoint"] = {{"tier", "nvme"}};
  doc["storage"]["placement"] = {{"dataset", {{"size", "1 TB"}, {"hot", "nvme"}}}, {"checkpoints", json::object()}};
  const Scenario s = load_scenario(doc, "scenario.json");
  const auto& p = *s.storage.placement;
  EXPECT_EQ(p.dataset->warm, "s3");
  EXPECT_DOUBLE_EQ(p.dataset->hot_fraction, 1);
  EXPECT_EQ(p.dataset->cold, "");
  EXPECT_EQ(p.checkpoints->hot, "nvme");
  EXPECT_EQ(p.checkpoints->keep_hot, 2);
  EXPECT_EQ(p.checkpoints->cold, "");
}

TEST(PlacementScenario, CollectsEveryProblemWithItsPointerAndHint) {
  json doc = base();
  doc["storage"]["data"]["tier"] = "s3";  // but the dataset's warm tier is pfs
  auto& pl = doc["storage"]["placement"];
  pl["dataset"].erase("size");
  pl["dataset"]["cold"] = "s4";
  pl["checkpoints"] = {{"hot", "pfs"}, {"cold", "pfs"}};
  pl["extra"] = 1;
  const auto ds = problems_in(doc);
  EXPECT_EQ(ds.size(), 5u);
  for (const auto& d : ds) EXPECT_EQ(d.file, "scenario.json");
  EXPECT_TRUE(mentions(at(ds, "/storage/placement/dataset")->message, "missing required key \"size\""));
  const Diagnostic* cold = at(ds, "/storage/placement/dataset/cold");
  EXPECT_TRUE(mentions(cold->message, "no storage tier is named \"s4\""));
  EXPECT_TRUE(mentions(cold->hint, "did you mean \"s3\"?"));
  const Diagnostic* warm = at(ds, "/storage/placement/dataset/warm");
  EXPECT_TRUE(mentions(warm->message, "storage.data.tier is \"s3\""));
  EXPECT_TRUE(mentions(warm->hint, "same tier"));
  const Diagnostic* same = at(ds, "/storage/placement/checkpoints/cold");
  EXPECT_TRUE(mentions(same->message, "\"pfs\" is the hot tier already"));
  EXPECT_TRUE(mentions(same->hint, "different tiers"));
  at(ds, "/storage/placement/extra");
}

TEST(PlacementScenario, KeysThatNeedAPartnerSaySo) {
  json doc = base();
  doc["storage"]["placement"] = {{"dataset", {{"size", "1 TB"}, {"hot_fraction", 0.2}}},
                                 {"checkpoints", {{"keep_cold", 5}}}};
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_TRUE(mentions(at(ds, "/storage/placement/dataset/hot_fraction")->message, "needs a \"hot\" tier"));
  EXPECT_TRUE(mentions(at(ds, "/storage/placement/checkpoints/keep_cold")->hint, "\"cold\""));
}

TEST(PlacementScenario, AnEmptyPlacementAndOutOfRangeValuesAreErrors) {
  json doc = base();
  doc["storage"]["placement"] = json::object();
  EXPECT_TRUE(mentions(at(problems_in(doc), "/storage/placement")->message, "\"dataset\", \"checkpoints\""));
  doc["storage"]["placement"] = {{"dataset", {{"size", "1 TB"}, {"hot", "nvme"}, {"hot_fraction", 1.5}}},
                                 {"checkpoints", {{"keep_hot", 0}}}};
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 2u);
  at(ds, "/storage/placement/dataset/hot_fraction");
  at(ds, "/storage/placement/checkpoints/keep_hot");
}

TEST(PlacementScenario, ATierThatCannotHoldItsShareIsAnErrorAtTheKeyResponsible) {
  json doc = base();
  doc["storage"]["placement"]["checkpoints"]["keep_hot"] = 1000;  // 1000 x 112 GB + 20 TB on 100 TB
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].file, "scenario.json");
  EXPECT_EQ(ds[0].pointer, "/storage/placement/checkpoints/keep_hot");
  EXPECT_TRUE(mentions(ds[0].message, "workload \"train\" on 4 nodes: tier \"pfs\" holds 90.9 TiB")) << ds[0].message;
  EXPECT_TRUE(mentions(ds[0].message, "short")) << ds[0].message;
  // (100 TB - 20 TB) / 112.4 GB = 711.6
  EXPECT_TRUE(mentions(ds[0].hint, "711 fit: set \"keep_hot\" to 711 or less")) << ds[0].hint;
}

TEST(PlacementScenario, PricesApplyToEveryKindButIngressOnlyToObjectStores) {
  json doc = base();
  doc["storage"]["tiers"][0]["price_per_gb_month"] = "$0.01";
  doc["storage"]["tiers"][2]["ingress_per_gb"] = "$0.02";
  const Scenario s = load_scenario(doc, "scenario.json");
  EXPECT_DOUBLE_EQ(s.storage.tiers[0].usd_per_GB_month, 0.01);
  EXPECT_DOUBLE_EQ(s.storage.tiers[2].ingress_usd_per_GB, 0.02);
  doc["storage"]["tiers"][0]["ingress_per_gb"] = "$0.02";
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_TRUE(mentions(at(ds, "/storage/tiers/0/ingress_per_gb")->message, "does not apply to a local-nvme tier"));
}

TEST(PlacementScenario, ARunReportsTheBlendTheDrainAndTheBill) {
  json doc = base();
  doc["storage"]["placement"]["dataset"]["hot_fraction"] = 0;
  const auto starved = run_scenario(load_scenario(doc, "scenario.json")).training.at(0);
  doc["storage"]["placement"]["dataset"]["hot_fraction"] = 0.9;
  const auto fed = run_scenario(load_scenario(doc, "scenario.json")).training.at(0);
  // The 2 GB/s file system alone starves the GPUs; with 90% of reads from the nodes' NVMe it keeps up.
  EXPECT_GT(starved.storage.data.starvation, 0.3);
  EXPECT_GT(starved.storage.data.required_hit_rate, 0.3);
  EXPECT_LT(starved.storage.data.required_hit_rate, 0.9);
  EXPECT_DOUBLE_EQ(fed.storage.data.starvation, 0);
  ASSERT_TRUE(fed.storage.placement && fed.storage.placement->checkpoints);
  const auto& drain = fed.storage.placement->checkpoints->drain;
  ASSERT_TRUE(drain);
  EXPECT_DOUBLE_EQ(drain->interval_s, fed.reliability.checkpoint_interval_s);
  // 112 GB at the file system's 2 GB/s, plus S3's 0.1 s to first byte.
  EXPECT_NEAR(drain->drain_s, fed.storage.checkpoint.total_B / 2e9 + 0.1, 1e-9);
  const json j = json::parse(to_json(fed).dump());
  const json& p = j["storage"]["placement"];
  EXPECT_EQ(p["tiers"].size(), 3u);
  EXPECT_EQ(p["tiers"][2]["capacity_bytes"], nullptr);  // S3 is unbounded
  EXPECT_DOUBLE_EQ(p["dataset"]["hit_rate"].get<double>(), 0.9);
  EXPECT_TRUE(p["checkpoints"].contains("drain_keeps_up"));
  // pfs holds the 20 TB dataset and 3 checkpoints at $0.10/GB-month.
  const double pfs_B = 20e12 + 3 * fed.storage.checkpoint.total_B;
  EXPECT_NEAR(p["tiers"][1]["usd_per_month"].get<double>(), pfs_B / 1e9 * 0.10, 1e-6);
}

TEST(PlacementScenario, WithoutAPlacementTheResultHasNoPlacementBlock) {
  json doc = base();
  doc["storage"].erase("placement");
  const auto r = run_scenario(load_scenario(doc, "scenario.json")).training.at(0);
  EXPECT_FALSE(r.storage.placement);
  EXPECT_FALSE(json::parse(to_json(r).dump())["storage"].contains("placement"));
}

}  // namespace
}  // namespace capsim::planner
