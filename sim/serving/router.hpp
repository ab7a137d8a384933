#pragma once
/// @file router.hpp
/// Picks the replica a request goes to.

#include <cstddef>
#include <vector>

#include "models/workloads/serving.hpp"
#include "sim/serving/replica.hpp"

namespace capsim::sim::serving {

/// Spreads requests over a set of replicas: round-robin, or to the one with the least outstanding work (tokens of
/// prompt and output its queued and running requests still need, as a load balancer that counts tokens would).
class Router {
 public:
  /// `members`: indices into the replica list this router serves (all of them, or one disaggregated pool).
  Router(workloads::RouterPolicy policy, std::vector<int> members);
  /// The replica for the next request.
  int pick(const std::vector<Replica>& replicas);

 private:
  workloads::RouterPolicy policy_;
  std::vector<int> members_;
  std::size_t next_ = 0;
};

}  // namespace capsim::sim::serving
