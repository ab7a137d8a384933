#pragma once
/// @file plan_result.hpp
/// What `capsim plan` answers for a study: per option the month-by-month cash flow, its categories, NPV, break-even
/// against the cheapest cloud, utilization and unit costs; the sensitivity tornado, the Monte Carlo spread, the
/// capacity behind every GPU-hour (the simulated shapes) and every price used with its date and source. Plain data:
/// the JSON, CSV, HTML and PDF writers and the GUI read it, nothing here computes.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capsim::planner::tco {

/// One price the plan used, as the price book or the study gave it.
struct PriceUse {
  std::string key;        ///< e.g. "cloud/aws-p5.48xlarge/on-demand", "on-prem/h100-sxm5-80gb/server"
  std::string text;       ///< as written: "$55.04/h"
  std::string date;       ///< "2026-11-09"
  std::string source;     ///< who says so
  std::string quality;    ///< "primary", "secondary", "estimate" or "LQ"
  bool estimate = false;  ///< an analyst estimate or the project's assumption, not a list price
  std::string origin;     ///< the file it came from ("price book", the study's path, "inline")
};

/// What a fleet run says about an owned cluster (an on-prem option's `fleet`).
struct FleetFacts {
  std::string scenario;       ///< the fleet scenario's name
  std::string file;
  std::string policy;
  int cluster_gpus = 0;
  double allocation = 0;      ///< GPU time held / GPU time
  double goodput = 0;         ///< GPU time on work kept / GPU time
  double fragmentation = 0;   ///< mean share of GPUs free but unusable by the waiting jobs, while jobs wait
  double down_share = 0;      ///< GPU time on nodes in repair / GPU time
  double usable_share = 1;    ///< 1 - fragmentation - down_share: what sizing divides the demand by
  double mean_queue_s = 0, p99_queue_s = 0;
  double mean_jct_s = 0;
};

/// One line of an on-prem option's bill of materials.
struct BomLine {
  std::string category;  ///< "servers", "network", "storage", "racks"
  std::string item;      ///< "HGX H100 8-GPU server", "leaf switch (64 x 400G)", "optical transceiver"
  double quantity = 0;
  double unit_price_usd = 0;
  double total_usd = 0;  ///< quantity x unit_price_usd
  std::string price_key; ///< PriceUse::key of the unit price
};

/// A tranche of owned GPUs: bought in one month, running after the lead time.
struct Purchase {
  int month = 0;          ///< cash goes out this month
  int online_month = 0;   ///< the GPUs run from this month on
  int gpus = 0;
  double capex_usd = 0;   ///< servers, network, storage and racks of this tranche
};

/// The answer for one option of the study.
struct OptionResult {
  std::string name;
  std::string kind;         ///< "cloud", "on-prem" or "hybrid"
  std::string description;  ///< one line for people: "AWS p5.48xlarge (8 x H100), on-demand"
  std::string gpu;          ///< GPU type id the demand ran on
  double total_cost_usd = 0;             ///< sum of monthly_cost_usd (undiscounted, residual value credited)
  double npv_usd = 0;                    ///< monthly costs discounted at the study's rate (a cost: positive)
  std::vector<double> monthly_cost_usd;  ///< one per month of the horizon, cash out (capex when paid)
  /// Cost to date at the end of each month: the running sum of monthly_cost_usd less the book value of the hardware
  /// still owned then (what stopping that month would have cost). Ends at total_cost_usd. Break-even compares it.
  std::vector<double> cumulative_cost_usd;
  /// Totals per category over the horizon (depreciation, power, facility, staff, maintenance, software, network,
  /// storage, cloud_compute, cloud_storage, egress, spot_overhead, residual_value, ...); they sum to total_cost_usd.
  std::vector<std::pair<std::string, double>> cost_by_category_usd;
  /// The same categories month by month: category name and one value per month (cash view; capex in the month it
  /// is paid, the residual value as a negative cost in the last month).
  std::vector<std::pair<std::string, std::vector<double>>> monthly_by_category_usd;
  double gpu_hours = 0;        ///< GPU-hours of work done (demand served), wherever it ran
  double cloud_gpu_hours = 0;  ///< of which rented
  double owned_gpu_hours = 0;  ///< owned capacity online over the horizon (GPUs x hours), used or idle
  double utilization = 0;      ///< owned GPU-hours used / owned GPU-hours online (cloud: committed hours used)
  double cost_per_gpu_hour_usd = 0;      ///< total_cost_usd / gpu_hours
  double cost_per_million_tokens_usd = 0;  ///< total_cost_usd / (tokens trained + tokens served) x 1e6
  /// Month indexes here and in Purchase are 0-based (month 0 is the horizon's first); people read index + 1.
  std::optional<int> break_even_month;   ///< first month from which its cumulative cost stays at or below the
                                         ///< cheapest cloud option's; none when it never does (or it is that cloud)
  /// Cash payback: first month from which the running sum of monthly_cost_usd (cash, hardware at its price when
  /// bought, no book value) stays at or below the cheapest cloud option's; none when it never does in the horizon.
  std::optional<int> payback_month;
  int owned_gpus = 0;                    ///< GPUs bought over the horizon (0 for cloud)
  std::vector<Purchase> purchases;
  std::vector<BomLine> bom;              ///< what it buys (on-prem and the hybrid base)
  std::optional<FleetFacts> fleet;       ///< the option's fleet run, when it names one
  std::vector<std::string> notes;        ///< facts behind the figures a planner should read
};

/// One input of the tornado and what moving it does to each option's total.
struct SensitivityBar {
  std::string input;           ///< "gpu_server_price", "cloud_price", "electricity", "demand", "discount_rate", ...
  std::string label;           ///< "GPU and server prices"
  double low_factor = 0;       ///< multiplier applied for the low case (e.g. 0.8)
  double high_factor = 0;      ///< and for the high case (1.2)
  std::vector<double> low_total_usd;   ///< per option (options' order), NPV with the input low
  std::vector<double> high_total_usd;  ///< and high (NPV: the measure the recommendation ranks by)
  /// The cheapest option by NPV with the input low ([0]) and high ([1]); "" where it is the recommended one.
  std::vector<std::string> low_best;
};

/// Monte Carlo over uncertain prices and demand.
struct MonteCarloResult {
  int samples = 0;
  unsigned long long seed = 0;
  std::vector<double> p10_usd, p50_usd, p90_usd;  ///< per option, NPV
  std::vector<double> cheapest_share;             ///< per option, share of samples in which it is cheapest
  std::vector<std::string> assumptions;           ///< the distributions sampled, in words
};

/// A simulated shape behind GPU-hours: one training layout or one serving replica, on one GPU type.
struct CapacityShape {
  std::string demand;      ///< demand item name
  std::string kind;        ///< "training", "recurring" or "inference"
  std::string gpu;         ///< GPU type id
  int gpus = 0;            ///< GPUs of the layout (training) or of one replica (inference)
  int gpus_per_node = 8;
  std::string layout;      ///< "TP8 PP4 DP32" or "TP2 replica"
  double step_time_s = 0;
  double tokens_per_s = 0;   ///< training: trained tokens/s; inference: output tokens/s of one replica at capacity
  double goodput = 1;        ///< training: after failures and checkpoints
  double capacity_per_s = 0; ///< inference: requests/s one replica serves within the SLO
  double gpu_hours = 0;      ///< training: per campaign (or per run, recurring)
  double it_power_W = 0;     ///< IT power of the layout (training) or one replica (inference)
  double months = 0;         ///< training: wall months of the campaign on this layout
  std::vector<std::pair<std::string, double>> breakdown_s;  ///< training step breakdown
  std::vector<std::pair<std::string, double>> power_W;      ///< IT power by part
};

/// Demand per month, in GPUs of one type.
struct DemandSeries {
  std::string gpu;
  std::vector<double> gpu_hours;  ///< per month
  std::vector<double> peak_gpus;  ///< per month: most GPUs needed in any hour
  std::vector<double> tokens;     ///< per month: tokens trained plus output tokens served
};

/// The whole answer.
struct PlanResult {
  std::string study;  ///< study name
  std::string file;   ///< its path
  int horizon_months = 0;
  double discount_rate = 0;
  std::string currency = "USD";
  std::vector<OptionResult> options;  ///< in the study's order
  std::string recommended;            ///< option name
  std::vector<std::string> reasons;   ///< sentences a finance person accepts, most telling first
  std::string headline;               ///< the answer in one sentence
  std::optional<std::string> cheapest_cloud;  ///< the break-even reference
  double sensitivity_range = 0.2;     ///< +/- share of the tornado
  std::vector<SensitivityBar> sensitivity;  ///< sorted by swing of the recommended option, largest first
  std::optional<MonteCarloResult> monte_carlo;
  std::vector<CapacityShape> shapes;
  std::vector<DemandSeries> demand;   ///< per GPU type the options use
  std::vector<PriceUse> prices;       ///< every price used, once
  std::vector<std::string> warnings;
  double elapsed_s = 0;               ///< wall time of the plan
};

}  // namespace capsim::planner::tco
