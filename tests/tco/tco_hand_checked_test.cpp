// The hand-checked study (tests/fixtures/studies/hand.json): every price is set inline, so each cost of both options
// is worked out here from the prices and the simulated shape (throughput, power), and asserted to the cent.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "planner/tco/capacity.hpp"
#include "planner/tco/cost_model.hpp"
#include "planner/tco/plan.hpp"
#include "planner/tco/study.hpp"

namespace capsim::planner::tco {
namespace CAPSIM_UNITY_ID {

std::string fixture(const std::string& name) { return std::string(CAPSIM_TEST_FIXTURES) + "/studies/" + name; }

double category(const OptionResult& o, const std::string& name) {
  for (const auto& [k, v] : o.cost_by_category_usd) {
    if (k == name) return v;
  }
  return 0;
}

class HandChecked : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    study_ = new Study(load_study_file(fixture("hand.json")));
    capacity_ = new CapacityModel(build_capacity(*study_));
  }
  static void TearDownTestSuite() {
    delete capacity_;
    delete study_;
  }
  static Study* study_;
  static CapacityModel* capacity_;
  const TrainingCapacity& shape() const { return capacity_->training.at({0, "h100-sxm5-80gb"}); }
};
Study* HandChecked::study_ = nullptr;
CapacityModel* HandChecked::capacity_ = nullptr;

TEST_F(HandChecked, TheShapeHasNoFailuresSoTheCampaignIsTokensOverThroughput) {
  const TrainingCapacity& t = shape();
  EXPECT_EQ(t.gpus, 8);
  EXPECT_EQ(t.tokens, 1e9);
  EXPECT_EQ(training_goodput(t, 1, 0), 1.0);
  EXPECT_NEAR(t.failure_free_hours, 1e9 / t.shape.tokens_per_s / 3600, 1e-9);
  EXPECT_LT(t.failure_free_hours, 730) << "the hand check assumes the campaign ends within month 0";
}

TEST_F(HandChecked, RentingPaysTwoDollarsForEveryGpuHourOfTheCampaign) {
  const OptionResult r = cost_option(*study_, *capacity_, study_->options[0], Factors{}, true);
  const double hours = shape().failure_free_hours;
  const double expected = 8 * hours * 2.00;
  EXPECT_NEAR(r.total_cost_usd, expected, 0.005);
  EXPECT_NEAR(category(r, "cloud_compute"), expected, 0.005);
  EXPECT_NEAR(r.npv_usd, expected, 0.005) << "all of it is paid in month 0, undiscounted";
  EXPECT_NEAR(r.gpu_hours, 8 * hours, 1e-9);
  EXPECT_NEAR(r.cost_per_gpu_hour_usd, 2.00, 1e-9);
  EXPECT_NEAR(r.cost_per_million_tokens_usd, expected / 1e9 * 1e6, 1e-6);
  ASSERT_EQ(r.monthly_cost_usd.size(), 24u);
  EXPECT_NEAR(r.monthly_cost_usd[0], expected, 0.005);
  EXPECT_EQ(r.monthly_cost_usd[1], 0.0);
}

TEST_F(HandChecked, OwningCostsEveryCategoryWorkedOutByHand) {
  const OptionResult r = cost_option(*study_, *capacity_, study_->options[1], Factors{}, true);
  const TrainingCapacity& t = shape();
  const double hours = t.failure_free_hours;
  // Capex in month 0: one $100k server, its 8 NIC ports at $1,000, one $10k rack (one node: no switches), storage
  // at $0.01/GB for the dataset and two checkpoints, or 2 PB per 1,024 GPUs if more.
  const double storage = std::max(8.0 / 1024 * 2e6, (t.dataset_bytes + 2 * t.checkpoint_bytes) / 1e9) * 0.01;
  const double capex = 100'000 + 8 * 1'000 + 10'000 + storage;
  EXPECT_NEAR(category(r, "servers"), 100'000, 0.005);
  EXPECT_NEAR(category(r, "network"), 8'000, 0.005);
  EXPECT_NEAR(category(r, "racks"), 10'000, 0.005);
  EXPECT_NEAR(category(r, "storage"), storage, 0.005);
  // Maintenance: 6% a year of the capex from the second year: 12 months x capex x 0.06 / 12.
  EXPECT_NEAR(category(r, "maintenance"), capex * 0.06, 0.005);
  // Colocation: $100 per provisioned kW-month for 24 months.
  const double kw = 8 * capacity_->peak_W_per_gpu.at("h100-sxm5-80gb") / 1000;
  EXPECT_NEAR(category(r, "facility"), kw * 100 * 24, 0.005);
  // Power: the campaign's draw, then idle GPUs, at PUE and $0.10/kWh.
  const double idle_W = capacity_->idle_W_per_gpu.at("h100-sxm5-80gb");
  const double kwh = (8 * hours * t.busy_W_per_gpu + (8 * 24 * 730.0 - 8 * hours) * idle_W) * t.pue / 1000;
  EXPECT_NEAR(category(r, "power"), kwh * 0.10, 0.005);
  // Staff: one node at one node per person, $120k a year.
  EXPECT_NEAR(category(r, "staff"), 240'000, 0.005);
  // Book value after 2 of 3 years, straight line to 0%: a third of the capex comes back in month 24.
  EXPECT_NEAR(category(r, "residual_value"), -capex / 3, 0.005);
  const double total = capex + capex * 0.06 + kw * 100 * 24 + kwh * 0.10 + 240'000 - capex / 3;
  EXPECT_NEAR(r.total_cost_usd, total, 0.005);
  EXPECT_NEAR(r.monthly_cost_usd.back(), kw * 100 + (8 * 730.0 * idle_W) * t.pue / 1000 * 0.10 + 10'000 +
                                              capex * 0.06 / 12 - capex / 3,
              0.005);
  // NPV: month m discounted by 1.1^(m/12).
  double npv = 0;
  for (int m = 0; m < 24; ++m) {
    const double busy_h = m == 0 ? 8 * hours : 0;
    double flow = kw * 100 + 10'000 + (busy_h * t.busy_W_per_gpu + (8 * 730.0 - busy_h) * idle_W) * t.pue / 1000 * 0.10;
    if (m == 0) flow += capex;
    if (m >= 12) flow += capex * 0.06 / 12;
    if (m == 23) flow -= capex / 3;
    npv += flow / std::pow(1.1, m / 12.0);
  }
  EXPECT_NEAR(r.npv_usd, npv, 0.005);
  EXPECT_EQ(r.owned_gpus, 8);
  EXPECT_NEAR(r.utilization, hours / (24 * 730.0), 1e-12);
}

TEST_F(HandChecked, ThePlanRecommendsTheCheaperOptionAndTheOwnedOneNeverBreaksEven) {
  const PlanResult p = plan_study(*study_, 0);
  ASSERT_EQ(p.options.size(), 2u);
  EXPECT_EQ(p.recommended, "rent");
  EXPECT_EQ(p.cheapest_cloud.value_or(""), "rent");
  EXPECT_FALSE(p.options[1].break_even_month.has_value());
  EXPECT_FALSE(p.options[1].payback_month.has_value());
  EXPECT_FALSE(p.reasons.empty());
  // Every price the plan used is listed with its origin; the inline ones name the study.
  bool inline_server = false;
  for (const auto& u : p.prices) {
    if (u.key == "on-prem/server/h100-sxm5-80gb") inline_server = u.origin.find("hand.json") != std::string::npos;
  }
  EXPECT_TRUE(inline_server);
}

TEST(CostModel, TheFastPathPricesEveryBundledOptionAsTheDetailedOneDoes) {
  // The tornado and the Monte Carlo price options without building fabric graphs; with every factor at 1 they must
  // reproduce the detailed figures exactly, or every bar of the tornado is shifted.
  for (const char* name : {"70b-pretrain", "chat-growth", "mixed-lab"}) {
    const Study st = load_study_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/studies/" + name + ".json");
    const CapacityModel cap = build_capacity(st);
    std::vector<double> detailed;
    for (const Option& o : st.options) detailed.push_back(cost_option(st, cap, o, Factors{}, true).npv_usd);
    for (std::size_t i = 0; i < st.options.size(); ++i) {
      EXPECT_NEAR(cost_option(st, cap, st.options[i], Factors{}, false).npv_usd, detailed[i], 0.005)
          << name << ": " << st.options[i].name;
    }
  }
}

TEST(CostModel, NpvDiscountsMonthByMonth) {
  EXPECT_DOUBLE_EQ(npv({100, 100}, 0), 200);
  EXPECT_NEAR(npv({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 110}, 0.10), 100, 1e-9);
}

TEST(CostModel, BreakEvenIsTheFirstMonthFromWhichTheCurveStaysBelow) {
  EXPECT_EQ(break_even({5, 6, 7, 8}, {1, 4, 7, 10}), 2);
  EXPECT_EQ(break_even({1, 6, 7, 8}, {1, 4, 7, 10}), 2) << "dipping below and back above does not count";
  EXPECT_FALSE(break_even({5, 6, 8, 11}, {1, 4, 7, 10}).has_value());
}

}  // namespace
}  // namespace capsim::planner::tco
