#include "planner/validation.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/core/error.hpp"

namespace capsim::planner {
namespace {

// The acceptance bar of the foundation: Megatron-LM SC'21 Table 1 predicted with one A100 description from the
// catalog and nothing tuned per row.
TEST(Validation, MegatronSc21TableWithinFivePercentMeanAndTenPercentMax) {
  const auto suites = run_validation(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation", "analytical",
                                     "megatron-sc21");
  ASSERT_EQ(suites.size(), 1u);
  const ValidationSuite& s = suites.front();
  ASSERT_EQ(s.rows.size(), 10u);
  for (const auto& row : s.rows) EXPECT_LT(std::abs(row.error), 0.10) << row.label;
  EXPECT_LE(s.mean_abs_error, 0.05);
  EXPECT_LE(s.max_abs_error, 0.10);
}

TEST(Validation, UnknownSuiteIsAUsageError) {
  EXPECT_THROW(run_validation(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation", "analytical", "no-such"),
               capsim::Error);
}

}  // namespace
}  // namespace capsim::planner
