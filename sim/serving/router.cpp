#include "sim/serving/router.hpp"

#include <utility>

namespace capsim::sim::serving {

Router::Router(workloads::RouterPolicy policy, std::vector<int> members)
    : policy_(policy), members_(std::move(members)) {}

int Router::pick(const std::vector<Replica>& replicas) {
  const std::size_t n = members_.size();
  if (policy_ == workloads::RouterPolicy::round_robin) return members_[next_++ % n];
  // Least outstanding work; ties go round-robin so that an idle fleet fills evenly.
  std::size_t best = next_ % n;
  for (std::size_t k = 1; k < n; ++k) {
    const std::size_t i = (next_ + k) % n;
    const auto& candidate = replicas[static_cast<std::size_t>(members_[i])].scheduler();
    const auto& incumbent = replicas[static_cast<std::size_t>(members_[best])].scheduler();
    if (candidate.outstanding_tokens() < incumbent.outstanding_tokens()) best = i;
  }
  ++next_;
  return members_[best];
}

}  // namespace capsim::sim::serving
