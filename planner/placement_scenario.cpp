#include "planner/placement_scenario.hpp"

#include <algorithm>
#include <variant>

#include "sim/analytical/training_memory.hpp"

namespace capsim::planner::detail {

namespace {

using nlohmann::json;
using units::Dimension;

/// Member `key` of `o`, which must name one of `tiers`; nullopt when absent or unknown (reported).
std::optional<std::string> tier_ref(ObjectReader& o, const char* key, const std::vector<hw::StorageTier>& tiers) {
  auto name = o.string(key);
  if (!name) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& t : tiers) names.push_back(t.name);
  if (std::find(names.begin(), names.end(), *name) != names.end()) return name;
  const std::string near = closest_match(*name, names);
  o.reader().error(o.pointer(key), "no storage tier is named " + describe_json(*name),
                   (near.empty() ? "" : "did you mean \"" + near + "\"? ") + "tiers: " + join_alternatives(names));
  return std::nullopt;
}

/// `storage.<block>.tier` when the scenario names it.
std::optional<std::string> named_tier(ObjectReader& storage, const char* block) {
  const json* b = storage.get(block);
  if (b == nullptr || !b->is_object() || !b->contains("tier") || !(*b)["tier"].is_string()) return std::nullopt;
  return (*b)["tier"].get<std::string>();
}

/// Reads role `key` into `field` (defaulting to `fallback`); the one of storage.<block>.tier, if named, must agree.
void read_role(ObjectReader& o, ObjectReader& storage, const char* key, const char* block,
               const std::vector<hw::StorageTier>& tiers, std::string& fallback, std::string& field) {
  const auto given = tier_ref(o, key, tiers);
  field = given ? *given : fallback;
  const auto named = named_tier(storage, block);
  if (given && named && *named != *given) {
    o.reader().error(o.pointer(key),
                     "storage." + std::string(block) + ".tier is \"" + printable_ascii(*named) + "\", but the " + key +
                         " tier here is \"" + printable_ascii(*given) + "\"",
                     "name the same tier in both places, or leave storage." + std::string(block) + ".tier out");
  }
  fallback = field;
}

/// Reports a role naming a tier an earlier role of the same block already has.
void require_distinct(ObjectReader& o, const std::vector<std::pair<const char*, std::string>>& roles,
                      const std::string& hint) {
  for (std::size_t i = 0; i < roles.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (roles[i].second.empty() || roles[i].second != roles[j].second) continue;
      o.reader().error(o.pointer(roles[i].first),
                       "\"" + printable_ascii(roles[i].second) + "\" is the " + roles[j].first + " tier already", hint);
    }
  }
}

/// A key that only means something next to another one.
void require_partner(ObjectReader& o, const char* key, const char* partner, const std::string& hint) {
  if (o.has(key) && !o.has(partner)) {
    o.reader().error(o.pointer(key), "\"" + std::string(key) + "\" needs a \"" + partner + "\" tier", hint);
  }
}

workloads::DatasetPlacement parse_dataset(ObjectReader& d, ObjectReader& storage, StorageOptions& st) {
  workloads::DatasetPlacement p;
  if (auto v = d.quantity("size", Dimension::bytes, 0, kMaxStatedBytes, true, true)) p.size_B = *v;
  if (auto v = tier_ref(d, "hot", st.tiers)) p.hot = *v;
  if (auto v = d.number("hot_fraction", 0, 1)) p.hot_fraction = *v;
  read_role(d, storage, "warm", "data", st.tiers, st.data.tier, p.warm);
  if (auto v = tier_ref(d, "cold", st.tiers)) p.cold = *v;
  require_partner(d, "hot_fraction", "hot", "add \"hot\": a tier to cache it on, such as a local-nvme one");
  require_distinct(d, {{"warm", p.warm}, {"hot", p.hot}, {"cold", p.cold}},
                   "hot, warm and cold each name a different tier; warm defaults to storage.data.tier");
  d.finish();
  return p;
}

workloads::CheckpointRetention parse_checkpoints(ObjectReader& c, ObjectReader& storage, StorageOptions& st) {
  workloads::CheckpointRetention p;
  read_role(c, storage, "hot", "checkpoint", st.tiers, st.checkpoint.tier, p.hot);
  if (auto v = c.integer("keep_hot", 1, 1000)) p.keep_hot = static_cast<int>(*v);
  if (auto v = tier_ref(c, "cold", st.tiers)) p.cold = *v;
  if (auto v = c.integer("keep_cold", 1, 1'000'000)) p.keep_cold = static_cast<int>(*v);
  require_partner(c, "keep_cold", "cold", "add \"cold\": a tier to drain checkpoints to, such as an object store");
  require_distinct(c, {{"hot", p.hot}, {"cold", p.cold}},
                   "hot and cold name different tiers; hot defaults to storage.checkpoint.tier");
  c.finish();
  return p;
}

}  // namespace

void parse_placement(ObjectReader& storage, StorageOptions& st) {
  const json* pj = storage.get("placement");
  if (pj == nullptr) return;
  ObjectReader p(storage.reader(), *pj, storage.pointer("placement"));
  if (!p.ok()) return;
  workloads::PlacementSpec spec;
  const json* dj = p.get("dataset");
  const json* cj = p.get("checkpoints");
  if (dj == nullptr && cj == nullptr) {
    p.reader().error(p.pointer(), "expected \"dataset\", \"checkpoints\" or both",
                     "e.g. {\"dataset\": {\"size\": \"60 TB\", \"hot\": \"nvme\", \"warm\": \"pfs\"}}");
  }
  if (dj != nullptr) {
    ObjectReader d(p.reader(), *dj, p.pointer("dataset"));
    if (d.ok()) spec.dataset = parse_dataset(d, storage, st);
  }
  if (cj != nullptr) {
    ObjectReader c(p.reader(), *cj, p.pointer("checkpoints"));
    if (c.ok()) spec.checkpoints = parse_checkpoints(c, storage, st);
  }
  p.finish();
  st.placement = spec;
}

void check_placement(JsonReader& r, const Scenario& scenario) {
  if (!scenario.storage.placement || r.error_count() > 0) return;
  const int gpn = std::max(scenario.cluster.gpus_per_node, 1);
  for (const auto& w : scenario.workloads) {
    const auto* job = std::get_if<workloads::TrainingJob>(&w);
    if (job == nullptr) continue;
    const int nodes = (job->parallelism.gpus() + gpn - 1) / gpn;
    const auto size =
        workloads::checkpoint_size(job->model.parameters(), sim::stage_parameters(*job).total(), job->parallelism);
    const auto placed =
        workloads::plan_placement(*scenario.storage.placement, scenario.storage.tiers, size, nodes, gpn);
    for (const auto& s : placed.shortfalls) {
      r.error("/storage/placement/" + s.key,
              "workload \"" + printable_ascii(job->name) + "\" on " + std::to_string(nodes) + " nodes: " + s.message,
              s.hint);
    }
  }
}

}  // namespace capsim::planner::detail
