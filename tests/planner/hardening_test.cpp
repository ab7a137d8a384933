// Bounded work and no silent surprises (issue 12): loads too big to simulate are refused before running with their
// JSON path, strings without a unit on dimensioned keys are errors naming the unit, and implausible inputs, idle
// GPUs and misses are warned about.
#include <gtest/gtest.h>

#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"
#include "sim/serving/serving_simulation.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

json serving() {
  return json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "chat",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 1},
    "workloads": [{"name": "chat", "kind": "inference", "model": {"preset": "llama3-8b"}, "replicas": 8,
                   "load": {"mode": "poisson", "rate": "20/s", "duration": "1 min"},
                   "input_tokens": 500, "output_tokens": 50, "slo": {"ttft_p90": "1 s"}}]
  })");
}

json training() {
  return json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "train",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 4},
    "workloads": [{"name": "pretrain", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"tp": 8, "pp": 1, "dp": 4, "global_batch": 64}, "tokens": "1T"}]
  })");
}

std::vector<Diagnostic> problems(const json& doc) {
  try {
    load_scenario(doc, "s.json");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

bool has(const std::vector<std::string>& warnings, const std::string& part) {
  for (const auto& w : warnings) {
    if (w.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(Hardening, MillionRequestsPerSecondForAThousandHoursIsRefusedBeforeRunning) {
  json doc = serving();
  doc["workloads"][0]["load"] = {{"mode", "poisson"}, {"rate", "1000000/s"}, {"duration", "1000 h"}};
  const auto ds = problems(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/workloads/0/load/duration");
  EXPECT_NE(ds[0].message.find("3.6e+12 requests"), std::string::npos) << ds[0].message;
  EXPECT_NE(ds[0].message.find("10.0M"), std::string::npos) << ds[0].message;
  EXPECT_NE(ds[0].hint.find("\"requests\""), std::string::npos);
}

TEST(Hardening, RequestsCapABigLoadAndOfflineCountsAreChecked) {
  json doc = serving();
  doc["workloads"][0]["load"] = {{"mode", "poisson"}, {"rate", "1000000/s"}, {"duration", "1000 h"},
                                 {"requests", 1000}};
  EXPECT_TRUE(problems(doc).empty());
  doc["workloads"][0]["load"] = {{"mode", "offline"}, {"requests", "20M"}};
  const auto ds = problems(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/workloads/0/load/requests");
}

TEST(Hardening, EstimatesArrivalsFromRateCurveAndClosedLoop) {
  workloads::Load load;
  load.mode = workloads::LoadMode::poisson;
  load.rate_curve.interval_s = 3600;
  load.rate_curve.rates_per_s = {10, 30};
  load.duration_s = 100;
  EXPECT_DOUBLE_EQ(sim::serving::estimated_requests(load), 2000);
  load = {};
  load.mode = workloads::LoadMode::concurrency;
  load.users = 10;
  EXPECT_DOUBLE_EQ(sim::serving::estimated_requests(load), 0);  // as fast as it is served: the loop's guard
  load.think_time_s = 2;
  EXPECT_DOUBLE_EQ(sim::serving::estimated_requests(load), 10 * sim::serving::kDefaultRunDuration_s / 2);
}

TEST(Hardening, UnitlessStringsOnDimensionedKeysAreErrorsNamingTheUnit) {
  json doc = training();
  doc["cluster"]["scale_out"] = {{"nic_bandwidth", "400"}};
  auto ds = problems(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/cluster/scale_out/nic_bandwidth");
  EXPECT_NE(ds[0].message.find("400 Gb/s"), std::string::npos) << ds[0].message;
  EXPECT_NE(ds[0].message.find("a string needs a unit"), std::string::npos);

  doc = serving();
  doc["workloads"][0]["slo"] = {{"ttft_p90", "1000"}};
  ds = problems(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/workloads/0/slo/ttft_p90");
  doc["workloads"][0]["slo"] = {{"ttft_p90", 1}};  // a JSON number stays SI
  EXPECT_TRUE(problems(doc).empty());
}

TEST(Hardening, ImplausibleInputsAreWarnedAboutWithTheirPath) {
  json doc = training();
  doc["cluster"]["scale_out"] = {{"nic_bandwidth", "400 Mb/s"}};
  doc["cluster"]["scale_up"] = {{"bandwidth", "900 GB/s"}};
  const auto warnings = input_warnings(load_scenario(doc, "s.json"));
  EXPECT_TRUE(has(warnings, "/cluster/scale_out/nic_bandwidth: 50.0 MB/s per NIC is under 1 Gb/s"));
  EXPECT_TRUE(has(warnings, "/cluster/scale_up/bandwidth: 900 GB/s is above"));
  EXPECT_TRUE(has(warnings, "per direction"));
  doc = serving();
  doc["workloads"][0]["slo"] = {{"ttft_p90", "1000 s"}};
  EXPECT_TRUE(has(input_warnings(load_scenario(doc, "s.json")), "/workloads/0/slo/ttft_p90: 16.7 min is over a minute"));
}

TEST(Hardening, IdleGpusAreCounted) {
  json doc = training();
  doc["cluster"]["nodes"] = 5;
  const auto warnings = input_warnings(load_scenario(doc, "s.json"));
  EXPECT_TRUE(has(warnings, "/cluster: 8 of 40 GPUs (1 nodes) run no workload")) << warnings.front();
  EXPECT_TRUE(input_warnings(load_scenario(training(), "s.json")).empty());
}

TEST(Hardening, InferenceDpPointsAtReplicas) {
  json doc = serving();
  doc["workloads"][0]["parallelism"] = {{"tp", 1}, {"dp", 4}};
  const auto ds = problems(doc);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/workloads/0/parallelism/dp");
  EXPECT_NE(ds[0].hint.find("\"replicas\""), std::string::npos);
}

TEST(Hardening, ResultsThatDoNotFitAreInfeasibleAndWarned) {
  json doc = training();
  doc["workloads"][0]["model"] = {{"preset", "llama3-405b"}};
  doc["workloads"][0]["parallelism"] = {{"tp", 8}, {"pp", 1}, {"dp", 4}, {"global_batch", 64}};
  const ScenarioResult result = run_scenario(load_scenario(doc, "s.json"));
  EXPECT_TRUE(result.infeasible());
  EXPECT_TRUE(has(result.warnings, "\"pretrain\" does not fit in GPU memory"));
  EXPECT_FALSE(run_scenario(load_scenario(training(), "s.json")).infeasible());
}

TEST(Hardening, DesOnAServingOnlyScenarioIsWarned) {
  const ScenarioResult result = run_scenario(load_scenario(serving(), "s.json"), "des");
  EXPECT_TRUE(has(result.warnings, "the des engine times training only"));
  EXPECT_FALSE(result.slo_missed());
}

}  // namespace
}  // namespace capsim::planner
