#include "gui/study_what_if.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/json_reader.hpp"
#include "planner/tco/plan.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace tco = planner::tco;

namespace {

constexpr const char* kElectricity = "on-prem/electricity";
constexpr const char* kDepreciation = "on-prem/depreciation";
constexpr const char* kServerPrefix = "on-prem/server/";

double book_value(const tco::PriceBook& book, const std::string& key) {
  const tco::Price* p = book.find(key);
  return p != nullptr ? p->value : 0;
}

std::string option_gpu(const tco::Option& o) {
  return o.kind == tco::Option::Kind::cloud ? o.cloud.gpu : o.on_prem.gpu;
}

std::string number(double x) { return units::format_count(x); }

std::string kwh(double usd) { return "$" + units::format_count(usd) + "/kWh"; }

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// A price written as the price book reads it ("$0.12/kWh", "5 years"), for PriceBook::set.
std::string price_text(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

/// Sets one price-book key from `text`; the book's complaint becomes a problem.
void set_price(tco::PriceBook& book, const std::string& key, const std::string& text,
               std::vector<std::string>& problems) {
  planner::JsonReader reader("what-if");
  book.set(key, nlohmann::json(text), reader, "/" + key, "what-if");
  for (const Diagnostic& d : reader.diagnostics()) problems.push_back(d.message);
}

/// The instance a cloud choice switches to for `gpu`: one with every price the choice needs (its pricing, its
/// commitment, spot interruptions for spot), the cheapest per GPU-hour at its pricing, the same provider first.
const tco::CloudInstance* switch_instance(const tco::PriceBook& book, const tco::CloudChoice& c,
                                          const std::string& gpu) {
  const tco::CloudInstance* best = nullptr;
  bool best_same = false;
  double best_price = 0;
  for (const std::string& id : book.instance_ids()) {
    const tco::CloudInstance* inst = book.instance(id);
    if (inst == nullptr || inst->gpu != gpu) continue;
    auto it = inst->hourly.find(c.pricing);
    if (it == inst->hourly.end()) continue;
    if (!c.commit_term.empty() && !inst->hourly.contains("committed-" + c.commit_term)) continue;
    if (c.pricing == "spot" && !inst->spot_interruptions) continue;
    const bool same = inst->provider == c.provider;
    const double per_gpu = it->second.value / inst->gpus;
    if (best == nullptr || (same && !best_same) || (same == best_same && per_gpu < best_price)) {
      best = inst;
      best_same = same;
      best_price = per_gpu;
    }
  }
  return best;
}

void switch_cloud(const tco::PriceBook& book, const tco::Option& o, tco::CloudChoice& c, const std::string& gpu,
                  std::vector<std::string>& problems) {
  if (c.instance.empty() || c.price_per_gpu_hour) {  // a flat price per GPU-hour is the study's own: keep it
    c.gpu = gpu;
    return;
  }
  const tco::CloudInstance* inst = switch_instance(book, c, gpu);
  if (inst == nullptr) {
    std::set<std::string> have;
    for (const std::string& id : book.instance_ids()) have.insert(book.instance(id)->gpu);
    problems.push_back("no cloud instance in the price book has GPU " + gpu + " at " + c.pricing + " pricing" +
                       (c.commit_term.empty() ? "" : " with a " + c.commit_term + " commitment") + ", so option \"" +
                       o.name + "\" cannot switch to it (instances have " +
                       join(std::vector<std::string>(have.begin(), have.end())) + ")");
    return;
  }
  c.instance = inst->id;
  c.gpu = inst->gpu;
  c.gpus_per_instance = inst->gpus;
  c.provider = inst->provider;
}

/// Every demand scenario with the fabric's leaf oversubscription set to `ratio`; demands that shared a scenario
/// share the edited copy.
void set_oversubscription(tco::Study& study, double ratio) {
  std::map<const planner::Scenario*, std::shared_ptr<const planner::Scenario>> edited;
  for (tco::Demand& d : study.demand) {
    if (!d.scenario) continue;
    auto [it, fresh] = edited.try_emplace(d.scenario.get());
    if (fresh) {
      auto copy = std::make_shared<planner::Scenario>(*d.scenario);
      copy->cluster.scale_out.oversubscription = ratio;
      it->second = std::move(copy);
    }
    d.scenario = it->second;
  }
}

std::vector<std::string> range_problems(const StudyWhatIf& w) {
  std::vector<std::string> out;
  if (w.nodes && *w.nodes < 1) out.push_back("owned nodes must be at least 1, not " + std::to_string(*w.nodes));
  if (!(w.cloud_price_factor > 0)) out.push_back("the cloud price multiplier must be above 0");
  if (!(w.electricity_usd_per_kwh >= 0)) out.push_back("electricity cannot cost less than $0/kWh");
  if (!(w.services_growth > -1)) out.push_back("services cannot shrink by 100% or more a month");
  if (!(w.discount_rate >= 0 && w.discount_rate < 1)) out.push_back("the discount rate must be from 0% to below 100%");
  if (!(w.depreciation_years > 0)) out.push_back("depreciation must last more than 0 years");
  if (!(w.oversubscription >= 1)) {
    out.push_back("fabric oversubscription must be 1:1 or more, not " + number(w.oversubscription) + ":1");
  }
  return out;
}

}  // namespace

StudyWhatIf study_what_if_of(const tco::Study& study) {
  StudyWhatIf w;
  if (!study.options.empty()) w.gpu = option_gpu(study.options.front());
  w.electricity_usd_per_kwh = book_value(study.prices, kElectricity);
  w.discount_rate = study.discount_rate;
  w.depreciation_years = book_value(study.prices, kDepreciation);
  for (const tco::Demand& d : study.demand) {
    if (d.kind == tco::Demand::Kind::inference) {
      w.services_growth = d.monthly_growth;
      break;
    }
  }
  for (const tco::Demand& d : study.demand) {
    if (d.scenario) {
      w.oversubscription = d.scenario->cluster.scale_out.oversubscription;
      break;
    }
  }
  return w;
}

std::vector<std::string> study_gpu_types(const tco::Study& study) {
  std::set<std::string> gpus;
  for (const std::string& key : study.prices.keys()) {
    if (key.starts_with(kServerPrefix)) gpus.insert(key.substr(std::string(kServerPrefix).size()));
  }
  for (const std::string& id : study.prices.instance_ids()) gpus.insert(study.prices.instance(id)->gpu);
  for (const tco::Option& o : study.options) gpus.insert(option_gpu(o));
  gpus.erase("");
  return {gpus.begin(), gpus.end()};
}

bool has_services(const tco::Study& study) {
  for (const tco::Demand& d : study.demand) {
    if (d.kind == tco::Demand::Kind::inference) return true;
  }
  return false;
}

std::vector<std::string> study_what_if_changes(const StudyWhatIf& file, const StudyWhatIf& w) {
  std::vector<std::string> out;
  auto nodes = [](const std::optional<int>& n) { return n ? units::format_integer(*n) : std::string("sized to demand"); };
  if (w.gpu != file.gpu) out.push_back("GPU " + file.gpu + " -> " + w.gpu);
  if (w.nodes != file.nodes) out.push_back("owned nodes " + nodes(file.nodes) + " -> " + nodes(w.nodes));
  if (w.cloud_price_factor != file.cloud_price_factor) {
    out.push_back("cloud prices x" + number(file.cloud_price_factor) + " -> x" + number(w.cloud_price_factor));
  }
  if (w.electricity_usd_per_kwh != file.electricity_usd_per_kwh) {
    out.push_back("electricity " + kwh(file.electricity_usd_per_kwh) + " -> " + kwh(w.electricity_usd_per_kwh));
  }
  if (w.services_growth != file.services_growth) {
    out.push_back("services growth " + units::format_percent(file.services_growth) + " -> " +
                  units::format_percent(w.services_growth) + "/month");
  }
  if (w.discount_rate != file.discount_rate) {
    out.push_back("discount rate " + units::format_percent(file.discount_rate) + " -> " +
                  units::format_percent(w.discount_rate));
  }
  if (w.depreciation_years != file.depreciation_years) {
    out.push_back("depreciation " + number(file.depreciation_years) + " -> " + number(w.depreciation_years) +
                  " years");
  }
  if (w.oversubscription != file.oversubscription) {
    out.push_back("oversubscription " + number(file.oversubscription) + ":1 -> " + number(w.oversubscription) + ":1");
  }
  return out;
}

std::vector<std::string> apply_study_what_if(tco::Study& study, const StudyWhatIf& file, const StudyWhatIf& w) {
  std::vector<std::string> problems = range_problems(w);
  if (!problems.empty()) return problems;
  tco::PriceBook& book = study.prices;
  // The prices first: the instance switch below ranks instances by the scaled book.
  if (w.cloud_price_factor != file.cloud_price_factor) {
    const double factor = w.cloud_price_factor / file.cloud_price_factor;
    book.scale("cloud/", tco::PriceUnit::per_hour, factor);
    for (tco::Option& o : study.options) {
      if (o.cloud.price_per_gpu_hour) *o.cloud.price_per_gpu_hour *= factor;
    }
  }
  if (w.electricity_usd_per_kwh != file.electricity_usd_per_kwh) {
    set_price(book, kElectricity, price_text("$%.6g/kWh", w.electricity_usd_per_kwh), problems);
  }
  if (w.depreciation_years != file.depreciation_years) {
    set_price(book, kDepreciation, price_text("%.6g years", w.depreciation_years), problems);
  }
  if (w.discount_rate != file.discount_rate) study.discount_rate = w.discount_rate;
  if (w.services_growth != file.services_growth) {
    for (tco::Demand& d : study.demand) {
      if (d.kind == tco::Demand::Kind::inference) d.monthly_growth = w.services_growth;
    }
  }
  if (w.oversubscription != file.oversubscription) set_oversubscription(study, w.oversubscription);
  const bool new_gpu = w.gpu != file.gpu;
  if (new_gpu && hw::GpuCatalog::builtin().find(w.gpu) == nullptr) {
    problems.push_back("GPU type \"" + w.gpu + "\" is not in the GPU catalog");
    return problems;
  }
  for (tco::Option& o : study.options) {
    const bool owns = o.kind != tco::Option::Kind::cloud;
    if (new_gpu) {
      if (owns) o.on_prem.gpu = w.gpu;
      if (o.kind != tco::Option::Kind::on_prem) switch_cloud(book, o, o.cloud, w.gpu, problems);
    }
    if (!owns || (w.nodes == file.nodes && !new_gpu)) continue;
    const tco::ServerType* server = book.server(o.on_prem.gpu);
    if (server == nullptr) {
      problems.push_back("no on-prem server in the price book has GPU " + o.on_prem.gpu + ", so option \"" + o.name +
                         "\" cannot own it");
      continue;
    }
    if (w.nodes) {
      o.on_prem.gpus = *w.nodes * server->gpus;
      o.on_prem.base_percentile.reset();  // a fixed base replaces the hybrid's percentile sizing
    }
  }
  return problems;
}

std::shared_ptr<const tco::CapacityModel> StudyCapacityCache::get(const tco::Study& edited, const StudyWhatIf& w) {
  const std::lock_guard lock(mutex_);
  if (edited.file != file_) {
    entries_.clear();
    file_ = edited.file;
  }
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->gpu == w.gpu && it->oversubscription == w.oversubscription) {
      std::rotate(it, it + 1, entries_.end());  // most recently used last
      return entries_.back().model;
    }
  }
  ++misses_;
  auto model = std::make_shared<const tco::CapacityModel>(tco::build_capacity(edited));
  if (entries_.size() >= kCapacityCacheSize) entries_.erase(entries_.begin());
  entries_.push_back({w.gpu, w.oversubscription, model});
  return model;
}

void StudyCapacityCache::clear() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
}

std::size_t StudyCapacityCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

int StudyCapacityCache::misses() const {
  const std::lock_guard lock(mutex_);
  return misses_;
}

StudyOutcome evaluate_study_what_if(const tco::Study& base, const StudyWhatIf& w, int monte_carlo,
                                    StudyCapacityCache* cache) {
  const auto start = std::chrono::steady_clock::now();
  StudyOutcome out;
  try {
    tco::Study study = base;
    out.problems = apply_study_what_if(study, study_what_if_of(base), w);
    if (out.problems.empty() && cache != nullptr) {
      // A copy: the plan fills the model's network-capex memo, which must not outlive this plan's prices.
      const tco::CapacityModel capacity = *cache->get(study, w);
      out.plan = tco::plan_study(study, capacity, monte_carlo);
    } else if (out.problems.empty()) {
      out.plan = tco::plan_study(study, monte_carlo);
    }
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) out.problems.push_back(d.to_string());
    if (out.problems.empty()) out.problems.emplace_back(e.what());
  } catch (const Error& e) {
    out.problems.emplace_back(e.what());
  }
  out.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace capsim::gui
