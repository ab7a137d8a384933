// Readable names of the DES fabric's links (fat_tree_shape.hpp: fabric_link_name), checked on live SimGrid
// platforms: the routes SimGrid computes must cross the links the names say.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <simgrid/s4u.hpp>

#include "tests/des/moe_test_job.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/des/des_platform.hpp"

using capsim::sim::des::testing::moe_job;

namespace capsim::sim::des {
namespace CAPSIM_UNITY_ID {

hw::ClusterSpec h100(int nodes) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  c.scale_out.topology = "rail-optimized";  // the layouts below are one leaf group per rail
  return c;
}

/// On 16-port switches, per rail (each of the 8 rails has leaves of its own): 16 nodes make 2 tiers, leaves of 8
/// NICs and 8 uplinks; 32 nodes 3 tiers in one pod of 4 leaves; 96 nodes 2 pods. A switch's uplinks are one link.
/// Port numbers are DesPlatform's: NIC r of node n is n x 8 + r, the storage endpoints follow the 8 x nodes NICs.
hw::ClusterSpec radix16(int nodes) {
  auto c = h100(nodes);
  c.scale_out.radix = 16;
  return c;
}

const std::regex& readable() {
  static const std::regex pattern(
      R"((node \d+ (nic \d+|NICs \(\d+\))|storage \d+|port \d+|(storage )?leaf \d+|(pod \d+ )?spines|cores) -> (node \d+ (nic \d+|NICs \(\d+\))|storage \d+|port \d+|(storage )?leaf \d+|(pod \d+ )?spines|cores) \((up|down)(, \d+ cables)?\)|node \d+ storage client \(up\))");
  return pattern;
}

/// The readable names along the route between fabric ports `from` and `to` (DesPlatform::port numbering), one a
/// line, followed by the shape's tiers.
std::string route_names(const hw::ClusterSpec& cluster, bool storage, size_t from, size_t to) {
  return run_in_child_process([&] {
    auto engine = start_engine();
    DesCheckpoint checkpoint;
    checkpoint.enabled = storage;
    const DesPlatform platform = build_platform(cluster, cluster.total_gpus(), &checkpoint);
    std::vector<simgrid::s4u::Link*> route;
    double latency = 0;
    platform.port(from)->route_to(platform.port(to), route, &latency);
    std::string out = "levels " + std::to_string(platform.shape.levels) + "\n";
    // Every fat-tree link direction gets a readable name of its own.
    std::set<std::string> seen;
    for (const auto* link : simgrid::s4u::Engine::get_instance()->get_all_links()) {
      if (link->get_name().rfind("link_from_", 0) != 0) continue;  // not the fat-tree's
      const std::string name = fabric_link_name(platform.shape, link->get_name());
      if (!std::regex_match(name, readable()) || !seen.insert(name).second) out += "BAD " + name + " [" + link->get_name() + "]\n";
    }
    for (const auto* link : route) out += fabric_link_name(platform.shape, link->get_name()) + "\n";
    return out;
  });
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(FabricLinkNames, TwoTierRouteNamesTheLinksItClimbsAndDescends) {
  auto names = lines(route_names(radix16(16), false, 0, 15 * 8));
  ASSERT_EQ(names.size(), 5u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[0], "levels 2");
  EXPECT_EQ(names[1], "node 0 nic 0 -> leaf 0 (up)");
  EXPECT_EQ(names[2], "leaf 0 -> spines (up, 8 cables)");
  EXPECT_EQ(names[3], "spines -> leaf 1 (down, 8 cables)");
  EXPECT_EQ(names[4], "leaf 1 -> node 15 nic 0 (down)");
  // Rail 3 has leaves of its own (2 per rail: rail 3's are leaves 6 and 7).
  names = lines(route_names(radix16(16), false, 3, 15 * 8 + 3));
  ASSERT_EQ(names.size(), 5u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[1], "node 0 nic 3 -> leaf 6 (up)");
  EXPECT_EQ(names[4], "leaf 7 -> node 15 nic 3 (down)");
  // Nodes under one rail leaf talk through it alone.
  names = lines(route_names(radix16(16), false, 0, 8));
  ASSERT_EQ(names.size(), 3u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[1], "node 0 nic 0 -> leaf 0 (up)");
  EXPECT_EQ(names[2], "leaf 0 -> node 1 nic 0 (down)");
}

TEST(FabricLinkNames, ASwitchsUplinksAreOneLinkNamedWithItsCables) {
  const auto names = lines(route_names(radix16(32), false, 0, 31 * 8));
  ASSERT_EQ(names.size(), 5u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[0], "levels 3");
  EXPECT_EQ(names[1], "node 0 nic 0 -> leaf 0 (up)");
  EXPECT_EQ(names[2], "leaf 0 -> pod 0 spines (up, 8 cables)");
  EXPECT_EQ(names[3], "pod 0 spines -> leaf 3 (down, 8 cables)");
  EXPECT_EQ(names[4], "leaf 3 -> node 31 nic 0 (down)");
}

TEST(FabricLinkNames, ThreeTierRouteWithStorageNamesEveryTier) {
  // Node 0 (rail 0's pod 0) to node 95 (rail 0's pod 1, its 4th leaf: leaf 11 once storage leaves are counted
  // apart): over a core.
  auto names = lines(route_names(radix16(96), true, 0, 95 * 8));
  ASSERT_EQ(names.size(), 7u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[0], "levels 3");
  EXPECT_EQ(names[1], "node 0 nic 0 -> leaf 0 (up)");
  EXPECT_TRUE(std::regex_match(names[2], std::regex(R"(leaf 0 -> pod 0 spines \(up, \d+ cables\))"))) << names[2];
  EXPECT_TRUE(std::regex_match(names[3], std::regex(R"(pod 0 spines -> cores \(up, \d+ cables\))"))) << names[3];
  EXPECT_TRUE(std::regex_match(names[4], std::regex(R"(cores -> pod 1 spines \(down, \d+ cables\))"))) << names[4];
  EXPECT_TRUE(std::regex_match(names[5], std::regex(R"(pod 1 spines -> leaf 11 \(down, \d+ cables\))"))) << names[5];
  EXPECT_EQ(names[6], "leaf 11 -> node 95 nic 0 (down)");
  // Node 0 to storage endpoint 0 (port 768, on pod 0's storage leaf switch), and storage endpoint 8 (pod 1's).
  names = lines(route_names(radix16(96), true, 0, 768));
  ASSERT_EQ(names.size(), 5u) << ::testing::PrintToString(names);
  EXPECT_TRUE(std::regex_match(names[3], std::regex(R"(pod 0 spines -> storage leaf 0 \(down, \d+ cables\))")))
      << names[3];
  EXPECT_EQ(names[4], "storage leaf 0 -> storage 0 (down)");
  names = lines(route_names(radix16(96), true, 776, 0));
  ASSERT_EQ(names.size(), 7u) << ::testing::PrintToString(names);
  EXPECT_EQ(names[1], "storage 8 -> storage leaf 1 (up)");
  EXPECT_EQ(names[6], "leaf 0 -> node 0 nic 0 (down)");
}

TEST(FabricLinkNames, ANameThatIsNotTheFatTreesComesBackUnchanged) {
  const FatTreeShape shape = fat_tree_shape(radix16(16), 16);
  for (const std::string name : {"gpu-3-nvl-up", "node 2 storage client (up)", "link_from_0_15_0_SIDEWAYS",
                                 "link_from_99999_15_0_UP", "link_from_0_1_0_UP"}) {
    EXPECT_EQ(fabric_link_name(shape, name), name);
  }
}


TEST(FabricLinkNames, EveryBusiestLinkOfAStepHasAReadableName) {
  for (int nodes : {16, 32}) {
    const TrainingResult r = DesEngine().run_training(radix16(nodes), moe_job(nodes, 4));
    ASSERT_FALSE(r.busiest_links.empty());
    for (const auto& link : r.busiest_links) {
      EXPECT_TRUE(std::regex_match(link.name, readable())) << link.name;
    }
  }
}

}  // namespace
}  // namespace capsim::sim::des
