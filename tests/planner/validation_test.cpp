#include "planner/validation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

/// The suite `name` of scenarios/validation, run by the analytical engine.
std::vector<ValidationSuite> suites_named(const std::string& name) {
  return run_validation(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation", "analytical", name);
}

// The acceptance bar of the foundation: Megatron-LM SC'21 Table 1 predicted with one A100 description from the
// catalog and nothing tuned per row.
TEST(Validation, MegatronSc21TableWithinFivePercentMeanAndTenPercentMax) {
  const auto suites = suites_named("megatron-sc21");
  ASSERT_EQ(suites.size(), 1u);
  const ValidationSuite& s = suites.front();
  ASSERT_EQ(s.rows.size(), 10u);
  for (const auto& row : s.rows) EXPECT_LT(std::abs(row.error), 0.10) << row.label;
  EXPECT_LE(s.mean_abs_error, 0.05);
  EXPECT_LE(s.max_abs_error, 0.10);
}

// The published-cost rows: GPU-hours are every GPU of the job for the effective time to train (failures and
// checkpoints included), and a cost row prices those hours at the publication's rate. No accuracy bar here:
// SOURCE.md says how far each row is off and why.
TEST(Validation, CostsSuitePricesEffectiveGpuHoursAtThePublishedRate) {
  const std::string dir = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation/costs";
  const auto suites = run_validation(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation", "analytical", "costs");
  ASSERT_EQ(suites.size(), 1u);
  const ValidationSuite& s = suites.front();
  ASSERT_EQ(s.rows.size(), 3u);
  const auto row = [&](const std::string& file) {
    const auto it = std::find_if(s.rows.begin(), s.rows.end(), [&](const ValidationRow& r) {
      return std::filesystem::path(r.file).filename() == file;
    });
    EXPECT_NE(it, s.rows.end()) << file;
    return it == s.rows.end() ? ValidationRow{} : *it;
  };
  const ValidationRow llama = row("llama3.1-405b-gpu-hours.json");
  const ValidationRow hours = row("deepseek-v3-gpu-hours.json");
  const ValidationRow cost = row("deepseek-v3-cost.json");
  EXPECT_EQ(hours.metric, "gpu_hours");
  EXPECT_EQ(cost.metric, "cost_usd");
  EXPECT_DOUBLE_EQ(llama.measured, 30.84e6);
  EXPECT_DOUBLE_EQ(hours.measured, 2.664e6);
  EXPECT_DOUBLE_EQ(cost.measured, 5.328e6);
  EXPECT_NEAR(cost.predicted, 2.0 * hours.predicted, 1e-6 * cost.predicted);
  EXPECT_NEAR(cost.error, hours.error, 1e-9);

  const Scenario scenario = load_scenario_file(dir + "/llama3.1-405b-gpu-hours.json");
  const auto result = run_scenario(scenario, "analytical");
  ASSERT_EQ(result.training.size(), 1u);
  const auto& r = result.training.front();
  EXPECT_EQ(r.gpus, 16384);
  EXPECT_GT(r.reliability.effective_time_to_train_s, r.time_to_train_s);  // failures cost time
  EXPECT_DOUBLE_EQ(llama.predicted, r.gpus * r.reliability.effective_time_to_train_s / 3600);
}

// The new accelerators of issue 16 against published runs: TPU v5p and v6e (MaxText), GB200 (Megatron-Bridge) and
// Gaudi 3 (Intel), one catalog description per chip. No accuracy bar: measured 2026-12-07, mean |error| 16.7% and
// max 42.8% (TPU and GB200 predicted too fast, NVFP4 training most; Gaudi 3 serving too fast), above the issue's
// 10%; SOURCE.md says why per family. The shape is what this test pins.
TEST(Validation, AcceleratorsSuiteCoversFourNewChipsWithoutAnErrorBar) {
  const auto suites = suites_named("accelerators");
  ASSERT_EQ(suites.size(), 1u);
  const ValidationSuite& s = suites.front();
  EXPECT_GE(s.rows.size(), 12u);
  std::set<std::string> gpus;
  for (const auto& row : s.rows) {
    gpus.insert(load_scenario_file(row.file).cluster.gpu.id);
    EXPECT_TRUE(std::isfinite(row.predicted) && row.predicted > 0) << row.label;
  }
  const std::set<std::string> expected{"tpu-v5p", "tpu-v6e", "gb200", "gaudi3"};
  EXPECT_TRUE(std::includes(gpus.begin(), gpus.end(), expected.begin(), expected.end()));
}

// MosaicML llm-foundry's MPT tables: both GPU types, every row on the benchmark's Triton attention kernel. The
// kernel is what bends the error with the sequence: on the A100 rows the long sequences (16K-64K), whose step is
// mostly attention, sit no further from the measurement than the short ones (512-2K). With FlashAttention-2's rate
// they were 19 points further (measured 2026-12-07: -38.6% against -19.5% on average; now -2.8% against -14.6%).
TEST(Validation, LlmFoundrySuiteRunsTheBenchmarksTritonAttention) {
  const auto suites = suites_named("llmfoundry-mpt");
  ASSERT_EQ(suites.size(), 1u);
  const ValidationSuite& s = suites.front();
  EXPECT_EQ(s.rows.size(), 138u);
  double short_sum = 0, long_sum = 0;
  int short_n = 0, long_n = 0;
  for (const auto& row : s.rows) {
    const Scenario scenario = load_scenario_file(row.file);
    const auto& job = std::get<workloads::TrainingJob>(scenario.workloads.front());
    EXPECT_EQ(job.software.attention, workloads::AttentionKernel::triton) << row.label;
    if (scenario.cluster.gpu.id != "a100-sxm4-80gb") continue;
    if (job.model.seq_len <= 2048) short_sum += row.error, ++short_n;
    if (job.model.seq_len >= 16384) long_sum += row.error, ++long_n;
  }
  ASSERT_GT(short_n, 0);
  ASSERT_GT(long_n, 0);
  EXPECT_GE(long_sum / long_n, short_sum / short_n - 0.02);
}

TEST(Validation, UnknownSuiteIsAUsageError) {
  EXPECT_THROW(run_validation(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation", "analytical", "no-such"),
               capsim::Error);
}

}  // namespace
}  // namespace capsim::planner
