#include "planner/tco/plan.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "planner/tco/capacity.hpp"
#include "planner/tco/cost_model.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::tco {

namespace {

std::string describe_option(const Study& st, const Option& o) {
  const PriceBook& book = st.prices;
  auto cloud_text = [&](const CloudChoice& c) {
    std::string s;
    if (const CloudInstance* inst = book.instance(c.instance)) {
      s = inst->name + " (" + std::to_string(inst->gpus) + " x " + inst->gpu + ")";
    } else {
      s = c.gpu + " at " + units::format_money(c.price_per_gpu_hour.value_or(0)) + "/GPU-h";
    }
    if (c.price_per_gpu_hour && !c.instance.empty()) s += " at " + units::format_money(*c.price_per_gpu_hour) + "/GPU-h";
    if (!c.commit_term.empty()) {
      s += ", " + c.commit_term + " commitment" +
           (c.commit_gpus ? " of " + std::to_string(*c.commit_gpus) + " GPUs"
                          : " at the p" + units::format_count(c.commit_percentile.value_or(100)) + " of demand");
      if (c.commit_percentile.value_or(0) < 100 || c.commit_gpus) s += ", the rest " + c.pricing;
    } else {
      s += ", " + c.pricing;
    }
    return s;
  };
  auto own_text = [&](const OnPremChoice& p) {
    // "owned HGX H100 8-GPU servers"; a name that does not end in "server" (a GB200 NVL72 compute tray, "8 x
    // MI325X server (e.g. ...)") is quoted whole rather than given a plural "s".
    std::string s = "owned " + p.gpu;
    if (const auto* server = book.server(p.gpu)) {
      const std::string& n = server->name;
      s = n.ends_with("server") ? "owned " + n + "s" : "owned nodes (" + n + ")";
    }
    s += p.facility == "colocation" ? " in colocation" : " in a new build";
    if (p.gpus) s += ", " + std::to_string(*p.gpus) + " GPUs";
    return s;
  };
  switch (o.kind) {
    case Option::Kind::cloud: return cloud_text(o.cloud);
    case Option::Kind::on_prem: return own_text(o.on_prem);
    case Option::Kind::hybrid:
      return own_text(o.on_prem) + " for the p" + units::format_count(o.on_prem.base_percentile.value_or(0)) +
             " of hourly demand, bursts on " + cloud_text(o.cloud);
  }
  return "";
}

struct Input {
  std::string key, label;
  double Factors::*field;
};
const Input kInputs[] = {
    {"hardware_price", "GPU server and network prices", &Factors::hardware},
    {"cloud_price", "Cloud prices", &Factors::cloud},
    {"electricity", "Electricity price", &Factors::electricity},
    {"demand", "Demand (tokens, runs, request rates)", &Factors::demand},
    {"demand_growth", "Services' monthly growth", &Factors::growth},
    {"discount_rate", "Discount rate", &Factors::discount},
    {"depreciation_years", "Depreciation years", &Factors::depreciation},
    {"failure_rate", "Failure rates", &Factors::failures},
    {"facility_price", "Colocation or build price", &Factors::facility},
    {"staff_cost", "Staff cost", &Factors::staff},
};

std::size_t cheapest(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::min_element(v.begin(), v.end()) - v.begin());
}

std::string month_text(int m) { return "month " + std::to_string(m + 1); }

void recommend(PlanResult& p) {
  std::vector<double> npvs;
  for (const auto& o : p.options) npvs.push_back(o.npv_usd);
  const std::size_t best = cheapest(npvs);
  const OptionResult& b = p.options[best];
  p.recommended = b.name;
  std::size_t second = best;
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    if (i != best && (second == best || npvs[i] < npvs[second])) second = i;
  }
  const std::string horizon = std::to_string(p.horizon_months) + " months";
  p.headline = "Choose \"" + b.name + "\" (" + b.kind + "): " + units::format_money(b.total_cost_usd) + " over " +
               horizon + ", NPV " + units::format_money(b.npv_usd) + " at " + units::format_percent(p.discount_rate);
  if (b.break_even_month) p.headline += "; it beats renting from " + month_text(*b.break_even_month);
  p.headline += ".";
  if (second != best) {
    const OptionResult& s = p.options[second];
    p.reasons.push_back("It costs " + units::format_money(s.npv_usd - b.npv_usd) + " (" +
                        units::format_percent((s.npv_usd - b.npv_usd) / s.npv_usd) + ") less in present value than "
                        "the runner-up, \"" + s.name + "\" (NPV " + units::format_money(s.npv_usd) + ").");
  }
  if (b.break_even_month && p.cheapest_cloud) {
    p.reasons.push_back("Against renting (\"" + *p.cheapest_cloud + "\", the cheapest cloud option), its cost to "
                        "date, owned hardware at book value, is lower from " + month_text(*b.break_even_month) + " on; " +
                        (b.payback_month ? "in cash alone it pays back from " + month_text(*b.payback_month) + "."
                                         : "in cash alone it does not pay back within the horizon."));
  }
  if (b.kind != "cloud") {
    p.reasons.push_back("Its owned GPUs are busy " + units::format_percent(b.utilization) + " of the hours they are "
                        "online; " + units::format_money(b.cost_per_gpu_hour_usd) + " per GPU-hour of work done.");
  } else {
    p.reasons.push_back("It pays " + units::format_money(b.cost_per_gpu_hour_usd) + " per GPU-hour of work, with no "
                        "capital tied up and nothing idle to pay for.");
  }
  double residual = 0;
  for (const auto& [cat, usd] : b.cost_by_category_usd) {
    if (cat == "residual_value") residual = -usd;
  }
  if (residual > 0.05 * b.total_cost_usd) {
    p.reasons.push_back("Its total counts " + units::format_money(residual) + " of hardware still owned at the end, at "
                        "book value; cash spent over the horizon is " +
                        units::format_money(b.total_cost_usd + residual) + ".");
  }
  // Does the answer survive the tornado?
  std::vector<std::string> flips;
  for (const auto& bar : p.sensitivity) {
    for (int side = 0; side < 2; ++side) {
      const auto& totals = side == 0 ? bar.low_total_usd : bar.high_total_usd;
      const std::size_t w = cheapest(totals);
      if (w != best) {
        flips.push_back(bar.label + (side == 0 ? " -" : " +") +
                        units::format_percent(p.sensitivity_range) +
                        " favours \"" + p.options[w].name + "\"");
      }
    }
  }
  if (flips.empty()) {
    p.reasons.push_back("It stays the cheapest when any one key input moves by " +
                        units::format_percent(p.sensitivity_range) + " either way.");
  } else {
    p.reasons.push_back("Watch: " + flips.front() + (flips.size() > 1 ? " (and " + std::to_string(flips.size() - 1) +
                                                                            " more cases in the tornado)" : "") + ".");
  }
  if (p.monte_carlo) {
    p.reasons.push_back("In " + std::to_string(p.monte_carlo->samples) + " Monte Carlo samples of prices and demand "
                        "it is the cheapest " + units::format_percent(p.monte_carlo->cheapest_share[best]) +
                        " of the time.");
  }
}

}  // namespace

PlanResult plan_study(const Study& st, int monte_carlo) {
  const auto t0 = std::chrono::steady_clock::now();
  PlanResult p = plan_study(st, build_capacity(st), monte_carlo);
  p.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

PlanResult plan_study(const Study& st, const CapacityModel& cap, int monte_carlo) {
  const auto t0 = std::chrono::steady_clock::now();
  PlanResult p;
  p.study = st.name;
  p.file = st.file;
  p.horizon_months = st.horizon_months;
  p.discount_rate = st.discount_rate;
  p.sensitivity_range = st.sensitivity_range;
  std::set<std::string> keys;
  for (const Option& o : st.options) {
    std::vector<std::string> used;
    OptionResult r = cost_option(st, cap, o, Factors{}, true, &used);
    r.description = describe_option(st, o);
    keys.insert(used.begin(), used.end());
    p.options.push_back(std::move(r));
  }
  // Break-even against the cheapest cloud option.
  std::optional<std::size_t> ref;
  for (std::size_t i = 0; i < p.options.size(); ++i) {
    if (p.options[i].kind == "cloud" && (!ref || p.options[i].total_cost_usd < p.options[*ref].total_cost_usd)) ref = i;
  }
  if (ref) {
    p.cheapest_cloud = p.options[*ref].name;
    auto cash = [](const OptionResult& o) {  // cash spent to date, the residual value's book credit left out
      std::vector<double> c = o.monthly_cost_usd;
      for (const auto& [category, months] : o.monthly_by_category_usd) {
        if (category != "residual_value") continue;
        for (std::size_t m = 0; m < c.size() && m < months.size(); ++m) c[m] -= months[m];
      }
      std::partial_sum(c.begin(), c.end(), c.begin());
      return c;
    };
    const std::vector<double> ref_cash = cash(p.options[*ref]);
    for (std::size_t i = 0; i < p.options.size(); ++i) {
      if (i != *ref && p.options[i].kind != "cloud") {
        p.options[i].break_even_month = break_even(p.options[i].cumulative_cost_usd, p.options[*ref].cumulative_cost_usd);
        p.options[i].payback_month = break_even(cash(p.options[i]), ref_cash);
      }
    }
  }
  // Tornado: NPV of every option with each input low and high.
  for (const Input& in : kInputs) {
    SensitivityBar bar;
    bar.input = in.key;
    bar.label = in.label;
    bar.low_factor = 1 - st.sensitivity_range;
    bar.high_factor = 1 + st.sensitivity_range;
    for (const Option& o : st.options) {
      Factors lo, hi;
      lo.*in.field = bar.low_factor;
      hi.*in.field = bar.high_factor;
      bar.low_total_usd.push_back(cost_option(st, cap, o, lo, false).npv_usd);
      bar.high_total_usd.push_back(cost_option(st, cap, o, hi, false).npv_usd);
    }
    p.sensitivity.push_back(std::move(bar));
  }
  // Monte Carlo: lognormal price and demand multipliers (sigma: cloud 15%, hardware 15%, electricity 20%, demand
  // 25%, growth 25%, failures 30%), one draw per input per sample.
  const int samples = monte_carlo >= 0 ? monte_carlo : st.monte_carlo_samples;
  if (samples > 0) {
    MonteCarloResult mc;
    mc.samples = samples;
    mc.seed = st.seed;
    mc.assumptions = {"cloud prices x lognormal(sigma 15%)", "hardware prices x lognormal(sigma 15%)",
                      "electricity x lognormal(sigma 20%)", "demand x lognormal(sigma 25%)",
                      "services' growth x lognormal(sigma 25%)", "failure rates x lognormal(sigma 30%)"};
    // Each sample draws from its own generator (seed, index), so the answer does not depend on the thread count.
    const std::size_t n = st.options.size();
    std::vector<std::vector<double>> by_sample(static_cast<std::size_t>(samples), std::vector<double>(n));
    tbb::parallel_for(tbb::blocked_range<int>(0, samples), [&](const tbb::blocked_range<int>& range) {
      for (int s = range.begin(); s != range.end(); ++s) {
        std::mt19937_64 rng(st.seed * 0x9E3779B97F4A7C15ull + static_cast<unsigned long long>(s));
        std::normal_distribution<double> z(0, 1);
        Factors f;
        f.cloud = std::exp(0.15 * z(rng));
        f.hardware = std::exp(0.15 * z(rng));
        f.electricity = std::exp(0.20 * z(rng));
        f.demand = std::exp(0.25 * z(rng));
        f.growth = std::exp(0.25 * z(rng));
        f.failures = std::exp(0.30 * z(rng));
        for (std::size_t i = 0; i < n; ++i) {
          by_sample[static_cast<std::size_t>(s)][i] = cost_option(st, cap, st.options[i], f, false).npv_usd;
        }
      }
    });
    std::vector<std::vector<double>> totals(n);
    mc.cheapest_share.assign(n, 0);
    for (const auto& v : by_sample) {
      for (std::size_t i = 0; i < n; ++i) totals[i].push_back(v[i]);
      mc.cheapest_share[cheapest(v)] += 1.0 / samples;
    }
    for (auto& t : totals) {
      std::sort(t.begin(), t.end());
      auto q = [&](double x) { return t[std::min(t.size() - 1, static_cast<std::size_t>(x * (t.size() - 1) + 0.5))]; };
      mc.p10_usd.push_back(q(0.1));
      mc.p50_usd.push_back(q(0.5));
      mc.p90_usd.push_back(q(0.9));
    }
    p.monte_carlo = std::move(mc);
  }
  // Sort the tornado by the swing it gives the best option.
  std::vector<double> npvs;
  for (const auto& o : p.options) npvs.push_back(o.npv_usd);
  const std::size_t best = cheapest(npvs);
  std::stable_sort(p.sensitivity.begin(), p.sensitivity.end(), [&](const auto& a, const auto& b) {
    return std::abs(a.high_total_usd[best] - a.low_total_usd[best]) > std::abs(b.high_total_usd[best] - b.low_total_usd[best]);
  });
  for (auto& bar : p.sensitivity) {
    for (const auto* totals : {&bar.low_total_usd, &bar.high_total_usd}) {
      const std::size_t w = cheapest(*totals);
      bar.low_best.push_back(w == best ? "" : p.options[w].name);
    }
  }
  recommend(p);
  std::set<std::string> gpus;
  for (const auto& o : p.options) gpus.insert(o.gpu);
  for (const std::string& g : gpus) p.demand.push_back(demand_series(st, cap, g));
  for (const auto& [k, t] : cap.training) p.shapes.push_back(t.shape);
  for (const auto& [k, s] : cap.services) p.shapes.push_back(s.shape);
  for (const std::string& k : keys) {
    if (const Price* pr = st.prices.find(k)) p.prices.push_back(pr->use);
  }
  p.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return p;
}

}  // namespace capsim::planner::tco
