#include "planner/serving_scenario.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <tuple>

#include "sim/serving/request_trace.hpp"
#include "sim/serving/serving_simulation.hpp"

namespace capsim::planner::detail {

namespace {

using nlohmann::json;
using units::Dimension;
using workloads::LengthKind;
using workloads::LoadMode;

constexpr long long kMaxTokens = 100'000'000;
constexpr double kMaxSeconds = 1e9;

std::string q(const std::string& s) { return "\"" + s + "\""; }

/// Which load keys each mode reads; a key no mode of the workload reads is an error naming the modes that do.
struct ModeRule {
  LoadMode mode;
  const char* name;
  std::vector<std::string> keys;  ///< keys this mode may have besides mode, requests and duration
  const char* needs;              ///< what it must have, as a hint
};

const std::vector<ModeRule>& mode_rules() {
  static const std::vector<ModeRule> rules = {
      {LoadMode::concurrency, "concurrency", {"users", "think_time", "trace"}, "\"users\": 50"},
      {LoadMode::poisson, "poisson", {"rate", "rate_curve", "trace"}, "\"rate\": \"50/s\" or a \"rate_curve\""},
      {LoadMode::gamma,
       "gamma",
       {"rate", "rate_curve", "burstiness", "trace"},
       "\"rate\": \"50/s\" and \"burstiness\": 2 (the gaps' coefficient of variation)"},
      {LoadMode::offline, "offline", {"trace"}, "\"requests\": 10000"},
      {LoadMode::trace, "trace", {"trace"}, "\"trace\": \"requests.csv\""}};
  return rules;
}

std::string resolve(const std::string& scenario_file, const std::string& path) {
  return resolve_path(scenario_file, path);
}

/// Bounded work: a load estimated above sim::serving::kMaxRequests is refused before anything runs.
void check_bounded(ObjectReader& l, const workloads::Load& load) {
  const double estimate = sim::serving::estimated_requests(load);
  if (estimate <= sim::serving::kMaxRequests) return;
  const bool by_count = load.mode == LoadMode::offline || (load.requests > 0 && estimate >= load.requests);
  const std::string key = by_count ? "requests" : l.has("duration") ? "duration" : "rate";
  char shown[32];
  std::snprintf(shown, sizeof shown, "%.3g", estimate);
  l.reader().error(l.pointer(key),
                   "the load sends about " + std::string(shown) + " requests, above the " +
                       units::format_count(sim::serving::kMaxRequests) +
                       " one run may send (every request is kept for exact percentiles)",
                   "lower \"rate\" or \"users\", shorten \"duration\", or cap it with \"requests\": percentiles "
                   "settle within an hour or two of arrivals; plan-serving sizes fleets for higher rates");
}

void parse_rate_curve(ObjectReader& l, workloads::Load& load) {
  const json* cj = l.get("rate_curve");
  if (cj == nullptr) return;
  JsonReader& r = l.reader();
  ObjectReader c(r, *cj, l.pointer("rate_curve"));
  if (!c.ok()) return;
  if (auto v = c.quantity("interval", Dimension::time, 0, kMaxSeconds, true)) load.rate_curve.interval_s = *v;
  if (const json* rates = c.get("rates", true, "an array of rates such as [\"5/s\", \"8/s\"]")) {
    const std::string ptr = c.pointer("rates");
    if (r.expect_array(*rates, ptr)) {
      if (rates->empty() || rates->size() > 100'000) {
        r.error(ptr, "expected 1 to 100000 rates, found " + std::to_string(rates->size()),
                "give one rate per interval, e.g. 24 hourly rates for a day");
      }
      for (std::size_t i = 0; i < rates->size() && i < 100'000; ++i) {
        if (auto v = r.quantity((*rates)[i], json_pointer_append(ptr, i), Dimension::frequency, 0, 1e9)) {
          load.rate_curve.rates_per_s.push_back(*v);
        }
      }
      const auto& got = load.rate_curve.rates_per_s;
      if (!got.empty() && std::all_of(got.begin(), got.end(), [](double x) { return x <= 0; })) {
        r.error(ptr, "every rate is 0: no request would ever arrive", "make at least one rate positive");
      }
    }
  }
  c.finish();
}

void read_trace(ObjectReader& l, workloads::Load& load) {
  auto path = l.string("trace");
  if (!path) return;
  JsonReader& r = l.reader();
  const std::string full = resolve(r.file(), *path);
  std::vector<Diagnostic> found;
  std::ifstream in;
  std::string why = not_a_readable_file(full);
  if (why.empty()) {
    in.open(full, std::ios::binary);
    if (!in) why = "it cannot be read";
  }
  if (!why.empty()) {
    found.push_back({r.file(), l.pointer("trace"), "cannot read \"" + printable_ascii(full) + "\": " + why,
                     "check the path (relative paths start at the scenario's folder) and its permissions"});
  } else {
    load.trace = sim::serving::read_request_trace(in, *path, r.file(), l.pointer("trace"), found);
    load.trace_file = *path;
  }
  r.add(found);
}

void parse_load(ObjectReader& l, WorkloadDraft& wd) {
  JsonReader& r = l.reader();
  workloads::Load& load = wd.serve.load;
  std::vector<std::string> names;
  for (const auto& rule : mode_rules()) names.emplace_back(rule.name);
  const auto mode = l.choice("mode", names, true);
  const ModeRule* rule = nullptr;
  for (const auto& candidate : mode_rules()) {
    if (mode && *mode == candidate.name) rule = &candidate;
  }
  if (rule != nullptr) {
    load.mode = rule->mode;
    wd.load_mode_ok = true;
  }
  if (auto v = l.integer("users", 1, 10'000'000)) load.users = static_cast<int>(*v);
  if (auto v = l.quantity("rate", Dimension::frequency, 0, 1e9, true)) load.rate_per_s = *v;
  parse_rate_curve(l, load);
  if (auto v = l.number("burstiness", 0.05, 100)) load.burstiness = *v;
  if (auto v = l.quantity("think_time", Dimension::time, 0, kMaxSeconds)) load.think_time_s = *v;
  if (auto v = l.integer("requests", 1, 1'000'000'000'000'000LL)) load.requests = *v;
  if (auto v = l.quantity("duration", Dimension::time, 0, kMaxSeconds, true)) load.duration_s = *v;
  read_trace(l, load);
  for (const char* key : {"users", "rate", "rate_curve", "burstiness", "think_time", "requests", "duration", "trace"}) {
    if (l.has(key)) wd.load_keys.insert(key);
  }
  l.finish();
  if (rule == nullptr) return;

  const std::string is_mode = "mode is " + q(rule->name);
  auto has = [&](const char* key) { return wd.load_keys.count(key) != 0; };
  for (const std::string& key : wd.load_keys) {
    if (key == "requests" || key == "duration" ||
        std::find(rule->keys.begin(), rule->keys.end(), key) != rule->keys.end()) {
      continue;
    }
    std::vector<std::string> owners;
    for (const auto& other : mode_rules()) {
      if (std::find(other.keys.begin(), other.keys.end(), key) != other.keys.end()) owners.push_back(q(other.name));
    }
    r.error(l.pointer(key), q(key) + " applies only to mode " + join_alternatives(owners) + ", but " + is_mode,
            "remove it or change \"mode\"");
  }
  std::string missing;
  switch (rule->mode) {
    case LoadMode::concurrency:
      missing = has("users") ? "" : "\"users\"";
      break;
    case LoadMode::gamma:
      if (!has("burstiness")) missing = "\"burstiness\"";
      [[fallthrough]];
    case LoadMode::poisson:
      if (!has("rate") && !has("rate_curve")) missing = "\"rate\"";  // the hint offers rate_curve
      break;
    case LoadMode::offline:
      missing = has("requests") ? "" : "\"requests\"";
      break;
    case LoadMode::trace:
      missing = has("trace") ? "" : "\"trace\"";
      break;
  }
  if (!missing.empty())
    r.error(l.pointer(), is_mode + " but " + missing + " is missing", std::string("add ") + rule->needs);
  if (has("rate") && has("rate_curve")) {
    r.error(l.pointer("rate_curve"), "both \"rate\" and \"rate_curve\" are given", "keep only one of them");
  }
  if (rule->mode == LoadMode::offline && has("duration")) {
    r.error(l.pointer("duration"), "an offline load has no duration: its requests all arrive at once",
            "remove \"duration\"; \"requests\" bounds an offline run");
  }
  check_bounded(l, load);
}

/// `key` ("input_tokens" / "output_tokens"): a whole number or a distribution object. Returns the mean, or 0.
double parse_length(ObjectReader& w, const char* key, bool required, workloads::LengthDistribution& d) {
  JsonReader& r = w.reader();
  const json* v = w.get(key, required, "a whole number of tokens or {\"distribution\": ...}");
  if (v == nullptr) return 0;
  const std::string ptr = w.pointer(key);
  if (!v->is_object()) {
    d = workloads::LengthDistribution{LengthKind::fixed, 0, 0, 1, 0};  // reported below if it is not a count
    if (auto n = r.integer(*v, ptr, 1, kMaxTokens)) d.mean = static_cast<double>(*n);
    return d.mean;
  }
  ObjectReader o(r, *v, ptr);
  const auto kind = o.choice("distribution", {"fixed", "uniform", "lognormal", "trace"}, true);
  d.kind = !kind                  ? LengthKind::fixed
           : *kind == "uniform"   ? LengthKind::uniform
           : *kind == "lognormal" ? LengthKind::lognormal
           : *kind == "trace"     ? LengthKind::trace
                                  : LengthKind::fixed;
  const bool needs_mean = kind && (*kind == "fixed" || *kind == "lognormal");
  const bool needs_range = kind && *kind == "uniform";
  if (auto m = o.number("mean", 1, static_cast<double>(kMaxTokens), false, needs_mean)) d.mean = *m;
  if (auto s = o.number("sigma", 0, 5, true, kind && *kind == "lognormal")) d.sigma = *s;
  if (auto m = o.integer("min", 1, kMaxTokens, needs_range)) d.min = static_cast<int>(*m);
  if (auto m = o.integer("max", 1, kMaxTokens, needs_range)) d.max = static_cast<int>(*m);
  if (kind && *kind != "lognormal" && o.has("sigma")) {
    r.error(o.pointer("sigma"), "\"sigma\" applies only to a lognormal distribution", "remove it");
  }
  if (needs_range && o.has("mean")) {
    r.error(o.pointer("mean"), "a uniform distribution's mean is (min + max) / 2", "remove \"mean\"");
  }
  o.finish();
  if (d.max > 0 && d.min > d.max) {
    r.error(o.pointer("min"), "min (" + std::to_string(d.min) + ") is more than max (" + std::to_string(d.max) + ")",
            "swap them or widen the range");
  }
  if (d.kind == LengthKind::uniform) d.mean = (d.min + d.max) / 2.0;
  return d.mean;
}

void parse_lengths(ObjectReader& w, WorkloadDraft& wd) {
  workloads::InferenceJob& job = wd.serve;
  const bool replay = job.load.mode == LoadMode::trace;
  // A replayed trace brings its own lengths unless the scenario overrides them.
  const workloads::LengthDistribution from_trace{LengthKind::trace, 0, 0, 1, 0};
  job.input_lengths = job.output_lengths = from_trace;
  const double in = parse_length(w, "input_tokens", !replay, job.input_lengths);
  const double out = parse_length(w, "output_tokens", !replay, job.output_lengths);
  const auto& trace = job.load.trace;
  auto trace_mean = [&](auto field) {
    if (trace.empty()) return 0.0;
    const double sum = std::accumulate(trace.begin(), trace.end(), 0.0,
                                       [&](double s, const workloads::TraceRequest& t) { return s + t.*field; });
    return sum / static_cast<double>(trace.size());
  };
  for (auto [d, key, field] :
       {std::tuple{&job.input_lengths, "input_tokens", &workloads::TraceRequest::input_tokens},
        std::tuple{&job.output_lengths, "output_tokens", &workloads::TraceRequest::output_tokens}}) {
    if (d->kind != LengthKind::trace) continue;
    if (!wd.load_keys.count("trace")) {
      w.reader().error(w.pointer(key), "lengths from a trace need a trace",
                       "add \"trace\": \"requests.csv\" to \"load\", or give the lengths");
    }
    d->mean = trace_mean(field);
  }
  job.input_tokens = static_cast<int>(std::max(in, job.input_lengths.mean) + 0.5);
  job.output_tokens = static_cast<int>(std::max(out, job.output_lengths.mean) + 0.5);
  if (wd.load_keys.count("trace") && !replay && job.input_lengths.kind != LengthKind::trace &&
      job.output_lengths.kind != LengthKind::trace) {
    w.reader().error(w.pointer("load") + "/trace",
                     "the trace is not used: the mode is not \"trace\" and no length "
                     "distribution is \"trace\"",
                     "remove it, or set a \"distribution\": \"trace\"");
  }
}

void parse_engine(ObjectReader& w, WorkloadDraft& wd) {
  JsonReader& r = w.reader();
  workloads::InferenceJob& job = wd.serve;
  if (const json* sj = w.get("serving")) {
    ObjectReader s(r, *sj, w.pointer("serving"));
    workloads::ServingSettings& st = job.serving;
    if (auto v = s.integer("max_num_seqs", 1, 1'000'000)) st.max_num_seqs = static_cast<int>(*v);
    if (auto v = s.integer("max_batched_tokens", 1, kMaxTokens)) st.max_batched_tokens = static_cast<int>(*v);
    if (auto v = s.boolean("chunked_prefill")) st.chunked_prefill = *v;
    if (auto v = s.integer("block_tokens", 1, 4096)) st.block_tokens = static_cast<int>(*v);
    if (auto v = s.number("gpu_memory_utilization", 0, 1, true)) st.gpu_memory_utilization = *v;
    if (auto v = s.choice("kv_admission", {"on-demand", "reserve"})) {
      st.admission = *v == "reserve" ? workloads::KvAdmission::reserve : workloads::KvAdmission::on_demand;
    }
    s.finish();
  }
  if (const json* sj = w.get("slo")) {
    ObjectReader s(r, *sj, w.pointer("slo"));
    for (const char* metric : {"ttft", "tpot"}) {
      int given = 0;
      for (int p : {50, 90, 99}) {
        const std::string key = std::string(metric) + "_p" + std::to_string(p);
        auto v = s.quantity(key, Dimension::time, 0, kMaxSeconds, true);
        if (!v) continue;
        const bool ttft = std::string(metric) == "ttft";
        (ttft ? job.slo.ttft_s : job.slo.tpot_s) = *v;
        (ttft ? job.slo.ttft_percentile : job.slo.tpot_percentile) = p;
        if (++given == 2) {
          r.error(s.pointer(key), "the SLO names two " + std::string(metric) + " percentiles", "keep one of them");
        }
      }
    }
    if (s.ok() && sj->empty()) r.error(s.pointer(), "the SLO is empty", "add e.g. \"ttft_p90\": \"2 s\"");
    s.finish();
  }
  if (auto v = w.choice("router", {"round-robin", "least-outstanding"})) {
    job.router =
        *v == "round-robin" ? workloads::RouterPolicy::round_robin : workloads::RouterPolicy::least_outstanding;
  }
  if (const json* dj = w.get("disaggregation")) {
    ObjectReader d(r, *dj, w.pointer("disaggregation"));
    if (auto v = d.integer("prefill_replicas", 1, 1'000'000, true)) job.prefill_replicas = static_cast<int>(*v);
    d.finish();
    if (job.prefill_replicas >= job.replicas && job.prefill_replicas > 0) {
      r.error(d.pointer("prefill_replicas"),
              std::to_string(job.prefill_replicas) + " prefill replicas leave none of the " +
                  std::to_string(job.replicas) + " replicas to decode",
              "use fewer prefill replicas than \"replicas\"");
    }
  }
  if (auto v = w.quantity("report_interval", Dimension::time, 0, kMaxSeconds, true)) job.report_interval_s = *v;
}

void parse_storage_precisions(ObjectReader& w, WorkloadDraft& wd) {
  workloads::InferenceJob& job = wd.serve;
  auto read = [&](const char* key, const std::vector<std::string>& options, hw::Precision& field) {
    if (auto v = w.choice(key, options)) field = *hw::precision_from_string(*v);
  };
  job.weight_precision = job.precision;
  const bool wide = job.precision == hw::Precision::fp32 || job.precision == hw::Precision::fp16 ||
                    job.precision == hw::Precision::bf16;
  // vLLM's "auto" KV cache keeps the model's 16-bit type even under FP8 weights.
  job.kv_precision = wide ? job.precision : hw::Precision::bf16;
  read("weight_precision", {"fp32", "fp16", "bf16", "fp8", "int8", "int4", "fp4"}, job.weight_precision);
  read("kv_cache_precision", {"fp32", "fp16", "bf16", "fp8", "int8"}, job.kv_precision);
}

}  // namespace

void parse_serving_keys(ObjectReader& w, WorkloadDraft& wd) {
  JsonReader& r = w.reader();
  if (const json* lj = w.get("load", true, "an object with \"mode\"")) {
    ObjectReader l(r, *lj, w.pointer("load"));
    if (l.ok()) parse_load(l, wd);
  }
  parse_lengths(w, wd);
  parse_storage_precisions(w, wd);
  parse_engine(w, wd);
}

}  // namespace capsim::planner::detail
