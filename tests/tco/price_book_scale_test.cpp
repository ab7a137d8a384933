// PriceBook::scale, the what-if's cloud price multiplier: it scales the prices of one prefix and unit, leaves every
// other price alone, and the instances' hourly prices follow.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/tco/price_book.hpp"

namespace capsim::planner::tco {
namespace CAPSIM_UNITY_ID {

TEST(PriceBookScale, ScalesEveryCloudHourPriceAndNothingElse) {
  const PriceBook& builtin = PriceBook::builtin();
  PriceBook book = builtin;
  const int scaled = book.scale("cloud/", PriceUnit::per_hour, 0.5);
  int expected = 0;
  for (const std::string& key : builtin.keys()) {
    const Price& before = builtin.at(key);
    const Price& after = book.at(key);
    if (key.starts_with("cloud/") && before.unit == PriceUnit::per_hour) {
      ++expected;
      EXPECT_DOUBLE_EQ(after.value, before.value * 0.5) << key;
      EXPECT_EQ(after.use.origin, "what-if") << key;
    } else {
      EXPECT_EQ(after.value, before.value) << key;  // spot interruptions, storage, egress, on-prem untouched
    }
  }
  EXPECT_GT(expected, 20);
  EXPECT_EQ(scaled, expected);
}

TEST(PriceBookScale, InstancesAndTheCheapestGpuHourFollowTheScaledPrices) {
  PriceBook book = PriceBook::builtin();
  const auto before = book.cheapest_gpu_hour("h100-sxm5-80gb");
  ASSERT_TRUE(before.has_value());
  const double on_demand = book.instance("aws-p5.48xlarge")->hourly.at("on-demand").value;
  book.scale("cloud/", PriceUnit::per_hour, 1.5);
  EXPECT_DOUBLE_EQ(book.instance("aws-p5.48xlarge")->hourly.at("on-demand").value, on_demand * 1.5);
  EXPECT_DOUBLE_EQ(book.cheapest_gpu_hour("h100-sxm5-80gb")->first, before->first * 1.5);
}

TEST(PriceBookScale, APrefixThatMatchesNothingChangesNothing) {
  PriceBook book = PriceBook::builtin();
  EXPECT_EQ(book.scale("no-such-prefix/", PriceUnit::per_hour, 2.0), 0);
  EXPECT_EQ(book.scale("on-prem/electricity", PriceUnit::per_hour, 2.0), 0);  // wrong unit
  EXPECT_EQ(book.at("on-prem/electricity").value, PriceBook::builtin().at("on-prem/electricity").value);
}

// Issue 16: every catalog accelerator can be rented in the built-in book (`capsim search` over all of them needs an
// on-demand price for each), and every such price says where it comes from. Meta's Grand Teton is not rented out.
TEST(PriceBookCoverage, EveryCatalogAcceleratorHasASourcedOnDemandPrice) {
  const PriceBook& book = PriceBook::builtin();
  const std::vector<std::string> ids = hw::GpuCatalog::builtin().ids();
  EXPECT_GE(ids.size(), 14u);
  for (const std::string& gpu : ids) {
    if (gpu == "grandteton-h100-96gb") continue;
    const auto cheapest = book.cheapest_gpu_hour(gpu, "on-demand");
    if (!cheapest) {
      ADD_FAILURE() << gpu << " has no on-demand instance in the price book";
      continue;
    }
    EXPECT_GT(cheapest->first, 0.0) << gpu;
    const Price& p = cheapest->second->hourly.at("on-demand");
    EXPECT_FALSE(p.use.source.empty()) << cheapest->second->id;
    EXPECT_FALSE(p.use.date.empty()) << cheapest->second->id;
    EXPECT_FALSE(p.use.quality.empty()) << cheapest->second->id;
  }
}

}  // namespace
}  // namespace capsim::planner::tco
