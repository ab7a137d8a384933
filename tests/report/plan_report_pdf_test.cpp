#include "planner/report/pdf/plan_report_pdf.hpp"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "planner/report/pdf/cost_charts.hpp"
#include "planner/report/pdf/qt_app.hpp"
#include "sim/core/error.hpp"
#include "tests/report/plan_fixture.hpp"

namespace capsim::planner::report {
namespace CAPSIM_UNITY_ID {

using test::make_plan_fixture;

// The fixture's pages: 1 the answer, the options and notes on them, 2 cost by category, 3 cumulative cost, 4-5 the
// monthly stacks (two a page), 6 sensitivity, 7 Monte Carlo, 8-9 capacity, 10 bills of materials, 11 prices.
constexpr int kFixturePages = 11;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Page objects of a PDF: "/Type /Page" not followed by "s" (that is the page tree).
int count_pages(const std::string& pdf) {
  int pages = 0;
  const std::string key = "/Type /Page";
  for (auto at = pdf.find(key); at != std::string::npos; at = pdf.find(key, at + key.size())) {
    if (at + key.size() >= pdf.size() || pdf[at + key.size()] != 's') ++pages;
  }
  return pages;
}

TEST(PlanReportPdf, WritesEveryPageOfTheReport) {
  const std::filesystem::path path = std::filesystem::path(CAPSIM_REPORT_TEST_OUTPUT_DIR) / "plan-report.pdf";
  std::filesystem::remove(path);
  write_plan_report_pdf(make_plan_fixture(), path.string());
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
  const std::string pdf = read_file(path);
  EXPECT_EQ(pdf.rfind("%PDF", 0), 0u);
  EXPECT_EQ(count_pages(pdf), kFixturePages);
  // Poppler's count, when it is installed (scripts/setup.sh installs poppler-utils).
  if (std::system("command -v pdfinfo >/dev/null 2>&1") == 0) {
    const std::string info_path = path.string() + ".info";
    ASSERT_EQ(std::system(("pdfinfo '" + path.string() + "' > '" + info_path + "'").c_str()), 0);
    const std::string info = read_file(info_path);
    const auto at = info.find("Pages:");
    ASSERT_NE(at, std::string::npos) << info;
    EXPECT_EQ(std::stoi(info.substr(at + 6)), kFixturePages);
    std::filesystem::remove(info_path);
  }
}

TEST(PlanReportPdf, AnUnwritableFolderThrowsAndLeavesNothing) {
  const std::string path = "/nonexistent-capsim-folder/report.pdf";
  EXPECT_THROW(write_plan_report_pdf(make_plan_fixture(), path), Error);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(PlanReportPdf, AnEmptyPlanStillMakesADocument) {
  const std::filesystem::path path = std::filesystem::path(CAPSIM_REPORT_TEST_OUTPUT_DIR) / "empty-plan-report.pdf";
  tco::PlanResult plan;
  plan.study = "nothing yet";
  write_plan_report_pdf(plan, path.string());
  EXPECT_EQ(read_file(path).rfind("%PDF", 0), 0u);
  EXPECT_GE(count_pages(read_file(path)), 1);
  std::filesystem::remove(path);
}

TEST(CostCharts, ACumulativePlotHasOneLinePerOptionAndADotPerBreakEven) {
  ensure_qt_app();
  QCustomPlot plot;
  plot.resize(1000, 500);
  plot_cumulative_costs(&plot, make_plan_fixture());
  EXPECT_EQ(plot.graphCount(), 3 + 2);
  EXPECT_EQ(plot.legend->itemCount(), 3);
  EXPECT_EQ(plot.xAxis->range().lower, 0.5);
  EXPECT_EQ(plot.xAxis->range().upper, 36.5);
}

TEST(CostCharts, APlotCanBeRefilledWithoutPilingUp) {
  ensure_qt_app();
  const tco::PlanResult plan = make_plan_fixture();
  QCustomPlot plot;
  plot.resize(1000, 400);
  plot_tornado(&plot, plan);
  const int items = plot.itemCount();
  const int rows = plot.plotLayout()->rowCount();
  plot_monthly_stack(&plot, plan, 1);
  EXPECT_EQ(plot.plottableCount(), 6);  // the on-prem option's six categories
  EXPECT_EQ(plot.itemCount(), 0);
  plot_tornado(&plot, plan);
  EXPECT_EQ(plot.itemCount(), items);
  EXPECT_EQ(plot.plotLayout()->rowCount(), rows);
  EXPECT_EQ(rows, 3);  // title, legend, axis rect
}

}  // namespace
}  // namespace capsim::planner::report
