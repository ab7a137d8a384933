#include "planner/report/scenario_report.hpp"

#include <gtest/gtest.h>

#include <string>

#include "planner/report/svg_chart.hpp"

namespace capsim::planner::report {
namespace CAPSIM_UNITY_ID {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

TEST(ScenarioReportHtml, TrainingShowsHeadlinesBreakdownMemoryAndPower) {
  const Scenario scenario = load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/default.json");
  const ScenarioResult result = run_scenario(scenario);
  const std::string html = scenario_report_html(result, scenario);
  EXPECT_NE(html.find("Training: pretrain"), std::string::npos);
  EXPECT_NE(html.find("TP8 PP4 DP32"), std::string::npos);
  EXPECT_NE(html.find("Step-time breakdown"), std::string::npos);
  EXPECT_NE(html.find("Memory per GPU"), std::string::npos);
  EXPECT_NE(html.find("IT power by part"), std::string::npos);
  EXPECT_NE(html.find("Tensor-parallel comm"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 3u);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(ScenarioReportHtml, InferenceShowsTheLatencyPercentilesAndEscapesNames) {
  Scenario scenario;
  scenario.name = "chat <&>";
  ScenarioResult result;
  result.scenario_name = scenario.name;
  result.engine = "analytical";
  sim::serving::InferenceResult r;
  r.name = "chat \"llama\" <70b>";
  r.gpu = "h100-sxm5-80gb";
  r.gpus = 8;
  r.replicas = 4;
  r.tp = 2;
  r.ttft_s = {0.4, 0.35, 0.81, 1.9, 2.4};
  r.tpot_s = {0.031, 0.029, 0.042, 0.058, 0.07};
  r.output_tokens_per_s = 5120;
  r.slo = {2.0, 90, 0.05, 99};
  r.slo_attainment = 0.97;
  r.slo_met = false;
  r.power.it_power_W = 9.2e3;
  r.power.breakdown_W = {{"gpus", 5.6e3}, {"cpus", 1.1e3}, {"psu_loss", 0.5e3}, {"other", 2.0e3}};
  r.notes = {"TPOT p99 58.0 ms is above the SLO's 50.0 ms."};
  result.inference.push_back(r);
  const std::string html = scenario_report_html(result, scenario);
  EXPECT_NE(html.find("Serving: " + xml_escape(r.name)), std::string::npos);
  EXPECT_EQ(html.find(r.name), std::string::npos);
  EXPECT_NE(html.find("Run: chat &lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(html.find("Time to first token (TTFT)"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">810 ms</td><td class=\"num\">1.90 s</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">42.0 ms</td><td class=\"num\">58.0 ms</td>"), std::string::npos);
  EXPECT_NE(html.find("class=\"card warn\"><div class=\"v\">97.0%"), std::string::npos);
  EXPECT_NE(html.find("PSU loss"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 1u);
}

}  // namespace
}  // namespace capsim::planner::report
