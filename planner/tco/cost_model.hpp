#pragma once
/// @file cost_model.hpp
/// Month-by-month cash flow of one option, from the simulated capacity and the price book: pure arithmetic, so the
/// tornado and the Monte Carlo re-run it thousands of times in milliseconds.
///
/// Time: each month of the horizon is 730 hours, split where a training campaign starts or ends, and each piece into
/// the 24 hours of a typical day (a service's daily curve). In each such block the demand is a number of GPUs of
/// the option's type: training layouts while their campaign runs, recurring jobs' GPU-hours spread over the month,
/// and each service's replicas at that hour's rate (plus headroom), rounded up to whole nodes or instances.
///
/// Cash: capex is paid in the month it is ordered (lead time before the GPUs run), opex monthly; at the end of the
/// horizon owned hardware is credited at its book value (straight-line depreciation to its residual value), so the
/// total is the cost of what the horizon consumed. NPV discounts month m by (1 + rate)^(m / 12).

#include <string>
#include <vector>

#include "planner/tco/capacity.hpp"
#include "planner/tco/plan_result.hpp"
#include "planner/tco/study.hpp"

namespace capsim::planner::tco {

/// Multipliers on the inputs, for the tornado and the Monte Carlo (all 1 = the study as written).
struct Factors {
  double hardware = 1;     ///< server, network, storage and rack prices
  double cloud = 1;        ///< every cloud price per hour
  double electricity = 1;
  double demand = 1;       ///< every demand: tokens, runs and request rates
  double growth = 1;       ///< services' monthly growth rates
  double discount = 1;     ///< the discount rate
  double depreciation = 1; ///< depreciation years
  double failures = 1;     ///< failure rates
  double facility = 1;     ///< colocation or build price
  double staff = 1;
};

/// Prices `option` over the study's horizon. With `detail` the result carries its bill of materials (from the
/// fabric model's counts), purchases and notes; without, only the figures (fast path for sensitivity and samples).
/// `price_keys`, when given, receives the key of every price used.
OptionResult cost_option(const Study& study, const CapacityModel& capacity, const Option& option,
                         const Factors& factors, bool detail, std::vector<std::string>* price_keys = nullptr);

/// The study's demand on `gpu`, month by month (GPU-hours, peak GPUs, tokens), as every option of that type sees it.
DemandSeries demand_series(const Study& study, const CapacityModel& capacity, const std::string& gpu);

/// Net present value of monthly costs at a yearly `rate`: sum of c_m / (1 + rate)^(m / 12).
double npv(const std::vector<double>& monthly, double rate);

/// First month from which `cumulative` stays at or below `reference`; none if it ends above it.
std::optional<int> break_even(const std::vector<double>& cumulative, const std::vector<double>& reference);

}  // namespace capsim::planner::tco
