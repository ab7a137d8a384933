#include "models/workloads/placement.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::workloads {

namespace {

using units::format_bytes;

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

/// One thing the policy puts on a tier.
struct Share {
  std::string key;        ///< placement key that put it there, e.g. "checkpoints/keep_cold"
  std::string what;       ///< for messages: "the dataset", "20 checkpoints"
  double total_B = 0;     ///< bytes on the tier
  double per_node_B = 0;  ///< bytes on the busiest node (local-nvme tiers)
  int checkpoints = 0;    ///< checkpoints kept (0 = dataset bytes), to say how many would fit
};

/// What the policy puts on one tier.
struct TierPlan {
  const hw::StorageTier* tier = nullptr;  ///< the scenario's tier
  std::vector<Share> shares;              ///< in the order placed
};

bool node_local(const hw::StorageTier& t) { return t.kind == hw::StorageKind::local_nvme; }

/// Nodes that hold checkpoint shards: the same count checkpoint_cost writes from.
int writer_nodes(const CheckpointSize& c, int nodes, int gpn) {
  return std::clamp((c.writer_gpus + gpn - 1) / gpn, 1, std::max(nodes, 1));
}

/// Checkpoint bytes on the busiest node: its GPUs' shards.
double busiest_node_checkpoint_B(const CheckpointSize& c, int gpn) {
  return c.per_gpu_B * std::min(gpn, std::max(c.writer_gpus, 1));
}

class Planner {
 public:
  Planner(const std::vector<hw::StorageTier>& tiers, int nodes, int gpn)
      : nodes_(std::max(nodes, 1)), gpn_(std::max(gpn, 1)) {
    for (const auto& t : tiers) plans_.push_back({&t, {}});
  }

  int nodes() const { return nodes_; }
  int gpn() const { return gpn_; }

  const hw::StorageTier& tier(const std::string& name) { return *plan(name).tier; }

  void add(const std::string& tier_name, Share s) { plan(tier_name).shares.push_back(std::move(s)); }

  /// Bytes the tier can still take for the whole job; infinity when unbounded.
  double free_B(const std::string& tier_name) {
    const TierPlan& p = plan(tier_name);
    const hw::StorageTier& t = *p.tier;
    const double cap = node_local(t) ? t.capacity_per_node_B : t.capacity_B;
    if (cap <= 0) return kUnbounded;
    const double used = node_local(t) ? sum(p, &Share::per_node_B) : sum(p, &Share::total_B);
    return std::max(0.0, cap - used) * (node_local(t) ? nodes_ : 1);
  }

  void fill(PlacementResult& r) const {
    for (const auto& p : plans_) {
      if (p.shares.empty()) continue;
      r.tiers.push_back(use_of(p));
      if (auto s = shortfall_of(p)) r.shortfalls.push_back(*s);
    }
  }

 private:
  static double sum(const TierPlan& p, double Share::*field) {
    double s = 0;
    for (const auto& sh : p.shares) s += sh.*field;
    return s;
  }

  TierPlan& plan(const std::string& name) {
    for (auto& p : plans_) {
      if (p.tier->name == name) return p;
    }
    throw Error("storage.placement names tier \"" + name + "\", which the storage tiers lack");
  }

  TierUse use_of(const TierPlan& p) const {
    TierUse u;
    u.tier = p.tier->name;
    u.kind = std::string(hw::to_string(p.tier->kind));
    for (const auto& s : p.shares) (s.checkpoints == 0 ? u.dataset_B : u.checkpoint_B) += s.total_B;
    u.capacity_B = p.tier->capacity_for_B(nodes_);
    u.usd_per_GB_month = p.tier->usd_per_GB_month;
    return u;
  }

  std::optional<TierShortfall> shortfall_of(const TierPlan& p) const;

  int nodes_;
  int gpn_;
  std::vector<TierPlan> plans_;
};

std::string describe_shares(const TierPlan& p, bool per_node) {
  std::string s;
  for (const auto& sh : p.shares) {
    if (sh.total_B <= 0) continue;
    if (!s.empty()) s += ", ";
    s += sh.what + " " + format_bytes(per_node ? sh.per_node_B : sh.total_B);
  }
  return s;
}

/// What to change when `biggest` overflows a tier with `room_B` left for it (per node when `local`).
std::string shortfall_hint(const Share& biggest, double room_B, bool local, const std::string& tier) {
  const std::string more = "give tier \"" + tier + "\" more capacity";
  if (biggest.checkpoints == 0) return "put the dataset on a larger tier, or " + more;
  const double one_B = (local ? biggest.per_node_B : biggest.total_B) / biggest.checkpoints;
  const double fit = std::floor(room_B / one_B);
  if (fit < 1) return "not one checkpoint fits: keep them on a larger tier, or " + more;
  const std::string n = std::to_string(static_cast<long long>(fit));
  const std::string key = biggest.key.substr(biggest.key.find('/') + 1);
  return n + (fit == 1 ? " fits" : " fit") + ": set \"" + key + "\" to " + n + " or less, or " + more;
}

std::optional<TierShortfall> Planner::shortfall_of(const TierPlan& p) const {
  const hw::StorageTier& t = *p.tier;
  const bool local = node_local(t);
  const double cap = local ? t.capacity_per_node_B : t.capacity_B;
  const double needed = local ? sum(p, &Share::per_node_B) : sum(p, &Share::total_B);
  // A relative margin keeps a placement that exactly fills a tier from failing on rounding.
  if (cap <= 0 || needed <= cap * (1 + 1e-12)) return std::nullopt;
  const auto biggest = std::max_element(p.shares.begin(), p.shares.end(), [&](const Share& a, const Share& b) {
    return (local ? a.per_node_B : a.total_B) < (local ? b.per_node_B : b.total_B);
  });
  TierShortfall s;
  s.tier = t.name;
  s.key = biggest->key;
  s.needed_B = needed;
  s.capacity_B = cap;
  const std::string where =
      local ? "each node's share of tier \"" + t.name + "\" holds " : "tier \"" + t.name + "\" holds ";
  s.message = where + format_bytes(cap) + ", but the placement puts " + format_bytes(needed) +
              (local ? " on the busiest node (" : " there (") + describe_shares(p, local) +
              "): " + format_bytes(needed - cap) + " short";
  const double other = needed - (local ? biggest->per_node_B : biggest->total_B);
  s.hint = shortfall_hint(*biggest, cap - other, local, t.name);
  return s;
}

void place_checkpoints(const CheckpointRetention& c, const CheckpointSize& size, Planner& pl, PlacementResult& r) {
  CheckpointUse u;
  u.hot = c.hot;
  u.cold = c.cold;
  u.keep_hot = c.keep_hot;
  u.keep_cold = c.cold.empty() ? 0 : c.keep_cold;
  u.checkpoint_B = size.total_B;
  const double node_B = busiest_node_checkpoint_B(size, pl.gpn());
  auto add = [&](const std::string& tier, const std::string& key, int keep) {
    const double per_node = node_local(pl.tier(tier)) ? keep * node_B : 0.0;
    pl.add(tier, {key, std::to_string(keep) + (keep == 1 ? " checkpoint" : " checkpoints"), keep * size.total_B,
                  per_node, keep});
  };
  add(c.hot, "checkpoints/keep_hot", c.keep_hot);
  if (!c.cold.empty()) add(c.cold, "checkpoints/keep_cold", c.keep_cold);
  r.checkpoints = u;
}

/// The full copies: the warm one the misses stream from, and the cold archive.
void place_dataset_copies(const DatasetPlacement& d, Planner& pl) {
  auto add = [&](const std::string& tier, const std::string& key, const std::string& what) {
    const double per_node = node_local(pl.tier(tier)) ? d.size_B / pl.nodes() : 0.0;
    pl.add(tier, {key, what, d.size_B, per_node, 0});
  };
  add(d.warm, "dataset/warm", "the dataset");
  if (!d.cold.empty()) add(d.cold, "dataset/cold", "the dataset's archive copy");
}

/// The hot cache takes what the policy asks, up to what the hot tier has left.
void place_hot_cache(const DatasetPlacement& d, Planner& pl, DatasetUse& u, std::vector<std::string>& notes) {
  if (d.hot.empty()) return;
  u.requested_hot_fraction = std::clamp(d.hot_fraction, 0.0, 1.0);
  const double asked = u.requested_hot_fraction * d.size_B;
  u.hot_B = std::min(asked, pl.free_B(d.hot));
  if (u.hot_B < asked * (1 - 1e-12)) {
    notes.push_back("the hot tier \"" + d.hot + "\" has room for " + format_bytes(u.hot_B) +
                    " of the dataset, not the " + format_bytes(asked) + " hot_fraction asks for: it caches that much");
  }
  const hw::StorageTier& hot = pl.tier(d.hot);
  pl.add(d.hot,
         {"dataset/hot_fraction", "the dataset cache", u.hot_B, node_local(hot) ? u.hot_B / pl.nodes() : 0.0, 0});
  if (u.hot_B <= 0) return;
  const hw::StorageTier& warm = pl.tier(d.warm);
  const double bw = std::min(warm.bandwidth_Bps(pl.nodes()), hot.bandwidth_Bps(pl.nodes()));
  u.staging_s = warm.startup_s() + u.hot_B / bw;
}

DatasetUse place_dataset(const DatasetPlacement& d, Planner& pl, std::vector<std::string>& notes) {
  DatasetUse u;
  u.hot = d.hot;
  u.warm = d.warm;
  u.cold = d.cold;
  u.size_B = d.size_B;
  place_dataset_copies(d, pl);
  place_hot_cache(d, pl, u, notes);
  u.hit_rate = d.size_B > 0 ? u.hot_B / d.size_B : 0.0;
  if (!d.cold.empty()) u.staging_egress_usd = d.size_B / 1e9 * pl.tier(d.cold).egress_usd_per_GB;
  return u;
}

void note_unpriced(PlacementResult& r) {
  for (const auto& t : r.tiers) {
    if (t.usd_per_GB_month > 0 || t.placed_B() <= 0) continue;
    r.notes.push_back("tier \"" + t.tier + "\" has no price_per_gb_month: its " + format_bytes(t.placed_B()) +
                      " count as $0 a month");
  }
}

}  // namespace

double PlacementResult::usd_per_month() const {
  double usd = 0;
  for (const auto& t : tiers) usd += t.usd_per_month();
  if (checkpoints && checkpoints->drain) usd += checkpoints->drain->transfer_usd_per_month;
  return usd;
}

PlacementResult plan_placement(const PlacementSpec& spec, const std::vector<hw::StorageTier>& tiers,
                               const CheckpointSize& checkpoint, int nodes, int gpus_per_node) {
  PlacementResult r;
  Planner pl(tiers, nodes, gpus_per_node);
  // What must fit goes first (checkpoints, the full dataset copies); the hot cache takes what is left.
  if (spec.checkpoints) place_checkpoints(*spec.checkpoints, checkpoint, pl, r);
  if (spec.dataset) r.dataset = place_dataset(*spec.dataset, pl, r.notes);
  pl.fill(r);
  note_unpriced(r);
  return r;
}

void require_capacity(const PlacementResult& placement) {
  if (placement.shortfalls.empty()) return;
  std::string what;
  for (const auto& s : placement.shortfalls) {
    if (!what.empty()) what += "; ";
    what += s.message + " (" + s.hint + ")";
  }
  throw InfeasibleError(what);
}

CheckpointDrain checkpoint_drain(const CheckpointSize& checkpoint, int nodes, int gpus_per_node,
                                 const hw::StorageTier& hot, const hw::StorageTier& cold, double interval_s) {
  CheckpointDrain d;
  const int wn = writer_nodes(checkpoint, nodes, std::max(gpus_per_node, 1));
  d.bandwidth_Bps = std::min(hot.bandwidth_Bps(wn), cold.bandwidth_Bps(wn));
  d.drain_s = checkpoint.total_B > 0 ? hot.startup_s() + cold.startup_s() + checkpoint.total_B / d.bandwidth_Bps : 0;
  d.interval_s = interval_s;
  d.keeps_up = interval_s <= 0 || d.drain_s <= interval_s;
  const double period_s = std::max(interval_s, d.drain_s);
  // A drainer still busy with the last copy skips the next checkpoint, so copies go out at most one per drain.
  d.drains_per_month = period_s > 0 ? kSecondsPerMonth / period_s : 0.0;
  d.transfer_usd_per_month =
      d.drains_per_month * checkpoint.total_B / 1e9 * (hot.egress_usd_per_GB + cold.ingress_usd_per_GB);
  return d;
}

}  // namespace capsim::workloads
