#include "planner/scenario.hpp"

#include <filesystem>
#include <limits>

#include "models/hardware/calibration_profile.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/hardware/power_model.hpp"
#include "models/workloads/model_catalog.hpp"
#include "planner/json_reader.hpp"
#include "planner/fabric_scenario.hpp"
#include "planner/facility_scenario.hpp"
#include "planner/placement_scenario.hpp"
#include "planner/reliability_scenario.hpp"
#include "planner/scenario_checks.hpp"
#include "planner/serving_scenario.hpp"

namespace capsim::planner {

namespace {

using detail::ScenarioDraft;
using detail::WorkloadDraft;
using nlohmann::json;
using units::Dimension;

constexpr const char* schema_v1 = "capsim/scenario/v1";
constexpr double max_bandwidth_Bps = 1e16;
constexpr double max_latency_s = 3600;

const std::vector<std::string>& precision_names() {
  static const std::vector<std::string> names = {"fp32", "tf32", "fp16", "bf16", "fp8", "fp4", "int8", "int4"};
  return names;
}

/// Relative paths in a scenario start at the scenario's folder.
std::string resolve(const std::string& scenario_file, const std::string& path) {
  return resolve_path(scenario_file, path);
}

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

/// `cluster.calibration`: "builtin" (the profile CapSim ships for the GPU type) or a profile file.
hw::CalibrationProfile load_profile(const std::string& spec, const std::string& scenario_file,
                                    const std::string& gpu_id) {
  if (spec != hw::kBuiltinProfile) return hw::read_profile(resolve(scenario_file, spec));
  if (const hw::CalibrationProfile* p = hw::builtin_profile(gpu_id)) return *p;
  std::string have;
  for (const auto& p : hw::builtin_profiles()) have += (have.empty() ? "" : ", ") + p.gpu;
  throw InfeasibleError("CapSim ships no measured profile for " + gpu_id + " (it has: " + have +
                        "); measure one on such a GPU with `capsim calibrate --out FILE` and name the file");
}

/// Reads and parses a JSON file named by the scenario at `pointer`; diagnostics go to `r`.
std::optional<json> read_json_file(const std::string& path, const std::string& pointer, JsonReader& r) {
  std::vector<Diagnostic> found;
  std::string text;
  std::optional<json> doc;
  if (read_text_file(path, text, r.file(), pointer, found)) doc = parse_json_text(text, path, found);
  r.add(found);
  return doc;
}

/// "unknown X "word" (known: a, b, c)" with a did-you-mean when one is close.
void report_unknown(JsonReader& r, const std::string& pointer, const std::string& what, const std::string& word,
                    const std::vector<std::string>& known) {
  std::string near = closest_match(word, known);
  std::string hint = near.empty() ? "" : "did you mean " + in_quotes(near) + "? ";
  hint += "known " + what + "s: " + join_alternatives(known, ", ");
  r.error(pointer, "unknown " + what + " " + describe_json(word), hint);
}

std::optional<hw::Precision> parse_precision(ObjectReader& w) {
  const json* v = w.get("precision");
  if (v == nullptr) return hw::Precision::bf16;
  auto name = w.reader().string(*v, w.pointer("precision"));
  if (!name) return std::nullopt;
  if (auto p = hw::precision_from_string(*name)) return p;
  report_unknown(w.reader(), w.pointer("precision"), "precision", *name, precision_names());
  return std::nullopt;
}

/// Where the user's GPU catalog files are added to the built-in one.
const hw::GpuCatalog& gpu_catalog(ObjectReader& top, std::optional<hw::GpuCatalog>& user) {
  const json* list = top.get("catalogs");
  if (list == nullptr || !top.reader().expect_array(*list, top.pointer("catalogs"))) return hw::GpuCatalog::builtin();
  JsonReader& r = top.reader();
  user = hw::GpuCatalog::builtin();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string ptr = json_pointer_append(top.pointer("catalogs"), i);
    auto path = r.string((*list)[i], ptr);
    if (!path) continue;
    const std::string full = resolve(r.file(), *path);
    auto doc = read_json_file(full, ptr, r);
    if (!doc) continue;
    try {
      user->add_document(*doc, full);
    } catch (const InputError& e) {
      r.add(e.diagnostics());
    }
  }
  return *user;
}

void parse_cluster(ObjectReader& top, const hw::GpuCatalog& catalog, ScenarioDraft& d) {
  JsonReader& r = top.reader();
  const json* cj = top.get("cluster", true, "an object with \"gpu\" and \"nodes\"");
  if (cj == nullptr) return;
  ObjectReader c(r, *cj, top.pointer("cluster"));
  if (!c.ok()) return;
  const std::size_t before = r.error_count();
  hw::ClusterSpec& cl = d.scenario.cluster;
  const hw::GpuSpec* gpu = nullptr;
  if (auto id = c.string("gpu", true)) {
    gpu = catalog.find(*id);
    if (gpu == nullptr) report_unknown(r, c.pointer("gpu"), "GPU", *id, catalog.ids());
  }
  if (gpu != nullptr) cl = hw::default_cluster(*gpu, cl.nodes);
  if (auto v = c.integer("nodes", 1, 1'000'000, true)) cl.nodes = static_cast<int>(*v);
  if (auto v = c.integer("gpus_per_node", 1, 1024)) cl.gpus_per_node = static_cast<int>(*v);
  d.cluster_ok = r.error_count() == before && cl.gpus_per_node >= 1 && cl.gpus_per_node <= 1024;

  if (const json* su = c.get("scale_up")) {
    ObjectReader s(r, *su, c.pointer("scale_up"));
    if (auto v = s.quantity("bandwidth", Dimension::bandwidth, 0, max_bandwidth_Bps, true)) cl.scale_up.bw_Bps = *v;
    if (auto v = s.integer("domain_gpus", 1, 1'000'000)) cl.scale_up.domain_gpus = static_cast<int>(*v);
    if (auto v = s.quantity("latency", Dimension::time, 0, max_latency_s)) cl.scale_up.latency_s = *v;
    s.finish();
  }
  detail::parse_scale_out(c, cl, d.cluster_ok);
  if (auto path = c.string("calibration"); path && gpu != nullptr) {
    // A measured profile of this GPU type replaces its datasheet and published figures (issue 6).
    try {
      const hw::CalibrationProfile profile = load_profile(*path, r.file(), cl.gpu.id);
      hw::apply_profile(cl.gpu, profile);
      for (const auto& curve : profile.collectives) cl.scale_out.nccl_tests.push_back(curve);
    } catch (const InputError& e) {
      r.add(e.diagnostics());
    } catch (const InfeasibleError& e) {
      r.error(c.pointer("calibration"), e.what(), "use a profile measured on " + cl.gpu.id);
    }
  }
  detail::parse_power_and_facility(c, cl);
  hw::apply_power_cap(cl.gpu, cl.power.gpu_power_cap_W);
  c.finish();
}

/// Fills the model from a preset or Hugging Face config (if named), then from explicit fields.
void parse_model(ObjectReader& m, WorkloadDraft& wd) {
  JsonReader& r = m.reader();
  workloads::TransformerModel& model = wd.model();
  const json* preset = m.get("preset");
  const json* hf = m.get("hf_config");
  bool has_base = false;
  if (preset != nullptr && hf != nullptr) {
    r.error(m.pointer(), "both \"preset\" and \"hf_config\" are given", "keep only one of them");
  } else if (preset != nullptr) {
    if (auto name = r.string(*preset, m.pointer("preset"))) {
      const auto& catalog = workloads::ModelCatalog::builtin();
      if (const auto* p = catalog.find(*name)) {
        model = *p;
        has_base = true;
      } else {
        report_unknown(r, m.pointer("preset"), "preset", *name, catalog.names());
      }
    }
  } else if (hf != nullptr) {
    if (auto path = r.string(*hf, m.pointer("hf_config"))) {
      const std::string full = resolve(r.file(), *path);
      if (auto doc = read_json_file(full, m.pointer("hf_config"), r)) {
        try {
          model = workloads::model_from_hf_config(*doc, full);
          if (model.name.empty()) {
            const std::filesystem::path fp(full);
            model.name = fp.stem() == "config" ? fp.parent_path().filename().string() : fp.stem().string();
          }
          model.seq_len = 4096;  // HF max_position_embeddings is a serving limit, not a training length.
          has_base = true;
        } catch (const InputError& e) {
          r.add(e.diagnostics());
        }
      }
    }
  }
  const bool explicit_model = preset == nullptr && hf == nullptr;
  const workloads::TransformerModel base = model;
  auto read_int = [&](const char* key, auto& field, long long min, long long max, bool required) {
    if (auto v = m.integer(key, min, max, required && explicit_model)) {
      field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
      wd.model_keys.insert(key);
    }
  };
  auto read_bool = [&](const char* key, bool& field) {
    if (auto v = m.boolean(key)) {
      field = *v;
      wd.model_keys.insert(key);
    }
  };
  if (auto v = m.string("name")) model.name = *v;
  read_int("layers", model.layers, 1, 10'000, true);
  read_int("hidden", model.hidden, 1, 1'000'000, true);
  read_int("ffn_hidden", model.ffn_hidden, 1, 10'000'000, true);
  read_int("heads", model.heads, 1, 100'000, true);
  read_int("kv_heads", model.kv_heads, 1, 100'000, false);
  read_int("head_dim", model.head_dim, 1, 100'000, false);
  read_int("vocab", model.vocab, 1, 100'000'000, true);
  read_int("seq_len", model.seq_len, 1, 100'000'000, wd.training);
  read_bool("gated_mlp", model.gated_mlp);
  read_bool("tied_embeddings", model.tied_embeddings);
  read_int("experts", model.experts, 0, 100'000, false);
  read_int("top_k", model.top_k, 0, 100'000, false);
  read_int("expert_ffn_hidden", model.expert_ffn_hidden, 1, 10'000'000, false);
  if (auto v = m.number("capacity_factor", 0, 64)) {
    model.capacity_factor = *v;
    wd.model_keys.insert("capacity_factor");
  }
  read_int("shared_experts", model.shared_experts, 0, 100'000, false);
  read_int("shared_expert_ffn_hidden", model.shared_expert_ffn_hidden, 1, 10'000'000, false);
  read_int("router_groups", model.router_groups, 1, 100'000, false);
  read_int("router_group_topk", model.router_group_topk, 1, 100'000, false);
  m.finish();

  const bool shape_changed = wd.model_keys.count("hidden") != 0 || wd.model_keys.count("heads") != 0;
  if (has_base && shape_changed && wd.model_keys.count("head_dim") == 0 && base.heads > 0 &&
      static_cast<long long>(base.head_dim) * base.heads == base.hidden) {
    model.head_dim = 0;  // the preset's head_dim was derived; derive it again from the new shape
  }
  if (wd.model_keys.count("kv_heads") == 0 && (!has_base || base.kv_heads == base.heads || base.kv_heads == 0)) {
    model.kv_heads = model.heads;
  }
  if (model.name.empty()) model.name = wd.name();
}

void parse_training(ObjectReader& w, WorkloadDraft& wd) {
  JsonReader& r = w.reader();
  workloads::TrainingJob& job = wd.train;
  if (const json* pj = w.get("parallelism", true, "an object with at least \"global_batch\"")) {
    const std::size_t before = r.error_count();
    ObjectReader p(r, *pj, w.pointer("parallelism"));
    workloads::Parallelism& par = job.parallelism;
    auto read_int = [&](const char* key, int& field, long long min, long long max, bool required = false) {
      if (auto v = p.integer(key, min, max, required)) field = static_cast<int>(*v);
    };
    read_int("tp", par.tp, 1, 1'000'000);
    read_int("pp", par.pp, 1, 1'000'000);
    read_int("cp", par.cp, 1, 1'000'000);
    read_int("dp", par.dp, 1, 1'000'000);
    read_int("ep", par.ep, 1, 1'000'000);
    read_int("etp", par.etp, 1, 1'000'000);
    read_int("micro_batch", par.micro_batch, 1, 1'000'000'000);
    read_int("global_batch", par.global_batch, 1, 1'000'000'000, true);
    read_int("virtual_stages", par.virtual_stages, 1, 10'000);
    wd.parallelism_ok = p.ok() && r.error_count() == before;  // the sizes the checks need
    read_int("zero", par.zero, 0, 3);
    if (auto v = p.boolean("sequence_parallel")) par.sequence_parallel = *v;
    if (auto v = p.choice("recompute", {"none", "selective", "full", "selective-layer", "selective-op"})) {
      par.recompute = *v == "full"              ? workloads::Recompute::full
                      : *v == "selective"       ? workloads::Recompute::selective
                      : *v == "selective-layer" ? workloads::Recompute::selective_layer
                      : *v == "selective-op"    ? workloads::Recompute::selective_op
                                                : workloads::Recompute::none;
    }
    wd.dp_given = p.has("dp");
    p.finish();
  }
  if (auto v = w.quantity("tokens", Dimension::count, 0, 1e18, true)) job.tokens = *v;
  if (const json* sj = w.get("software")) {
    ObjectReader s(r, *sj, w.pointer("software"));
    workloads::TrainingSoftware& sw = job.software;
    if (auto v = s.choice("attention", {"flash", "flash2", "triton", "unfused"})) {
      sw.attention = *v == "flash"    ? workloads::AttentionKernel::flash
                     : *v == "flash2" ? workloads::AttentionKernel::flash2
                     : *v == "triton" ? workloads::AttentionKernel::triton
                                      : workloads::AttentionKernel::unfused;
    }
    if (auto v = s.choice("grad_reduce_precision", {"fp32", "bf16"})) {
      sw.grad_reduce = *v == "fp32" ? hw::Precision::fp32 : hw::Precision::bf16;
    }
    if (auto v = s.boolean("overlap_grad_reduce")) sw.overlap_grad_reduce = *v;
    if (auto v = s.boolean("overlap_param_gather")) sw.overlap_param_gather = *v;
    if (auto v = s.boolean("grad_accumulation_fusion")) sw.grad_accumulation_fusion = *v;
    if (auto v = s.boolean("tp_comm_overlap")) sw.tp_comm_overlap = *v;
    if (auto v = s.boolean("overlap_p2p_comm")) sw.overlap_p2p_comm = *v;
    if (auto v = s.boolean("dropout")) sw.dropout = *v;
    if (auto v = s.boolean("fused_elementwise")) sw.fused_elementwise = *v;
    if (auto v = s.choice("moe_dispatch", {"permute", "einsum"})) {
      sw.moe_dispatch = *v == "einsum" ? workloads::MoeDispatch::einsum : workloads::MoeDispatch::permute;
    }
    if (auto v = s.choice("moe_dispatcher", {"all-to-all", "deepep"})) {
      sw.moe_dispatcher = *v == "deepep" ? workloads::MoeDispatcher::deepep : workloads::MoeDispatcher::all_to_all;
    }
    if (auto v = s.boolean("fused_norm")) sw.fused_norm = *v;
    if (auto v = s.choice("zero3_gather", {"in-place", "copy-out"})) {
      sw.zero3_gather = *v == "copy-out" ? workloads::Zero3Gather::copy_out : workloads::Zero3Gather::in_place;
    }
    if (auto v = s.integer("activation_offload_layers", 0, 100'000)) sw.activation_offload_layers = static_cast<int>(*v);
    if (auto v = s.choice("activation_layout", {"seq-first", "batch-first"})) {
      sw.activation_layout =
          *v == "batch-first" ? workloads::ActivationLayout::batch_first : workloads::ActivationLayout::seq_first;
    }
    s.finish();
  }
}

void parse_inference(ObjectReader& w, WorkloadDraft& wd) {
  JsonReader& r = w.reader();
  workloads::InferenceJob& job = wd.serve;
  const std::size_t before = r.error_count();
  if (const json* pj = w.get("parallelism")) {
    ObjectReader p(r, *pj, w.pointer("parallelism"));
    if (auto v = p.integer("tp", 1, 1'000'000)) job.tp = static_cast<int>(*v);
    if (auto v = p.integer("pp", 1, 1'000'000)) job.pp = static_cast<int>(*v);
    // Data parallelism of serving is its replicas: say so rather than guess "pp".
    if (p.has("dp")) {
      p.allow({"dp"});
      r.error(p.pointer("dp"), "an inference workload has no \"dp\": its copies are \"replicas\"",
              "move the count to the workload's \"replicas\"");
    }
    p.finish();
  }
  if (auto v = w.integer("replicas", 1, 1'000'000)) job.replicas = static_cast<int>(*v);
  wd.parallelism_ok = r.error_count() == before;
  detail::parse_serving_keys(w, wd);
}

void parse_workload(const json& wj, const std::string& pointer, ScenarioDraft& d, JsonReader& r) {
  ObjectReader w(r, wj, pointer);
  if (!w.ok()) return;
  auto name = w.string("name", true);
  auto kind = w.choice("kind", {"training", "inference"}, true);
  w.allow({"model", "parallelism", "precision", "tokens", "software", "replicas", "load", "input_tokens",
           "output_tokens", "weight_precision", "kv_cache_precision", "serving", "slo", "router", "disaggregation",
           "report_interval"});
  if (!kind) {
    w.finish();
    return;  // the other keys depend on the kind
  }
  WorkloadDraft wd;
  wd.pointer = pointer;
  wd.training = *kind == "training";
  (wd.training ? wd.train.name : wd.serve.name) = name.value_or("");
  const std::size_t before = r.error_count();
  if (const json* mj = w.get("model", true, "explicit fields, {\"preset\": NAME} or {\"hf_config\": PATH}")) {
    ObjectReader m(r, *mj, w.pointer("model"));
    if (m.ok()) parse_model(m, wd);
  }
  wd.model_ok = r.error_count() == before;
  if (auto p = parse_precision(w)) {
    (wd.training ? wd.train.precision : wd.serve.precision) = *p;
    wd.precision_ok = true;
  }
  if (wd.training) {
    parse_training(w, wd);
  } else {
    parse_inference(w, wd);
  }
  // Keys of the other kind were allowed above; now they are errors.
  const std::vector<std::string> other =
      wd.training ? std::vector<std::string>{"replicas", "load", "input_tokens", "output_tokens", "weight_precision",
                                             "kv_cache_precision", "serving", "slo", "router", "disaggregation",
                                             "report_interval"}
                  : std::vector<std::string>{"tokens", "software"};
  for (const auto& key : other) {
    if (w.has(key)) {
      r.error(w.pointer(key), in_quotes(key) + " does not apply to a " + *kind + " workload",
              std::string("remove it, or set \"kind\" to \"") + (wd.training ? "inference" : "training") + "\"");
    }
  }
  w.finish();
  d.workloads.push_back(std::move(wd));
}

Dimension metric_dimension(const std::string& metric) {
  if (metric == "step_time_s") return Dimension::time;
  if (metric == "it_power_W") return Dimension::power;
  if (metric == "cost_usd") return Dimension::money;
  if (metric == "tokens_per_s" || metric == "output_tokens_per_s" || metric == "requests_per_s") {
    return Dimension::frequency;
  }
  return Dimension::count;
}

/// `simulation.des.power_trace`: true, false, or a sampling period ("1 ms"; true samples every step / 200).
void parse_power_trace(JsonReader& r, const json& value, const std::string& pointer, sim::DesPowerTrace& trace) {
  if (value.is_boolean()) {
    trace.enabled = value.get<bool>();
  } else if (value.is_string() || value.is_number()) {
    if (auto period = r.quantity(value, pointer, Dimension::time, 0, 3600, true)) {
      trace.enabled = true;
      trace.period_s = *period;
    }
  } else {
    r.error(pointer, "expected true, false or a sampling period, found " + describe_json(value),
            "write true (a sample every 1/200 of the step), false, or a period such as \"1 ms\"");
  }
}

/// `simulation.des`: {"trace": "step.json", "stragglers": [{"gpu": 17, "slowdown": 1.3}],
/// "failed_cables": [{"from_node": 0, "to_node": 40, "tier": 1, "cables": 2}], "checkpoint": "async",
/// "power_trace": "1 ms"}.
void parse_des_options(JsonReader& r, const json& value, const std::string& pointer, ScenarioDraft& d) {
  ObjectReader o(r, value, pointer);
  if (!o.ok()) return;
  sim::DesEngineOptions& des = d.scenario.simulation.des;
  if (auto t = o.string("trace")) des.trace_path = resolve(r.file(), *t);
  if (auto c = o.choice("checkpoint", {"none", "sync", "async"})) {
    des.checkpoint.enabled = *c != "none";
    des.checkpoint.mode = *c == "sync" ? workloads::CheckpointMode::sync : workloads::CheckpointMode::async;
  }
  if (const json* p = o.get("power_trace")) parse_power_trace(r, *p, o.pointer("power_trace"), des.power_trace);
  if (const json* list = o.get("stragglers"); list != nullptr && r.expect_array(*list, o.pointer("stragglers"))) {
    const long long gpus = std::max(1, d.scenario.cluster.total_gpus());
    for (std::size_t i = 0; i < list->size(); ++i) {
      ObjectReader g(r, (*list)[i], json_pointer_append(o.pointer("stragglers"), i));
      if (!g.ok()) continue;
      const auto gpu = g.integer("gpu", 0, gpus - 1, true);
      const auto slowdown = g.number("slowdown", 1.0, 1000.0, false, true);
      g.finish();
      if (!gpu || !slowdown) continue;
      if (des.slowdown.size() <= static_cast<std::size_t>(*gpu)) des.slowdown.resize(*gpu + 1, 1.0);
      des.slowdown[*gpu] = *slowdown;
    }
  }
  if (const json* list = o.get("failed_cables"); list != nullptr && r.expect_array(*list, o.pointer("failed_cables"))) {
    const long long nodes = std::max(1, d.scenario.cluster.nodes);
    const long long rails = std::max(1, d.scenario.cluster.scale_out.nics_per_node);
    for (std::size_t i = 0; i < list->size(); ++i) {
      ObjectReader f(r, (*list)[i], json_pointer_append(o.pointer("failed_cables"), i));
      if (!f.ok()) continue;
      const auto from = f.integer("from_node", 0, nodes - 1, true);
      const auto to = f.integer("to_node", 0, nodes - 1, true);
      const auto tier = f.integer("tier", 0, 2, true);
      const auto cables = f.integer("cables", 1, std::max(1LL, rails - 1));
      f.finish();
      if (from && to && tier) {
        des.failed.push_back({static_cast<int>(*from), static_cast<int>(*to), static_cast<int>(*tier),
                              static_cast<int>(cables.value_or(1))});
      }
    }
  }
  o.finish();
}

/// Gives a DES checkpoint (`simulation.des.checkpoint`) the tier `storage.checkpoint` names, which must cross the
/// fabric: a parallel file system or an object store.
void resolve_des_checkpoint(JsonReader& r, Scenario& scenario) {
  sim::DesCheckpoint& ckpt = scenario.simulation.des.checkpoint;
  if (!ckpt.enabled) return;
  ckpt.host_copy_bw_Bps = scenario.storage.checkpoint.host_copy_bw_Bps;
  for (const auto& tier : scenario.storage.tiers) {
    if (tier.name != scenario.storage.checkpoint.tier) continue;
    ckpt.tier = tier;
    if (tier.kind == hw::StorageKind::local_nvme) {
      r.error("/simulation/des/checkpoint",
              "the des engine writes checkpoints over the fabric, but storage tier \"" + printable_ascii(tier.name) +
                  "\" is local-nvme",
              "set storage.checkpoint.tier to a parallel-fs or object-store tier, or \"checkpoint\": \"none\"");
    }
  }
}

/// `validation.price_per_gpu_hour`: the price a publication put on its GPU time. "cost_usd" needs it; any other
/// metric has no use for it.
void parse_validation_price(ObjectReader& v, const std::string& metric, ValidationTarget& t) {
  if (metric != "cost_usd") {
    if (v.has("price_per_gpu_hour")) {
      v.reader().error(v.pointer("price_per_gpu_hour"), "a price applies only to the \"cost_usd\" metric, not to \"" +
                                                            printable_ascii(metric) + "\"",
                       "remove it, or set \"metric\": \"cost_usd\"");
      v.allow({"price_per_gpu_hour"});
    }
    return;
  }
  if (auto p = v.quantity("price_per_gpu_hour", Dimension::money_rate, 0, 1e30, true, true)) {
    t.price_usd_per_gpu_s = *p;
  }
}

void parse_simulation_and_validation(ObjectReader& top, ScenarioDraft& d) {
  JsonReader& r = top.reader();
  if (const json* sj = top.get("simulation")) {
    ObjectReader s(r, *sj, top.pointer("simulation"));
    if (auto v = s.choice("engine", {"analytical", "des"})) d.scenario.simulation.engine = *v;
    if (auto v = s.integer("seed", 0, std::numeric_limits<long long>::max())) d.scenario.simulation.seed = *v;
    if (const json* dj = s.get("des")) parse_des_options(r, *dj, s.pointer("des"), d);
    s.finish();
  }
  if (const json* vj = top.get("validation")) {
    ObjectReader v(r, *vj, top.pointer("validation"));
    if (!v.ok()) return;
    ValidationTarget t;
    auto metric = v.choice("metric",
                           {"step_time_s", "tokens_per_s", "mfu", "model_tflops_per_gpu", "output_tokens_per_s",
                            "requests_per_s", "it_power_W", "gpu_hours", "cost_usd"},
                           true);
    if (metric) t.metric = *metric;
    if (auto w = v.string("workload", true)) t.workload = *w;
    if (metric) {
      if (auto m = v.quantity("measured", metric_dimension(*metric), 0, 1e30, true, true)) t.measured = *m;
      parse_validation_price(v, *metric, t);
    } else {
      v.allow({"measured", "price_per_gpu_hour"});  // their meaning depends on the metric
    }
    if (auto s = v.string("source")) t.source = *s;
    if (auto l = v.string("label")) t.label = *l;
    v.finish();
    d.scenario.validation = t;
  }
}

}  // namespace

Scenario load_scenario(const json& doc, const std::string& file) {
  JsonReader r(file);
  ScenarioDraft d;
  try {
    ObjectReader top(r, doc, "");
    if (!top.ok()) r.throw_if_errors();
    if (auto schema = top.string("schema", true); schema && *schema != schema_v1) {
      r.error(top.pointer("schema"), "expected \"" + std::string(schema_v1) + "\", found " + describe_json(*schema),
              "this CapSim reads \"schema\": \"" + std::string(schema_v1) + "\"");
    }
    if (auto name = top.string("name", true)) d.scenario.name = *name;
    std::optional<hw::GpuCatalog> user_catalog;
    const hw::GpuCatalog& catalog = gpu_catalog(top, user_catalog);
    parse_cluster(top, catalog, d);
    if (const json* wl = top.get("workloads", !top.has("fleet"), "an array of at least one workload")) {
      if (r.expect_array(*wl, "/workloads")) {
        if (wl->empty() && !top.has("fleet")) {
          r.error("/workloads", "expected at least one workload, found an empty array",
                  "add a training or inference workload");
        }
        for (std::size_t i = 0; i < wl->size(); ++i) {
          parse_workload((*wl)[i], json_pointer_append("/workloads", i), d, r);
        }
      }
    }
    parse_simulation_and_validation(top, d);
    detail::parse_storage_and_reliability(top, d.scenario);
    resolve_des_checkpoint(r, d.scenario);
    detail::check_scenario(d, r);
    detail::check_placement(r, d.scenario);
    if (d.cluster_ok) {
      detail::parse_fleet(top, d.scenario);  // after the workloads: services may name one
    } else {
      top.allow({"fleet"});
    }
    top.finish();
  } catch (const InputError&) {
    throw;
  } catch (const Error& e) {
    r.error("", printable_ascii(e.what()));
  } catch (const json::exception& e) {
    r.error("", "unexpected JSON value: " + printable_ascii(e.what()));
  }
  r.throw_if_errors();
  d.scenario.file = file;
  return std::move(d.scenario);
}

Scenario load_scenario_text(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> found;
  auto doc = parse_json_text(text, file, found);
  if (!doc) throw InputError(found);
  return load_scenario(*doc, file);
}

Scenario load_scenario_file(const std::string& path) {
  std::vector<Diagnostic> found;
  std::string text;
  if (!read_text_file(path, text, path, "", found)) throw InputError(found);
  return load_scenario_text(text, path);
}

}  // namespace capsim::planner
