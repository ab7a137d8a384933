#include "planner/report/cost_chart_data.hpp"

#include <gtest/gtest.h>

#include "sim/core/units.hpp"
#include "tests/report/plan_fixture.hpp"

namespace capsim::planner::report {
namespace CAPSIM_UNITY_ID {

using test::kFixtureMonths;
using test::make_plan_fixture;

TEST(CumulativeChart, OneLinePerOptionWithTheRecommendedEmphasizedAndBreakEvensMarked) {
  const tco::PlanResult plan = make_plan_fixture();
  const LineChart chart = make_cumulative_chart(plan);
  ASSERT_EQ(chart.series.size(), 3u);
  EXPECT_EQ(chart.x.size(), static_cast<std::size_t>(kFixtureMonths));
  EXPECT_EQ(chart.x.front(), 1);
  EXPECT_FALSE(chart.series[0].emphasized);
  EXPECT_TRUE(chart.series[1].emphasized);
  ASSERT_EQ(chart.markers.size(), 2u);  // the on-prem and hybrid options break even; the cloud is the reference
  const int m = *plan.options[1].break_even_month;
  EXPECT_EQ(chart.markers[0].x, m + 1);
  EXPECT_EQ(chart.markers[0].y, plan.options[1].cumulative_cost_usd[static_cast<std::size_t>(m)]);
  EXPECT_EQ(chart.markers[0].label, "Own H100 cluster: break-even month " + std::to_string(m + 1));
  EXPECT_GE(chart.y_ticks.max, plan.options[0].total_cost_usd);
}

TEST(MonthlyStack, EachOptionHasItsOwnScaleAndEveryCategoryOneColour) {
  const tco::PlanResult plan = make_plan_fixture();
  const StackedBarChart cloud = make_monthly_stack(plan, 0), own = make_monthly_stack(plan, 1),
                        hybrid = make_monthly_stack(plan, 2);
  EXPECT_EQ(cloud.y_ticks.min, 0);
  EXPECT_GE(cloud.y_ticks.max, plan.options[0].monthly_cost_usd.back());
  EXPECT_LT(cloud.y_ticks.max, 5e6);        // not flattened by the on-prem option's $18.4M first month
  EXPECT_LT(own.y_ticks.min, -7.25e6 + 1);  // the residual value is a credit
  EXPECT_GE(own.y_ticks.max, 18.4e6 + 118'000.4 + 61'000 + 82'000);
  ASSERT_EQ(cloud.layers.size(), 3u);
  EXPECT_EQ(cloud.layers[0].name, "Cloud compute");
  EXPECT_EQ(hybrid.layers[4].name, "Cloud compute");
  EXPECT_EQ(cloud.layers[0].color, hybrid.layers[4].color);
  EXPECT_EQ(own.layers.back().name, "Residual value (credit)");
}

TEST(Tornado, BarsRunFromTheRecommendedNpvToItsLowAndHighCases) {
  const tco::PlanResult plan = make_plan_fixture();
  const RangeBarChart chart = make_tornado(plan);
  const double base = plan.options[1].npv_usd;
  ASSERT_EQ(chart.rows.size(), plan.sensitivity.size());
  EXPECT_EQ(*chart.reference, base);
  EXPECT_DOUBLE_EQ(chart.rows[0].segments[0].from, base * 0.86);
  EXPECT_DOUBLE_EQ(chart.rows[0].segments[0].to, base);
  EXPECT_DOUBLE_EQ(chart.rows[0].segments[1].to, base * 1.14);
  EXPECT_NE(chart.rows[0].label.find("GPU and server prices"), std::string::npos);
  EXPECT_EQ(chart.rows[0].value_text, units::format_money(base * 0.86) + " to " + units::format_money(base * 1.14));
  EXPECT_LE(chart.x_ticks.min, base * 0.86);
  EXPECT_GE(chart.x_ticks.max, base * 1.14);
  // Demand swings 9% down and 11% up: the longer (high) bar is drawn first, under the shorter one.
  EXPECT_DOUBLE_EQ(chart.rows[1].segments[0].to, base * 1.11);
  EXPECT_DOUBLE_EQ(chart.rows[1].segments[1].from, base * 0.91);
}

TEST(Tornado, NotesSayWhichInputChangesTheAnswer) {
  const std::vector<std::string> notes = tornado_notes(make_plan_fixture());
  ASSERT_EQ(notes.size(), 1u);  // the fixture's GPU price high makes the hybrid the cheapest
  EXPECT_EQ(notes[0], std::string("With GPU and server prices high (\xC3\x97") + "1.2), " + test::kAwkwardName +
                          " becomes the cheapest.");
}

TEST(Tornado, NoRecommendationNoBars) {
  tco::PlanResult plan = make_plan_fixture();
  plan.recommended = "nobody";
  EXPECT_TRUE(make_tornado(plan).rows.empty());
}

TEST(MonteCarloChart, OneRangePerOptionWithItsMedian) {
  const tco::PlanResult plan = make_plan_fixture();
  const RangeBarChart chart = make_monte_carlo_chart(plan);
  ASSERT_EQ(chart.rows.size(), 3u);
  EXPECT_DOUBLE_EQ(*chart.rows[1].marker, plan.monte_carlo->p50_usd[1]);
  EXPECT_NE(chart.rows[1].value_text.find("cheapest in 55.0%"), std::string::npos);
  EXPECT_EQ(chart.title, "NPV of the cost, P10 to P90 over 10,000 samples");
  tco::PlanResult without = plan;
  without.monte_carlo.reset();
  EXPECT_TRUE(make_monte_carlo_chart(without).rows.empty());
}

TEST(MonthlyByCategory, AnOptionWithoutCategoriesIsOneTotal) {
  tco::OptionResult o;
  o.monthly_cost_usd = {1, 2, 3};
  const auto layers = monthly_by_category(o);
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0].first, "total");
}

}  // namespace
}  // namespace capsim::planner::report
