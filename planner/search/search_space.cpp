#include "planner/search/search_space.hpp"

#include <algorithm>
#include <variant>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/json_reader.hpp"
#include "planner/tco/price_book.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::search {

namespace {

using units::kSecondsPerHour;

/// Reads `key` as one value or an array of them, each through `read`.
template <typename Read>
void read_list(ObjectReader& o, std::string_view key, Read read) {
  const nlohmann::json* v = o.get(key);
  if (v == nullptr) return;
  const std::string pointer = o.pointer(key);
  if (!v->is_array()) {
    read(*v, pointer);
    return;
  }
  if (v->empty()) o.reader().error(pointer, "an empty list leaves nothing to search", "give at least one value");
  for (std::size_t i = 0; i < v->size(); ++i) read((*v)[i], json_pointer_append(pointer, i));
}

Diagnostic diag(const std::string& pointer, std::string message, std::string hint = {}) {
  return Diagnostic{"", pointer, std::move(message), std::move(hint)};
}

}  // namespace

void read_search_block(const nlohmann::json& block, JsonReader& reader, SearchSpec& spec) {
  ObjectReader o(reader, block, "/search");
  if (!o.ok()) return;
  JsonReader& r = o.reader();
  read_list(o, "gpu", [&](const nlohmann::json& v, const std::string& p) {
    if (auto s = r.string(v, p)) spec.gpu_types.push_back(*s);
  });
  read_list(o, "gpus", [&](const nlohmann::json& v, const std::string& p) {
    if (auto n = r.integer(v, p, 1, 10'000'000)) spec.cluster_gpus.push_back(static_cast<int>(*n));
  });
  read_list(o, "oversubscription", [&](const nlohmann::json& v, const std::string& p) {
    if (auto x = r.number(v, p, 1, 64)) spec.oversubscription.push_back(*x);
  });
  read_list(o, "precision", [&](const nlohmann::json& v, const std::string& p) {
    if (auto s = r.string(v, p)) {
      if (auto prec = hw::precision_from_string(*s)) {
        spec.precisions.push_back(*prec);
      } else {
        r.error(p, "unknown precision \"" + printable_ascii(*s) + "\"", "use bf16, fp16, fp8 or fp32");
      }
    }
  });
  if (o.has("micro_batch")) spec.micro_batches.clear();
  read_list(o, "micro_batch", [&](const nlohmann::json& v, const std::string& p) {
    if (auto n = r.integer(v, p, 1, 1024)) spec.micro_batches.push_back(static_cast<int>(*n));
  });
  if (auto v = o.integer("max_tp", 1, 1024)) spec.max_tp = static_cast<int>(*v);
  if (auto v = o.integer("max_pp", 1, 1024)) spec.max_pp = static_cast<int>(*v);
  if (auto v = o.integer("max_cp", 1, 1024)) spec.max_cp = static_cast<int>(*v);
  if (auto v = o.integer("max_virtual_stages", 1, 64)) spec.max_virtual_stages = static_cast<int>(*v);
  if (auto v = o.quantity("price_per_gpu_hour", units::Dimension::money_rate, 0, 1e6, true)) {
    spec.price_usd_per_gpu_s = *v;
  }
  if (auto v = o.quantity("budget", units::Dimension::money, 0, 1e15, true)) spec.budget_usd = *v;
  if (auto v = o.choice("pricing", {"on-demand", "committed-1y", "committed-3y", "spot", "capacity-block"})) {
    spec.pricing = *v;
  }
  o.finish();
}

Scenario load_search_scenario(const std::string& text, const std::string& file, SearchSpec& spec) {
  std::vector<Diagnostic> problems;
  auto doc = parse_json_text(text, file, problems);
  if (!doc) throw InputError(std::move(problems));
  if (doc->is_object() && doc->contains("search")) {
    JsonReader reader(file);
    read_search_block((*doc)["search"], reader, spec);
    doc->erase("search");
    reader.throw_if_errors();
  }
  return load_scenario(*doc, file);
}

Scenario load_search_scenario_file(const std::string& path, SearchSpec& spec) {
  std::vector<Diagnostic> problems;
  std::string text;
  if (!read_text_file(path, text, path, "", problems)) throw InputError(std::move(problems));
  return load_search_scenario(text, path, spec);
}

StatePower state_power(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) {
  // One second in each state; training_power() is linear in the state seconds (models/hardware/power_model.cpp),
  // so a step's facility energy is the sum of its state seconds times these powers.
  const auto facility_W = [&](auto set_state) {
    sim::StepEstimate e;
    set_state(e);
    e.step_time_s = 1;
    return sim::training_power(cluster, job, e).facility_power_W;
  };
  StatePower p;
  p.compute_bound_W = facility_W([](sim::StepEstimate& e) {
    e.compute_s = 1;
    e.hardware_flops = 1e300;  // every compute second counts as tensor-core time
  });
  p.memory_bound_W = facility_W([](sim::StepEstimate& e) { e.optimizer_s = 1; });
  p.comm_W = facility_W([](sim::StepEstimate& e) { e.tp_comm_s = 1; });
  p.idle_W = facility_W([](sim::StepEstimate& e) { e.bubble_s = 1; });
  return p;
}

SearchProblem make_search_problem(const Scenario& scenario, const SearchSpec& spec) {
  SearchProblem problem;
  problem.scenario_name = scenario.name;
  problem.spec = spec;
  std::vector<Diagnostic> problems;
  bool found = false;
  for (std::size_t i = 0; i < scenario.workloads.size() && !found; ++i) {
    if (const auto* job = std::get_if<workloads::TrainingJob>(&scenario.workloads[i])) {
      problem.job = *job;
      problem.workload_pointer = "/workloads/" + std::to_string(i);
      found = true;
    }
  }
  if (!found) {
    throw InputError({Diagnostic{scenario.file, "/workloads", "the scenario has no training workload to search",
                                 "add a workload with \"kind\": \"training\""}});
  }
  const auto& catalog = hw::GpuCatalog::builtin();
  std::vector<std::string> gpu_types = spec.gpu_types;
  if (gpu_types.empty()) gpu_types.push_back(scenario.cluster.gpu.id);
  std::vector<hw::Precision> precisions = spec.precisions;
  if (precisions.empty()) precisions.push_back(problem.job.precision);
  std::vector<double> oversubscription = spec.oversubscription;
  if (oversubscription.empty()) oversubscription.push_back(scenario.cluster.scale_out.oversubscription);

  for (const std::string& id : gpu_types) {
    const hw::GpuSpec* gpu = catalog.find(id);
    if (gpu == nullptr) {
      const std::string near = closest_match(id, catalog.ids());
      problems.push_back(
          diag("--gpu / search.gpu", "unknown GPU \"" + printable_ascii(id) + "\"",
               near.empty() ? "known: " + join_alternatives(catalog.ids()) : "did you mean \"" + near + "\"?"));
      continue;
    }
    const bool same = gpu->id == scenario.cluster.gpu.id;
    hw::ClusterSpec base = same ? scenario.cluster : hw::default_cluster(*gpu, 1);
    if (!same) {
      base.scale_out.topology = scenario.cluster.scale_out.topology;
      base.facility = scenario.cluster.facility;
    }
    std::vector<int> sizes = spec.cluster_gpus;
    if (sizes.empty()) sizes.push_back(scenario.cluster.total_gpus());
    double price = spec.price_usd_per_gpu_s;
    std::string source = "given";
    if (price <= 0) {
      const auto cheapest = tco::PriceBook::builtin().cheapest_gpu_hour(gpu->id, spec.pricing);
      if (!cheapest) {
        problems.push_back(diag("--price / search.price_per_gpu_hour",
                                "the price book has no " + spec.pricing + " instance with the " + gpu->id,
                                "give a price, e.g. --price '$2.50/h'"));
        continue;
      }
      price = cheapest->first / kSecondsPerHour;
      source = cheapest->second->id + " " + spec.pricing;
    }
    for (const int gpus : sizes) {
      if (gpus % base.gpus_per_node != 0) {
        problems.push_back(diag(
            "--gpus / search.gpus",
            std::to_string(gpus) + " GPUs are not whole " + gpu->id + " nodes of " + std::to_string(base.gpus_per_node),
            "use a multiple of " + std::to_string(base.gpus_per_node)));
        continue;
      }
      for (const hw::Precision prec : precisions) {
        if (!gpu->supports(prec)) {
          problems.push_back(diag("--precision / search.precision",
                                  "the " + gpu->id + " has no " + std::string(hw::to_string(prec)) + " math"));
          continue;
        }
        for (const double over : oversubscription) {
          Variant v;
          v.cluster = base;
          v.cluster.nodes = gpus / base.gpus_per_node;
          v.cluster.scale_out.oversubscription = over;
          v.precision = prec;
          v.gpus = gpus;
          v.price_usd_per_gpu_s = price;
          v.price_source = source;
          v.peak_flop_rate = gpu->peak(prec);
          v.best_gemm_flop_rate = v.peak_flop_rate * gpu->gemm_efficiency_cap(prec);
          workloads::TrainingJob probe = problem.job;
          probe.precision = prec;
          probe.parallelism = workloads::Parallelism{};
          probe.parallelism.dp = gpus;
          v.power = state_power(v.cluster, probe);
          problem.variants.push_back(std::move(v));
        }
      }
    }
  }
  for (auto& d : problems) d.file = scenario.file;
  if (!problems.empty()) throw InputError(std::move(problems));
  const auto& m = problem.job.model;
  for (int tp = 1; tp <= std::min(spec.max_tp, m.heads); ++tp) {
    if (m.heads % tp == 0) problem.tp_values.push_back(tp);
  }
  return problem;
}

}  // namespace capsim::planner::search
