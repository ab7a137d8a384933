#pragma once
/// @file model_catalog.hpp
/// Named model presets ("llama3-70b", ...) and the Hugging Face config.json reader.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/workloads/transformer.hpp"

namespace capsim::workloads {

/// Model presets by name, from built-in JSON data (models/workloads/presets/*.json, embedded at build time).
class ModelCatalog {
 public:
  static const ModelCatalog& builtin();

  /// Adds every model of `{"schema": "capsim/model-catalog/v1", "models": [...]}`. Throws capsim::InputError.
  void add_document(const nlohmann::json& doc, const std::string& origin);

  const TransformerModel* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, TransformerModel> models_;
};

/// Reads a Hugging Face `config.json` document (Llama, Mistral, Mixtral and Qwen2 keys: hidden_size,
/// intermediate_size, num_hidden_layers, num_attention_heads, num_key_value_heads, head_dim, vocab_size,
/// max_position_embeddings, tie_word_embeddings, num_local_experts, num_experts_per_tok, hidden_act).
/// `origin` names the file in diagnostics. seq_len is left 0 for the caller to set. Throws capsim::InputError with
/// every missing or invalid key.
TransformerModel model_from_hf_config(const nlohmann::json& config, const std::string& origin);

namespace detail {
/// What a JSON value is, for "expected a number, found string" messages of both readers ("null" for null).
std::string json_type_name(const nlohmann::json& value);
}  // namespace detail

}  // namespace capsim::workloads
