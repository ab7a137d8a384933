#include <cmath>

#include "planner/tco/plan.hpp"

namespace capsim::planner::tco {

namespace {

using nlohmann::json;

/// Money to the cent, so that JSON readers see the figures the CSV shows.
double cents(double usd) { return std::round(usd * 100) / 100; }

json pairs(const std::vector<std::pair<std::string, double>>& v, bool money) {
  json j = json::object();
  for (const auto& [k, x] : v) j[k] = money ? cents(x) : x;
  return j;
}

json option_json(const OptionResult& o) {
  json j;
  j["name"] = o.name;
  j["kind"] = o.kind;
  j["description"] = o.description;
  j["gpu"] = o.gpu;
  j["total_cost_usd"] = cents(o.total_cost_usd);
  j["npv_usd"] = cents(o.npv_usd);
  json monthly = json::array();
  for (double x : o.monthly_cost_usd) monthly.push_back(cents(x));
  j["monthly_cost_usd"] = monthly;
  j["cost_by_category_usd"] = pairs(o.cost_by_category_usd, true);
  json by_month = json::object();
  for (const auto& [cat, v] : o.monthly_by_category_usd) {
    json a = json::array();
    for (double x : v) a.push_back(cents(x));
    by_month[cat] = a;
  }
  j["monthly_by_category_usd"] = by_month;
  j["gpu_hours"] = o.gpu_hours;
  j["cloud_gpu_hours"] = o.cloud_gpu_hours;
  j["owned_gpu_hours"] = o.owned_gpu_hours;
  j["utilization"] = o.utilization;
  j["cost_per_gpu_hour_usd"] = cents(o.cost_per_gpu_hour_usd);
  j["cost_per_million_tokens_usd"] = cents(o.cost_per_million_tokens_usd);
  j["break_even_month"] = o.break_even_month ? json(*o.break_even_month) : json(nullptr);
  j["payback_month"] = o.payback_month ? json(*o.payback_month) : json(nullptr);
  j["owned_gpus"] = o.owned_gpus;
  if (o.fleet) {
    const FleetFacts& f = *o.fleet;
    j["fleet"] = {{"scenario", f.scenario},           {"policy", f.policy},
                  {"cluster_gpus", f.cluster_gpus},   {"gpu_allocation", f.allocation},
                  {"goodput", f.goodput},             {"fragmentation", f.fragmentation},
                  {"down_share", f.down_share},       {"usable_share", f.usable_share},
                  {"avg_queue_s", f.mean_queue_s},    {"p99_queue_s", f.p99_queue_s},
                  {"avg_jct_s", f.mean_jct_s}};
  }
  json purchases = json::array();
  for (const Purchase& p : o.purchases) {
    purchases.push_back({{"month", p.month}, {"online_month", p.online_month}, {"gpus", p.gpus},
                         {"capex_usd", cents(p.capex_usd)}});
  }
  j["purchases"] = purchases;
  json bom = json::array();
  for (const BomLine& b : o.bom) {
    bom.push_back({{"category", b.category}, {"item", b.item}, {"quantity", b.quantity},
                   {"unit_price_usd", b.unit_price_usd}, {"total_usd", cents(b.total_usd)},
                   {"price", b.price_key}});
  }
  j["bill_of_materials"] = bom;
  j["notes"] = o.notes;
  return j;
}

}  // namespace

json plan_to_json(const PlanResult& p) {
  json j;
  j["schema"] = "capsim/plan-result/v1";
  j["study"] = p.study;
  j["file"] = p.file;
  j["horizon_months"] = p.horizon_months;
  j["discount_rate"] = p.discount_rate;
  j["currency"] = p.currency;
  json options = json::array();
  for (const auto& o : p.options) options.push_back(option_json(o));
  j["options"] = options;
  j["recommendation"] = {{"option", p.recommended}, {"headline", p.headline}, {"reasons", p.reasons}};
  j["cheapest_cloud"] = p.cheapest_cloud ? json(*p.cheapest_cloud) : json(nullptr);
  json sens = json::array();
  for (const auto& b : p.sensitivity) {
    json lo = json::array(), hi = json::array();
    for (double x : b.low_total_usd) lo.push_back(cents(x));
    for (double x : b.high_total_usd) hi.push_back(cents(x));
    sens.push_back({{"input", b.input}, {"label", b.label}, {"low_factor", b.low_factor},
                    {"high_factor", b.high_factor}, {"low_npv_usd", lo}, {"high_npv_usd", hi}});
  }
  j["sensitivity"] = {{"range", p.sensitivity_range}, {"measure", "npv_usd per option, in options' order"},
                      {"inputs", sens}};
  if (p.monte_carlo) {
    const auto& mc = *p.monte_carlo;
    json per = json::array();
    for (std::size_t i = 0; i < p.options.size() && i < mc.p10_usd.size(); ++i) {
      per.push_back({{"option", p.options[i].name}, {"p10_npv_usd", cents(mc.p10_usd[i])},
                     {"p50_npv_usd", cents(mc.p50_usd[i])}, {"p90_npv_usd", cents(mc.p90_usd[i])},
                     {"cheapest_share", mc.cheapest_share[i]}});
    }
    j["monte_carlo"] = {{"samples", mc.samples}, {"seed", mc.seed}, {"assumptions", mc.assumptions}, {"options", per}};
  } else {
    j["monte_carlo"] = nullptr;
  }
  json shapes = json::array();
  for (const auto& s : p.shapes) {
    shapes.push_back({{"demand", s.demand}, {"kind", s.kind}, {"gpu", s.gpu}, {"gpus", s.gpus},
                      {"layout", s.layout}, {"step_time_s", s.step_time_s}, {"tokens_per_s", s.tokens_per_s},
                      {"goodput", s.goodput}, {"capacity_per_s", s.capacity_per_s}, {"gpu_hours", s.gpu_hours},
                      {"months", s.months}, {"it_power_W", s.it_power_W},
                      {"breakdown_s", pairs(s.breakdown_s, false)}, {"power_W", pairs(s.power_W, false)}});
  }
  j["capacity"] = shapes;
  json demand = json::array();
  for (const auto& d : p.demand) {
    demand.push_back({{"gpu", d.gpu}, {"gpu_hours", d.gpu_hours}, {"peak_gpus", d.peak_gpus}, {"tokens", d.tokens}});
  }
  j["demand"] = demand;
  json prices = json::array();
  for (const auto& u : p.prices) {
    prices.push_back({{"key", u.key}, {"value", u.text}, {"date", u.date}, {"source", u.source},
                      {"quality", u.quality}, {"estimate", u.estimate}, {"origin", u.origin}});
  }
  j["prices"] = prices;
  j["warnings"] = p.warnings;
  j["elapsed_s"] = p.elapsed_s;
  return j;
}

}  // namespace capsim::planner::tco
