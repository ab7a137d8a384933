#include "planner/fleet_scenario.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "models/workloads/model_catalog.hpp"
#include "planner/fleet_trace.hpp"
#include "planner/fleet_trace_pai.hpp"
#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"
#include "sim/fleet/job_generator.hpp"

namespace capsim::planner {

namespace {

using nlohmann::json;
using units::Dimension;

constexpr std::int64_t kMaxJobs = 20'000'000;
constexpr double kMaxTime_s = 10 * 365 * 86400.0;

std::string str(long long v) { return std::to_string(v); }

/// Index of team `name`, added when `teams` was not declared (`open`), else -1.
int team_index(std::vector<fleet::Team>& teams, const std::string& name, bool open) {
  for (std::size_t i = 0; i < teams.size(); ++i) {
    if (teams[i].name == name) return static_cast<int>(i);
  }
  if (!open) return -1;
  teams.push_back(fleet::Team{name});
  return static_cast<int>(teams.size()) - 1;
}

std::vector<std::string> team_names(const std::vector<fleet::Team>& teams) {
  std::vector<std::string> names;
  for (const auto& t : teams) names.push_back(t.name);
  return names;
}

void unknown_team(JsonReader& r, const std::string& pointer, const std::string& name,
                  const std::vector<fleet::Team>& teams) {
  const auto names = team_names(teams);
  const std::string near = closest_match(name, names);
  r.error(pointer, "no team is named " + describe_json(name),
          (near.empty() ? "" : "did you mean \"" + near + "\"? ") + "teams: " + join_alternatives(names) +
              " (or leave \"teams\" out to take them from the jobs)");
}

/// Member "team" of a generator or service: a declared team, or (teams not declared) a new one; without the key,
/// the only declared team or "default".
std::uint32_t read_team(ObjectReader& o, std::vector<fleet::Team>& teams, bool declared) {
  std::string team = "default";
  if (auto v = o.string("team")) {
    team = *v;
  } else if (declared && teams.size() == 1) {
    return 0;
  } else if (declared) {
    o.reader().error(o.pointer("team"), "which team submits these jobs?",
                     "give \"team\": " + join_alternatives(team_names(teams)));
    return 0;
  }
  const int ti = team_index(teams, team, !declared);
  if (ti < 0) unknown_team(o.reader(), o.pointer("team"), team, teams);
  return static_cast<std::uint32_t>(std::max(0, ti));
}

void parse_teams(ObjectReader& f, FleetScenario& fs, bool& declared) {
  JsonReader& r = f.reader();
  const json* tj = f.get("teams");
  declared = tj != nullptr;
  if (tj == nullptr || !r.expect_array(*tj, f.pointer("teams"))) return;
  if (tj->empty()) r.error(f.pointer("teams"), "expected at least one team, found an empty array", "add a team");
  for (std::size_t i = 0; i < tj->size(); ++i) {
    ObjectReader t(r, (*tj)[i], json_pointer_append(f.pointer("teams"), i));
    if (!t.ok()) continue;
    fleet::Team team;
    if (auto v = t.string("name", true)) team.name = *v;
    if (auto v = t.integer("quota_gpus", 0, 100'000'000)) team.quota_gpus = static_cast<int>(*v);
    if (auto v = t.number("weight", 0, 1e6, true)) team.weight = *v;
    if (auto v = t.integer("priority", -1'000'000, 1'000'000)) team.priority = static_cast<int>(*v);
    if (auto v = t.integer("borrowing_limit", 0, 100'000'000)) team.borrowing_limit = static_cast<int>(*v);
    if (auto v = t.integer("lending_limit", 0, 100'000'000)) team.lending_limit = static_cast<int>(*v);
    t.finish();
    const int total = fs.spec.cluster.total_gpus();
    if (team.quota_gpus > total) {
      r.error(t.pointer("quota_gpus"),
              "team \"" + printable_ascii(team.name) + "\" has a quota of " + str(team.quota_gpus) +
                  " GPUs but the cluster has " + str(total),
              "give it at most " + str(total) + " GPUs, or add nodes to the cluster");
    }
    if (team.lending_limit > team.quota_gpus && team.quota_gpus > 0) {
      r.error(t.pointer("lending_limit"), "a team cannot lend more than its quota (" + str(team.quota_gpus) + ")",
              "set lending_limit to at most quota_gpus");
    }
    for (const auto& other : fs.spec.teams) {
      if (other.name == team.name) {
        r.error(t.pointer("name"), "team \"" + printable_ascii(team.name) + "\" is declared twice",
                "give each team its own name");
      }
    }
    fs.spec.teams.push_back(team);
  }
}

/// The reference workload of duration-only jobs: how much of their step is communication that placement can slow.
void parse_reference(ObjectReader& f, FleetScenario& fs) {
  JsonReader& r = f.reader();
  fleet::JobShape shape;
  shape.name = "reference";
  std::string preset = "llama3-8b";
  workloads::Parallelism& p = shape.job.parallelism;
  p.tp = fs.spec.cluster.gpus_per_node;
  p.zero = 1;
  p.sequence_parallel = true;
  if (const json* rj = f.get("reference_workload")) {
    ObjectReader o(r, *rj, f.pointer("reference_workload"));
    if (auto v = o.string("model")) preset = *v;
    if (auto v = o.integer("tp", 1, 1024)) p.tp = static_cast<int>(*v);
    if (auto v = o.integer("micro_batch", 1, 4096)) p.micro_batch = static_cast<int>(*v);
    if (auto v = o.integer("micro_batches", 1, 4096)) shape.micro_batches_per_step = static_cast<int>(*v);
    if (auto v = o.integer("zero", 0, 3)) p.zero = static_cast<int>(*v);
    o.finish();
  }
  const auto* model = workloads::ModelCatalog::builtin().find(preset);
  if (model == nullptr) {
    const auto names = workloads::ModelCatalog::builtin().names();
    const std::string near = closest_match(preset, names);
    r.error(json_pointer_append(f.pointer("reference_workload"), "model"), "no model preset is named " +
            describe_json(preset), near.empty() ? "presets: " + join_alternatives(names) : "did you mean \"" + near + "\"?");
    return;
  }
  shape.job.name = "reference (" + preset + ")";
  shape.job.model = *model;
  shape.name = shape.job.name;
  fs.spec.shapes.insert(fs.spec.shapes.begin(), shape);
}

void read_trace(ObjectReader& f, FleetScenario& fs, bool teams_declared) {
  JsonReader& r = f.reader();
  const json* tj = f.get("trace");
  if (tj == nullptr) return;
  std::string path, tasks;
  std::string format = "capsim";
  const std::string ptr = f.pointer("trace");
  if (tj->is_string()) {
    path = tj->get<std::string>();
  } else {
    ObjectReader t(r, *tj, ptr);
    if (!t.ok()) return;
    if (auto v = t.string("path", true)) path = *v;
    std::vector<std::string> formats = trace_format_names();
    formats.push_back("pai-tables");
    if (auto v = t.choice("format", formats)) format = *v;
    if (auto v = t.string("tasks")) tasks = *v;
    if (format == "pai-tables" && tasks.empty()) {
      r.error(t.pointer("tasks"), "format \"pai-tables\" joins pai_job_table with pai_task_table",
              "name the task table: \"tasks\": \"pai_task_table.csv\"");
    } else if (format != "pai-tables" && !tasks.empty()) {
      r.error(t.pointer("tasks"), "\"tasks\" applies to format \"pai-tables\" only", "remove it");
    }
    t.finish();
  }
  if (path.empty()) {
    if (tj->is_string()) r.error(ptr, "expected a CSV path, found an empty string", "name the trace file");
    return;
  }
  if (r.error_count() > 0) return;
  std::vector<Diagnostic> problems;
  fs.trace_file = path;
  TraceJobs trace;
  if (format == "pai-tables") {
    std::string jobs_text, tasks_text;
    const std::string jobs_path = resolve_path(r.file(), path), tasks_path = resolve_path(r.file(), tasks);
    if (read_text_file(jobs_path, jobs_text, r.file(), ptr, problems) &&
        read_text_file(tasks_path, tasks_text, r.file(), ptr, problems)) {
      const std::string joined =
          pai_tables_to_trace(jobs_text, tasks_text, jobs_path, tasks_path, r.file(), ptr, problems, fs.notes);
      if (problems.empty()) trace = parse_fleet_trace(joined, TraceFormat::pai, jobs_path, r.file(), ptr, problems);
    }
  } else {
    const auto fmt = static_cast<TraceFormat>(
        std::find(trace_format_names().begin(), trace_format_names().end(), format) - trace_format_names().begin());
    trace = read_fleet_trace(resolve_path(r.file(), path), fmt, r.file(), ptr, problems);
  }
  r.add(problems);
  if (!problems.empty()) return;
  // Teams by name; shapes from presets.
  std::vector<int> team_of(trace.team_names.size(), -1);
  for (std::size_t i = 0; i < trace.team_names.size(); ++i) {
    team_of[i] = team_index(fs.spec.teams, trace.team_names[i], !teams_declared);
    if (team_of[i] < 0) {
      std::size_t line = 0;
      for (std::size_t j = 0; j < trace.jobs.size(); ++j) {
        if (trace.jobs[j].team == i) {
          line = trace.lines[j];
          break;
        }
      }
      const auto names = team_names(fs.spec.teams);
      const std::string near = closest_match(trace.team_names[i], names);
      r.error(ptr, path + " line " + str(static_cast<long long>(line)) + ": no team is named \"" +
                       printable_ascii(trace.team_names[i]) + "\"",
              (near.empty() ? "" : "did you mean \"" + near + "\"? ") + "add it to \"teams\" or use one of " +
                  join_alternatives(names));
    }
  }
  std::vector<std::uint32_t> shape_of(trace.shapes.size() + 1, 0);
  for (std::size_t k = 0; k < trace.shapes.size(); ++k) {
    const TraceShape& ts = trace.shapes[k];
    const std::string where = path + " line " + str(static_cast<long long>(ts.first_line)) + ": ";
    const auto* model = workloads::ModelCatalog::builtin().find(ts.model);
    if (model == nullptr) {
      const auto names = workloads::ModelCatalog::builtin().names();
      const std::string near = closest_match(ts.model, names);
      r.error(ptr, where + "no model preset is named \"" + printable_ascii(ts.model) + "\"",
              near.empty() ? "presets: " + join_alternatives(names) : "did you mean \"" + near + "\"?");
      continue;
    }
    if (model->heads % ts.tp != 0) {
      r.error(ptr, where + "tp " + str(ts.tp) + " does not divide the " + str(model->heads) + " heads of " + ts.model,
              "use a tp that divides " + str(model->heads));
      continue;
    }
    if (ts.pp > model->layers) {
      r.error(ptr, where + "pp " + str(ts.pp) + " is more stages than " + ts.model + "'s " + str(model->layers) +
                       " layers", "use fewer pipeline stages");
      continue;
    }
    fleet::JobShape shape;
    shape.name = ts.model;
    shape.job.name = ts.model;
    shape.job.model = *model;
    auto& p = shape.job.parallelism;
    p.tp = ts.tp;
    p.pp = ts.pp;
    p.cp = ts.cp;
    p.ep = ts.ep;
    p.micro_batch = ts.micro_batch;
    p.global_batch = ts.global_batch;
    p.zero = 1;
    p.sequence_parallel = ts.tp > 1;
    shape_of[k + 1] = static_cast<std::uint32_t>(fs.spec.shapes.size());
    fs.spec.shapes.push_back(shape);
  }
  if (r.error_count() > 0) return;
  const int total = fs.spec.cluster.total_gpus();
  int reported = 0;
  for (std::size_t j = 0; j < trace.jobs.size(); ++j) {
    fleet::FleetJob job = trace.jobs[j];
    if (job.gpus > total) {
      if (++reported <= 20) {
        r.error(ptr, path + " line " + str(static_cast<long long>(trace.lines[j])) + ": the job needs " +
                         str(job.gpus) + " GPUs but the cluster has " + str(total),
                "drop the job, give it at most " + str(total) + " GPUs, or add nodes to the cluster");
      }
      continue;
    }
    job.team = static_cast<std::uint32_t>(team_of[job.team]);
    job.shape = shape_of[job.shape];
    if (job.priority == 0) job.priority = fs.spec.teams[job.team].priority;
    fs.spec.jobs.push_back(job);
    fs.trace_lines.push_back(trace.lines[j]);
  }
  if (reported > 20) r.error(ptr, "and " + str(reported - 20) + " more jobs larger than the cluster");
  fs.trace_jobs = static_cast<std::int64_t>(trace.jobs.size());
  for (auto& n : trace.notes) fs.notes.push_back(std::move(n));
}

void parse_generators(ObjectReader& f, FleetScenario& fs, bool teams_declared, double horizon_s) {
  JsonReader& r = f.reader();
  const json* gj = f.get("generators");
  if (gj == nullptr || !r.expect_array(*gj, f.pointer("generators"))) return;
  std::int64_t expected = 0;
  for (std::size_t i = 0; i < gj->size(); ++i) {
    const std::string gp = json_pointer_append(f.pointer("generators"), i);
    ObjectReader g(r, (*gj)[i], gp);
    if (!g.ok()) continue;
    fleet::Generator gen;
    if (auto v = g.choice("mix", {"philly-gavel", "llm-lab"}, true)) {
      gen.mix = *v == "llm-lab" ? fleet::MixKind::llm_lab : fleet::MixKind::philly_gavel;
    }
    gen.team = read_team(g, fs.spec.teams, teams_declared);
    const bool has_gap = g.has("mean_interarrival");
    const bool has_rate = g.has("rate");
    if (has_gap == has_rate) {
      r.error(g.pointer(), has_gap ? "both \"mean_interarrival\" and \"rate\" are given"
                                   : "a generator needs \"mean_interarrival\" (e.g. \"10 min\") or \"rate\" (\"6/h\")",
              "keep exactly one of them");
    }
    if (auto v = g.quantity("mean_interarrival", Dimension::time, 0.001, kMaxTime_s)) gen.mean_interarrival_s = *v;
    if (auto v = g.quantity("rate", Dimension::frequency, 1e-9, 1000, true)) gen.mean_interarrival_s = 1.0 / *v;
    if (auto v = g.integer("jobs", 1, kMaxJobs)) gen.jobs = *v;
    if (auto v = g.quantity("until", Dimension::time, 0, kMaxTime_s, true)) gen.until_s = *v;
    if (auto v = g.quantity("start", Dimension::time, 0, kMaxTime_s)) gen.start_s = *v;
    if (auto v = g.number("duration_scale", 0, 1e4, true)) gen.duration_scale = *v;
    if (auto v = g.integer("max_gpus", 1, 100'000'000)) gen.max_gpus = static_cast<int>(*v);
    g.finish();
    if (gen.jobs == 0 && gen.until_s <= 0 && horizon_s <= 0) {
      r.error(gp, "the generator has no end", "give \"jobs\" (a count), \"until\" (e.g. \"30 d\") or fleet.horizon");
      continue;
    }
    const double span = gen.until_s > 0 ? gen.until_s - gen.start_s : horizon_s - gen.start_s;
    const double count = gen.jobs > 0 ? static_cast<double>(gen.jobs) : span / gen.mean_interarrival_s;
    expected += static_cast<std::int64_t>(std::min(count, 1e12));
    fs.spec.generators.push_back(gen);
  }
  if (expected > kMaxJobs) {
    r.error(f.pointer("generators"), "the generators would make about " + str(expected) + " jobs, more than " +
                                         str(kMaxJobs) + " a fleet run holds",
            "lower their rate, end them sooner (\"until\") or give a job count (\"jobs\")");
  }
}

void parse_services(ObjectReader& f, FleetScenario& fs, bool teams_declared, const Scenario& scenario) {
  JsonReader& r = f.reader();
  const json* sj = f.get("services");
  if (sj == nullptr || !r.expect_array(*sj, f.pointer("services"))) return;
  for (std::size_t i = 0; i < sj->size(); ++i) {
    ObjectReader s(r, (*sj)[i], json_pointer_append(f.pointer("services"), i));
    if (!s.ok()) continue;
    fleet::FleetService svc;
    if (auto v = s.string("name", true)) svc.name = *v;
    svc.team = read_team(s, fs.spec.teams, teams_declared);
    std::string workload;
    if (auto v = s.string("workload")) {
      workload = *v;
      const workloads::InferenceJob* found = nullptr;
      std::vector<std::string> names;
      for (const auto& w : scenario.workloads) {
        if (const auto* inf = std::get_if<workloads::InferenceJob>(&w)) {
          names.push_back(inf->name);
          if (inf->name == workload) found = inf;
        }
      }
      if (found == nullptr) {
        const std::string near = closest_match(workload, names);
        r.error(s.pointer("workload"), "no inference workload is named " + describe_json(workload),
                names.empty() ? "add it to \"workloads\", or give replica_gpus and replica_capacity"
                              : (near.empty() ? "" : "did you mean \"" + near + "\"? ") + "inference workloads: " +
                                    join_alternatives(names));
      } else {
        svc.replica_gpus = found->gpus_per_replica();
        const auto& load = found->load;
        if (!load.rate_curve.empty()) {
          const double peak = *std::max_element(load.rate_curve.rates_per_s.begin(), load.rate_curve.rates_per_s.end());
          svc.peak_rps = peak;
          for (int h = 0; h < 24; ++h) svc.curve[h] = peak > 0 ? load.rate_curve.rate_at(h * 3600.0 + 1) / peak : 0;
        } else {
          svc.peak_rps = load.rate_per_s;
          svc.curve.fill(1.0);
        }
        const auto& slo = found->slo;
        if (slo.ttft_s > 0) svc.slo = "p" + str(slo.ttft_percentile) + " TTFT <= " + units::format_time(slo.ttft_s);
        if (slo.tpot_s > 0) {
          svc.slo += (svc.slo.empty() ? "" : ", ") + std::string("p") + str(slo.tpot_percentile) +
                     " TPOT <= " + units::format_time(slo.tpot_s);
        }
      }
    } else {
      svc.curve.fill(1.0);
    }
    if (auto v = s.integer("replica_gpus", 1, 1'000'000)) svc.replica_gpus = static_cast<int>(*v);
    if (auto v = s.quantity("replica_capacity", Dimension::frequency, 0, 1e9, true)) svc.replica_capacity_rps = *v;
    if (auto v = s.quantity("peak_rate", Dimension::frequency, 0, 1e9, true)) svc.peak_rps = *v;
    if (const json* cj = s.get("rate_curve")) {
      const std::string cp = s.pointer("rate_curve");
      if (r.expect_array(*cj, cp)) {
        if (cj->size() != 24) {
          r.error(cp, "expected 24 hourly shares of the peak, found " + str(static_cast<long long>(cj->size())),
                  "give one share (0 to 1) per hour of the day");
        } else {
          for (std::size_t h = 0; h < 24; ++h) {
            if (auto v = r.number((*cj)[h], json_pointer_append(cp, h), 0, 1)) svc.curve[h] = *v;
          }
        }
      }
    }
    if (auto v = s.number("headroom", 0, 10)) svc.headroom = *v;
    if (auto v = s.integer("min_replicas", 0, 1'000'000)) svc.min_replicas = static_cast<int>(*v);
    if (auto v = s.integer("priority", -1'000'000, 1'000'000)) svc.priority = static_cast<int>(*v);
    s.finish();
    if (workload.empty() && svc.replica_capacity_rps <= 0) {
      r.error(s.pointer(), "a service needs \"workload\" (an inference workload of this scenario) or "
                           "\"replica_capacity\" (e.g. \"12/s\")", "name the workload it serves");
    }
    if (workload.empty() && svc.peak_rps <= 0) {
      r.error(s.pointer("peak_rate"), "a service without a workload needs \"peak_rate\" (e.g. \"40/s\")",
              "give its rate at the busiest hour");
    }
    if (svc.replica_gpus > fs.spec.cluster.total_gpus()) {
      r.error(s.pointer("replica_gpus"), "a replica needs more GPUs than the cluster has",
              "use a smaller replica or a larger cluster");
    }
    fs.service_workloads.push_back(workload);
    fs.spec.services.push_back(svc);
  }
}

}  // namespace

namespace detail {

void parse_fleet(ObjectReader& top, Scenario& scenario) {
  const json* fj = top.get("fleet");
  if (fj == nullptr) return;
  JsonReader& r = top.reader();
  ObjectReader f(r, *fj, top.pointer("fleet"));
  if (!f.ok()) return;
  FleetScenario fs;
  fleet::FleetSpec& spec = fs.spec;
  spec.cluster = scenario.cluster;
  spec.seed = scenario.simulation.seed;
  spec.failure_rates = scenario.reliability.rates;
  if (auto v = f.choice("policy", fleet::policy_names())) spec.policy = fleet::policy_from_name(*v);
  if (auto v = f.choice("placement", fleet::placement_names())) spec.placement = fleet::placement_from_name(*v);
  if (const json* fl = f.get("failures")) {
    if (fl->is_boolean()) {
      spec.failures = fl->get<bool>();
    } else {
      ObjectReader o(r, *fl, f.pointer("failures"));
      if (auto v = o.boolean("enabled")) spec.failures = *v;
      if (auto v = o.quantity("repair_time", Dimension::time, 0, 365 * 86400.0)) spec.repair_s = *v;
      o.finish();
    }
  }
  if (auto v = f.boolean("checkpoints")) spec.checkpoints = *v;
  if (auto v = f.quantity("restart_overhead", Dimension::time, 0, 86400)) spec.restart_s = *v;
  if (auto v = f.quantity("horizon", Dimension::time, 0, kMaxTime_s, true)) spec.horizon_s = *v;
  if (auto v = f.boolean("use_estimates")) spec.use_estimates = *v;
  if (auto v = f.integer("backfill_depth", 1, 1'000'000)) spec.backfill_depth = static_cast<int>(*v);
  if (auto v = f.quantity("preemption_round", Dimension::time, 0, 86400)) spec.preemption_round_s = *v;
  if (auto v = f.quantity("sample_interval", Dimension::time, 60, 30 * 86400.0)) spec.sample_interval_s = *v;
  if (auto v = f.quantity("autoscale_interval", Dimension::time, 10, 86400)) spec.autoscale_interval_s = *v;
  if (const json* lj = f.get("las")) {
    ObjectReader o(r, *lj, f.pointer("las"));
    if (const json* th = o.get("thresholds")) {
      const std::string tp = o.pointer("thresholds");
      if (r.expect_array(*th, tp)) {
        std::vector<double> values;
        for (std::size_t i = 0; i < th->size(); ++i) {
          if (auto v = r.quantity((*th)[i], json_pointer_append(tp, i), Dimension::time, 0, kMaxTime_s, true)) {
            values.push_back(*v);
          }
        }
        if (!std::is_sorted(values.begin(), values.end())) {
          r.error(tp, "the thresholds must rise from queue to queue", "sort them in increasing order");
        }
        spec.las_thresholds_gpu_s = values;
      }
    }
    if (auto v = o.number("starvation_factor", 0, 1e6)) spec.las_starvation_factor = *v;
    o.finish();
  }
  if (auto v = f.quantity("price_per_gpu_hour", Dimension::money_rate, 0, 1e4 / 3600.0, true)) {
    fs.price_per_gpu_hour_usd = *v * 3600.0;
  }
  if (auto v = f.string("instance")) fs.instance = *v;
  parse_reference(f, fs);
  bool teams_declared = false;
  parse_teams(f, fs, teams_declared);
  read_trace(f, fs, teams_declared);
  parse_generators(f, fs, teams_declared, spec.horizon_s);
  parse_services(f, fs, teams_declared, scenario);
  f.finish();
  if (!f.has("trace") && !f.has("generators") && !f.has("services")) {
    r.error(f.pointer(), "the fleet has no jobs", "give a \"trace\" CSV, \"generators\" or \"services\"");
  } else if (!f.has("trace") && !f.has("generators") && spec.horizon_s <= 0) {
    r.error(f.pointer("horizon"), "a fleet of services only runs as long as its horizon, and it has none",
            "give \"horizon\", e.g. \"7 d\"");
  }
  if (spec.teams.empty()) spec.teams.push_back(fleet::Team{"default"});
  long long quotas = 0;
  for (const auto& t : spec.teams) quotas += t.quota_gpus;
  const bool quota_policy = spec.policy == fleet::Policy::quota || spec.policy == fleet::Policy::quota_borrow;
  if (quota_policy && quotas == 0) {
    r.error(f.pointer("policy"), "policy \"" + fleet::policy_name(spec.policy) + "\" needs team quotas",
            "give teams a \"quota_gpus\", or use fifo-backfill, fair-share or drf");
  }
  if (quotas > spec.cluster.total_gpus()) {
    r.error(f.pointer("teams"), "the teams' quotas add up to " + str(quotas) + " GPUs but the cluster has " +
                                    str(spec.cluster.total_gpus()),
            "lower the quotas so that they fit the cluster");
  }
  // Generated jobs, each generator from its own seeded stream, merged with the trace by submit time.
  if (r.error_count() == 0) {
    for (std::size_t g = 0; g < spec.generators.size(); ++g) {
      auto jobs = fleet::generate_jobs(spec.generators[g], spec.seed * 1000003ULL + g, spec.cluster.total_gpus(),
                                       spec.horizon_s);
      for (auto& j : jobs) {
        j.priority = spec.teams[j.team].priority;
        spec.jobs.push_back(j);
        fs.trace_lines.push_back(0);
      }
      fs.generated_jobs += static_cast<std::int64_t>(jobs.size());
    }
    std::vector<std::size_t> order(spec.jobs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return spec.jobs[a].submit_s < spec.jobs[b].submit_s; });
    std::vector<fleet::FleetJob> jobs(spec.jobs.size());
    std::vector<std::size_t> lines(spec.jobs.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      jobs[i] = spec.jobs[order[i]];
      lines[i] = fs.trace_lines[order[i]];
    }
    spec.jobs = std::move(jobs);
    fs.trace_lines = std::move(lines);
  }
  scenario.fleet = std::move(fs);
}

}  // namespace detail

}  // namespace capsim::planner
