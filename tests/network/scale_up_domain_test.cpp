#include "models/network/scale_up_domain.hpp"

#include <gtest/gtest.h>

#include "models/hardware/gpu_catalog.hpp"
#include "tests/network/route_checks.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

hw::ScaleUpSpec catalog_scale_up(const std::string& id) { return hw::GpuCatalog::builtin().find(id)->scale_up; }

TEST(ScaleUpDomain, HgxH100HasFourNvSwitchesAndEighteenLinksPerGpu) {
  const ScaleUpDomain d(scale_up_design(catalog_scale_up("h100-sxm5-80gb")));
  EXPECT_EQ(d.kind(), "nvswitch");
  const FabricCounts c = d.counts();
  EXPECT_EQ(c.switches, 4);
  EXPECT_EQ(c.cables, 8 * 18);
  EXPECT_EQ(c.optics, 0);
  EXPECT_DOUBLE_EQ(d.bisection_bw_Bps(), 4 * 450e9);
  EXPECT_EQ(d.hops(0, 7), 2);
  EXPECT_DOUBLE_EQ(d.ecmp_paths(0, 7), 5 * 5 + 5 * 5 + 4 * 4 + 4 * 4);
  test::expect_routes_between_every_pair(d);
}

TEST(ScaleUpDomain, Nvl72HasEighteenSwitchChipsOneLinkEachPerGpu) {
  hw::ScaleUpSpec spec = catalog_scale_up("b200-sxm-180gb");
  spec.domain_gpus = 72;
  const ScaleUpDomain d(scale_up_design(spec));
  const FabricCounts c = d.counts();
  EXPECT_EQ(c.switches, 18);
  EXPECT_EQ(c.cables, 72 * 18);
  EXPECT_EQ(c.switch_ports_used, c.switch_ports) << "every one of the 72 ports of every chip is used";
  EXPECT_DOUBLE_EQ(d.bisection_bw_Bps(), 36 * 900e9);
  EXPECT_TRUE(d.check().problems.empty());
}

TEST(ScaleUpDomain, Mi300xIsASwitchlessFullMesh) {
  const ScaleUpDomain d(scale_up_design(catalog_scale_up("mi300x")));
  EXPECT_EQ(d.kind(), "mesh");
  const FabricCounts c = d.counts();
  EXPECT_EQ(c.switches, 0);
  EXPECT_EQ(c.cables, 28);
  EXPECT_EQ(d.hops(2, 5), 1);
  EXPECT_DOUBLE_EQ(d.bisection_bw_Bps(), 16 * 64e9);
  test::expect_routes_between_every_pair(d);
}

}  // namespace
}  // namespace capsim::net
