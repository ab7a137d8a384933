#include "planner/chart_data.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/core/units.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

/// A result shaped like the analytical engine's for Llama 3 70B on 1,024 H100s (numbers made up, sums consistent).
sim::TrainingResult sample_result() {
  sim::TrainingResult r;
  r.name = "pretrain";
  r.gpus = 1024;
  r.breakdown_s = {{"compute", 6.0}, {"tp_comm", 1.5}, {"cp_comm", 0.0},      {"ep_comm", 0.0},   {"pp_comm", 0.25},
                   {"bubble", 1.0},  {"dp_comm", 0.0}, {"param_gather", 0.0}, {"optimizer", 0.25}};
  r.step_time_s = 9.0;
  r.tokens_per_step = 1024.0 * 8192;
  r.tokens_per_s = r.tokens_per_step / r.step_time_s;
  r.model_flops_per_step = 3.6e18;
  r.hardware_flops_per_step = 4.0e18;
  r.model_tflops_per_gpu = r.model_flops_per_step / r.step_time_s / r.gpus / 1e12;
  r.mfu = 0.395;
  r.memory = {10 * kGiB, 20 * kGiB, 5 * kGiB, 25 * kGiB, 4 * kGiB};
  r.memory_capacity_B = 80 * kGiB;
  r.fits_in_memory = true;
  r.micro_batches = 32;
  r.time_to_train_s = 15e12 / r.tokens_per_s;
  return r;
}

const SummaryRow* find_row(const std::vector<SummaryRow>& rows, const std::string& label) {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const SummaryRow& row) { return row.label == label; });
  return it == rows.end() ? nullptr : &*it;
}

TEST(BreakdownSeries, DropsZeroPartsAndKeepsStepOrder) {
  const BarSeries s = make_breakdown_series(sample_result());
  EXPECT_EQ(s.keys, (std::vector<std::string>{"compute", "tp_comm", "pp_comm", "bubble", "optimizer"}));
  EXPECT_EQ(s.values, (std::vector<double>{6.0, 1.5, 0.25, 1.0, 0.25}));
  EXPECT_EQ(s.unit, "s");
}

TEST(BreakdownSeries, TotalAndSharesExplainTheStepTime) {
  const BarSeries s = make_breakdown_series(sample_result());
  EXPECT_DOUBLE_EQ(s.total, 9.0);
  ASSERT_EQ(s.shares.size(), 5u);
  EXPECT_DOUBLE_EQ(s.shares[0], 6.0 / 9.0);
  double sum = 0;
  for (double share : s.shares) sum += share;
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

TEST(BreakdownSeries, LabelsAndValueTextsAreForPeople) {
  const BarSeries s = make_breakdown_series(sample_result());
  EXPECT_EQ(s.labels[0], "Compute");
  EXPECT_EQ(s.labels[1], "Tensor-parallel comm");
  EXPECT_EQ(s.labels[3], "Pipeline bubble");
  EXPECT_EQ(s.value_texts[1], units::format_time(1.5) + " (" + units::format_percent(1.5 / 9.0) + ")");
}

TEST(BreakdownSeries, GroupsPartsIntoComputeCommunicationAndIdle) {
  const BarSeries s = make_breakdown_series(sample_result());
  EXPECT_EQ(s.groups, (std::vector<std::string>{"compute", "communication", "communication", "idle", "compute"}));
  EXPECT_EQ(breakdown_group("param_gather"), "communication");
  EXPECT_EQ(breakdown_group("dp_comm"), "communication");
  EXPECT_EQ(breakdown_group("straggler_wait"), "idle");
}

TEST(BreakdownSeries, UnknownPartsAreSpelledOutInsteadOfDropped) {
  sim::TrainingResult r;
  r.breakdown_s = {{"straggler_wait", 0.5}};
  const BarSeries s = make_breakdown_series(r);
  ASSERT_EQ(s.labels.size(), 1u);
  EXPECT_EQ(s.labels[0], "Straggler wait");
}

TEST(BreakdownSeries, EmptyBreakdownGivesNoBarsAndNoDivisionByZero) {
  const BarSeries s = make_breakdown_series(sim::TrainingResult{});
  EXPECT_TRUE(s.values.empty());
  EXPECT_EQ(s.total, 0.0);
}

TEST(MemorySeries, StacksTheFivePartsInOrderAgainstCapacity) {
  const StackSeries s = make_memory_series(sample_result());
  EXPECT_EQ(s.labels, (std::vector<std::string>{"Weights", "Gradients", "Optimizer states", "Activations", "Buffers"}));
  EXPECT_EQ(s.values, (std::vector<double>{10 * kGiB, 20 * kGiB, 5 * kGiB, 25 * kGiB, 4 * kGiB}));
  EXPECT_DOUBLE_EQ(s.total, 64 * kGiB);
  EXPECT_DOUBLE_EQ(s.limit, 80 * kGiB);
  EXPECT_TRUE(s.within_limit);
  EXPECT_EQ(s.total_text, units::format_bytes(64 * kGiB));
  EXPECT_EQ(s.limit_label, "HBM capacity " + units::format_bytes(80 * kGiB));
}

TEST(MemorySeries, KeepsZeroPartsSoEachPartKeepsItsColour) {
  sim::TrainingResult r = sample_result();
  r.memory.gradients_B = 0;
  const StackSeries s = make_memory_series(r);
  ASSERT_EQ(s.values.size(), 5u);
  EXPECT_EQ(s.values[1], 0.0);
}

TEST(MemorySeries, ReportsAStackOverCapacity) {
  sim::TrainingResult r = sample_result();
  r.memory.activations_B = 70 * kGiB;
  EXPECT_FALSE(make_memory_series(r).within_limit);
}

TEST(SummaryRows, HeadlineRowsComeFirstInThePlannersOrder) {
  const auto rows = make_summary_rows(sample_result());
  ASSERT_GE(rows.size(), 5u);
  const std::vector<std::string> expected{"Step time", "Tokens/s", "MFU", "Memory per GPU", "Time to train"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rows[i].label, expected[i]);
    EXPECT_TRUE(rows[i].headline) << rows[i].label;
  }
  EXPECT_FALSE(rows[5].headline);
}

TEST(SummaryRows, FormatsEveryNumberWithTheUnitsFormatter) {
  const sim::TrainingResult r = sample_result();
  const auto rows = make_summary_rows(r);
  EXPECT_EQ(find_row(rows, "Step time")->value, units::format_time(9.0));
  EXPECT_EQ(find_row(rows, "Tokens/s")->value, units::format_count(r.tokens_per_s) + " tokens/s");
  EXPECT_EQ(find_row(rows, "MFU")->value, units::format_percent(0.395));
  EXPECT_EQ(find_row(rows, "Time to train")->value, units::format_time(r.time_to_train_s));
  EXPECT_EQ(find_row(rows, "GPUs")->value, "1024");  // exact: a planner orders whole GPUs
  EXPECT_EQ(find_row(rows, "Model FLOP/s per GPU")->value, units::format_flop_rate(r.model_tflops_per_gpu * 1e12));
}

TEST(SummaryRows, MemoryRowShowsUseAgainstCapacity) {
  const auto rows = make_summary_rows(sample_result());
  const SummaryRow* memory = find_row(rows, "Memory per GPU");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->value, units::format_bytes(64 * kGiB) + " of " + units::format_bytes(80 * kGiB) + " (80.0%)");
  EXPECT_EQ(memory->brief, units::format_bytes(64 * kGiB) + " of " + units::format_bytes(80 * kGiB));
  EXPECT_FALSE(memory->warning);
}

TEST(SummaryRows, MemoryThatDoesNotFitIsAWarningWithAdvice) {
  sim::TrainingResult r = sample_result();
  r.fits_in_memory = false;
  r.memory_advice = {"raise tp to 8"};
  const auto rows = make_summary_rows(r);
  const SummaryRow* memory = find_row(rows, "Memory per GPU");
  EXPECT_TRUE(memory->warning);
  EXPECT_NE(memory->value.find("does not fit"), std::string::npos);
  const SummaryRow* advice = find_row(rows, "To fit");
  ASSERT_NE(advice, nullptr);
  EXPECT_EQ(advice->value, "raise tp to 8");
  EXPECT_TRUE(advice->warning);
}

TEST(SummaryRows, TimeToTrainSaysWhyItIsMissingWithoutATokenCount) {
  sim::TrainingResult r = sample_result();
  r.time_to_train_s = 0;
  const auto rows = make_summary_rows(r);
  EXPECT_EQ(find_row(rows, "Time to train")->value, "n/a (no token count)");
  EXPECT_EQ(find_row(rows, "Time to train")->brief, "n/a");
}

TEST(SummaryRows, NotesBecomeRows) {
  sim::TrainingResult r = sample_result();
  r.notes = {"80 layers on 3 stages: 2 stages carry 27 layers, the others 26"};
  const auto rows = make_summary_rows(r);
  const SummaryRow* note = find_row(rows, "Note");
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->value, r.notes[0]);
}

}  // namespace
}  // namespace capsim::planner
