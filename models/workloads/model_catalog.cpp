#include "models/workloads/model_catalog.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>

#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"

namespace capsim::workloads {

/// Generated at build time from models/workloads/presets/*.json (cmake/embed_files.cmake).
std::vector<capsim::EmbeddedFile> builtin_model_catalog_files();

namespace {

constexpr std::string_view kSchema = "capsim/model-catalog/v1";

const std::set<std::string, std::less<>>& known_keys() {
  static const std::set<std::string, std::less<>> keys = {
      "name",  "source",  "layers",    "hidden",          "ffn_hidden", "heads", "kv_heads",         "head_dim",
      "vocab", "seq_len", "gated_mlp", "tied_embeddings", "experts",    "top_k", "expert_ffn_hidden"};
  return keys;
}

std::string known_keys_hint() {
  std::string out = "known keys:";
  for (const auto& key : known_keys()) out += " " + key;
  return out;
}

/// RFC 6901 escaping of one reference token.
std::string escape_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

using detail::json_type_name;

/// Reads the fields of one catalog entry, collecting every problem instead of stopping at the first.
class EntryReader {
 public:
  EntryReader(const nlohmann::json& entry, std::string pointer, const std::string& origin,
              std::vector<Diagnostic>& diagnostics)
      : entry_(entry), pointer_(std::move(pointer)), origin_(origin), diagnostics_(diagnostics) {}

  std::string pointer(std::string_view key) const { return pointer_ + "/" + escape_token(key); }

  void report(std::string pointer, std::string message, std::string hint = {}) {
    diagnostics_.push_back(Diagnostic{origin_, std::move(pointer), std::move(message), std::move(hint)});
  }

  /// A positive integer no larger than `max`; std::nullopt (and a diagnostic if required) when absent or invalid.
  std::optional<long long> positive(std::string_view key, bool required, long long max = INT_MAX) {
    auto it = entry_.find(key);
    if (it == entry_.end()) {
      if (required) report(pointer_, "missing \"" + std::string(key) + "\": expected a positive integer");
      return std::nullopt;
    }
    const nlohmann::json& v = *it;
    std::optional<long long> value;
    bool too_big = false;
    if (v.is_number_unsigned()) {
      const auto u = v.get<unsigned long long>();
      too_big = u > static_cast<unsigned long long>(max);
      if (!too_big) value = static_cast<long long>(u);
    } else if (v.is_number_integer()) {
      value = v.get<long long>();
    } else if (v.is_number_float()) {
      const double d = v.get<double>();
      // Accept 4096.0 but not 4096.5; the range check comes first so that the cast below is defined.
      if (std::isfinite(d) && d == std::floor(d)) {
        too_big = d > static_cast<double>(max) || d >= 9.2e18;
        if (!too_big && d >= static_cast<double>(LLONG_MIN)) value = static_cast<long long>(d);
      }
    }
    if (too_big) {
      report(pointer(key), v.dump() + " is too large: expected at most " + std::to_string(max));
      return std::nullopt;
    }
    if (!value) {
      report(pointer(key), "expected a positive integer, got " + (v.is_number() ? v.dump() : json_type_name(v)));
      return std::nullopt;
    }
    if (*value > max) {
      report(pointer(key), std::to_string(*value) + " is too large: expected at most " + std::to_string(max));
      return std::nullopt;
    }
    if (*value <= 0) {
      report(pointer(key), "expected a positive integer, got " + std::to_string(*value));
      return std::nullopt;
    }
    return value;
  }

  bool boolean(std::string_view key, bool fallback) {
    auto it = entry_.find(key);
    if (it == entry_.end()) return fallback;
    if (!it->is_boolean()) {
      report(pointer(key), "expected true or false, got " + json_type_name(*it));
      return fallback;
    }
    return it->get<bool>();
  }

  /// A string, if present and of the right type.
  std::optional<std::string> string(std::string_view key) {
    auto it = entry_.find(key);
    if (it == entry_.end()) return std::nullopt;
    if (!it->is_string()) {
      report(pointer(key), "expected a string, got " + json_type_name(*it));
      return std::nullopt;
    }
    return it->get<std::string>();
  }

 private:
  const nlohmann::json& entry_;
  std::string pointer_;
  const std::string& origin_;
  std::vector<Diagnostic>& diagnostics_;
};

/// Parses one entry of "models"; returns std::nullopt if it has any problem (all of them reported).
std::optional<TransformerModel> read_entry(const nlohmann::json& entry, const std::string& pointer,
                                           const std::string& origin, std::vector<Diagnostic>& diagnostics) {
  const std::size_t before = diagnostics.size();
  EntryReader r(entry, pointer, origin, diagnostics);
  if (!entry.is_object()) {
    r.report(pointer, "expected a model object, got " + json_type_name(entry));
    return std::nullopt;
  }
  for (const auto& [key, value] : entry.items()) {
    if (known_keys().find(key) == known_keys().end()) {
      r.report(r.pointer(key), "unknown key \"" + key + "\"", known_keys_hint());
    }
  }

  TransformerModel m;
  const auto name = r.string("name");
  if (!entry.contains("name")) {
    r.report(pointer, "missing \"name\": expected a non-empty string");
  } else if (name && name->empty()) {
    r.report(r.pointer("name"), "expected a non-empty string");
  }
  r.string("source");
  const auto layers = r.positive("layers", true);
  const auto hidden = r.positive("hidden", true);
  const auto ffn = r.positive("ffn_hidden", true);
  const auto heads = r.positive("heads", true);
  const auto kv_heads = r.positive("kv_heads", false);
  const auto head_dim = r.positive("head_dim", false);
  const auto vocab = r.positive("vocab", true, LLONG_MAX);
  const auto seq_len = r.positive("seq_len", true);
  m.gated_mlp = r.boolean("gated_mlp", false);
  m.tied_embeddings = r.boolean("tied_embeddings", false);
  const auto experts = r.positive("experts", false);
  const auto top_k = r.positive("top_k", false);
  const auto expert_ffn = r.positive("expert_ffn_hidden", false);

  if (heads && kv_heads && *heads % *kv_heads != 0) {
    r.report(r.pointer("kv_heads"),
             std::to_string(*kv_heads) + " does not divide heads (" + std::to_string(*heads) + ")",
             "grouped-query attention shares each key/value head among a whole number of query heads");
  }
  if (heads && hidden && entry.find("head_dim") == entry.end() && *hidden % *heads != 0) {
    r.report(r.pointer("heads"), std::to_string(*heads) + " does not divide hidden (" + std::to_string(*hidden) + ")",
             "give head_dim explicitly");
  }
  if (experts && *experts > 1) {
    if (!top_k && entry.find("top_k") == entry.end()) {
      r.report(pointer, "missing \"top_k\": a mixture-of-experts model needs the experts each token is routed to");
    } else if (top_k && *top_k > *experts) {
      r.report(r.pointer("top_k"), std::to_string(*top_k) + " exceeds experts (" + std::to_string(*experts) + ")");
    }
  } else if (top_k && *top_k > 1) {
    r.report(r.pointer("top_k"), "top_k " + std::to_string(*top_k) + " needs experts > 1");
  }

  if (diagnostics.size() != before) return std::nullopt;
  m.name = *name;
  m.layers = static_cast<int>(*layers);
  m.hidden = static_cast<int>(*hidden);
  m.ffn_hidden = static_cast<int>(*ffn);
  m.heads = static_cast<int>(*heads);
  m.kv_heads = static_cast<int>(kv_heads.value_or(*heads));
  m.head_dim = static_cast<int>(head_dim.value_or(0));
  m.vocab = *vocab;
  m.seq_len = static_cast<int>(*seq_len);
  m.experts = static_cast<int>(experts.value_or(0));
  m.top_k = m.is_moe() ? static_cast<int>(*top_k) : 0;
  m.expert_ffn_hidden = m.is_moe() ? static_cast<int>(expert_ffn.value_or(*ffn)) : 0;
  return m;
}

}  // namespace

const ModelCatalog& ModelCatalog::builtin() {
  static const ModelCatalog catalog = [] {
    ModelCatalog c;
    for (const EmbeddedFile& file : builtin_model_catalog_files()) {
      const std::string origin(file.name);
      const nlohmann::json doc = nlohmann::json::parse(file.content, nullptr, /*allow_exceptions=*/false);
      if (doc.is_discarded()) {
        throw InputError({Diagnostic{origin, "", "not valid JSON", "fix the built-in model catalog"}});
      }
      c.add_document(doc, origin);
    }
    return c;
  }();
  return catalog;
}

void ModelCatalog::add_document(const nlohmann::json& doc, const std::string& origin) {
  std::vector<Diagnostic> diagnostics;
  if (!doc.is_object()) {
    throw InputError(
        {Diagnostic{origin, "", "expected a JSON object with \"schema\" and \"models\", got " + json_type_name(doc), ""}});
  }
  const auto schema = doc.find("schema");
  if (schema == doc.end()) {
    diagnostics.push_back({origin, "", "missing \"schema\": expected \"" + std::string(kSchema) + "\"", ""});
  } else if (!schema->is_string() || schema->get_ref<const std::string&>() != kSchema) {
    diagnostics.push_back({origin, "/schema", "expected \"" + std::string(kSchema) + "\", got " + schema->dump(), ""});
  }
  for (const auto& [key, value] : doc.items()) {
    if (key != "schema" && key != "models") {
      diagnostics.push_back(
          {origin, "/" + escape_token(key), "unknown key \"" + key + "\"", "expected schema, models"});
    }
  }

  std::map<std::string, TransformerModel> added;
  const auto models = doc.find("models");
  if (models == doc.end()) {
    diagnostics.push_back({origin, "", "missing \"models\": expected an array of model objects", ""});
  } else if (!models->is_array()) {
    diagnostics.push_back({origin, "/models", "expected an array of model objects, got " + json_type_name(*models), ""});
  } else {
    for (std::size_t i = 0; i < models->size(); ++i) {
      const std::string pointer = "/models/" + std::to_string(i);
      auto model = read_entry((*models)[i], pointer, origin, diagnostics);
      if (!model) continue;
      if (added.count(model->name) != 0) {
        diagnostics.push_back({origin, pointer + "/name", "duplicate model name \"" + model->name + "\"",
                               "each name may appear once per document"});
        continue;
      }
      added.emplace(model->name, std::move(*model));
    }
  }

  if (!diagnostics.empty()) throw InputError(std::move(diagnostics));
  // A later document replaces same-named models, so a user catalog can override a built-in preset.
  for (auto& [name, model] : added) models_[name] = std::move(model);
}

const TransformerModel* ModelCatalog::find(const std::string& name) const {
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : &it->second;
}

std::vector<std::string> ModelCatalog::names() const {
  std::vector<std::string> out;
  out.reserve(models_.size());
  for (const auto& [name, model] : models_) out.push_back(name);
  return out;
}

namespace detail {
std::string json_type_name(const nlohmann::json& value) {
  return value.is_null() ? "null" : std::string(value.type_name());
}
}  // namespace detail

}  // namespace capsim::workloads
