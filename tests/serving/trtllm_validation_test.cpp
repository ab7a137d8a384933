// The acceptance bar of the serving work: TensorRT-LLM's maximum-load throughput table predicted with the catalog's
// GPU figures and one set of scheduler settings for every row.
#include <gtest/gtest.h>

#include <cmath>

#include "planner/validation.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

TEST(TrtllmValidation, ThroughputTableWithinFifteenPercentMeanAndTwentyFivePercentEveryRow) {
  const auto suites =
      run_validation(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation", "analytical", "trtllm-throughput");
  ASSERT_EQ(suites.size(), 1u);
  const ValidationSuite& s = suites.front();
  ASSERT_EQ(s.rows.size(), 30u);
  for (const auto& row : s.rows) {
    EXPECT_EQ(row.metric, "output_tokens_per_s");
    EXPECT_LE(std::abs(row.error), 0.25) << row.label;
  }
  EXPECT_LE(s.mean_abs_error, 0.15);
  EXPECT_LE(s.max_abs_error, 0.25);
}

}  // namespace
}  // namespace capsim::planner
