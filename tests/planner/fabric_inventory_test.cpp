// The fabric a run reports (`capsim run` JSON `fabric`): switch tiers, switches, ports, cables and optics, checked
// against counts worked out by hand.
#include "planner/fabric_inventory.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "planner/result_json.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

/// Llama 3 8B on `nodes` DGX H100 nodes (8 NICs of 400 Gb/s each), with `scale_out` merged in.
Scenario training_on(int nodes, const json& scale_out) {
  json doc = json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "fabric",
    "cluster": {"gpu": "h100-sxm5-80gb"},
    "workloads": [{"name": "train", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"tp": 8, "global_batch": 64}}]
  })");
  doc["cluster"]["nodes"] = nodes;
  doc["cluster"]["scale_out"] = scale_out;
  return load_scenario(doc, "fabric.json");
}

TEST(FabricInventory, RunJsonCountsATwoTierFatTreeOf32NodesAsWorkedOutByHand) {
  const Scenario s = training_on(32, {{"topology", "fat-tree"}, {"radix", 64}});
  const json f = json::parse(to_json(run_scenario(s)).dump())["fabric"];
  // 32 nodes x 8 NICs = 256 NIC ports. One 64-port switch attaches at most 64, so two tiers. A leaf at 1:1 splits
  // its 64 ports into 32 down and 32 up: 256 / 32 = 8 leaves. Their 8 x 32 = 256 uplinks end on 64-port spines:
  // 4 spines, each leaf sending 8 parallel cables to each. 12 switches, 12 x 64 = 768 ports, all cabled.
  EXPECT_EQ(f["topology"], "fat-tree");
  EXPECT_EQ(f["tiers"], 2);
  EXPECT_EQ(f["nic_ports"], 256);
  EXPECT_DOUBLE_EQ(f["port_bandwidth_Bps"].get<double>(), 400e9 / 8);
  ASSERT_EQ(f["switch_tiers"].size(), 2u);
  const json& leaf = f["switch_tiers"][0];
  EXPECT_EQ(leaf["name"], "leaf");
  EXPECT_EQ(leaf["switches"], 8);
  EXPECT_EQ(leaf["radix"], 64);
  EXPECT_EQ(leaf["ports_down"], 256);
  EXPECT_EQ(leaf["ports_up"], 256);
  EXPECT_EQ(leaf["ports_free"], 0);
  EXPECT_DOUBLE_EQ(leaf["oversubscription"].get<double>(), 1.0);
  const json& spine = f["switch_tiers"][1];
  EXPECT_EQ(spine["name"], "spine");
  EXPECT_EQ(spine["switches"], 4);
  EXPECT_EQ(spine["ports_down"], 256);
  EXPECT_EQ(spine["ports_up"], 0);
  EXPECT_EQ(f["switches"], 12);
  EXPECT_EQ(f["switch_ports"], 768);
  EXPECT_EQ(f["switch_ports_free"], 0);
  // 256 NIC cables stay in the rack (copper); 256 leaf-spine cables cross racks (optical, a transceiver at each end).
  EXPECT_EQ(f["cables"], 512);
  EXPECT_EQ(f["copper_cables"], 256);
  EXPECT_EQ(f["optical_cables"], 256);
  EXPECT_EQ(f["cables_per_tier"], json({256, 256}));
  EXPECT_EQ(f["optics"], 512);
}

TEST(FabricInventory, AnOversubscribedLeafHasFewerUplinksAndSpines) {
  // 2:1 at the leaf: 64 ports split 42 down, 21 up (one port free). 256 / 42 -> 7 leaves (the last one partly
  // filled), 7 x 21 = 147 uplinks -> at least 3 spines, and 3 divides 21: 7 parallel cables per leaf and spine.
  const FabricInventory f = fabric_inventory(training_on(32, {{"radix", 64}, {"oversubscription", 2.0}}).cluster);
  ASSERT_EQ(f.counts.tiers.size(), 2u);
  EXPECT_EQ(f.counts.tiers[0].switches, 7);
  EXPECT_DOUBLE_EQ(f.counts.tiers[0].oversubscription, 2.0);
  EXPECT_EQ(f.counts.tiers[0].ports_up, 147);
  EXPECT_EQ(f.counts.tiers[1].switches, 3);
  EXPECT_EQ(f.counts.cables, 256 + 147);
  EXPECT_EQ(f.counts.optics, 2 * 147);
}

TEST(FabricInventory, ATorusHasCablesButNoSwitches) {
  const FabricInventory f = fabric_inventory(training_on(32, {{"topology", "torus3d"}, {"torus", {2, 4, 4}}}).cluster);
  EXPECT_TRUE(f.built);
  EXPECT_TRUE(f.counts.tiers.empty());
  EXPECT_EQ(f.counts.switches, 0);
  // Every node has a cable to its + neighbour along each dimension of 4 (a ring); along the dimension of 2 the two
  // nodes share one cable. 2 x 4 x 4 nodes: 16 + 32 + 32 = 80 cables, all inside one 4x4x4 block: copper.
  EXPECT_EQ(f.counts.cables_per_tier, (std::vector<long>{16, 32, 32}));
  EXPECT_EQ(f.counts.cables, 80);
  EXPECT_EQ(f.counts.copper_cables, 80);
  EXPECT_EQ(f.counts.optics, 0);
  EXPECT_EQ(f.counts.endpoints, 32 * 8);
  const json j = json::parse(to_json(f).dump());
  EXPECT_EQ(j["torus_nodes"], json({2, 4, 4}));
  EXPECT_TRUE(j.contains("cables_per_dimension"));
}

TEST(FabricInventory, OneNodeHasNoScaleOutFabric) {
  const FabricInventory f = fabric_inventory(training_on(1, json::object()).cluster);
  EXPECT_FALSE(f.built);
  EXPECT_EQ(f.counts.endpoints, 8);
  EXPECT_EQ(f.counts.switches, 0);
  EXPECT_EQ(f.counts.cables, 0);
}

}  // namespace
}  // namespace capsim::planner
