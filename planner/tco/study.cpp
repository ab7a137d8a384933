#include "planner/tco/study.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::tco {

namespace {

using nlohmann::json;
using units::Dimension;

constexpr int kMaxHorizonMonths = 240;  // 20 years: longer than any facility's depreciation life
constexpr double kSecondsPerMonth = kHoursPerMonth * 3600;

std::string resolve(const std::string& base_file, const std::string& path) {
  namespace fs = std::filesystem;
  if (fs::path(path).is_absolute()) return path;
  return (fs::path(base_file).parent_path() / path).lexically_normal().string();
}

/// A month count: a number, or a time string ("6 months", "180 days").
std::optional<double> months(ObjectReader& o, std::string_view key, double min, double max, bool required = false) {
  const json* v = o.get(key, required, "a number of months such as 6 or \"6 months\"");
  if (v == nullptr) return std::nullopt;
  const std::string ptr = o.pointer(key);
  if (v->is_number()) return o.reader().number(*v, ptr, min, max);
  auto s = o.reader().quantity(*v, ptr, Dimension::time, min * kSecondsPerMonth, max * kSecondsPerMonth);
  if (!s) return std::nullopt;
  return *s / (365.0 * 86400 / 12);
}

/// Loads every scenario once, however many demand items name it.
class ScenarioCache {
 public:
  explicit ScenarioCache(JsonReader& r) : r_(r) {}
  std::shared_ptr<const Scenario> get(const std::string& path, const std::string& pointer) {
    if (auto it = cache_.find(path); it != cache_.end()) return it->second;
    std::shared_ptr<const Scenario> s;
    try {
      s = std::make_shared<const Scenario>(load_scenario_file(path));
    } catch (const InputError& e) {
      r_.error(pointer, "the scenario \"" + printable_ascii(path) + "\" cannot be used (" +
                            std::to_string(e.diagnostics().size()) + " problem" +
                            (e.diagnostics().size() == 1 ? "" : "s") + ", listed below)",
               "paths are relative to the study file");
      r_.add(e.diagnostics());
    }
    cache_[path] = s;
    return s;
  }

 private:
  JsonReader& r_;
  std::map<std::string, std::shared_ptr<const Scenario>> cache_;
};

/// 24 hourly multipliers with mean 1 from a workload's rate curve (an hourly or coarser daily curve), else flat.
std::vector<double> daily_curve_of(const workloads::InferenceJob& job) {
  std::vector<double> curve(24, 1.0);
  const auto& rc = job.load.rate_curve;
  if (rc.rates_per_s.empty() || std::abs(rc.period_s() - 86400) > 1) return curve;
  for (int h = 0; h < 24; ++h) curve[static_cast<std::size_t>(h)] = rc.rate_at(h * 3600.0 + 1800.0);
  const double mean = std::accumulate(curve.begin(), curve.end(), 0.0) / 24;
  if (mean <= 0) return std::vector<double>(24, 1.0);
  for (double& c : curve) c /= mean;
  return curve;
}

template <class Job>
const Job* find_job(const Scenario& s, const std::string& name) {
  for (const auto& w : s.workloads) {
    if (const Job* j = std::get_if<Job>(&w); j != nullptr && j->name == name) return j;
  }
  return nullptr;
}

std::vector<std::string> workload_names(const Scenario& s) {
  std::vector<std::string> out;
  for (const auto& w : s.workloads) std::visit([&](const auto& j) { out.push_back(j.name); }, w);
  return out;
}

void read_demand(ObjectReader& o, Demand& d, ScenarioCache& scenarios, const std::string& study_file, int horizon) {
  JsonReader& r = o.reader();
  if (auto v = o.string("name", true)) d.name = *v;
  if (auto k = o.choice("kind", {"training", "recurring", "inference"})) {
    d.kind = *k == "training" ? Demand::Kind::training
             : *k == "recurring" ? Demand::Kind::recurring : Demand::Kind::inference;
  } else if (o.has("runs_per_month")) {
    d.kind = Demand::Kind::recurring;
  } else if (o.has("rate")) {
    d.kind = Demand::Kind::inference;
  }
  if (auto v = o.string("scenario", true)) {
    d.scenario_path = resolve(study_file, *v);
    d.scenario = scenarios.get(d.scenario_path, o.pointer("scenario"));
  }
  if (auto v = o.string("workload")) d.workload = *v;
  if (d.scenario && d.workload.empty() && !d.scenario->workloads.empty()) {
    std::visit([&](const auto& j) { d.workload = j.name; }, d.scenario->workloads.front());
  }
  if (d.scenario) {
    const bool training = d.kind != Demand::Kind::inference;
    const bool found = training ? find_job<workloads::TrainingJob>(*d.scenario, d.workload) != nullptr
                                : find_job<workloads::InferenceJob>(*d.scenario, d.workload) != nullptr;
    if (!found) {
      const auto names = workload_names(*d.scenario);
      r.error(o.pointer("workload"),
              "the scenario has no " + std::string(training ? "training" : "inference") + " workload \"" +
                  printable_ascii(d.workload) + "\"",
              names.empty() ? "" : "its workloads: " + join_alternatives(names, " and "));
    }
  }
  d.start_month = months(o, "start_month", 0, horizon).value_or(0);
  if (d.start_month >= horizon) {
    r.error(o.pointer("start_month"), "starts after the horizon of " + std::to_string(horizon) + " months");
  }
  switch (d.kind) {
    case Demand::Kind::training:
    case Demand::Kind::recurring: {
      if (auto v = o.quantity("tokens", Dimension::count, 0, 1e18, true)) d.tokens = *v;
      if (d.tokens == 0 && d.scenario) {
        if (auto* j = find_job<workloads::TrainingJob>(*d.scenario, d.workload)) d.tokens = j->tokens;
      }
      if (d.tokens <= 0 && r.error_count() == 0) {
        r.error(o.pointer("tokens"), "needs a token count (here or on the scenario's workload)", "e.g. \"15T\"");
      }
      if (d.kind == Demand::Kind::training) {
        d.deadline_months = months(o, "deadline_months", 0.01, kMaxHorizonMonths);
      } else {
        if (auto v = o.number("runs_per_month", 0, 1e5, true, true)) d.runs_per_month = *v;
        d.end_month = months(o, "end_month", 0, kMaxHorizonMonths);
      }
      break;
    }
    case Demand::Kind::inference: {
      if (auto v = o.quantity("rate", Dimension::frequency, 0, 1e7, true, true)) d.rate_per_s = *v;
      if (auto v = o.number("monthly_growth", -0.9, 10)) d.monthly_growth = *v;
      if (auto v = o.number("headroom", 0, 5)) d.headroom = *v;
      d.end_month = months(o, "end_month", 0, kMaxHorizonMonths);
      if (const json* c = o.get("daily_curve")) {
        if (r.expect_array(*c, o.pointer("daily_curve"))) {
          if (c->size() != 24) {
            r.error(o.pointer("daily_curve"), "expected 24 hourly multipliers, found " + std::to_string(c->size()));
          } else {
            for (std::size_t h = 0; h < 24; ++h) {
              if (auto x = r.number((*c)[h], json_pointer_append(o.pointer("daily_curve"), h), 0, 1e3)) {
                d.daily_curve.push_back(*x);
              }
            }
            const double mean = std::accumulate(d.daily_curve.begin(), d.daily_curve.end(), 0.0) / 24;
            if (d.daily_curve.size() == 24 && mean <= 0) {
              r.error(o.pointer("daily_curve"), "every multiplier is 0", "the curve is rescaled to mean 1");
            } else if (d.daily_curve.size() == 24) {
              for (double& x : d.daily_curve) x /= mean;
            }
          }
        }
      } else if (d.scenario) {
        if (auto* j = find_job<workloads::InferenceJob>(*d.scenario, d.workload)) d.daily_curve = daily_curve_of(*j);
      }
      if (d.daily_curve.size() != 24) d.daily_curve.assign(24, 1.0);
      break;
    }
  }
  o.finish();
}

void read_cloud(ObjectReader& o, CloudChoice& c, const PriceBook& book, bool in_hybrid) {
  JsonReader& r = o.reader();
  if (auto v = o.string("instance")) {
    if (const CloudInstance* inst = book.instance(*v)) {
      c.instance = inst->id;
      c.gpu = inst->gpu;
      c.gpus_per_instance = inst->gpus;
      c.provider = inst->provider;
    } else {
      const std::string guess = closest_match(*v, book.instance_ids());
      r.error(o.pointer("instance"), "unknown instance \"" + printable_ascii(*v) + "\"",
              guess.empty() ? "instances: " + join_alternatives(book.instance_ids(), " and ")
                            : "did you mean \"" + guess + "\"?");
    }
  }
  if (auto v = o.string("gpu")) {
    if (!c.gpu.empty() && *v != c.gpu) {
      r.error(o.pointer("gpu"), "the instance has " + c.gpu + " GPUs, not " + printable_ascii(*v),
              "leave \"gpu\" out or pick an instance with that GPU");
    }
    c.gpu = *v;
  }
  if (const json* p = o.get("price_per_gpu_hour")) {
    std::string why;
    if (auto x = parse_price(*p, PriceUnit::per_hour, &why)) {
      c.price_per_gpu_hour = *x;
    } else {
      r.error(o.pointer("price_per_gpu_hour"), why);
    }
  }
  if (auto v = o.integer("gpus_per_instance", 1, 1024)) c.gpus_per_instance = static_cast<int>(*v);
  if (auto v = o.string("provider")) c.provider = *v;
  if (c.provider.empty()) c.provider = "custom";
  if (auto v = o.choice("pricing", {"on-demand", "committed-1y", "committed-3y", "spot", "capacity-block"})) {
    c.pricing = *v;
  }
  if (c.pricing.starts_with("committed-")) {  // shorthand: every GPU-hour reserved, sized to the peak
    c.commit_term = c.pricing.substr(10);
    c.commit_percentile = 100;
    c.pricing = "on-demand";
  }
  if (const json* cm = o.get("commit")) {
    ObjectReader co(r, *cm, o.pointer("commit"));
    if (auto t = co.choice("term", {"1y", "3y"}, true)) c.commit_term = *t;
    c.commit_percentile = co.number("percentile", 0, 100);
    if (auto g = co.integer("gpus", 1, 10'000'000)) c.commit_gpus = static_cast<int>(*g);
    if (c.commit_percentile && c.commit_gpus) {
      r.error(co.pointer(), "give \"percentile\" or \"gpus\", not both");
    } else if (!c.commit_percentile && !c.commit_gpus && co.ok()) {
      c.commit_percentile = 100;
    }
    co.finish();
  }
  if (c.gpu.empty()) {
    r.error(o.pointer(), std::string("needs an \"instance\" from the price book") +
                             (in_hybrid ? "" : " or a \"gpu\" with a \"price_per_gpu_hour\""),
            "instances: " + join_alternatives(book.instance_ids(), " and "));
    return;
  }
  if (!hw::GpuCatalog::builtin().find(c.gpu)) {
    r.error(o.has("gpu") ? o.pointer("gpu") : o.pointer(), "unknown GPU type \"" + printable_ascii(c.gpu) + "\"");
  }
  if (c.instance.empty() && !c.price_per_gpu_hour) {
    r.error(o.pointer(), "a cloud option without an \"instance\" needs a \"price_per_gpu_hour\"",
            "e.g. \"price_per_gpu_hour\": \"$2.35/h\"");
  }
  if (!c.instance.empty() && !c.price_per_gpu_hour) {
    const CloudInstance* inst = book.instance(c.instance);
    for (const std::string& need : {c.pricing, c.commit_term.empty() ? c.pricing : "committed-" + c.commit_term}) {
      if (inst != nullptr && !inst->hourly.contains(need)) {
        r.error(o.pointer(o.has("commit") && need.starts_with("committed") ? "commit" : "pricing"),
                inst->name + " has no \"" + need + "\" price in the price book",
                "add \"cloud/" + c.instance + "/" + need + "\" to the study's \"prices\", or pick another pricing");
      }
    }
    if (c.pricing == "spot" && inst != nullptr && !inst->spot_interruptions) {
      r.error(o.pointer("pricing"), inst->name + " has no spot interruption rate in the price book",
              "add \"cloud/" + c.instance + "/spot-interruptions\" (interruptions per instance per month)");
    }
  }
}

void read_on_prem(ObjectReader& o, OnPremChoice& p, const PriceBook& book, bool in_hybrid) {
  JsonReader& r = o.reader();
  if (auto v = o.string("gpu", true)) {
    p.gpu = *v;
    if (!hw::GpuCatalog::builtin().find(p.gpu)) {
      r.error(o.pointer("gpu"), "unknown GPU type \"" + printable_ascii(p.gpu) + "\"");
    } else if (book.server(p.gpu) == nullptr) {
      r.error(o.pointer("gpu"), "the price book has no server with " + p.gpu + " GPUs",
              "add one under \"servers\" in a price-book file named in \"price_books\"");
    }
  }
  if (auto v = o.integer("gpus", 1, 10'000'000)) p.gpus = static_cast<int>(*v);
  if (auto v = o.choice("facility", {"colocation", "build"})) p.facility = *v;
  if (auto v = o.choice("purchase", {"as-needed", "upfront"})) p.purchase = *v;
  if (auto v = o.boolean("software_licences")) p.software_licences = *v;
  if (in_hybrid) {
    p.base_percentile = o.number("base_percentile", 0, 100);
    if (!p.base_percentile && !p.gpus) p.base_percentile = 50;
  }
  if (auto v = o.string("fleet")) {
    // The fleet scenario is checked now (its file, its fleet block, its GPU type); it runs with the capacity model.
    p.fleet = resolve_path(r.file(), *v);
    try {
      const Scenario sc = load_scenario_file(p.fleet);
      if (!sc.fleet) {
        r.error(o.pointer("fleet"), *v + " has no \"fleet\" block", "name a scenario with teams and jobs");
      } else if (!p.gpu.empty() && sc.cluster.gpu.id != p.gpu) {
        r.error(o.pointer("fleet"), "the fleet runs on " + sc.cluster.gpu.id + " but this option buys " + p.gpu,
                "use a fleet scenario on " + p.gpu);
      }
    } catch (const InputError& e) {
      r.add(e.diagnostics());
    }
  }
}

}  // namespace

std::string to_string(Option::Kind kind) {
  switch (kind) {
    case Option::Kind::cloud: return "cloud";
    case Option::Kind::on_prem: return "on-prem";
    case Option::Kind::hybrid: return "hybrid";
  }
  return "?";
}

std::string to_string(Demand::Kind kind) {
  switch (kind) {
    case Demand::Kind::training: return "training";
    case Demand::Kind::recurring: return "recurring";
    case Demand::Kind::inference: return "inference";
  }
  return "?";
}

Study load_study(const json& doc, const std::string& file) {
  JsonReader r(file);
  Study st;
  st.file = file;
  st.prices = PriceBook::builtin();
  ObjectReader top(r, doc, "");
  if (!top.ok()) r.throw_if_errors();
  if (auto s = top.string("schema", true); s && *s != "capsim/study/v1") {
    r.error("/schema", "expected \"capsim/study/v1\", found \"" + printable_ascii(*s) + "\"",
            *s == "capsim/scenario/v1" ? "this is a scenario: use `capsim run`" : "");
  }
  if (auto v = top.string("name")) st.name = *v;
  if (st.name.empty()) st.name = std::filesystem::path(file).stem().string();
  if (auto v = top.integer("horizon_months", 1, kMaxHorizonMonths, true)) st.horizon_months = static_cast<int>(*v);
  if (const json* pb = top.get("price_books"); pb != nullptr && r.expect_array(*pb, "/price_books")) {
    for (std::size_t i = 0; i < pb->size(); ++i) {
      if (auto p = r.string((*pb)[i], json_pointer_append("/price_books", i))) {
        st.prices.merge_file(resolve(file, *p), r);
      }
    }
  }
  if (const json* pr = top.get("prices")) {
    ObjectReader po(r, *pr, "/prices");
    if (po.ok()) {
      for (const auto& [key, value] : pr->items()) {
        po.allow({key});
        st.prices.set(key, value, r, po.pointer(key), file);
      }
    }
    po.finish();
  }
  st.discount_rate = st.prices.find("money/discount-rate") ? st.prices.at("money/discount-rate").value : 0.10;
  if (auto v = top.number("discount_rate", 0, 1)) st.discount_rate = *v;
  if (auto v = top.number("sensitivity", 0.01, 0.9)) st.sensitivity_range = *v;
  if (auto v = top.integer("monte_carlo", 0, 1'000'000)) st.monte_carlo_samples = static_cast<int>(*v);
  if (auto v = top.integer("seed", 0, std::numeric_limits<long long>::max())) st.seed = static_cast<unsigned long long>(*v);

  ScenarioCache scenarios(r);
  if (const json* dj = top.get("demand", true, "a list of training campaigns, recurring jobs and services")) {
    if (r.expect_array(*dj, "/demand")) {
      if (dj->empty()) r.error("/demand", "is empty", "add at least one training campaign or service");
      for (std::size_t i = 0; i < dj->size(); ++i) {
        Demand d;
        d.pointer = json_pointer_append("/demand", i);
        ObjectReader o(r, (*dj)[i], d.pointer);
        if (!o.ok()) continue;
        read_demand(o, d, scenarios, file, st.horizon_months);
        st.demand.push_back(std::move(d));
      }
    }
  }
  if (const json* oj = top.get("options", true, "a list of cloud, on-prem and hybrid options")) {
    if (r.expect_array(*oj, "/options")) {
      if (oj->empty()) r.error("/options", "is empty", "add at least one option to price");
      for (std::size_t i = 0; i < oj->size(); ++i) {
        Option opt;
        opt.pointer = json_pointer_append("/options", i);
        ObjectReader o(r, (*oj)[i], opt.pointer);
        if (!o.ok()) continue;
        if (auto v = o.string("name", true)) opt.name = *v;
        auto kind = o.choice("kind", {"cloud", "on-prem", "hybrid"}, true);
        if (!kind) continue;
        if (*kind == "cloud") {
          opt.kind = Option::Kind::cloud;
          read_cloud(o, opt.cloud, st.prices, false);
        } else if (*kind == "on-prem") {
          opt.kind = Option::Kind::on_prem;
          read_on_prem(o, opt.on_prem, st.prices, false);
        } else {
          opt.kind = Option::Kind::hybrid;
          if (const json* op = o.get("on_prem", true, "an object with the owned base")) {
            ObjectReader po(r, *op, o.pointer("on_prem"));
            if (po.ok()) read_on_prem(po, opt.on_prem, st.prices, true);
            po.finish();
          }
          if (const json* cl = o.get("cloud", true, "an object with the cloud for bursts")) {
            ObjectReader co(r, *cl, o.pointer("cloud"));
            if (co.ok()) read_cloud(co, opt.cloud, st.prices, true);
            co.finish();
          }
        }
        o.finish();
        for (const Option& other : st.options) {
          if (other.name == opt.name) r.error(o.pointer("name"), "two options are named \"" + opt.name + "\"");
        }
        st.options.push_back(std::move(opt));
      }
    }
  }
  top.finish();
  r.throw_if_errors();
  return st;
}

Study load_study_file(const std::string& path) {
  std::vector<Diagnostic> diags;
  std::string text;
  if (!read_text_file(path, text, path, "", diags)) throw InputError(diags);
  return load_study_text(text, path);
}

Study load_study_text(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> diags;
  auto doc = parse_json_text(text, file, diags);
  if (!doc) throw InputError(diags);
  return load_study(*doc, file);
}

}  // namespace capsim::planner::tco
