#include "planner/report/plan_report.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "planner/report/svg_chart.hpp"
#include "tests/report/plan_fixture.hpp"

namespace capsim::planner::report {
namespace CAPSIM_UNITY_ID {

using test::kAwkwardName;
using test::kFixtureMonths;
using test::make_plan_fixture;

/// Splits RFC 4180 CSV text into records of fields (quoted fields may hold commas, doubled quotes, line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      fields.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(fields));
      fields.clear();
      ++i;
    } else {
      field += c;
    }
  }
  return records;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

TEST(PlanCostsCsv, HasAHeaderAndOneRowPerMonthOptionAndCategory) {
  const tco::PlanResult plan = make_plan_fixture();
  const auto records = parse_csv(plan_costs_csv(plan));
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0], (std::vector<std::string>{"month", "option", "kind", "category", "cost_usd"}));
  std::size_t categories = 0;
  for (const auto& o : plan.options) categories += o.monthly_by_category_usd.size();
  EXPECT_EQ(records.size(), 1 + kFixtureMonths * categories);
  for (std::size_t r = 1; r < records.size(); ++r) ASSERT_EQ(records[r].size(), 5u) << "row " << r;
  EXPECT_EQ(records[1][0], "1");
  EXPECT_EQ(records.back()[0], std::to_string(kFixtureMonths));
}

TEST(PlanCostsCsv, RowsSumBackToEachOptionsTotal) {
  const tco::PlanResult plan = make_plan_fixture();
  const auto records = parse_csv(plan_costs_csv(plan));
  std::map<std::string, double> totals;
  for (std::size_t r = 1; r < records.size(); ++r) totals[records[r][1]] += std::stod(records[r][4]);
  ASSERT_EQ(totals.size(), plan.options.size());
  for (const auto& o : plan.options) {
    // Each row is rounded to the cent: the sum may drift by half a cent per row.
    EXPECT_NEAR(totals[o.name], o.total_cost_usd, 0.005 * kFixtureMonths * o.monthly_by_category_usd.size()) << o.name;
  }
}

TEST(PlanCostsCsv, QuotesNamesWithCommasAndQuotesAndPrintsCents) {
  const std::string csv = plan_costs_csv(make_plan_fixture());
  EXPECT_NE(csv.find(",\"Hybrid <b>&\"\"base\"\", cloud burst\",hybrid,"), std::string::npos);
  EXPECT_NE(csv.find("1,AWS p5 on-demand,cloud,cloud_storage,21500.50\r\n"), std::string::npos);
  EXPECT_NE(csv.find("36,Own H100 cluster,on-prem,residual_value,-7250000.00\r\n"), std::string::npos);
}

TEST(PlanCostsCsv, AnEmptyPlanIsTheHeaderAlone) {
  EXPECT_EQ(plan_costs_csv(tco::PlanResult{}), "month,option,kind,category,cost_usd\r\n");
}

TEST(PlanReportHtml, AnEmptyPlanStillMakesAPage) {
  tco::PlanResult plan;
  plan.study = "nothing yet";
  const std::string html = plan_report_html(plan);
  EXPECT_NE(html.find("No sensitivity analysis"), std::string::npos);
  EXPECT_NE(html.find("No simulated shapes"), std::string::npos);
  EXPECT_NE(html.find("No option buys hardware"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 1u);  // the cumulative chart's empty axes
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(PlanReportHtml, AMissingPointLeavesAGapNotABrokenLine) {
  tco::PlanResult plan = make_plan_fixture();
  plan.options[0].cumulative_cost_usd[3] = std::numeric_limits<double>::quiet_NaN();
  plan.options[1].monthly_by_category_usd[1].second[5] = std::numeric_limits<double>::infinity();
  const std::string html = plan_report_html(plan);
  for (const char* broken : {",nan", "nan,", "\"nan", "$nan", ",inf", "inf,", "\"inf"}) {
    EXPECT_EQ(html.find(broken), std::string::npos) << broken;
  }
}

TEST(PlanReportHtml, FetchesNothingAndRunsNoScript) {
  const std::string html = plan_report_html(make_plan_fixture());
  for (const char* banned : {"http://", "https://", "<script", "<link", "<img", "<iframe", "@import", "url("}) {
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(PlanReportHtml, HasOneSvgPerChart) {
  tco::PlanResult plan = make_plan_fixture();
  // Cumulative, 3 monthly stacks, tornado, Monte Carlo, demand, the training shape's breakdown and power, the
  // serving shape's power.
  EXPECT_EQ(count(plan_report_html(plan), "<svg"), 10u);
  EXPECT_EQ(count(plan_report_html(plan), "</svg>"), 10u);
  plan.monte_carlo.reset();
  plan.sensitivity.clear();
  plan.demand.clear();
  const std::string html = plan_report_html(plan);
  EXPECT_EQ(count(html, "<svg"), 7u);
  EXPECT_EQ(html.find("id=\"monte-carlo\""), std::string::npos);
  EXPECT_NE(html.find("No sensitivity analysis"), std::string::npos);
}

TEST(PlanReportHtml, EscapesNamesFromTheStudy) {
  const std::string html = plan_report_html(make_plan_fixture());
  EXPECT_EQ(html.find(kAwkwardName), std::string::npos);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  EXPECT_NE(html.find(xml_escape(kAwkwardName)), std::string::npos);
  EXPECT_NE(html.find("Hybrid &lt;b&gt;&amp;&quot;base&quot;, cloud burst"), std::string::npos);
  EXPECT_NE(html.find("EIA Electric Power Monthly &lt;table 5.6.A&gt;"), std::string::npos);
}

TEST(PlanReportHtml, ListsEveryPriceWithItsSourceDateAndEstimateMarker) {
  const tco::PlanResult plan = make_plan_fixture();
  const std::string html = plan_report_html(plan);
  const std::string assumptions = html.substr(html.find("id=\"assumptions\""));
  for (const tco::PriceUse& p : plan.prices) {
    EXPECT_NE(assumptions.find(xml_escape(p.source)), std::string::npos) << p.source;
    EXPECT_NE(assumptions.find(xml_escape(p.key)), std::string::npos) << p.key;
    EXPECT_NE(assumptions.find(p.date), std::string::npos) << p.date;
  }
  EXPECT_EQ(count(assumptions, "<span class=\"badge\">estimate</span>"), 2u);
}

TEST(PlanReportHtml, SectionsComeInTheReportsOrder) {
  const std::string html = plan_report_html(make_plan_fixture());
  std::size_t last = 0;
  for (const char* id :
       {"answer", "options", "cumulative", "monthly", "sensitivity", "monte-carlo", "capacity", "bom", "assumptions"}) {
    const std::size_t at = html.find(std::string("<section id=\"") + id + "\"");
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, last) << id;
    last = at;
  }
}

TEST(PlanReportHtml, TheAnswerNamesTheRecommendationAndItsReasons) {
  const tco::PlanResult plan = make_plan_fixture();
  const std::string html = plan_report_html(plan);
  const std::string answer =
      html.substr(html.find("id=\"answer\""), html.find("id=\"options\"") - html.find("id=\"answer\""));
  EXPECT_NE(answer.find(plan.headline), std::string::npos);
  EXPECT_NE(answer.find("Recommended: Own H100 cluster (512 x H100"), std::string::npos);
  for (const std::string& reason : plan.reasons) EXPECT_NE(answer.find(xml_escape(reason)), std::string::npos);
  EXPECT_NE(answer.find("estimate for 2027"), std::string::npos);  // the warning
}

TEST(PlanReportHtml, BillsOfMaterialsOnlyForOptionsThatBuy) {
  const std::string html = plan_report_html(make_plan_fixture());
  const std::string bom =
      html.substr(html.find("id=\"bom\""), html.find("id=\"assumptions\"") - html.find("id=\"bom\""));
  EXPECT_NE(bom.find("HGX H100 8-GPU server"), std::string::npos);
  EXPECT_NE(bom.find("42U rack with PDUs"), std::string::npos);
  EXPECT_NE(bom.find("$24.5M"), std::string::npos);  // the on-prem BOM's total
  EXPECT_EQ(bom.find("AWS p5 on-demand"), std::string::npos);
}

}  // namespace
}  // namespace capsim::planner::report
