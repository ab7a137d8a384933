#include "sim/core/units.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace capsim::units {
namespace {

double parse_ok(std::string_view text, Dimension dim) {
  std::string error;
  const auto v = parse(text, dim, &error);
  EXPECT_TRUE(v.has_value()) << text << ": " << error;
  return v.value_or(-12345.0);
}

std::string parse_error(std::string_view text, Dimension dim) {
  std::string error;
  const auto v = parse(text, dim, &error);
  EXPECT_FALSE(v.has_value()) << text << " parsed as " << v.value_or(0);
  return error;
}

TEST(Units, ParsesBitsPerSecondAsBytes) {
  EXPECT_DOUBLE_EQ(parse_ok("400 Gb/s", Dimension::bandwidth), 50e9);
  EXPECT_DOUBLE_EQ(parse_ok("400 Gbps", Dimension::bandwidth), 50e9);
  EXPECT_DOUBLE_EQ(parse_ok("400 Gbit/s", Dimension::bandwidth), 50e9);
  EXPECT_DOUBLE_EQ(parse_ok("200Gb/s", Dimension::bandwidth), 25e9);
}

TEST(Units, ParsesBytesPerSecondWithDecimalAndBinaryPrefixes) {
  EXPECT_DOUBLE_EQ(parse_ok("450 GB/s", Dimension::bandwidth), 450e9);
  EXPECT_DOUBLE_EQ(parse_ok("450 GBps", Dimension::bandwidth), 450e9);
  EXPECT_DOUBLE_EQ(parse_ok("3.35 TB/s", Dimension::bandwidth), 3.35e12);
  EXPECT_DOUBLE_EQ(parse_ok("25 GiB/s", Dimension::bandwidth), 25.0 * (1ull << 30));
  EXPECT_DOUBLE_EQ(parse_ok("450 GB / s", Dimension::bandwidth), 450e9);
}

TEST(Units, ParsesByteSizes) {
  EXPECT_DOUBLE_EQ(parse_ok("80 GiB", Dimension::bytes), 80.0 * (1ull << 30));
  EXPECT_DOUBLE_EQ(parse_ok("80 GB", Dimension::bytes), 80e9);
  EXPECT_DOUBLE_EQ(parse_ok("4 KiB", Dimension::bytes), 4096);
  EXPECT_DOUBLE_EQ(parse_ok("1 TB", Dimension::bytes), 1e12);
  EXPECT_DOUBLE_EQ(parse_ok("2 PiB", Dimension::bytes), 2.0 * (1ull << 50));
  EXPECT_DOUBLE_EQ(parse_ok("8 Gb", Dimension::bytes), 1e9);
}

TEST(Units, ParsesTimeUnitsFromNanosecondsToYears) {
  EXPECT_DOUBLE_EQ(parse_ok("5 ns", Dimension::time), 5e-9);
  EXPECT_DOUBLE_EQ(parse_ok("2 us", Dimension::time), 2e-6);
  EXPECT_DOUBLE_EQ(parse_ok("2 \xC2\xB5s", Dimension::time), 2e-6);
  EXPECT_DOUBLE_EQ(parse_ok("1.5 ms", Dimension::time), 1.5e-3);
  EXPECT_DOUBLE_EQ(parse_ok("3 s", Dimension::time), 3);
  EXPECT_DOUBLE_EQ(parse_ok("3 sec", Dimension::time), 3);
  EXPECT_DOUBLE_EQ(parse_ok("10 min", Dimension::time), 600);
  EXPECT_DOUBLE_EQ(parse_ok("1 h", Dimension::time), 3600);
  EXPECT_DOUBLE_EQ(parse_ok("2 hr", Dimension::time), 7200);
  EXPECT_DOUBLE_EQ(parse_ok("3 hours", Dimension::time), 10800);
  EXPECT_DOUBLE_EQ(parse_ok("60 days", Dimension::time), 60 * 86400.0);
  EXPECT_DOUBLE_EQ(parse_ok("1 d", Dimension::time), 86400);
  EXPECT_DOUBLE_EQ(parse_ok("2 weeks", Dimension::time), 14 * 86400.0);
  EXPECT_DOUBLE_EQ(parse_ok("1 month", Dimension::time), 30.4375 * 86400);
  EXPECT_DOUBLE_EQ(parse_ok("1 year", Dimension::time), 365.25 * 86400);
  EXPECT_DOUBLE_EQ(parse_ok("3y", Dimension::time), 3 * 365.25 * 86400);
}

TEST(Units, ParsesCountsWithShortScaleSuffixesAsWritten) {
  EXPECT_DOUBLE_EQ(parse_ok("15T", Dimension::count), 15e12);
  EXPECT_DOUBLE_EQ(parse_ok("8B", Dimension::count), 8e9);
  EXPECT_DOUBLE_EQ(parse_ok("8G", Dimension::count), 8e9);
  EXPECT_DOUBLE_EQ(parse_ok("1.5M", Dimension::count), 1.5e6);
  EXPECT_DOUBLE_EQ(parse_ok("4k", Dimension::count), 4e3);
  EXPECT_DOUBLE_EQ(parse_ok("4K", Dimension::count), 4e3);
  EXPECT_DOUBLE_EQ(parse_ok("128", Dimension::count), 128);
}

TEST(Units, ParsesFlopsAndFlopRates) {
  EXPECT_DOUBLE_EQ(parse_ok("989 TFLOP/s", Dimension::flop_rate), 989e12);
  EXPECT_DOUBLE_EQ(parse_ok("989 TFLOPS", Dimension::flop_rate), 989e12);
  EXPECT_DOUBLE_EQ(parse_ok("1.98 PFLOP/s", Dimension::flop_rate), 1.98e15);
  EXPECT_DOUBLE_EQ(parse_ok("624 TOPS", Dimension::flop_rate), 624e12);
  EXPECT_DOUBLE_EQ(parse_ok("3e21 FLOP", Dimension::flops), 3e21);
  EXPECT_DOUBLE_EQ(parse_ok("1.2 ZFLOP", Dimension::flops), 1.2e21);
}

TEST(Units, ParsesPowerAndEnergy) {
  EXPECT_DOUBLE_EQ(parse_ok("700 W", Dimension::power), 700);
  EXPECT_DOUBLE_EQ(parse_ok("10.2 kW", Dimension::power), 10200);
  EXPECT_DOUBLE_EQ(parse_ok("2 MW", Dimension::power), 2e6);
  EXPECT_DOUBLE_EQ(parse_ok("1 GW", Dimension::power), 1e9);
  EXPECT_DOUBLE_EQ(parse_ok("3.6 MJ", Dimension::energy), 3.6e6);
  EXPECT_DOUBLE_EQ(parse_ok("1 kWh", Dimension::energy), 3.6e6);
  EXPECT_DOUBLE_EQ(parse_ok("5 MWh", Dimension::energy), 1.8e10);
  EXPECT_DOUBLE_EQ(parse_ok("2 Wh", Dimension::energy), 7200);
}

TEST(Units, ParsesMoneyWithDollarSignSuffixesAndCommas) {
  EXPECT_DOUBLE_EQ(parse_ok("$300k", Dimension::money), 300e3);
  EXPECT_DOUBLE_EQ(parse_ok("$1.2M", Dimension::money), 1.2e6);
  EXPECT_DOUBLE_EQ(parse_ok("450000 USD", Dimension::money), 450000);
  EXPECT_DOUBLE_EQ(parse_ok("$2,500", Dimension::money), 2500);
  EXPECT_DOUBLE_EQ(parse_ok("$1,234,567.5", Dimension::money), 1234567.5);
  EXPECT_DOUBLE_EQ(parse_ok("-$5", Dimension::money), -5);
  EXPECT_DOUBLE_EQ(parse_ok("$-5", Dimension::money), -5);
  parse_error("-$-5", Dimension::money);
  parse_error("$2,50", Dimension::money);
  parse_error("2,500 s", Dimension::time);  // commas belong to money only
}

TEST(Units, ParsesMoneyRatesAsDollarsPerSecond) {
  EXPECT_DOUBLE_EQ(parse_ok("$2.49/h", Dimension::money_rate), 2.49 / 3600);
  EXPECT_DOUBLE_EQ(parse_ok("$98.32/hour", Dimension::money_rate), 98.32 / 3600);
  EXPECT_DOUBLE_EQ(parse_ok("$1000/month", Dimension::money_rate), 1000 / (30.4375 * 86400));
  EXPECT_DOUBLE_EQ(parse_ok("2.49 USD/h", Dimension::money_rate), 2.49 / 3600);
  EXPECT_NE(parse_error("$2.49", Dimension::money_rate).find("time unit"), std::string::npos);
}

TEST(Units, ParsesFrequencies) {
  EXPECT_DOUBLE_EQ(parse_ok("50/s", Dimension::frequency), 50);
  EXPECT_DOUBLE_EQ(parse_ok("3000/min", Dimension::frequency), 50);
  EXPECT_DOUBLE_EQ(parse_ok("2 Hz", Dimension::frequency), 2);
  EXPECT_DOUBLE_EQ(parse_ok("10/h", Dimension::frequency), 10.0 / 3600);
  EXPECT_DOUBLE_EQ(parse_ok("50 req/s", Dimension::frequency), 50);
}

TEST(Units, BareNumberIsSiOnlyWhenTheCallerSaysSo) {
  for (int d = 0; d <= static_cast<int>(Dimension::frequency); ++d) {
    const auto dim = static_cast<Dimension>(d);
    std::string error;
    EXPECT_DOUBLE_EQ(units::parse("12", dim, &error, units::BareNumber::si).value_or(-1), 12);
    EXPECT_DOUBLE_EQ(units::parse(" 1.5e3 ", dim, &error, units::BareNumber::si).value_or(-1), 1500);
    EXPECT_DOUBLE_EQ(units::parse("-0.25", dim, &error, units::BareNumber::si).value_or(-1), -0.25);
    EXPECT_DOUBLE_EQ(parse_ok("0", dim), 0);  // zero is zero in any unit
  }
}

TEST(Units, UnitlessStringOnADimensionedKeyIsAnErrorNamingTheUnit) {
  // The new user's typos: "400" meant Gb/s, "1000" meant ms, "80" meant GB.
  EXPECT_NE(parse_error("400", Dimension::bandwidth).find("a string needs a unit"), std::string::npos);
  EXPECT_NE(parse_error("400", Dimension::bandwidth).find("bytes/s"), std::string::npos);
  EXPECT_NE(parse_error("1000", Dimension::time).find("seconds"), std::string::npos);
  EXPECT_NE(parse_error("80", Dimension::bytes).find("\"80 GiB\""), std::string::npos);
  parse_error("20", Dimension::frequency);
  parse_error("700", Dimension::power);
  // Counts, FLOP counts and money have one obvious unit.
  EXPECT_DOUBLE_EQ(parse_ok("15e12", Dimension::count), 15e12);
  EXPECT_DOUBLE_EQ(parse_ok("3e21", Dimension::flops), 3e21);
  EXPECT_DOUBLE_EQ(parse_ok("450000", Dimension::money), 450000);
}

TEST(Units, AllowsNegativeValuesAndLeavesRangeChecksToTheCaller) {
  EXPECT_DOUBLE_EQ(parse_ok("-2 us", Dimension::time), -2e-6);
  EXPECT_DOUBLE_EQ(parse_ok("-700 W", Dimension::power), -700);
}

TEST(Units, RejectsEmptyNonNumbersAndTrailingGarbage) {
  parse_error("", Dimension::time);
  parse_error("   ", Dimension::time);
  parse_error("NaN", Dimension::count);
  parse_error("nan s", Dimension::time);
  parse_error("inf", Dimension::count);
  parse_error("Infinity", Dimension::count);
  parse_error("400 Gb/sx", Dimension::bandwidth);
  parse_error("400 Gb/s 3", Dimension::bandwidth);
  parse_error("1..2 s", Dimension::time);
  parse_error("e5", Dimension::count);
  parse_error("-", Dimension::count);
  parse_error(".", Dimension::count);
  parse_error("0x10", Dimension::count);
  parse_error("$5", Dimension::time);
}

TEST(Units, RejectsOverflowToInfinity) {
  parse_error("1e999", Dimension::count);
  parse_error("1e308 EB", Dimension::bytes);
  parse_error("-1e308 EB/s", Dimension::bandwidth);
}

TEST(Units, WrongDimensionNamesWhatWasExpected) {
  const std::string error = parse_error("80 GiB", Dimension::bandwidth);
  EXPECT_NE(error.find("expected a bandwidth such as \"400 Gb/s\" or \"450 GB/s\", got \"80 GiB\""), std::string::npos)
      << error;
  EXPECT_NE(error.find("byte size"), std::string::npos) << error;
  EXPECT_NE(parse_error("80 GiB", Dimension::time).find("expected a time"), std::string::npos);
}

TEST(Units, ErrorQuotesInvalidBytesEscaped) {
  const std::string error = parse_error(std::string("12 \xFF\x01\"s", 7), Dimension::time);
  EXPECT_NE(error.find("\\xFF\\x01\\\"s"), std::string::npos) << error;
}

TEST(Units, NeverThrowsOnArbitraryBytes) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789.eE+-$,/ kMGTPiBbsWhJHzFLOPSU\xC2\xB5\xFF\t";
  for (int n = 0; n < 20000; ++n) {
    std::string text(rng() % 12, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    for (int d = 0; d <= static_cast<int>(Dimension::frequency); ++d) {
      std::string error;
      const auto v = parse(text, static_cast<Dimension>(d), &error);
      if (v) {
        EXPECT_TRUE(std::isfinite(*v)) << text;
      } else {
        EXPECT_FALSE(error.empty()) << text;
      }
    }
  }
}

TEST(Units, FormatsTimeInTheLargestFittingUnit) {
  EXPECT_EQ(format_time(812e-6), "812 us");
  EXPECT_EQ(format_time(3.529), "3.53 s");
  EXPECT_EQ(format_time(14.2 * 60), "14.2 min");
  EXPECT_EQ(format_time(5.1 * 3600), "5.10 h");
  EXPECT_EQ(format_time(38.4 * 86400), "38.4 days");
  EXPECT_EQ(format_time(12e-9), "12.0 ns");
  EXPECT_EQ(format_time(59.999), "1.00 min");
  EXPECT_EQ(format_time(0), "0 s");
  EXPECT_EQ(format_time(-2e-3), "-2.00 ms");
}

TEST(Units, FormatsBytesWithBinaryPrefixes) {
  EXPECT_EQ(format_bytes(79.2 * (1ull << 30)), "79.2 GiB");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1023.9), "1.00 KiB");
  EXPECT_EQ(format_bytes(0), "0 B");
}

TEST(Units, FormatsRatesPowerCountsAndFlops) {
  EXPECT_EQ(format_bandwidth(450e9), "450 GB/s");
  EXPECT_EQ(format_bandwidth(3.35e12), "3.35 TB/s");
  EXPECT_EQ(format_flop_rate(989e12), "989 TFLOP/s");
  EXPECT_EQ(format_flops(1.2e21), "1.20 ZFLOP");
  EXPECT_EQ(format_power(700), "700 W");
  EXPECT_EQ(format_power(10200), "10.2 kW");
  EXPECT_EQ(format_power(2.1e6), "2.10 MW");
  EXPECT_EQ(format_power(999.7), "1.00 kW");
  EXPECT_EQ(format_count(15e12), "15.0T");
  EXPECT_EQ(format_count(8.03e9), "8.03B");
  EXPECT_EQ(format_count(512), "512");
  EXPECT_EQ(format_count(7), "7");
}

TEST(Units, FormatsMoneyAndPercentages) {
  EXPECT_EQ(format_money(1234), "$1,234");
  EXPECT_EQ(format_money(2.49), "$2.49");
  EXPECT_EQ(format_money(1.2e6), "$1.20M");
  EXPECT_EQ(format_money(-450000), "-$450,000");
  EXPECT_EQ(format_money(999999.7), "$1.00M");
  EXPECT_EQ(format_money(0), "$0.00");
  EXPECT_EQ(format_percent(0.453), "45.3%");
  EXPECT_EQ(format_percent(1), "100.0%");
}

TEST(Units, FormattersSurviveExtremeValues) {
  for (double v : {0.0, -0.0, 1e-300, -1e300, 1e308, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::denorm_min()}) {
    for (const std::string& s :
         {format_time(v), format_bytes(v), format_bandwidth(v), format_flop_rate(v), format_flops(v), format_power(v),
          format_count(v), format_money(v), format_percent(v)}) {
      EXPECT_FALSE(s.empty());
      EXPECT_LT(s.size(), 40u) << s;
    }
  }
  EXPECT_EQ(format_bytes(1e30), "8.88e+14 PiB");
}

TEST(Units, FormattedValuesParseBack) {
  EXPECT_NEAR(parse_ok(format_bandwidth(47e9), Dimension::bandwidth), 47e9, 1e7);
  EXPECT_NEAR(parse_ok(format_bytes(80e9), Dimension::bytes), 80e9, 1e8);
  EXPECT_NEAR(parse_ok(format_flop_rate(1979e12), Dimension::flop_rate), 1979e12, 1e13);
  EXPECT_NEAR(parse_ok(format_time(3.53), Dimension::time), 3.53, 1e-9);
}

}  // namespace
}  // namespace capsim::units

namespace capsim::units {
namespace {

TEST(Units, FormatsEnergyInWattHours) {
  EXPECT_EQ(format_energy(3.6e6 * 3), "3.00 kWh");
  EXPECT_EQ(format_energy(5.36e9 * 3600), "5.36 GWh");
}

}  // namespace
}  // namespace capsim::units

TEST(UnitsFormat, MassInKilogramsBelowATonneAndGroupedTonnesAbove) {
  using capsim::units::format_mass;
  EXPECT_EQ(format_mass(0.512), "0.512 kg");
  EXPECT_EQ(format_mass(355), "355 kg");
  EXPECT_EQ(format_mass(17'000), "17 t");
  EXPECT_EQ(format_mass(15'437'800), "15,438 t");
}

TEST(UnitsFormat, IntegersGetThousandsSeparators) {
  using capsim::units::format_integer;
  EXPECT_EQ(format_integer(0), "0");
  EXPECT_EQ(format_integer(512), "512");
  EXPECT_EQ(format_integer(16'384), "16,384");
  EXPECT_EQ(format_integer(98'304.4), "98,304");
  EXPECT_EQ(format_integer(-1'234'567), "-1,234,567");
}
