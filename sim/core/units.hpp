#pragma once
/// @file units.hpp
/// The one place where quantities written for people ("400 Gb/s", "80 GiB", "2 us", "15T", "$2.49/h") become SI
/// doubles, and the one place where SI doubles are printed back for people.
///
/// Inside CapSim every quantity is a double in SI base units: seconds, bytes, bytes/s, FLOP, FLOP/s, watts, joules,
/// USD, USD/s, and plain counts.

#include <optional>
#include <string>
#include <string_view>

namespace capsim::units {

inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;

/// What a quantity measures. Decides which unit suffixes are accepted and what a bare number means.
enum class Dimension {
  count,       ///< plain number, SI/short-scale suffixes allowed: "15T" = 15e12, "1.5M", "2B" = 2e9, "4k"
  time,        ///< seconds; "2 us", "1.5 ms", "10 min", "1 h", "60 days"
  bytes,       ///< bytes; "80 GiB", "80 GB" (1e9), "4 KiB", "1 TB"
  bandwidth,   ///< bytes/s; "400 Gb/s" (bits), "450 GB/s" (bytes), "3.35 TB/s", "25 GiB/s", "400 Gbps"
  flops,       ///< floating-point operations; "1.2 PFLOP", "3e21 FLOP"
  flop_rate,   ///< FLOP/s; "989 TFLOP/s", "1.98 PFLOPS"
  power,       ///< watts; "700 W", "10.2 kW", "2 MW"
  energy,      ///< joules; "3.6 MJ", "1 kWh", "5 MWh"
  money,       ///< USD; "$300k", "$1.2M", "450000 USD"
  money_rate,  ///< USD per second; "$2.49/h", "$98.32/hour", "$1000/month"
  frequency,   ///< events per second; "50/s", "3000/min", "2 Hz"
};

/// What a string holding only a number ("400") means.
enum class BareNumber {
  /// An error naming the expected unit, for every dimension but counts, FLOP counts and money (whose bare numbers no
  /// one misreads); "0" stays accepted. Files take this: "400" for a bandwidth or "1000" for a TTFT is a typo more
  /// often than bytes/s or seconds. A plain JSON number (not a string) is still SI, as documented.
  reject,
  /// SI base units, for command-line options whose help says a bare number is accepted ("--rate 50").
  si,
};

/// Human-readable name of a dimension, for error messages ("a bandwidth such as \"400 Gb/s\"").
std::string_view describe(Dimension dim);

/// Parses `text` as a quantity of dimension `dim`. Returns the SI value, or std::nullopt and sets `error` (when
/// given) to a sentence saying what was expected. Never throws. Rejects NaN, infinities and trailing garbage, and a
/// string without a unit unless `bare` is BareNumber::si.
std::optional<double> parse(std::string_view text, Dimension dim, std::string* error = nullptr,
                            BareNumber bare = BareNumber::reject);
/// SI base unit of a dimension, for messages: "bytes/s", "seconds", "watts".
std::string_view si_unit(Dimension dim);

/// Formats seconds for people: "812 us", "3.53 s", "14.2 min", "5.1 h", "38.4 days".
std::string format_time(double seconds);
/// Formats bytes with binary prefixes: "79.2 GiB".
std::string format_bytes(double bytes);
/// Formats bytes/s with decimal prefixes: "450 GB/s".
std::string format_bandwidth(double bytes_per_s);
/// Formats FLOP/s with decimal prefixes: "989 TFLOP/s".
std::string format_flop_rate(double flops_per_s);
/// Formats a FLOP count: "1.2e21 FLOP" style with decimal prefixes ("1.20 ZFLOP").
std::string format_flops(double flops);
/// Formats watts: "700 W", "10.2 kW", "2.10 MW".
std::string format_power(double watts);
/// Formats joules in watt-hours: "3.00 kWh", "5.36 GWh".
std::string format_energy(double joules);
/// Formats a count with a short-scale suffix: "15.0T", "8.03B", "512".
std::string format_count(double count);
/// Formats a whole number with thousands separators: "16,384", "98,304" (rounded to the nearest integer).
std::string format_integer(double count);
/// Formats USD: "$1,234", "$2.49", "$1.20M".
std::string format_money(double usd);
/// Mass of CO2e and the like: "512 kg" (3 significant digits) below a tonne, else whole tonnes with thousands
/// separators ("15,438 t").
std::string format_mass(double kg);
/// Formats a ratio as a percentage with one decimal: "45.3%".
std::string format_percent(double ratio);

}  // namespace capsim::units
