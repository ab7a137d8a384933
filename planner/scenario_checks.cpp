#include "planner/scenario_checks.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>

namespace capsim::planner::detail {

namespace {

using ll = long long;

constexpr ll ll_max = std::numeric_limits<ll>::max();

/// Products of user-given factors (each up to 1e6) can pass 2^63; saturate instead of overflowing.
ll mul_sat(ll a, ll b) { return (a != 0 && b > ll_max / a) ? ll_max : a * b; }
ll add_sat(ll a, ll b) { return a > ll_max - b ? ll_max : a + b; }

std::string str(ll v) { return std::to_string(v); }

/// "use a tp that divides 64: 1, 2, 4, 8, 16, 32 or 64" (a dozen divisors at most).
std::string divisor_hint(const std::string& what, ll n) {
  const std::string head = "use " + what + " that divides " + str(n);
  if (n <= 0 || n > 1'000'000'000'000LL) return head;  // keeps the search under a million steps
  std::vector<ll> small, large;
  for (ll d = 1; d * d <= n; ++d) {
    if (n % d != 0) continue;
    small.push_back(d);
    if (d * d != n) large.push_back(n / d);
  }
  small.insert(small.end(), large.rbegin(), large.rend());
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < small.size() && i < 11; ++i) shown.push_back(str(small[i]));
  if (small.size() > 11) {
    return head + ": " + join_alternatives(shown, ", ") + ", ... or " + str(n);
  }
  return head + ": " + join_alternatives(shown);
}

/// "e.g. 992 or 1024": the multiples of `step` nearest to `value`.
std::string nearest_multiples(ll value, ll step, ll max) {
  ll below = value / step * step;
  ll above = below + step;
  std::vector<std::string> options;
  if (below > 0) options.push_back(str(below));
  if (above <= max) options.push_back(str(above));
  return options.empty() ? "" : ", e.g. " + join_alternatives(options);
}

class Checker {
 public:
  Checker(ScenarioDraft& d, JsonReader& r) : d_(d), r_(r) {}

  void run();

 private:
  std::string model_ptr(const WorkloadDraft& w, const std::string& key) const {
    return w.model_keys.count(key) ? w.pointer + "/model/" + key : w.pointer + "/model";
  }
  static std::string par_ptr(const WorkloadDraft& w, const std::string& key) {
    return w.pointer + "/parallelism/" + key;
  }
  bool check_model(WorkloadDraft& w);
  bool check_router_groups(const WorkloadDraft& w, const workloads::TransformerModel& m);
  void check_heads(WorkloadDraft& w, int tp, int pp, const std::string& tp_ptr, const std::string& pp_ptr);
  void check_training(WorkloadDraft& w, bool dp_known);
  void check_precision(const WorkloadDraft& w);
  /// Sets dp where the scenario left it out; returns, per workload, whether its GPU count is known.
  std::vector<bool> derive_dp();
  void check_gpu_total(const std::vector<bool>& size_known);
  void check_names();
  /// "gpu_hours" and "cost_usd" price a whole run, so the workload they name must be a training workload.
  void check_whole_run_metric(const ValidationTarget& v);

  ScenarioDraft& d_;
  JsonReader& r_;
};

bool Checker::check_model(WorkloadDraft& w) {
  workloads::TransformerModel& m = w.model();
  const std::string source = w.model_keys.empty() ? "the preset" : "the model";
  for (auto [key, value] : {std::pair<const char*, ll>{"layers", m.layers},
                            {"hidden", m.hidden},
                            {"ffn_hidden", m.ffn_hidden},
                            {"heads", m.heads},
                            {"vocab", m.vocab}}) {
    if (value <= 0) {
      r_.error(model_ptr(w, key), source + " has no " + key, "add \"" + std::string(key) + "\": a positive integer");
      return false;
    }
  }
  bool ok = true;
  if (m.kv_heads <= 0) m.kv_heads = m.heads;
  if (m.heads % m.kv_heads != 0) {
    r_.error(model_ptr(w, "kv_heads"),
             "heads (" + str(m.heads) + ") is not a multiple of kv_heads (" + str(m.kv_heads) + ")",
             divisor_hint("kv_heads", m.heads));
    ok = false;
  }
  if (m.head_dim <= 0) {
    if (m.hidden % m.heads != 0) {
      r_.error(model_ptr(w, "heads"),
               "hidden (" + str(m.hidden) + ") is not a multiple of heads (" + str(m.heads) + ")",
               "set \"head_dim\" explicitly, or " + divisor_hint("a heads", m.hidden));
      ok = false;
    } else {
      m.head_dim = m.hidden / m.heads;
    }
  }
  if (m.is_moe()) {
    if (m.top_k <= 0) {
      r_.error(model_ptr(w, "top_k"), "a mixture-of-experts model (experts " + str(m.experts) + ") needs top_k",
               "add \"top_k\": the experts each token is routed to, e.g. 2");
      ok = false;
    } else if (m.top_k > m.experts) {
      r_.error(model_ptr(w, "top_k"), "top_k (" + str(m.top_k) + ") is more than experts (" + str(m.experts) + ")",
               "use a top_k from 1 to " + str(m.experts));
      ok = false;
    }
    if (m.expert_ffn_hidden <= 0) m.expert_ffn_hidden = m.ffn_hidden;
    if (m.shared_experts > 0 && m.shared_expert_ffn_hidden <= 0) m.shared_expert_ffn_hidden = m.expert_ffn_hidden;
    ok = check_router_groups(w, m) && ok;
  } else {
    for (const char* key : {"shared_experts", "shared_expert_ffn_hidden", "router_groups", "router_group_topk"}) {
      if (w.model_keys.count(key) != 0 && !(std::string(key) == "shared_experts" && m.shared_experts == 0)) {
        r_.error(model_ptr(w, key), std::string(key) + " needs a mixture-of-experts model (experts > 1)",
                 "remove \"" + std::string(key) + "\", or give the model its \"experts\" and \"top_k\"");
        ok = false;
      }
    }
  }
  if (w.training && m.seq_len <= 0) {
    r_.error(model_ptr(w, "seq_len"), "a training workload needs the model's seq_len",
             "add \"seq_len\": the training sequence length in tokens, e.g. 4096");
    ok = false;
  }
  return ok;
}

/// Group-limited routing must split the experts into whole groups and leave each token room for its top_k.
bool Checker::check_router_groups(const WorkloadDraft& w, const workloads::TransformerModel& m) {
  const int groups = m.router_groups;
  const int k = m.router_group_topk;
  if (groups == 0 && k == 0) return true;
  if (groups == 0 || k == 0) {
    const char* missing = groups == 0 ? "router_groups" : "router_group_topk";
    r_.error(model_ptr(w, groups == 0 ? "router_group_topk" : "router_groups"),
             "group-limited routing needs both router_groups and router_group_topk",
             "add \"" + std::string(missing) + "\" (DeepSeek-V3: 8 groups, 4 picked per token), or remove the other");
    return false;
  }
  if (m.experts % groups != 0) {
    r_.error(model_ptr(w, "router_groups"),
             str(groups) + " does not divide experts (" + str(m.experts) + ")", divisor_hint("a router_groups", m.experts));
    return false;
  }
  if (k > groups) {
    r_.error(model_ptr(w, "router_group_topk"),
             "router_group_topk (" + str(k) + ") is more than router_groups (" + str(groups) + ")",
             "use a router_group_topk from 1 to " + str(groups));
    return false;
  }
  if (const long long open = static_cast<long long>(k) * (m.experts / groups); m.top_k > open) {
    r_.error(model_ptr(w, "router_group_topk"),
             "top_k (" + str(m.top_k) + ") is more than the " + str(open) + " experts of " + str(k) + " groups of " +
                 str(m.experts / groups),
             "raise router_group_topk to at least " + str((m.top_k + m.experts / groups - 1) / (m.experts / groups)));
    return false;
  }
  return true;
}

void Checker::check_heads(WorkloadDraft& w, int tp, int pp, const std::string& tp_ptr, const std::string& pp_ptr) {
  const workloads::TransformerModel& m = w.model();
  if (m.heads % tp != 0) {
    r_.error(tp_ptr, str(tp) + " does not divide heads (" + str(m.heads) + ")", divisor_hint("a tp", m.heads));
  } else if (m.kv_heads % tp != 0 && tp % m.kv_heads != 0) {
    r_.error(tp_ptr, str(tp) + " and kv_heads (" + str(m.kv_heads) + ") do not divide one another",
             "use a tp that divides " + str(m.kv_heads) + " or is a multiple of it");
  }
  if (pp > m.layers) {
    r_.error(pp_ptr, "pp (" + str(pp) + ") is more than layers (" + str(m.layers) + ")",
             "use a pp from 1 to " + str(m.layers) + "; every stage needs at least one layer");
  }
}

void Checker::check_training(WorkloadDraft& w, bool dp_known) {
  const workloads::TransformerModel& m = w.model();
  const workloads::Parallelism& p = w.train.parallelism;
  check_heads(w, p.tp, p.pp, par_ptr(w, "tp"), par_ptr(w, "pp"));
  if (p.virtual_stages > 1 && p.pp == 1) {
    r_.error(par_ptr(w, "virtual_stages"), "virtual_stages " + str(p.virtual_stages) + " needs pp > 1",
             "set \"virtual_stages\": 1, or use pipeline parallelism");
  } else if (p.pp <= m.layers && mul_sat(p.pp, p.virtual_stages) > m.layers) {
    r_.error(par_ptr(w, "virtual_stages"),
             "pp x virtual_stages = " + str(mul_sat(p.pp, p.virtual_stages)) + " is more than layers (" +
                 str(m.layers) + ")",
             "use virtual_stages <= " + str(m.layers / p.pp) + "; every model chunk needs at least one layer");
  }
  if (p.cp > 1 && m.seq_len % (2LL * p.cp) != 0) {
    // Megatron-Core splits each sequence into 2 x cp chunks to balance causal attention across ranks.
    r_.error(par_ptr(w, "cp"), "seq_len (" + str(m.seq_len) + ") is not a multiple of 2 x cp (" + str(2LL * p.cp) + ")",
             "use a cp such that seq_len is a multiple of 2 x cp, or change seq_len");
  }
  if (const int off = w.train.software.activation_offload_layers; off > 0 && p.pp > 0) {
    if (const ll stage_layers = m.layers / p.pp; off > stage_layers) {
      r_.error(w.pointer + "/software/activation_offload_layers",
               str(off) + " layers offloaded, but a pipeline stage holds " + str(stage_layers) + " (" +
                   str(m.layers) + " layers over pp " + str(p.pp) + ")",
               "offload at most " + str(stage_layers) + " layers per stage");
    }
  }
  if (w.train.software.moe_dispatch == workloads::MoeDispatch::einsum && !(m.is_moe() && m.capacity_factor > 0)) {
    r_.error(w.pointer + "/software/moe_dispatch",
             "\"einsum\" dispatch multiplies one-hot masks of each expert's capacity, but " +
                 std::string(m.is_moe() ? "the model has no capacity_factor" : "the model is dense"),
             m.is_moe() ? "add the model's \"capacity_factor\" (e.g. 1.25), or use \"permute\""
                        : "remove \"moe_dispatch\"");
  }
  if (p.ep > 1) {
    if (!m.is_moe()) {
      r_.error(par_ptr(w, "ep"), "ep " + str(p.ep) + " needs a mixture-of-experts model (experts > 1)",
               "set \"ep\": 1 for a dense model");
    } else if (m.experts % p.ep != 0) {
      r_.error(par_ptr(w, "ep"), str(p.ep) + " does not divide experts (" + str(m.experts) + ")",
               divisor_hint("an ep", m.experts));
    } else if (dp_known && !p.experts_folded() && mul_sat(p.dp, p.cp) % p.ep != 0) {
      const std::string fold = p.tp > 1 ? ", or set \"etp\": 1 to let ep span the tensor-parallel ranks too" : "";
      r_.error(par_ptr(w, "ep"), str(p.ep) + " does not divide dp x cp (" + str(mul_sat(p.dp, p.cp)) + ")",
               "experts are spread inside the data-parallel group: " + divisor_hint("an ep", mul_sat(p.dp, p.cp)) +
                   fold);
    } else if (dp_known && p.experts_folded() && mul_sat(mul_sat(p.tp, p.dp), p.cp) % p.ep != 0) {
      const ll ranks = mul_sat(mul_sat(p.tp, p.dp), p.cp);
      r_.error(par_ptr(w, "ep"), str(p.ep) + " does not divide tp x dp x cp (" + str(ranks) + ")",
               "folded experts (etp 1) spread over a stage's ranks: " + divisor_hint("an ep", ranks));
    }
  }
  if (p.etp > 0) {
    if (!m.is_moe()) {
      r_.error(par_ptr(w, "etp"), "etp needs a mixture-of-experts model (experts > 1)", "remove \"etp\"");
    } else if (p.etp != 1 && p.etp != p.tp) {
      r_.error(par_ptr(w, "etp"), "etp " + str(p.etp) + " is neither 1 nor tp (" + str(p.tp) + ")",
               "use 1 (experts whole on each rank, ep spanning the tensor-parallel ranks) or leave it out (experts split "
               "over tp); CapSim models no other expert tensor-parallel width");
    } else if (p.experts_folded() && p.ep % mul_sat(p.tp, p.cp) != 0 && mul_sat(p.tp, p.cp) % p.ep != 0) {
      r_.error(par_ptr(w, "ep"),
               "folded experts: ep " + str(p.ep) + " neither divides nor fills whole groups of tp x cp (" +
                   str(mul_sat(p.tp, p.cp)) + ") ranks",
               "use an ep that is a multiple or a divisor of " + str(mul_sat(p.tp, p.cp)) +
                   " (CapSim lays expert groups over whole tensor- and context-parallel groups)");
    } else if (p.experts_folded() && !p.sequence_parallel) {
      r_.error(par_ptr(w, "etp"), "folded experts (etp 1 with tp " + str(p.tp) + ") need sequence parallelism",
               "set \"sequence_parallel\": true (Megatron-Core requires it for experts under tensor parallelism)");
    }
  }
  if (!dp_known) return;
  const ll per_step = mul_sat(p.dp, p.micro_batch);
  const ll max_batch = 1'000'000'000;
  if (p.global_batch % per_step != 0) {
    r_.error(par_ptr(w, "global_batch"),
             str(p.global_batch) + " does not split into micro-batches: dp (" + str(p.dp) + ") x micro_batch (" +
                 str(p.micro_batch) + ") = " + str(per_step) + " does not divide it",
             "use a global_batch that is a multiple of " + str(per_step) +
                 nearest_multiples(p.global_batch, per_step, max_batch));
  } else if (p.virtual_stages > 1 && p.pp > 1 && (p.global_batch / per_step) % p.pp != 0) {
    // Megatron-LM's interleaved 1F1B schedule requires the micro-batch count to be a multiple of pp.
    const ll step = mul_sat(per_step, p.pp);
    r_.error(par_ptr(w, "global_batch"),
             "the interleaved schedule (virtual_stages " + str(p.virtual_stages) + ") needs the micro-batch count (" +
                 str(p.global_batch / per_step) + ") to be a multiple of pp (" + str(p.pp) + ")",
             "use a global_batch that is a multiple of dp x micro_batch x pp = " + str(step) +
                 nearest_multiples(p.global_batch, step, max_batch));
  }
}

void Checker::check_precision(const WorkloadDraft& w) {
  const hw::GpuSpec& gpu = d_.scenario.cluster.gpu;
  if (gpu.supports(w.precision())) return;
  std::vector<std::string> supported;
  for (const auto& entry : gpu.peak_flops) supported.emplace_back(hw::to_string(entry.first));
  r_.error(w.pointer + "/precision", "the " + gpu.id + " has no " + std::string(hw::to_string(w.precision())) + " math",
           supported.empty() ? "choose another GPU" : "use one of its precisions: " + join_alternatives(supported));
}

std::vector<bool> Checker::derive_dp() {
  std::vector<bool> known(d_.workloads.size(), false);
  if (!d_.cluster_ok) return known;
  ll fixed = 0;
  int automatic = 0;
  for (std::size_t i = 0; i < d_.workloads.size(); ++i) {
    WorkloadDraft& w = d_.workloads[i];
    if (!w.parallelism_ok) continue;
    if (!w.training) {
      fixed = add_sat(fixed, mul_sat(mul_sat(w.serve.tp, w.serve.pp), w.serve.replicas));
      known[i] = true;
    } else if (w.dp_given) {
      const auto& p = w.train.parallelism;
      fixed = add_sat(fixed, mul_sat(mul_sat(mul_sat(p.tp, p.pp), p.cp), p.dp));
      known[i] = true;
    } else {
      ++automatic;
    }
  }
  // Training workloads without dp share the GPUs the others leave free, in equal parts.
  const ll total = d_.scenario.cluster.total_gpus();
  const ll free_gpus = std::max<ll>(0, total - fixed);
  for (std::size_t i = 0; i < d_.workloads.size(); ++i) {
    WorkloadDraft& w = d_.workloads[i];
    if (!w.training || w.dp_given || !w.parallelism_ok) continue;
    auto& p = w.train.parallelism;
    const ll copy = mul_sat(mul_sat(p.tp, p.pp), p.cp);
    const ll dp = free_gpus / automatic / copy;
    if (dp < 1) {
      r_.error(w.pointer + "/parallelism",
               "cannot derive dp: one model copy needs tp x pp x cp = " + str(copy) + " GPUs, but only " +
                   str(free_gpus / automatic) + " of the cluster's " + str(total) + " GPUs are left for it",
               "set \"dp\" explicitly, shrink tp, pp or cp, or add nodes");
      continue;
    }
    p.dp = static_cast<int>(dp);
    known[i] = true;
  }
  return known;
}

void Checker::check_gpu_total(const std::vector<bool>& size_known) {
  if (!d_.cluster_ok || d_.workloads.empty()) return;
  ll need = 0;
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < d_.workloads.size(); ++i) {
    if (!size_known[i]) return;  // already reported; a total would only mislead
    const WorkloadDraft& w = d_.workloads[i];
    const ll gpus =
        w.training ? mul_sat(mul_sat(mul_sat(w.train.parallelism.tp, w.train.parallelism.pp), w.train.parallelism.cp),
                             w.train.parallelism.dp)
                   : mul_sat(mul_sat(w.serve.tp, w.serve.pp), w.serve.replicas);
    need = add_sat(need, gpus);
    if (parts.size() < 8) parts.push_back((w.name().empty() ? "#" + str(i) : w.name()) + " " + str(gpus));
  }
  const hw::ClusterSpec& c = d_.scenario.cluster;
  const ll have = c.total_gpus();
  if (need <= have) return;
  if (d_.workloads.size() > parts.size()) parts.push_back("...");
  const ll nodes_needed = need / c.gpus_per_node + (need % c.gpus_per_node != 0 ? 1 : 0);
  const std::string too_many = need == ll_max ? "far too many" : str(need - have) + " too many";
  r_.error("/workloads",
           "the workloads need " + (need == ll_max ? std::string("more than 9e18") : str(need)) + " GPUs (" +
               join_alternatives(parts, ", ") + ") but the cluster has " + str(have) + " (" + str(c.nodes) +
               " nodes x " + str(c.gpus_per_node) + " GPUs): " + too_many,
           (nodes_needed <= 1'000'000 ? "use at least " + str(nodes_needed) + " nodes, or shrink the workloads"
                                      : std::string("shrink the workloads")) +
               (need == ll_max ? std::string() : " by " + str(need - have) + " GPUs"));
}

void Checker::check_names() {
  std::map<std::string, std::string> seen;
  for (const WorkloadDraft& w : d_.workloads) {
    if (w.name().empty()) continue;
    auto [it, inserted] = seen.emplace(w.name(), w.pointer);
    if (!inserted) {
      r_.error(w.pointer + "/name",
               "workload name \"" + printable_ascii(w.name()) + "\" is already used at " + it->second,
               "give every workload its own name");
    }
  }
  const auto& v = d_.scenario.validation;
  if (v && !v->workload.empty() && seen.count(v->workload) == 0) {
    std::vector<std::string> names;
    for (const auto& [name, ptr] : seen) names.push_back("\"" + name + "\"");
    r_.error("/validation/workload", "no workload is named \"" + printable_ascii(v->workload) + "\"",
             names.empty() ? "name one of the workloads" : "use one of " + join_alternatives(names));
  }
  if (v) check_whole_run_metric(*v);
}

void Checker::check_whole_run_metric(const ValidationTarget& v) {
  if (v.metric != "gpu_hours" && v.metric != "cost_usd") return;
  for (const WorkloadDraft& w : d_.workloads) {
    if (w.name() != v.workload || w.training) continue;  // a training workload always has its token count
    r_.error("/validation/metric", "\"" + v.metric + "\" is the GPU time of a whole training run, and workload \"" +
                                       printable_ascii(w.name()) + "\" is an inference workload",
             "validate a training workload, or use \"output_tokens_per_s\" or \"requests_per_s\"");
  }
}

void Checker::run() {
  check_names();
  std::vector<bool> model_valid(d_.workloads.size(), false);
  for (std::size_t i = 0; i < d_.workloads.size(); ++i) {
    WorkloadDraft& w = d_.workloads[i];
    if (w.model_ok) model_valid[i] = check_model(w);
    if (w.precision_ok && d_.cluster_ok) check_precision(w);
  }
  const std::vector<bool> size_known = derive_dp();
  for (std::size_t i = 0; i < d_.workloads.size(); ++i) {
    WorkloadDraft& w = d_.workloads[i];
    if (!model_valid[i] || !w.parallelism_ok) continue;
    if (w.training) {
      check_training(w, size_known[i]);
    } else {
      check_heads(w, w.serve.tp, w.serve.pp, par_ptr(w, "tp"), par_ptr(w, "pp"));
    }
  }
  check_gpu_total(size_known);
  for (WorkloadDraft& w : d_.workloads) {
    if (w.training) {
      d_.scenario.workloads.emplace_back(std::move(w.train));
    } else {
      d_.scenario.workloads.emplace_back(std::move(w.serve));
    }
  }
}

}  // namespace

void check_scenario(ScenarioDraft& draft, JsonReader& reader) { Checker(draft, reader).run(); }

}  // namespace capsim::planner::detail
