#include "planner/report/chart_axis.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace capsim::planner::report {
namespace CAPSIM_UNITY_ID {

TEST(NiceTicks, UseRoundStepsAndCoverTheRange) {
  const AxisTicks t = nice_ticks(0, 57.9e6, 7, TickFormat::money);
  EXPECT_EQ(t.min, 0);
  EXPECT_GE(t.max, 57.9e6);
  EXPECT_LE(t.values.size(), 7u);
  EXPECT_EQ(t.labels.front(), "$0");
  EXPECT_EQ(t.labels[1], "$10M");
  EXPECT_EQ(t.labels.back(), "$60M");
}

TEST(NiceTicks, NeverExceedTheTickCountAcrossMagnitudes) {
  for (double hi : {0.7, 3.0, 13.0, 999.0, 1234.5, 8.1e6, 2.5e9}) {
    for (int n : {3, 4, 7, 11}) {
      const AxisTicks t = nice_ticks(-0.3 * hi, hi, n, TickFormat::count);
      EXPECT_LE(t.values.size(), static_cast<std::size_t>(n)) << hi << " " << n;
      EXPECT_LE(t.min, -0.3 * hi);
      EXPECT_GE(t.max, hi);
      EXPECT_EQ(t.labels.size(), t.values.size());
    }
  }
}

TEST(NiceTicks, ANegativeRangeKeepsZeroAsATick) {
  const AxisTicks t = nice_ticks(-7.25e6, 18.6e6, 7, TickFormat::money);
  EXPECT_NE(std::find(t.values.begin(), t.values.end(), 0.0), t.values.end());
  EXPECT_EQ(t.labels.front(), "-$10M");
}

TEST(NiceTicks, AnEmptyRangeStillGetsAnAxis) {
  const AxisTicks zero = nice_ticks(0, 0, 6, TickFormat::money);
  EXPECT_EQ(zero.min, 0);
  EXPECT_GT(zero.max, 0);
  const AxisTicks flat = nice_ticks(5e6, 5e6, 6, TickFormat::money);
  EXPECT_LT(flat.min, 5e6);
  EXPECT_GT(flat.max, 5e6);
}

TEST(NiceTicks, BytesStepInWholeBinaryUnits) {
  const AxisTicks t = nice_ticks(0, 79.6 * 0x1p30, 6, TickFormat::bytes);
  EXPECT_EQ(t.labels[1], "20 GiB");
  EXPECT_EQ(t.values[1], 20 * 0x1p30);
}

TEST(MonthTicks, LabelEveryMonthWhenTheyFitElseRoundSteps) {
  EXPECT_EQ(month_ticks(12, 13).values.size(), 12u);
  const AxisTicks t = month_ticks(36, 13);
  EXPECT_EQ(t.labels,
            (std::vector<std::string>{"1", "3", "6", "9", "12", "15", "18", "21", "24", "27", "30", "33", "36"}));
  EXPECT_EQ(month_ticks(60, 13).labels[1], "6");
  EXPECT_EQ(t.min, 0.5);
  EXPECT_EQ(t.max, 36.5);
}

TEST(FormatTick, ShortLabelsWithoutTrailingZeros) {
  EXPECT_EQ(format_money_short(0), "$0");
  EXPECT_EQ(format_money_short(950), "$950");
  EXPECT_EQ(format_money_short(250e3), "$250k");
  EXPECT_EQ(format_money_short(1.5e6), "$1.5M");
  EXPECT_EQ(format_money_short(-2e9), "-$2B");
  EXPECT_EQ(format_money_short(999'999), "$1M");
  EXPECT_EQ(format_tick(2, TickFormat::seconds), "2 s");
  EXPECT_EQ(format_tick(0.5, TickFormat::seconds), "500 ms");
  EXPECT_EQ(format_tick(1500, TickFormat::watts), "1.5 kW");
  EXPECT_EQ(format_tick(0.25, TickFormat::percent), "25%");
}

}  // namespace
}  // namespace capsim::planner::report
