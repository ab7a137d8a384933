#pragma once
/// @file clos_plan.hpp
/// The arithmetic of a folded-Clos (fat-tree) fabric built from one switch radix: how many switches per tier, how
/// their ports split between down and up, how cables spread. Shared by the graph builders and by the collective
/// model, which needs the shape (nodes per leaf, oversubscription) without building a graph.

#include <string>

namespace capsim::net {

/// What to build: endpoints split into `groups` equal groups (rails; 1 for a plain fat-tree) whose leaves never mix.
struct ClosRequest {
  long endpoints = 0;        ///< NIC ports in this plane
  int groups = 1;            ///< rails: a leaf, and in three tiers a pod, serves one group only
  int radix = 64;            ///< ports per switch
  int tiers = 0;             ///< 1 to 3; 0 = the fewest that fit
  double leaf_oversubscription = 1;   ///< down:up at the leaf (tiers 2 and 3)
  double spine_oversubscription = 1;  ///< down:up at the spine (tier 3 only)
  bool operator==(const ClosRequest&) const = default;
};

/// A feasible Clos, or the reason there is none (`problem` not empty).
struct ClosPlan {
  int tiers = 0;
  int radix = 0;
  int leaf_down = 0;         ///< endpoint ports per leaf
  int leaf_up = 0;           ///< uplinks per leaf
  long leaves = 0;
  long leaves_per_group = 0; ///< leaves of one group (rail)
  // Every leaf reaches every spine (of its pod, in three tiers) over `leaf_spine_links` parallel cables.
  // Three tiers: a pod is `leaves_per_pod` leaves and `spines_per_pod` spines; spine j of every pod connects to the
  // `cores_per_group` cores of core group j over `spine_core_links` cables.
  long spines = 0;
  int spine_down = 0;
  int spine_up = 0;
  int leaf_spine_links = 1;
  int leaves_per_pod = 0;
  int spines_per_pod = 0;
  long pods = 0;
  long pods_per_group = 0;
  long cores = 0;
  int cores_per_group = 0;
  int spine_core_links = 1;
  double leaf_oversubscription = 1;   ///< as built (integer port split)
  double spine_oversubscription = 1;  ///< as built
  std::string problem;       ///< why the request cannot be built; empty when it can
  std::string hint;          ///< what would make it buildable

  bool ok() const { return problem.empty(); }
  /// Pod of leaf `leaf` (three tiers), leaves numbered group-major.
  long pod_of_leaf(long leaf) const {
    return (leaf / leaves_per_group) * pods_per_group + (leaf % leaves_per_group) / leaves_per_pod;
  }
};

/// Plans the fabric; never throws. `problem` says why it cannot be built (e.g. too many endpoints for 2 tiers).
ClosPlan plan_clos(const ClosRequest& request);

/// Most endpoints per group a Clos of `tiers` tiers of `radix`-port switches can attach (with `groups` groups).
long clos_capacity(int tiers, int radix, double leaf_oversubscription, double spine_oversubscription, int groups = 1);

/// The down/up split of a switch with `radix` ports at oversubscription `ratio` (down:up >= 1): as many uplinks as
/// the ratio allows, then downlinks = floor(up x ratio). Returns {down, up}.
struct PortSplit {
  int down = 0;
  int up = 0;
};
PortSplit split_ports(int radix, double ratio);

}  // namespace capsim::net
