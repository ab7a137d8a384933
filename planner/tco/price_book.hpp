#pragma once
/// @file price_book.hpp
/// The price book: every price the TCO planner uses, each with its date, source and quality, read from JSON files
/// (schema "capsim/price-book/v1"): the built-in ones beside the hardware catalog (`models/hardware/prices/`), the
/// user's own files, and inline overrides in a study. A later file overrides an earlier one price by price.
///
/// Prices are kept in the unit people quote them in (USD per hour, per kWh, per kW-month, per GB, per GB-month, per
/// year) rather than SI, because the cash-flow model works in hours and months (730 hours a month, 8,760 a year:
/// the AWS and Infracost convention, `costs.md`).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "planner/tco/plan_result.hpp"

namespace capsim::planner {
class JsonReader;
}

namespace capsim::planner::tco {

inline constexpr double kHoursPerMonth = 730.0;
inline constexpr double kHoursPerYear = 8760.0;

/// What a price is per. Decides which strings are accepted for it.
enum class PriceUnit {
  money,         ///< a one-off amount: "$270k"
  per_hour,      ///< "$55.04/h", "$2.35/GPU-h" (what it is per depends on the key)
  per_kwh,       ///< "$0.0826/kWh", "$80/MWh"
  per_kw_month,  ///< "$184.06/kW-month"
  per_gb,        ///< "$0.09/GB", "$90/TB"
  per_gb_month,  ///< "$0.023/GB-month", "$23/TB-month"
  per_year,      ///< "$250k/year", "$4,500/GPU-year"
  per_mw,        ///< "$11.7M/MW" (facility build cost per MW of critical load)
  fraction,      ///< 0.06, "6%", "6%/year"
  years,         ///< 5, "5 years"
  months,        ///< 2, "2 months"
  count,         ///< a plain number (nodes per person, ports)
};

/// "a price per hour such as \"$2.35/h\"" and the like, for messages.
std::string describe(PriceUnit unit);

/// Parses a price or parameter written for people. Returns the value in `unit`'s terms, or std::nullopt with
/// `error` saying what was expected. Rejects negatives, NaN, bare numbers where a currency is needed, and a unit of
/// the wrong kind ("$2/GB" where a price per hour is expected).
std::optional<double> parse_price(const nlohmann::json& value, PriceUnit unit, std::string* error = nullptr);

/// One price in the book.
struct Price {
  double value = 0;  ///< in `unit`'s terms
  PriceUnit unit = PriceUnit::money;
  PriceUse use;      ///< text, date, source, quality, origin
};

/// A rentable instance type (`cloud` in the book).
struct CloudInstance {
  std::string id;        ///< "aws-p5.48xlarge"
  std::string provider;  ///< "aws"
  std::string name;      ///< "AWS p5.48xlarge"
  std::string gpu;       ///< GPU type id: "h100-sxm5-80gb"
  int gpus = 8;          ///< GPUs per instance
  /// Per-instance prices per hour by pricing model: "on-demand", "committed-1y", "committed-3y", "spot",
  /// "capacity-block". Keys of the book: "cloud/<id>/<pricing>".
  std::map<std::string, Price> hourly;
  /// Spot: interruptions per instance per hour ("cloud/<id>/spot-interruptions", written per month).
  std::optional<Price> spot_interruptions;
};

/// An owned server type (`on_prem.servers`).
struct ServerType {
  std::string gpu;   ///< GPU type id
  std::string name;  ///< "HGX H100 8-GPU server"
  int gpus = 8;
  Price price;       ///< "on-prem/server/<gpu>"
};

/// Every price CapSim knows, merged from its files.
class PriceBook {
 public:
  /// The built-in book (embedded `models/hardware/prices/*.json`). Throws capsim::InputError if it is malformed
  /// (a test keeps it well formed).
  static const PriceBook& builtin();

  /// Merges a price-book document; its prices replace those with the same key. Problems go to `reader` with JSON
  /// pointers (`reader.file()` names the file); nothing is merged from an entry with problems.
  void merge(const nlohmann::json& doc, JsonReader& reader, const std::string& origin);
  /// Reads `path` and merges it (problems to `reader`, under the path's own name).
  void merge_file(const std::string& path, JsonReader& reader);
  /// Sets one price by key ("on-prem/electricity": "$0.06/kWh"), as a study's inline `prices` does. The key must
  /// exist (unknown keys get a did-you-mean hint at `pointer`).
  void set(const std::string& key, const nlohmann::json& value, JsonReader& reader, const std::string& pointer,
           const std::string& origin);

  /// Multiplies by `factor` every price whose key starts with `key_prefix` and whose unit is `unit` (a what-if:
  /// "cloud/" with PriceUnit::per_hour scales every instance-hour price and leaves spot interruption rates alone).
  /// Each scaled price's text gains " x<factor>" and its origin "what-if". Returns how many prices changed.
  int scale(const std::string& key_prefix, PriceUnit unit, double factor);

  const Price* find(const std::string& key) const;
  /// The price at `key`; throws capsim::InputError naming the key when the book lacks it.
  const Price& at(const std::string& key) const;
  std::vector<std::string> keys() const;

  const CloudInstance* instance(const std::string& id) const;
  std::vector<std::string> instance_ids() const;
  const ServerType* server(const std::string& gpu) const;

  /// The lowest on-demand price per GPU-hour of any instance with `gpu`, and the instance; none if no instance has
  /// that GPU. For ranking by cost (plan-serving).
  std::optional<std::pair<double, const CloudInstance*>> cheapest_gpu_hour(const std::string& gpu,
                                                                          const std::string& pricing = "on-demand") const;

 private:
  std::map<std::string, Price> prices_;  ///< every price by key, instances' and servers' included
  std::map<std::string, CloudInstance> instances_;
  std::map<std::string, ServerType> servers_;
  void index();  ///< rebuilds instances_' and servers_' prices from prices_
};

}  // namespace capsim::planner::tco
