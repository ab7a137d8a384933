#include "kernels/gemm_shapes.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace capsim::bench {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

const std::vector<TransformerDims>& llama3_models() {
  // hidden_size, intermediate_size, num_attention_heads, num_key_value_heads, vocab_size from Meta's config.json.
  static const std::vector<TransformerDims> models = {
      {"llama3-8b", 4096, 14336, 32, 8, 128256, true},
      {"llama3-70b", 8192, 28672, 64, 8, 128256, true},
      {"llama3-405b", 16384, 53248, 128, 8, 128256, true},
  };
  return models;
}

std::vector<GemmCase> square_cases(bool quick) {
  const std::vector<std::int64_t> sizes =
      quick ? std::vector<std::int64_t>{1024, 4096, 8192} : std::vector<std::int64_t>{1024, 2048, 4096, 8192, 16384};
  std::vector<GemmCase> cases;
  for (const std::int64_t s : sizes) cases.push_back({s, s, s, "square", {}});
  return cases;
}

std::vector<GemmCase> transformer_cases(const std::vector<TransformerDims>& models, bool quick) {
  const std::vector<std::int64_t> tokens =
      quick ? std::vector<std::int64_t>{4096} : std::vector<std::int64_t>{2048, 4096, 8192, 16384};
  const std::vector<std::int64_t> tps = {1, 2, 4, 8};

  std::vector<GemmCase> cases;
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, std::size_t> index;
  auto add = [&](std::int64_t m, std::int64_t n, std::int64_t k, std::string label) {
    const auto key = std::make_tuple(m, n, k);
    const auto found = index.find(key);
    if (found != index.end()) {
      cases[found->second].labels.push_back(std::move(label));
      return;
    }
    index.emplace(key, cases.size());
    cases.push_back({m, n, k, "transformer", {std::move(label)}});
  };

  for (const std::int64_t m : tokens) {
    for (const TransformerDims& model : models) {
      const std::int64_t head_dim = model.hidden / model.heads;
      for (const std::int64_t tp : tps) {
        const std::string prefix = model.name + "/tp" + std::to_string(tp) + "/";
        // Megatron splits heads across ranks; with more ranks than KV heads each rank keeps a replica of one.
        const std::int64_t q_heads = ceil_div(model.heads, tp);
        const std::int64_t kv_heads = std::max<std::int64_t>(1, model.kv_heads / tp);
        const std::int64_t ffn = ceil_div(model.ffn_hidden, tp);
        add(m, (q_heads + 2 * kv_heads) * head_dim, model.hidden, prefix + "qkv");
        add(m, model.hidden, q_heads * head_dim, prefix + "attn_proj");
        add(m, (model.gated_mlp ? 2 : 1) * ffn, model.hidden, prefix + "mlp_up");
        add(m, model.hidden, ffn, prefix + "mlp_down");
        add(m, ceil_div(model.vocab, tp), model.hidden, prefix + "logits");
      }
    }
  }
  return cases;
}

}  // namespace capsim::bench
