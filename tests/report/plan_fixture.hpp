#pragma once
/// @file plan_fixture.hpp
/// A hand-made plan for the report tests: three options (cloud, on-prem, hybrid) over 36 months with a few cost
/// categories each, a tornado, a Monte Carlo result, two capacity shapes, bills of materials and eight prices. The
/// hybrid option's name holds the characters a report must escape or quote: < > & " and a comma.

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "planner/tco/plan_result.hpp"

namespace capsim::planner::report::test {

inline constexpr int kFixtureMonths = 36;
inline constexpr const char* kAwkwardName = "Hybrid <b>&\"base\", cloud burst";

/// Fills the option's totals, cumulative cost, NPV and unit costs from its monthly categories.
inline void finish_option(tco::OptionResult& o, double discount_rate, double tokens) {
  o.monthly_cost_usd.assign(kFixtureMonths, 0.0);
  for (const auto& [category, values] : o.monthly_by_category_usd) {
    double total = 0;
    for (int m = 0; m < kFixtureMonths; ++m) {
      o.monthly_cost_usd[static_cast<std::size_t>(m)] += values[static_cast<std::size_t>(m)];
      total += values[static_cast<std::size_t>(m)];
    }
    o.cost_by_category_usd.emplace_back(category, total);
  }
  double sum = 0;
  for (int m = 0; m < kFixtureMonths; ++m) {
    const double v = o.monthly_cost_usd[static_cast<std::size_t>(m)];
    sum += v;
    o.cumulative_cost_usd.push_back(sum);
    o.npv_usd += v / std::pow(1 + discount_rate, m / 12.0);
  }
  o.total_cost_usd = sum;
  o.cost_per_gpu_hour_usd = sum / o.gpu_hours;
  o.cost_per_million_tokens_usd = sum / tokens * 1e6;
}

inline tco::OptionResult option(std::string name, std::string kind, std::string description) {
  tco::OptionResult o;
  o.name = std::move(name);
  o.kind = std::move(kind);
  o.description = std::move(description);
  o.gpu = "h100-sxm5-80gb";
  return o;
}

inline tco::CapacityShape shape(std::string demand, std::string kind, int gpus, std::string layout) {
  tco::CapacityShape s;
  s.demand = std::move(demand);
  s.kind = std::move(kind);
  s.gpu = "h100-sxm5-80gb";
  s.gpus = gpus;
  s.layout = std::move(layout);
  return s;
}

/// A category with the same cost every month, `first` month index on.
inline std::pair<std::string, std::vector<double>> flat(const std::string& name, double usd, int first = 0) {
  std::vector<double> v(kFixtureMonths, 0.0);
  for (int m = first; m < kFixtureMonths; ++m) v[static_cast<std::size_t>(m)] = usd;
  return {name, v};
}

/// A category paid once or twice: {month index, USD} pairs.
inline std::pair<std::string, std::vector<double>> lumps(const std::string& name,
                                                         std::vector<std::pair<int, double>> payments) {
  std::vector<double> v(kFixtureMonths, 0.0);
  for (const auto& [m, usd] : payments) v[static_cast<std::size_t>(m)] += usd;
  return {name, v};
}

/// Cloud GPU rent growing 3% a month from `start` USD.
inline std::pair<std::string, std::vector<double>> growing(const std::string& name, double start) {
  std::vector<double> v;
  for (int m = 0; m < kFixtureMonths; ++m) v.push_back(std::round(start * std::pow(1.03, m) * 100) / 100);
  return {name, v};
}

inline tco::PlanResult make_plan_fixture() {
  tco::PlanResult plan;
  plan.study = "llama-fleet-2027";
  plan.file = "studies/llama-fleet-2027.json";
  plan.horizon_months = kFixtureMonths;
  plan.discount_rate = 0.08;
  const double tokens = 40e12;

  tco::OptionResult cloud = option("AWS p5 on-demand", "cloud", "AWS p5.48xlarge (8 x H100), on-demand");
  cloud.monthly_by_category_usd = {growing("cloud_compute", 900'000), flat("cloud_storage", 21'500.5),
                                   flat("egress", 4'800.25)};
  cloud.gpu_hours = 14.2e6;
  cloud.cloud_gpu_hours = cloud.gpu_hours;
  cloud.utilization = 1;

  tco::OptionResult own =
      option("Own H100 cluster", "on-prem", "512 x H100 in a colocation hall, bought in two tranches");
  own.monthly_by_category_usd = {lumps("hardware", {{0, 18'400'000}, {12, 6'100'000}}),
                                 flat("power", 118'000.4),
                                 flat("facility", 61'000),
                                 flat("staff", 82'000),
                                 flat("maintenance", 30'500, 3),
                                 lumps("residual_value", {{35, -7'250'000}})};
  own.gpu_hours = 14.2e6;
  own.owned_gpu_hours = 16.1e6;
  own.utilization = own.gpu_hours / own.owned_gpu_hours;
  own.owned_gpus = 768;
  own.purchases = {{0, 3, 512, 18'400'000}, {12, 14, 256, 6'100'000}};
  own.bom = {{"servers", "HGX H100 8-GPU server", 96, 240'000, 23'040'000, "on-prem/h100-sxm5-80gb/server"},
             {"network", "leaf switch (64 x 400G)", 24, 28'000, 672'000, "on-prem/switch/400g-64"},
             {"network", "optical transceiver", 1536, 450, 691'200, "on-prem/optics/400g"},
             {"storage", "parallel file system, 2 PB", 1, 96'800, 96'800, "on-prem/storage/pfs-per-pb"}};
  own.notes = {"Idle owned GPUs: 12% of the hours online.", "Lead time 3 months: the first tranche runs from month 4."};

  tco::OptionResult hybrid = option(kAwkwardName, "hybrid", "256 owned H100 for the P50 of demand, AWS for bursts");
  hybrid.monthly_by_category_usd = {lumps("hardware", {{0, 9'300'000}}),
                                    flat("power", 59'000.2),
                                    flat("facility", 30'500),
                                    flat("staff", 61'000),
                                    growing("cloud_compute", 310'000),
                                    lumps("residual_value", {{35, -3'400'000}})};
  hybrid.gpu_hours = 14.2e6;
  hybrid.cloud_gpu_hours = 6.3e6;
  hybrid.owned_gpu_hours = 8.1e6;
  hybrid.utilization = 0.97;
  hybrid.owned_gpus = 256;
  hybrid.purchases = {{0, 3, 256, 9'300'000}};
  hybrid.bom = {{"servers", "HGX H100 8-GPU server", 32, 240'000, 7'680'000, "on-prem/h100-sxm5-80gb/server"},
                {"network", "leaf switch (64 x 400G)", 8, 28'000, 224'000, "on-prem/switch/400g-64"},
                {"racks", "42U rack with PDUs", 8, 14'500, 116'000, "on-prem/rack"}};

  for (tco::OptionResult* o : {&cloud, &own, &hybrid}) finish_option(*o, plan.discount_rate, tokens);
  // Break-even against the cloud (the only cloud option): the first month from which the cumulative cost stays at
  // or below it.
  for (tco::OptionResult* o : {&own, &hybrid}) {
    for (int m = kFixtureMonths - 1; m >= 0; --m) {
      const auto at = static_cast<std::size_t>(m);
      if (o->cumulative_cost_usd[at] > cloud.cumulative_cost_usd[at]) break;
      o->break_even_month = m;
    }
  }
  plan.options = {cloud, own, hybrid};
  plan.cheapest_cloud = cloud.name;
  plan.recommended = own.name;
  plan.headline = "Buy 512 H100s now and 256 more in a year: about half the cost of renting over three years.";
  plan.reasons = {"Owning breaks even with AWS on-demand within two years and stays below it.",
                  "Demand stays above 80% of the owned fleet from month 6 on, so bought GPUs rarely idle.",
                  "It stays the cheapest in 55% of 10,000 Monte Carlo samples."};
  plan.warnings = {"The electricity price is an estimate for 2027 (price book)."};

  const auto bar = [&plan](std::string input, std::string label, double swing_low, double swing_high) {
    tco::SensitivityBar b{std::move(input), std::move(label), 0.8, 1.2, {}, {}, {}};
    for (const tco::OptionResult& o : plan.options) {
      // NPVs, as tco::plan_study fills them.
      b.low_total_usd.push_back(o.npv_usd * (1 - swing_low));
      b.high_total_usd.push_back(o.npv_usd * (1 + swing_high));
    }
    plan.sensitivity.push_back(std::move(b));
  };
  bar("gpu_server_price", "GPU and server prices", 0.14, 0.14);
  bar("demand", "Demand", 0.09, 0.11);
  bar("cloud_price", "Cloud prices", 0.0, 0.0);
  bar("electricity", "Electricity", 0.03, 0.03);
  bar("discount_rate", "Discount rate", 0.01, 0.012);
  plan.sensitivity[0].low_best = {"", kAwkwardName};

  tco::MonteCarloResult mc;
  mc.samples = 10000;
  mc.seed = 42;
  for (const tco::OptionResult& o : plan.options) {
    mc.p10_usd.push_back(o.npv_usd * 0.91);
    mc.p50_usd.push_back(o.npv_usd * 1.01);
    mc.p90_usd.push_back(o.npv_usd * 1.16);
  }
  mc.cheapest_share = {0.12, 0.55, 0.33};
  mc.assumptions = {"GPU server price: triangular, -15% to +10%", "Demand growth: normal, sigma 20% of the mean"};
  plan.monte_carlo = mc;

  tco::CapacityShape train = shape("pretrain-70b", "training", 512, "TP8 PP4 DP16");
  train.step_time_s = 7.77;
  train.tokens_per_s = 1.08e6;
  train.goodput = 0.962;
  train.gpu_hours = 2.1e6;
  train.it_power_W = 445e3;
  train.months = 5.7;
  train.breakdown_s = {
      {"compute", 5.66}, {"tp_comm", 1.78}, {"pp_comm", 0.119}, {"bubble", 0.136}, {"dp_comm", 0.0621}};
  train.power_W = {{"gpus", 270e3}, {"cpus", 41e3},     {"memory", 18e3}, {"nics", 22e3},
                   {"fans", 30e3},  {"psu_loss", 34e3}, {"fabric", 30e3}};
  tco::CapacityShape chat = shape("chat-service", "inference", 2, "TP2 replica");
  chat.tokens_per_s = 2400;
  chat.capacity_per_s = 3.1;
  chat.it_power_W = 1.7e3;
  chat.power_W = {{"gpus", 1.2e3}, {"other", 0.5e3}};
  plan.shapes = {train, chat};

  tco::DemandSeries demand;
  demand.gpu = "h100-sxm5-80gb";
  for (int m = 0; m < kFixtureMonths; ++m) {
    demand.peak_gpus.push_back(380 + 12.0 * m);
    demand.gpu_hours.push_back(demand.peak_gpus.back() * 730 * 0.8);
    demand.tokens.push_back(tokens / kFixtureMonths);
  }
  plan.demand = {demand};

  plan.prices = {
      {"cloud/aws-p5.48xlarge/on-demand", "$55.04/h", "2026-11-09", "AWS EC2 pricing page", "primary", false,
       "price book"},
      {"on-prem/h100-sxm5-80gb/server", "$240,000", "2026-10-01", "Supermicro reseller quote", "secondary", false,
       "price book"},
      {"on-prem/switch/400g-64", "$28,000", "2026-09-15", "NVIDIA Spectrum-X list", "secondary", false, "price book"},
      {"on-prem/optics/400g", "$450", "2026-09-15", "FS.com catalogue", "primary", false, "price book"},
      {"on-prem/storage/pfs-per-pb", "$96,800", "2026-06-30", "Analyst estimate (SemiAnalysis-style teardown)",
       "estimate", true, "price book"},
      {"on-prem/rack", "$14,500", "2026-08-01", "APC configurator", "secondary", false, "price book"},
      {"electricity/us-east", "$0.082/kWh", "2026-10-31", "EIA Electric Power Monthly <table 5.6.A>", "primary", false,
       "studies/llama-fleet-2027.json"},
      {"staff/sre", "$220,000/year", "2026-01-01", "CapSim's assumption", "LQ", true, "inline"},
  };
  plan.elapsed_s = 0.084;
  return plan;
}

}  // namespace capsim::planner::report::test
