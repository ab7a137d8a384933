#include "sim/core/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

namespace capsim::units {
namespace {

constexpr double kMinute = 60.0, kHour = 3600.0, kDay = 86400.0, kWeek = 7 * kDay;
constexpr double kMonth = 30.4375 * kDay, kYear = 365.25 * kDay;  // Julian year, and a twelfth of it

constexpr int kDimensions = static_cast<int>(Dimension::frequency) + 1;

using UnitTable = std::unordered_map<std::string, double>;

struct Prefix {
  const char* text;
  double factor;
};
constexpr Prefix kDecimal[] = {{"", 1.0}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18}};
constexpr Prefix kBinary[] = {{"Ki", 0x1p10}, {"Mi", 0x1p20}, {"Gi", 0x1p30},
                              {"Ti", 0x1p40}, {"Pi", 0x1p50}, {"Ei", 0x1p60}};
// Short-scale multipliers for counts and money, as people write them ("15T" tokens, "$1.2M").
constexpr Prefix kShortScale[] = {{"", 1.0}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"B", 1e9}, {"G", 1e9}, {"T", 1e12}};

UnitTable time_table() {
  UnitTable t = {{"ns", 1e-9},       {"us", 1e-6},      {"\xC2\xB5s", 1e-6}, {"\xCE\xBCs", 1e-6},  {"ms", 1e-3},
                 {"s", 1.0},         {"sec", 1.0},      {"secs", 1.0},       {"second", 1.0},      {"seconds", 1.0},
                 {"min", kMinute},   {"mins", kMinute}, {"minute", kMinute}, {"minutes", kMinute}, {"h", kHour},
                 {"hr", kHour},      {"hrs", kHour},    {"hour", kHour},     {"hours", kHour},     {"d", kDay},
                 {"day", kDay},      {"days", kDay},    {"week", kWeek},     {"weeks", kWeek},     {"month", kMonth},
                 {"months", kMonth}, {"y", kYear},      {"yr", kYear},       {"yrs", kYear},       {"year", kYear},
                 {"years", kYear}};
  return t;
}

UnitTable bytes_table() {
  UnitTable t = {{"byte", 1.0}, {"bytes", 1.0}, {"bit", 0.125}, {"bits", 0.125}, {"KB", 1e3}};
  for (const auto& p : kDecimal) {
    t[std::string(p.text) + "B"] = p.factor;
    t[std::string(p.text) + "b"] = p.factor / 8;  // bits
    t[std::string(p.text) + "bit"] = p.factor / 8;
  }
  for (const auto& p : kBinary) t[std::string(p.text) + "B"] = p.factor;
  return t;
}

UnitTable bandwidth_table() {
  UnitTable t;
  for (const auto& [name, factor] : bytes_table()) {
    if (name == "byte" || name == "bytes" || name == "bits") continue;
    t[name + "/s"] = factor;
    if (name.back() == 'B' || name.back() == 'b') t[name + "ps"] = factor;  // "GBps", "Gbps"
  }
  return t;
}

UnitTable prefixed(std::initializer_list<const char*> bases, bool zetta, double scale = 1.0) {
  UnitTable t;
  for (const char* base : bases) {
    for (const auto& p : kDecimal) t[std::string(p.text) + base] = p.factor * scale;
    if (zetta) t[std::string("Z") + base] = 1e21 * scale;
  }
  return t;
}

UnitTable money_table(bool per_time) {
  UnitTable t;
  const UnitTable times = time_table();
  for (const auto& p : kShortScale) {
    for (const char* usd : {"", "USD", " USD"}) {
      const std::string money = std::string(p.text) + usd;
      if (!per_time) t[money] = p.factor;
      for (const auto& [tname, seconds] : per_time ? times : UnitTable{}) t[money + "/" + tname] = p.factor / seconds;
    }
  }
  return t;
}

UnitTable frequency_table() {
  UnitTable t = {{"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}};
  for (const auto& [tname, seconds] : time_table()) {
    for (const char* what : {"", "req", "reqs", "request", "requests"})
      t[std::string(what) + "/" + tname] = 1 / seconds;
  }
  return t;
}

/// Unit suffix -> SI factor, per dimension. The empty suffix (a bare number) is SI everywhere.
const std::array<UnitTable, kDimensions>& tables() {
  static const std::array<UnitTable, kDimensions> all = [] {
    std::array<UnitTable, kDimensions> a;
    auto at = [&a](Dimension d) -> UnitTable& { return a[static_cast<int>(d)]; };
    for (const auto& p : kShortScale) at(Dimension::count)[p.text] = p.factor;
    at(Dimension::count).insert({{"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9}, {"trillion", 1e12}});
    at(Dimension::time) = time_table();
    at(Dimension::bytes) = bytes_table();
    at(Dimension::bandwidth) = bandwidth_table();
    at(Dimension::flops) = prefixed({"FLOP", "FLOPs"}, true);
    at(Dimension::flop_rate) = prefixed({"FLOP/s", "FLOPS", "FLOPs/s", "OP/s", "OPS"}, true);
    at(Dimension::power) = prefixed({"W"}, false);
    at(Dimension::energy) = prefixed({"J"}, false);
    at(Dimension::energy).merge(prefixed({"Wh"}, false, kHour));
    at(Dimension::money) = money_table(false);
    at(Dimension::money_rate) = money_table(true);
    at(Dimension::frequency) = frequency_table();
    for (auto& t : a) t[""] = 1.0;
    return a;
  }();
  return all;
}

// Per dimension, in enum order: the noun for "is a unit of ..." hints and the phrase for "expected ...".
constexpr std::pair<const char*, const char*> kText[kDimensions] = {
    {"count", "a count such as \"15T\", \"1.5M\" or \"8B\""},
    {"time", "a time such as \"2 us\", \"10 min\" or \"60 days\""},
    {"byte size", "a byte size such as \"80 GiB\" or \"80 GB\""},
    {"bandwidth", "a bandwidth such as \"400 Gb/s\" or \"450 GB/s\""},
    {"FLOP count", "a FLOP count such as \"3e21 FLOP\" or \"1.2 ZFLOP\""},
    {"FLOP rate", "a FLOP rate such as \"989 TFLOP/s\" or \"1.98 PFLOPS\""},
    {"power", "a power such as \"700 W\" or \"10.2 kW\""},
    {"energy", "an energy such as \"3.6 MJ\" or \"1 kWh\""},
    {"money", "an amount of money such as \"$300k\", \"$2,500\" or \"450000 USD\""},
    {"money rate", "a money rate such as \"$2.49/h\" or \"$1000/month\""},
    {"frequency", "a frequency such as \"50/s\", \"3000/min\" or \"2 Hz\""},
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no surrogates), or 0.
size_t utf8_length(std::string_view s, size_t i) {
  const auto at = [&](size_t k) -> unsigned { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  const unsigned b = at(0);
  unsigned lo = 0x80, hi = 0xBF;
  size_t n = 0;
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) n = 2;
  if (b >= 0xE0 && b <= 0xEF) n = 3, lo = b == 0xE0 ? 0xA0 : lo, hi = b == 0xED ? 0x9F : hi;
  if (b >= 0xF0 && b <= 0xF4) n = 4, lo = b == 0xF0 ? 0x90 : lo, hi = b == 0xF4 ? 0x8F : hi;
  if (n == 0 || at(1) < lo || at(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (at(k) < 0x80 || at(k) > 0xBF) return 0;
  }
  return n;
}

/// The input quoted for an error message: valid UTF-8 kept, other bytes escaped, long input cut, so that the
/// message can itself go into JSON output.
std::string quote(std::string_view s) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size() && i < kMaxShown) {
    const size_t n = utf8_length(s, i);
    const auto b = static_cast<unsigned char>(s[i]);
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, b == '"' || b == '\\' ? "\\%c" : b >= 0x20 && b < 0x7F ? "%c" : "\\x%02X", b);
    out += buf;
    ++i;
  }
  if (i < s.size()) out += "...";
  return out + "\"";
}

/// Scans "[+-]digits[.digits][e[+-]digits]" at the front of `s` into `number` (commas dropped); commas between
/// groups of three digits are accepted when `commas` is set. Returns the length consumed, or 0.
size_t scan_number(std::string_view s, bool commas, std::string& number) {
  size_t i = 0;
  const auto take_digits = [&] {
    size_t n = 0;
    for (; i < s.size() && is_digit(s[i]); ++n) number += s[i++];
    return n;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) number += s[i++] == '-' ? "-" : "";
  size_t group = take_digits();
  size_t digits = group;
  // Thousands separators ("$2,500"): only in money, only after a first group of 1-3 digits, then groups of 3.
  while (commas && group >= 1 && group <= 3 && i + 1 < s.size() && s[i] == ',' && is_digit(s[i + 1])) {
    ++i;
    if ((group = take_digits()) != 3) return 0;
    digits += group;
  }
  if (i < s.size() && s[i] == '.') {
    number += s[i++];
    digits += take_digits();
  }
  if (digits == 0) return 0;
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    const size_t sign = s[i + 1] == '+' || s[i + 1] == '-' ? 1 : 0;
    if (i + 1 + sign < s.size() && is_digit(s[i + 1 + sign])) {
      number += 'e';
      if (sign) number += s[i + 1];
      i += 1 + sign;
      take_digits();
    }
  }
  return i;
}

/// Drops whitespace next to '/', so that "Gb / s" and "$2.49 / h" read as "Gb/s" and "$2.49/h".
std::string normalize_unit(std::string_view unit) {
  std::string out;
  for (size_t i = 0; i < unit.size(); ++i) {
    if (is_space(unit[i])) {
      size_t j = i;
      while (j < unit.size() && is_space(unit[j])) ++j;
      const bool next_slash = j < unit.size() && unit[j] == '/';
      const bool prev_slash = !out.empty() && out.back() == '/';
      if (!next_slash && !prev_slash) out.append(unit.substr(i, j - i));
      i = j - 1;
      continue;
    }
    out += unit[i];
  }
  return out;
}

std::optional<double> fail(std::string* error, Dimension dim, std::string_view text, std::string_view why = {}) {
  if (error) {
    *error = "expected " + std::string(describe(dim)) + ", got " + (text.empty() ? "an empty string" : quote(text));
    if (!why.empty()) *error += " (" + std::string(why) + ")";
  }
  return std::nullopt;
}

}  // namespace

std::string_view si_unit(Dimension dim) {
  static constexpr const char* kSi[kDimensions] = {"plain numbers", "seconds", "bytes", "bytes/s", "FLOP",
                                                   "FLOP/s", "watts", "joules", "USD", "USD per second",
                                                   "per second"};
  const int d = static_cast<int>(dim);
  return d >= 0 && d < kDimensions ? kSi[d] : "SI units";
}

std::string_view describe(Dimension dim) {
  const int d = static_cast<int>(dim);
  return d >= 0 && d < kDimensions ? kText[d].second : "a quantity";
}

std::optional<double> parse(std::string_view text, Dimension dim, std::string* error, BareNumber bare) {
  const std::string_view s = trim(text);
  if (s.empty()) return fail(error, dim, text);
  const bool is_money = dim == Dimension::money || dim == Dimension::money_rate;

  size_t i = 0;
  bool negative = false;
  bool dollar = false;
  if (is_money) {  // "$300k", "-$5", "$-5"
    if (s[i] == '-' && i + 1 < s.size() && s[i + 1] == '$') {
      negative = true;
      ++i;
    }
    if (i < s.size() && s[i] == '$') {
      dollar = true;
      ++i;
      while (i < s.size() && is_space(s[i])) ++i;
    }
  }
  std::string number;
  const size_t used = scan_number(s.substr(i), is_money, number);
  if (used == 0 || (negative && (s[i] == '-' || s[i] == '+'))) return fail(error, dim, text);
  i += used;

  double value = 0;
  const char* first = number.data();
  if (*first == '-') {
    negative = !negative;
    ++first;
  }
  const auto [end, ec] = std::from_chars(first, number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size()) return fail(error, dim, text, "out of range");

  while (i < s.size() && is_space(s[i])) ++i;
  const std::string unit = normalize_unit(s.substr(i));
  const auto& all = tables();
  const UnitTable& table = all[static_cast<int>(dim)];
  const auto it = table.find(unit);
  const bool per_time = unit.find('/') != std::string::npos;
  if (it == table.end() || (dollar && dim == Dimension::money_rate && !per_time)) {
    // Counts and money last: their one-letter suffixes ("B", "T") would shadow a more telling match.
    static constexpr Dimension kHintOrder[] = {Dimension::time,   Dimension::bytes,      Dimension::bandwidth,
                                               Dimension::flops,  Dimension::flop_rate,  Dimension::power,
                                               Dimension::energy, Dimension::money_rate, Dimension::frequency,
                                               Dimension::count,  Dimension::money};
    for (const Dimension other : kHintOrder) {
      const int d = static_cast<int>(other);
      if (other != dim && !unit.empty() && all[d].count(unit)) {
        return fail(error, dim, text, quote(unit) + " is a unit of " + kText[d].first);
      }
    }
    if (dim == Dimension::money_rate && !per_time) return fail(error, dim, text, "add a time unit such as \"/h\"");
    return fail(error, dim, text);
  }
  const bool unitless_ok = dim == Dimension::count || dim == Dimension::flops || dim == Dimension::money;
  if (unit.empty() && !dollar && bare == BareNumber::reject && !unitless_ok && value != 0) {
    return fail(error, dim, text,
                "a string needs a unit; a plain JSON number, without quotes, is read in " + std::string(si_unit(dim)));
  }
  value *= it->second;
  if (negative) value = -value;
  if (!std::isfinite(value)) return fail(error, dim, text, "out of range");
  if (error) error->clear();
  return value;
}

// ---- formatting ----

namespace {

/// x rounded to three significant digits (x > 0, finite).
double round3(double x) {
  const double p = std::pow(10.0, 2 - std::floor(std::log10(x)));
  return std::round(x * p) / p;
}

/// `x` printed with `decimals` digits after the point, or in exponent form with 3 significant digits if negative.
std::string printf_string(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, decimals < 0 ? "%.*e" : "%.*f", decimals < 0 ? 2 : decimals, x);
  return buf;
}

/// A non-negative finite number with three significant digits: "812", "3.53", "0.500"; exponent form beyond
/// [1e-3, 1e6).
std::string sig3(double x, bool integral_ok = false) {
  if (x == 0) return "0";
  if (x >= 1e6 || x < 1e-3) return printf_string(x, -1);
  if (x >= 100 || (integral_ok && x == std::floor(x))) return printf_string(x, 0);
  const int decimals = 2 - static_cast<int>(std::floor(std::log10(round3(x))));
  return printf_string(x, decimals < 0 ? 0 : decimals);
}

struct Scale {
  double factor;
  const char* suffix;
};

/// Picks the largest scale in which |v| shows as at least 1 after rounding, so 999.7 W prints "1.00 kW".
/// `base` is the scale used for zero and non-finite values; `integral` prints whole base-unit values without
/// decimals ("512 B").
template <size_t N>
std::string format_scaled(double v, const Scale (&scales)[N], size_t base, const char* sep, bool integral = false) {
  if (std::isnan(v)) return std::string("nan") + sep + scales[base].suffix;
  const bool negative = v < 0;
  const double a = std::fabs(v);
  size_t chosen = base;
  if (a != 0 && std::isfinite(a)) {
    for (chosen = N - 1; chosen > 0 && round3(a / scales[chosen].factor) < 1;) --chosen;
  }
  const double shown = a / scales[chosen].factor;
  std::string number = std::isfinite(a) ? sig3(shown, integral && scales[chosen].factor == 1) : "inf";
  return (negative ? "-" : "") + number + sep + scales[chosen].suffix;
}

/// "1,234" for a non-negative whole number.
std::string group_thousands(double whole) {
  std::string digits = printf_string(whole, 0);
  for (size_t at = digits.size(); at > 3;) digits.insert(at -= 3, ",");
  return digits;
}

}  // namespace

std::string format_time(double seconds) {
  static constexpr Scale kScales[] = {{1e-9, "ns"},     {1e-6, "us"}, {1e-3, "ms"},  {1.0, "s"},
                                      {kMinute, "min"}, {kHour, "h"}, {kDay, "days"}};
  return format_scaled(seconds, kScales, 3, " ");
}

std::string format_bytes(double bytes) {
  static constexpr Scale kScales[] = {{1.0, "B"},      {0x1p10, "KiB"}, {0x1p20, "MiB"},
                                      {0x1p30, "GiB"}, {0x1p40, "TiB"}, {0x1p50, "PiB"}};
  return format_scaled(bytes, kScales, 0, " ", true);
}

std::string format_bandwidth(double bytes_per_s) {
  static constexpr Scale kScales[] = {{1.0, "B/s"}, {1e3, "kB/s"}, {1e6, "MB/s"}, {1e9, "GB/s"}, {1e12, "TB/s"}};
  return format_scaled(bytes_per_s, kScales, 0, " ");
}

std::string format_flop_rate(double flops_per_s) {
  static constexpr Scale kScales[] = {{1.0, "FLOP/s"},   {1e3, "kFLOP/s"},  {1e6, "MFLOP/s"}, {1e9, "GFLOP/s"},
                                      {1e12, "TFLOP/s"}, {1e15, "PFLOP/s"}, {1e18, "EFLOP/s"}};
  return format_scaled(flops_per_s, kScales, 0, " ");
}

std::string format_flops(double flops) {
  static constexpr Scale kScales[] = {{1.0, "FLOP"},   {1e3, "kFLOP"},  {1e6, "MFLOP"},  {1e9, "GFLOP"},
                                      {1e12, "TFLOP"}, {1e15, "PFLOP"}, {1e18, "EFLOP"}, {1e21, "ZFLOP"}};
  return format_scaled(flops, kScales, 0, " ");
}

std::string format_power(double watts) {
  static constexpr Scale kScales[] = {{1.0, "W"}, {1e3, "kW"}, {1e6, "MW"}, {1e9, "GW"}};
  return format_scaled(watts, kScales, 0, " ");
}

std::string format_energy(double joules) {
  // Energy bills and grid figures speak watt-hours, not joules.
  static constexpr Scale kScales[] = {{3.6e3, "Wh"}, {3.6e6, "kWh"}, {3.6e9, "MWh"}, {3.6e12, "GWh"}, {3.6e15, "TWh"}};
  return format_scaled(joules, kScales, 0, " ");
}

std::string format_count(double count) {
  static constexpr Scale kScales[] = {{1.0, ""}, {1e3, "k"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}};
  return format_scaled(count, kScales, 0, "", true);
}

std::string format_integer(double count) {
  if (!std::isfinite(count)) return printf_string(count, 0);
  return (count < 0 ? "-" : "") + group_thousands(std::round(std::fabs(count)));
}

std::string format_money(double usd) {
  if (std::isnan(usd)) return "$nan";
  const std::string sign = usd < 0 ? "-" : "";
  const double a = std::fabs(usd);
  if (!std::isfinite(a)) return sign + "$inf";
  if (a != 0 && a < 0.01) return sign + "$" + sig3(a);
  if (std::round(a * 100) < 100000) return sign + "$" + printf_string(a, 2);  // cents below $1,000
  if (std::round(a) < 1e6) return sign + "$" + group_thousands(std::round(a));
  static constexpr Scale kScales[] = {{1e6, "M"}, {1e9, "B"}, {1e12, "T"}};
  return sign + "$" + format_scaled(a, kScales, 0, "");
}

std::string format_mass(double kg) {
  if (!std::isfinite(kg)) return std::isnan(kg) ? "nan kg" : "inf kg";
  if (std::fabs(kg) < 1e3) return sig3(kg) + " kg";
  return (kg < 0 ? "-" : "") + group_thousands(std::round(std::fabs(kg) / 1e3)) + " t";
}

std::string format_percent(double ratio) {
  const double pct = ratio * 100;
  return printf_string(pct, std::isfinite(pct) && std::fabs(pct) >= 1e6 ? -1 : 1) + "%";
}

}  // namespace capsim::units
