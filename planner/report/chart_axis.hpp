#pragma once
/// @file chart_axis.hpp
/// Axis ticks for the report charts: round steps ("nice numbers": 1, 2, 5 x 10^k) and short labels ("$500k",
/// "$1.5M", "2 s", "40 GiB", month numbers). The SVG and the QCustomPlot renderers both place exactly these ticks,
/// so a chart reads the same in the HTML report, the PDF and the desktop app.

#include <string>
#include <vector>

namespace capsim::planner::report {

/// How tick labels are written.
enum class TickFormat {
  money,    ///< USD, short: "$0", "$250k", "$1.5M", "$2B"
  count,    ///< plain counts: "0", "500", "1.5k", "2M"
  seconds,  ///< time: "0 s", "500 ms", "2 s"
  watts,    ///< power: "0 W", "500 W", "1.5 kW"
  bytes,    ///< bytes with binary prefixes, steps round in the chosen unit: "0 B", "20 GiB", "40 GiB"
  percent,  ///< a 0..1 ratio as "0%", "25%", "100%"
};

/// The ticks of one axis: where they are, what they say, and the range the axis spans (the ticks lie inside it).
struct AxisTicks {
  double min = 0;                   ///< start of the axis range, in the data's unit
  double max = 1;                   ///< end of the axis range
  std::vector<double> values;       ///< tick positions, increasing
  std::vector<std::string> labels;  ///< one per tick
};

/// The round step (1, 2 or 5 x 10^k) that cuts `span` into at most `max_ticks` - 1 intervals (at least 1 tick step
/// for any positive span; 1 for a span of zero or less).
double nice_step(double span, int max_ticks);

/// Ticks at a round step covering [lo, hi] (swapped when lo > hi), the axis widened to the outer ticks, at most
/// `max_ticks` of them (at least 3). A range of width zero is widened around its value (and 0 stays the floor of a
/// range that starts at 0).
AxisTicks nice_ticks(double lo, double hi, int max_ticks, TickFormat format);

/// How many ticks a chart's value axis asks nice_ticks for: seven labels fit a chart about 900 px wide.
inline constexpr int kValueAxisTicks = 7;

/// Ticks for a month axis of `months` months numbered from 1: every month when they fit in `max_ticks`, else 1 and
/// every 2nd, 3rd, 6th, 12th, 24th... month. The range is [0.5, months + 0.5] so bars centred on a month fit.
AxisTicks month_ticks(int months, int max_ticks);

/// One tick label in `format` (see TickFormat), with no trailing zeros ("$1.5M", not "$1.50M").
std::string format_tick(double value, TickFormat format);

/// USD for axis ticks and tight labels: "$0", "$950", "$250k", "$1.5M", "-$2B".
std::string format_money_short(double usd);

/// A whole number with thousands separators: "10,000", "-1,234,567".
std::string format_grouped(long long n);

}  // namespace capsim::planner::report
