#include "models/workloads/transformer.hpp"

namespace capsim::workloads {

namespace {

// Weight matrices and norm weights only; biases are ignored (well under 0.1% of the models CapSim targets). This is
// the 12*l*h^2 count of Narayanan et al. 2021 (arXiv 2104.04473), generalised to GQA, gated MLPs and routed experts.
// experts_used: how many experts' weights to count (all of them, or top_k for the active count).
double count(const TransformerModel& m, double experts_used) {
  const double h = m.hidden;
  const double head_dim = m.head_dim > 0 ? m.head_dim : (m.heads > 0 ? static_cast<double>(m.hidden) / m.heads : 0.0);
  const double q_width = m.heads * head_dim;
  const double kv_width = m.kv_heads * head_dim;
  const double attention = h * q_width + 2.0 * h * kv_width + q_width * h;  // Wq, Wk, Wv, Wo

  const double matrices = m.gated_mlp ? 3.0 : 2.0;  // SwiGLU: gate, up, down; plain: up, down
  double mlp = 0;
  if (m.is_moe()) {
    const double expert_ffn = m.expert_ffn_hidden > 0 ? m.expert_ffn_hidden : m.ffn_hidden;
    mlp = h * m.experts + experts_used * matrices * h * expert_ffn;  // router + experts
  } else {
    mlp = matrices * h * m.ffn_hidden;
  }

  const double norms = 2.0 * h;  // pre-attention and pre-MLP norm weights
  const double per_layer = attention + mlp + norms;
  const double embedding = static_cast<double>(m.vocab) * h;
  const double output = m.tied_embeddings ? 0.0 : embedding;
  return m.layers * per_layer + h /* final norm */ + embedding + output;
}

}  // namespace

double TransformerModel::parameters() const { return count(*this, experts); }

double TransformerModel::active_parameters() const { return count(*this, is_moe() ? top_k : 0); }

}  // namespace capsim::workloads
