#include <climits>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "models/workloads/model_catalog.hpp"
#include "sim/core/error.hpp"

namespace capsim::workloads {

namespace {

using detail::json_type_name;

/// Reads top-level keys of a config.json, collecting every problem. A key set to null counts as absent, as
/// transformers' PretrainedConfig treats it.
class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& config, const std::string& origin, std::vector<Diagnostic>& diagnostics)
      : config_(config), origin_(origin), diagnostics_(diagnostics) {}

  void report(std::string_view key, std::string message, std::string hint = {}) {
    diagnostics_.push_back(
        Diagnostic{origin_, key.empty() ? std::string() : "/" + std::string(key), std::move(message), std::move(hint)});
  }

  /// The value of `key`, or nullptr when it is absent or null.
  const nlohmann::json* get(std::string_view key) const {
    auto it = config_.find(key);
    return it == config_.end() || it->is_null() ? nullptr : &*it;
  }

  /// A positive integer no larger than `max`; std::nullopt (and a diagnostic if required) when absent or invalid.
  std::optional<long long> positive(std::string_view key, bool required, long long max = INT_MAX) {
    const nlohmann::json* v = get(key);
    if (v == nullptr) {
      if (required) report(key, "missing: expected a positive integer");
      return std::nullopt;
    }
    std::optional<long long> value;
    if (v->is_number_unsigned()) {
      const auto u = v->get<unsigned long long>();
      value = u > static_cast<unsigned long long>(LLONG_MAX) ? LLONG_MAX : static_cast<long long>(u);
    } else if (v->is_number_integer()) {
      value = v->get<long long>();
    } else if (v->is_number_float()) {
      // Accept 4096.0 but not 4096.5; clamp before the cast so that it is defined.
      const double d = v->get<double>();
      if (std::isfinite(d) && d == std::floor(d)) {
        value = d >= 9.2e18 ? LLONG_MAX : (d <= -9.2e18 ? LLONG_MIN : static_cast<long long>(d));
      }
    }
    if (!value) {
      report(key, "expected a positive integer, got " + (v->is_number() ? v->dump() : json_type_name(*v)));
    } else if (*value <= 0) {
      report(key, "expected a positive integer, got " + v->dump());
      value.reset();
    } else if (*value > max) {
      report(key, v->dump() + " is too large: expected at most " + std::to_string(max));
      value.reset();
    }
    return value;
  }

  bool boolean(std::string_view key, bool fallback) {
    const nlohmann::json* v = get(key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) {
      report(key, "expected true or false, got " + json_type_name(*v));
      return fallback;
    }
    return v->get<bool>();
  }

  std::optional<std::string> string(std::string_view key) {
    const nlohmann::json* v = get(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      report(key, "expected a string, got " + json_type_name(*v));
      return std::nullopt;
    }
    return v->get<std::string>();
  }

 private:
  const nlohmann::json& config_;
  const std::string& origin_;
  std::vector<Diagnostic>& diagnostics_;
};

/// Whether the MLP is gated (three matrices). std::nullopt for an activation CapSim does not know.
std::optional<bool> gated_from_activation(const std::string& act, const std::string& model_type) {
  // Gemma's MLP is GeGLU (gated) with a GELU activation (Gemma Team 2024, arXiv 2403.08295, Section 2).
  if (model_type == "gemma" || model_type == "gemma2" || model_type == "gemma3_text") return true;
  if (act == "silu" || act == "swiglu" || act == "swish") return true;
  if (act == "gelu" || act == "gelu_new" || act == "gelu_fast" || act == "gelu_pytorch_tanh" || act == "relu" ||
      act == "quick_gelu" || act == "gelu_python" || act == "relu2") {
    return false;
  }
  return std::nullopt;
}

/// Reports architectures whose parameters the TransformerModel fields cannot express, rather than reading them as
/// a plain model and counting them wrong.
void check_unsupported(ConfigReader& r) {
  if (r.get("n_routed_experts") != nullptr) {
    r.report("n_routed_experts", "DeepSeek-style mixture of experts is not supported",
             "describe the model with explicit fields instead");
  }
  if (r.get("kv_lora_rank") != nullptr) {
    r.report("kv_lora_rank", "multi-head latent attention is not supported",
             "describe the model with explicit fields instead");
  }
  if (const auto* step = r.get("decoder_sparse_step"); step != nullptr && !(step->is_number() && *step == 1)) {
    r.report("decoder_sparse_step", "only a mixture of experts in every layer (1) is supported, got " + step->dump());
  }
  if (const auto* dense = r.get("mlp_only_layers"); dense != nullptr && !(dense->is_array() && dense->empty())) {
    r.report("mlp_only_layers", "dense layers among expert layers are not supported, expected []");
  }
}

}  // namespace

TransformerModel model_from_hf_config(const nlohmann::json& config, const std::string& origin) {
  if (!config.is_object()) {
    throw InputError(
        {Diagnostic{origin, "", "expected a Hugging Face config.json object, got " + json_type_name(config), ""}});
  }
  std::vector<Diagnostic> diagnostics;
  ConfigReader r(config, origin, diagnostics);

  const auto name_or_path = r.string("_name_or_path");
  const auto model_type = r.string("model_type");
  const auto hidden = r.positive("hidden_size", true);
  const auto ffn = r.positive("intermediate_size", true);
  const auto layers = r.positive("num_hidden_layers", true);
  const auto heads = r.positive("num_attention_heads", true);
  const auto kv_heads = r.positive("num_key_value_heads", false);
  const auto head_dim = r.positive("head_dim", false);
  const auto vocab = r.positive("vocab_size", true, LLONG_MAX);
  // transformers' LlamaConfig, MistralConfig, MixtralConfig and Qwen2Config all default to untied embeddings.
  const bool tied = r.boolean("tie_word_embeddings", false);

  // LlamaConfig's default activation is "silu".
  const std::string act = r.string("hidden_act").value_or("silu");
  const auto gated = gated_from_activation(act, model_type.value_or(""));
  if (!gated && r.get("hidden_act") != nullptr && r.get("hidden_act")->is_string()) {
    r.report("hidden_act", "unsupported activation \"" + act + "\"",
             "expected silu or swiglu (gated MLP), or gelu, gelu_new or relu (plain MLP)");
  }

  // Mixtral names its experts num_local_experts; Qwen2-MoE and Qwen3-MoE name them num_experts and give the
  // expert width as moe_intermediate_size.
  const char* experts_key = r.get("num_local_experts") != nullptr ? "num_local_experts" : "num_experts";
  const auto experts = r.positive(experts_key, false);
  const auto top_k = r.positive("num_experts_per_tok", false);
  const auto moe_ffn = r.positive("moe_intermediate_size", false);
  // Qwen2-MoE's shared expert: one dense MLP of this width every token runs beside its routed experts (0: none).
  const nlohmann::json* shared_entry = r.get("shared_expert_intermediate_size");
  const bool no_shared = shared_entry != nullptr && shared_entry->is_number() && shared_entry->get<double>() == 0;
  const std::optional<long long> shared_ffn =
      no_shared ? std::nullopt : r.positive("shared_expert_intermediate_size", false);
  const bool moe = experts && *experts > 1;
  if (moe && !top_k && r.get("num_experts_per_tok") == nullptr) {
    r.report("num_experts_per_tok", "missing: a mixture-of-experts model needs the experts each token is routed to");
  } else if (moe && top_k && *top_k > *experts) {
    r.report("num_experts_per_tok",
             std::to_string(*top_k) + " exceeds " + experts_key + " (" + std::to_string(*experts) + ")");
  }
  check_unsupported(r);

  if (heads && kv_heads && *heads % *kv_heads != 0) {
    r.report("num_key_value_heads",
             std::to_string(*kv_heads) + " does not divide num_attention_heads (" + std::to_string(*heads) + ")");
  }
  if (heads && hidden && r.get("head_dim") == nullptr && *hidden % *heads != 0) {
    r.report("num_attention_heads",
             std::to_string(*heads) + " does not divide hidden_size (" + std::to_string(*hidden) + ")",
             "add head_dim to the config");
  }

  if (!diagnostics.empty()) throw InputError(std::move(diagnostics));

  TransformerModel m;
  if (name_or_path && !name_or_path->empty()) {
    m.name = *name_or_path;
  } else if (model_type && !model_type->empty()) {
    m.name = *model_type;
  } else {
    m.name = origin;
  }
  m.layers = static_cast<int>(*layers);
  m.hidden = static_cast<int>(*hidden);
  m.ffn_hidden = static_cast<int>(*ffn);
  m.heads = static_cast<int>(*heads);
  m.kv_heads = static_cast<int>(kv_heads.value_or(*heads));
  m.head_dim = static_cast<int>(head_dim.value_or(0));
  m.vocab = *vocab;
  m.gated_mlp = *gated;
  m.tied_embeddings = tied;
  if (moe) {
    m.experts = static_cast<int>(*experts);
    m.top_k = static_cast<int>(*top_k);
    m.expert_ffn_hidden = static_cast<int>(moe_ffn.value_or(*ffn));
    if (shared_ffn) {
      m.shared_experts = 1;
      m.shared_expert_ffn_hidden = static_cast<int>(*shared_ffn);
    }
  }
  return m;
}

}  // namespace capsim::workloads
