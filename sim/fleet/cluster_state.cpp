#include "sim/fleet/cluster_state.hpp"

#include <algorithm>

namespace capsim::fleet {

ClusterState::ClusterState(int nodes, int gpus_per_node, int nodes_per_leaf)
    : nodes_(std::max(1, nodes)),
      gpn_(std::max(1, gpus_per_node)),
      npl_(std::clamp(nodes_per_leaf, 1, std::max(1, nodes))),
      leaves_((nodes_ + npl_ - 1) / npl_),
      free_(nodes_, gpn_),
      down_(nodes_, 0),
      bucket_(gpn_ + 1),
      bucket_pos_(nodes_, -1),
      leaf_whole_(leaves_),
      whole_pos_(nodes_, -1) {
  for (int n = 0; n < nodes_; ++n) bucket_add(n);
}

void ClusterState::bucket_add(int node) {
  const int k = free_[node];
  bucket_pos_[node] = static_cast<std::int32_t>(bucket_[k].size());
  bucket_[k].push_back(node);
  free_total_ += k;
  if (k == gpn_) {
    auto& w = leaf_whole_[leaf_of(node)];
    whole_pos_[node] = static_cast<std::int32_t>(w.size());
    w.push_back(node);
    ++whole_total_;
  }
}

void ClusterState::bucket_remove(int node) {
  const int k = free_[node];
  auto& b = bucket_[k];
  const int at = bucket_pos_[node];
  b[at] = b.back();
  bucket_pos_[b[at]] = at;
  b.pop_back();
  bucket_pos_[node] = -1;
  free_total_ -= k;
  if (k == gpn_) {
    auto& w = leaf_whole_[leaf_of(node)];
    const int wa = whole_pos_[node];
    w[wa] = w.back();
    whole_pos_[w[wa]] = wa;
    w.pop_back();
    whole_pos_[node] = -1;
    --whole_total_;
  }
}

bool ClusterState::fits(int gpus) const {
  if (gpus <= 0) return true;
  if (gpus <= gpn_) {
    for (int k = gpus; k <= gpn_; ++k) {
      if (!bucket_[k].empty()) return true;
    }
    return false;
  }
  const int whole = gpus / gpn_;
  const int rem = gpus % gpn_;
  if (whole_total_ < whole) return false;
  if (rem == 0 || whole_total_ > whole) return true;
  for (int k = rem; k < gpn_; ++k) {
    if (!bucket_[k].empty()) return true;
  }
  return false;
}

void ClusterState::take(int node, int gpus, Allocation& out) {
  bucket_remove(node);
  free_[node] -= gpus;
  bucket_add(node);
  out.parts.emplace_back(node, gpus);
}

int ClusterState::take_best_fit_node(int gpus, int prefer_leaf) {
  // Smallest free count that holds `gpus`, preferring a node under `prefer_leaf` within that count.
  for (int k = gpus; k < gpn_; ++k) {
    const auto& b = bucket_[k];
    if (b.empty()) continue;
    if (prefer_leaf >= 0) {
      const std::size_t look = std::min<std::size_t>(b.size(), 64);  // a short look, not a scan
      for (std::size_t i = 0; i < look; ++i) {
        if (leaf_of(b[b.size() - 1 - i]) == prefer_leaf) return b[b.size() - 1 - i];
      }
    }
    return b.back();
  }
  return -1;
}

bool ClusterState::place(int gpus, Placement policy, Allocation& out) {
  if (gpus <= 0 || !fits(gpus)) return false;
  Allocation a;
  if (gpus <= gpn_) {
    int node = -1;
    if (policy == Placement::spread) {
      for (int k = gpn_; k >= gpus && node < 0; --k) {
        if (!bucket_[k].empty()) node = bucket_[k].back();
      }
    } else {
      node = take_best_fit_node(gpus, -1);
      if (node < 0) node = bucket_[gpn_].back();
    }
    take(node, gpus, a);
    a.nodes = 1;
    a.leaves = 1;
    out = std::move(a);
    return true;
  }
  const int rem = gpus % gpn_;
  // The remainder goes on a partly used node when one holds it; otherwise it needs one more whole node.
  int partial = rem > 0 ? take_best_fit_node(rem, -1) : -1;
  const int whole = gpus / gpn_ + (rem > 0 && partial < 0 ? 1 : 0);
  std::vector<int> order;
  order.reserve(leaves_);
  for (int l = 0; l < leaves_; ++l) {
    if (!leaf_whole_[l].empty()) order.push_back(l);
  }
  auto count = [&](int l) { return static_cast<int>(leaf_whole_[l].size()); };
  std::vector<int> picked;  // leaves to take whole nodes from, in order
  int one_leaf = -1;
  if (policy == Placement::packed) {
    for (int l : order) {
      if (count(l) >= whole) {
        one_leaf = l;
        break;
      }
    }
  } else if (policy == Placement::topology) {
    for (int l : order) {
      if (count(l) >= whole && (one_leaf < 0 || count(l) < count(one_leaf))) one_leaf = l;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return count(x) > count(y); });
  std::vector<int> nodes;
  nodes.reserve(whole);
  if (one_leaf >= 0) {
    const auto& w = leaf_whole_[one_leaf];
    nodes.assign(w.end() - whole, w.end());
  } else if (policy == Placement::spread) {
    // One node per leaf, round after round, fullest leaves first.
    std::vector<int> taken(leaves_, 0);
    while (static_cast<int>(nodes.size()) < whole) {
      for (int l : order) {
        if (static_cast<int>(nodes.size()) == whole) break;
        const auto& w = leaf_whole_[l];
        if (taken[l] < static_cast<int>(w.size())) nodes.push_back(w[w.size() - 1 - taken[l]++]);
      }
    }
  } else {
    for (int l : order) {
      const auto& w = leaf_whole_[l];
      for (std::size_t i = 0; i < w.size() && static_cast<int>(nodes.size()) < whole; ++i) {
        nodes.push_back(w[w.size() - 1 - i]);
      }
      if (static_cast<int>(nodes.size()) == whole) break;
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const bool last_for_remainder = rem > 0 && partial < 0 && i + 1 == nodes.size();
    take(nodes[i], last_for_remainder ? rem : gpn_, a);
  }
  if (partial >= 0) take(partial, rem, a);
  std::vector<int> leaves;
  for (const auto& [node, g] : a.parts) leaves.push_back(leaf_of(node));
  std::sort(leaves.begin(), leaves.end());
  a.leaves = static_cast<int>(std::unique(leaves.begin(), leaves.end()) - leaves.begin());
  a.nodes = static_cast<int>(a.parts.size());
  out = std::move(a);
  return true;
}

void ClusterState::release(const Allocation& a) {
  for (const auto& [node, g] : a.parts) {
    if (down_[node]) {
      free_[node] += g;  // back when the node is repaired; it is out of the buckets meanwhile
      continue;
    }
    bucket_remove(node);
    free_[node] += g;
    bucket_add(node);
  }
}

void ClusterState::set_down(int node, bool down) {
  if ((down_[node] != 0) == down) return;
  if (down) {
    bucket_remove(node);
    down_[node] = 1;
    ++down_count_;
  } else {
    down_[node] = 0;
    --down_count_;
    bucket_add(node);
  }
}

int ClusterState::stranded(int min_need_per_node) const {
  int s = 0;
  for (int k = 1; k < std::min(min_need_per_node, gpn_ + 1); ++k) s += k * static_cast<int>(bucket_[k].size());
  return s;
}

}  // namespace capsim::fleet
