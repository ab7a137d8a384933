#include "planner/report/chart_axis.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "sim/core/units.hpp"

namespace capsim::planner::report {

namespace {

/// Drops the zeros a fixed number of decimals leaves after the point: "1.50M" -> "1.5M", "2.00 s" -> "2 s".
std::string trim_zeros(std::string text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos) return text;
  std::size_t end = dot + 1;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  std::size_t keep = end;
  while (keep > dot + 1 && text[keep - 1] == '0') --keep;
  text.erase(keep == dot + 1 ? dot : keep, end - (keep == dot + 1 ? dot : keep));
  return text;
}

/// The next step of the 1-2-5 sequence above `step`.
double next_nice_step(double step) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(step)));
  const double m = step / magnitude;
  if (m < 1.5) return 2 * magnitude;
  if (m < 3.5) return 5 * magnitude;
  return 10 * magnitude;
}

/// Bytes are ticked in whole units of the largest binary prefix the range reaches (GiB ticks at 10, 20, 30 GiB, not
/// at 10.7e9 B).
double bytes_unit(double largest) {
  double unit = 1;
  while (largest / (unit * 1024) >= 1 && unit < 0x1p60) unit *= 1024;
  return unit;
}

}  // namespace

double nice_step(double span, int max_ticks) {
  if (!(span > 0) || !std::isfinite(span)) return 1;
  const double raw = span / std::max(1, max_ticks - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= raw * (1 - 1e-9)) return m * magnitude;
  }
  return 10 * magnitude;
}

AxisTicks nice_ticks(double lo, double hi, int max_ticks, TickFormat format) {
  if (!std::isfinite(lo)) lo = 0;
  if (!std::isfinite(hi)) hi = lo;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= 1e-12 * std::max(std::fabs(lo), std::fabs(hi))) {
    if (lo == 0 && hi == 0) {
      hi = 1;
    } else {
      const double pad = 0.1 * std::fabs(hi);
      lo = lo == 0 ? 0 : lo - pad;
      hi += pad;
    }
  }
  max_ticks = std::max(3, max_ticks);  // a range across zero needs three: -s, 0, s
  const double unit = format == TickFormat::bytes ? bytes_unit(std::max(std::fabs(lo), std::fabs(hi))) : 1.0;
  const double a = lo / unit, b = hi / unit;
  double step = nice_step(b - a, max_ticks);
  double first = 0, last = 0;
  for (;;) {
    first = std::floor(a / step + 1e-9) * step;
    last = std::ceil(b / step - 1e-9) * step;
    if (std::lround((last - first) / step) + 1 <= max_ticks) break;
    step = next_nice_step(step);
  }
  AxisTicks ticks;
  ticks.min = first * unit;
  ticks.max = last * unit;
  const long count = std::lround((last - first) / step) + 1;
  for (long i = 0; i < count; ++i) {
    double v = (first + static_cast<double>(i) * step);
    if (std::fabs(v) < step * 1e-9) v = 0;  // no "-0" or 1e-17 at the origin
    ticks.values.push_back(v * unit);
    ticks.labels.push_back(format_tick(v * unit, format));
  }
  return ticks;
}

AxisTicks month_ticks(int months, int max_ticks) {
  months = std::max(1, months);
  max_ticks = std::max(2, max_ticks);
  AxisTicks ticks;
  ticks.min = 0.5;
  ticks.max = months + 0.5;
  int step = 1;
  if (months > max_ticks) {
    // Quarters, halves, years: steps people count months in.
    for (int s : {2, 3, 6, 12, 24, 60, 120, 240, 600, 1200}) {
      step = s;
      if (months / s + (s >= 3 ? 1 : 0) <= max_ticks) break;
    }
  }
  // With a step of 3 or more, month 1 is labelled too; with 2 it would crowd month 2.
  if (step == 1 || step >= 3) {
    ticks.values.push_back(1);
    ticks.labels.push_back("1");
  }
  for (int m = step; m <= months; m += step) {
    if (m == 1) continue;
    ticks.values.push_back(m);
    ticks.labels.push_back(std::to_string(m));
  }
  return ticks;
}

std::string format_money_short(double usd) {
  if (!std::isfinite(usd)) return units::format_money(usd);
  const double a = std::fabs(usd);
  const std::string sign = usd < 0 && a >= 0.005 ? "-" : "";
  struct Scale {
    double factor;
    const char* suffix;
  };
  static constexpr Scale kScales[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
  for (const Scale& s : kScales) {
    // 999,999 shows as "$1M", not "$1000k".
    if (a / s.factor >= 0.9995 || s.factor == 1) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f", a / s.factor);
      return sign + "$" + trim_zeros(buf) + s.suffix;
    }
  }
  return "$0";
}

std::string format_grouped(long long n) {
  std::string digits = std::to_string(n < 0 ? -static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n));
  for (std::size_t at = digits.size(); at > 3;) digits.insert(at -= 3, ",");
  return (n < 0 ? "-" : "") + digits;
}

std::string format_tick(double value, TickFormat format) {
  switch (format) {
    case TickFormat::money:
      return format_money_short(value);
    case TickFormat::count:
      return trim_zeros(units::format_count(value));
    case TickFormat::seconds:
      return trim_zeros(units::format_time(value));
    case TickFormat::watts:
      return trim_zeros(units::format_power(value));
    case TickFormat::bytes:
      return trim_zeros(units::format_bytes(value));
    case TickFormat::percent:
      return trim_zeros(units::format_percent(value));
  }
  return std::to_string(value);
}

}  // namespace capsim::planner::report
