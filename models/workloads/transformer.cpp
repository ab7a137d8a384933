#include "models/workloads/transformer.hpp"

#include <algorithm>
#include <cmath>

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
    // Router, routed experts, and the shared experts every token passes through.
    mlp = h * m.experts + experts_used * matrices * h * expert_ffn + matrices * h * m.shared_ffn();
  } else {
    mlp = matrices * h * m.ffn_hidden;
  }

  const double norms = 2.0 * h;  // pre-attention and pre-MLP norm weights
  const double per_layer = attention + mlp + norms;
  const double embedding = static_cast<double>(m.vocab) * h;
  const double output = m.tied_embeddings ? 0.0 : embedding;
  return m.layers * per_layer + h /* final norm */ + embedding + output;
}

/// Expected distinct bins hit by `draws` uniform draws over `bins`.
double distinct(double bins, double draws) {
  return bins <= 1 ? std::min(bins, draws) : bins * (1.0 - std::pow(1.0 - 1.0 / bins, draws));
}

/// C(n, k) / C(n', k) for n <= n', as a product (no overflow for the group counts routers use).
double choose_ratio(int n, int n_total, int k) {
  double r = 1;
  for (int i = 0; i < k; ++i) {
    if (n - i <= 0) return 0;
    r *= static_cast<double>(n - i) / (n_total - i);
  }
  return r;
}

}  // namespace

double TransformerModel::parameters() const { return count(*this, experts); }

double TransformerModel::active_parameters() const { return count(*this, is_moe() ? top_k : 0); }

ExpertRoute expert_route(const TransformerModel& m, MoeDispatcher dispatcher, int ep, int ep_per_domain) {
  ExpertRoute route;
  if (!m.is_moe() || ep <= 1) return route;
  const double n = ep;
  const int r = std::clamp(ep_per_domain, 1, ep);
  const int domains = (ep + r - 1) / r;
  // Domains a token's experts may sit on. Groups laid out whole inside domains (experts are placed on EP ranks in
  // order, groups are consecutive experts): a token opens router_group_topk of router_groups groups, so a domain
  // holding g of them is open unless all k chosen groups miss it. Groups wider than a domain open k x their
  // domains. Otherwise every domain is open.
  double open = domains;
  const int groups = m.router_groups;
  const int k = m.router_group_topk;
  if (groups > 1 && k > 0 && k < groups) {
    if (groups % domains == 0) {
      const int g = groups / domains;
      open = domains * (1.0 - choose_ratio(groups - g, groups, k));
    } else if (domains % groups == 0) {
      open = static_cast<double>(k) * (domains / groups);
    }
  }
  route.domains_reached = distinct(open, m.top_k);
  if (dispatcher == MoeDispatcher::deepep && domains > 1) {
    // One copy per destination domain over the fabric (the sender's own domain is among those reached with
    // probability domains_reached / domains, by symmetry); inside each domain the receiving GPU forwards the copies
    // for experts on its peers. The padding of a capacity factor is added on the expert side, not sent.
    route.fabric_copies = route.domains_reached * (1.0 - 1.0 / domains);
    route.scale_up_copies = m.top_k * (r - 1.0) / r;
  } else {
    // Every routed copy, padded slots included, to its expert's rank: uniformly over the group.
    const double slots = m.expert_slots_per_token();
    route.fabric_copies = slots * (n - r) / n;
    route.scale_up_copies = slots * (r - 1.0) / n;
  }
  return route;
}

ExpertExchangeBytes expert_exchange_bytes(MoeDispatcher dispatcher, hw::Precision math) {
  ExpertExchangeBytes b;
  if (dispatcher == MoeDispatcher::deepep && math == hw::Precision::fp8) {
    b.dispatch = 1.0 + 4.0 / 128;  // E4M3 values, one fp32 scale per 128 (DeepEP's low-precision dispatch)
  }
  return b;
}

}  // namespace capsim::workloads
