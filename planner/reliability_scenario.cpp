#include "planner/reliability_scenario.hpp"

#include <algorithm>
#include <set>

#include "planner/placement_scenario.hpp"

namespace capsim::planner::detail {

namespace {

using nlohmann::json;
using units::Dimension;

std::vector<std::string> kind_names() { return {"local-nvme", "parallel-fs", "object-store"}; }

hw::StorageKind kind_from(const std::string& name) {
  if (name == "local-nvme") return hw::StorageKind::local_nvme;
  if (name == "object-store") return hw::StorageKind::object_store;
  return hw::StorageKind::parallel_fs;
}

/// Keys each kind reads besides name and kind.
std::vector<std::string> keys_of(hw::StorageKind kind) {
  switch (kind) {
    case hw::StorageKind::local_nvme: return {"bandwidth_per_node", "capacity_per_node", "price_per_gb_month"};
    case hw::StorageKind::parallel_fs:
      return {"servers", "bandwidth_per_server", "aggregate_bandwidth", "metadata_rate", "client_bandwidth_per_node",
              "capacity", "price_per_gb_month"};
    case hw::StorageKind::object_store:
      return {"stream_bandwidth", "streams_per_node", "client_bandwidth_per_node", "aggregate_bandwidth",
              "request_latency", "capacity", "price_per_gb_month", "egress_per_gb", "ingress_per_gb"};
  }
  return {};
}

void read_tier_values(ObjectReader& t, hw::StorageTier& tier) {
  auto bw = [&](const char* key, double& field) {
    if (auto v = t.quantity(key, Dimension::bandwidth, 0, kMaxStatedBandwidth_Bps, true)) field = *v;
  };
  auto bytes = [&](const char* key, double& field) {
    if (auto v = t.quantity(key, Dimension::bytes, 0, kMaxStatedBytes, true)) field = *v;
  };
  bw("bandwidth_per_node", tier.bw_per_node_Bps);
  bytes("capacity_per_node", tier.capacity_per_node_B);
  if (auto v = t.integer("servers", 1, 10'000'000)) tier.servers = static_cast<int>(*v);
  bw("bandwidth_per_server", tier.bw_per_server_Bps);
  bw("aggregate_bandwidth", tier.aggregate_bw_Bps);
  if (auto v = t.quantity("metadata_rate", Dimension::frequency, 0, 1e12, true)) tier.metadata_ops_per_s = *v;
  bw("client_bandwidth_per_node", tier.client_bw_per_node_Bps);
  bytes("capacity", tier.capacity_B);
  bw("stream_bandwidth", tier.stream_bw_Bps);
  if (auto v = t.integer("streams_per_node", 1, 100'000)) tier.streams_per_node = static_cast<int>(*v);
  if (auto v = t.quantity("request_latency", Dimension::time, 0, 3600)) tier.request_latency_s = *v;
  if (auto v = t.quantity("price_per_gb_month", Dimension::money, 0, 1e6)) tier.usd_per_GB_month = *v;
  if (auto v = t.quantity("egress_per_gb", Dimension::money, 0, 1e6)) tier.egress_usd_per_GB = *v;
  if (auto v = t.quantity("ingress_per_gb", Dimension::money, 0, 1e6)) tier.ingress_usd_per_GB = *v;
}

void parse_tier(JsonReader& r, const json& value, const std::string& ptr, std::vector<hw::StorageTier>& tiers,
                std::set<std::string>& names) {
  ObjectReader t(r, value, ptr);
  if (!t.ok()) return;
  const auto kind = t.choice("kind", kind_names(), true);
  hw::StorageTier tier = hw::default_tier(kind ? kind_from(*kind) : hw::StorageKind::parallel_fs);
  if (auto n = t.string("name")) tier.name = *n;
  read_tier_values(t, tier);
  if (kind) {
    const auto own = keys_of(tier.kind);
    for (const auto& [key, unused] : value.items()) {
      if (key == "name" || key == "kind" || std::find(own.begin(), own.end(), key) != own.end()) continue;
      bool known = false;
      for (const auto& k : kind_names()) {
        const auto other = keys_of(kind_from(k));
        known = known || std::find(other.begin(), other.end(), key) != other.end();
      }
      if (known) {
        r.error(t.pointer(key), "\"" + key + "\" does not apply to a " + *kind + " tier",
                "a " + *kind + " tier reads " + join_alternatives(own, " and "));
      }
    }
  }
  t.finish();
  if (!names.insert(tier.name).second) {
    r.error(t.pointer("name"), "tier name \"" + printable_ascii(tier.name) + "\" is used twice",
            "give each tier its own \"name\"");
  }
  tiers.push_back(tier);
}

/// Keeps `field` if it names one of `tiers`; else the first shared tier, else the first one.
void default_tier_ref(const std::vector<hw::StorageTier>& tiers, std::string& field) {
  if (tiers.empty() || std::any_of(tiers.begin(), tiers.end(), [&](const auto& t) { return t.name == field; })) return;
  field = tiers.front().name;
  for (const auto& t : tiers) {
    if (t.kind != hw::StorageKind::local_nvme) {
      field = t.name;
      return;
    }
  }
}

/// Member "tier" of `o`, which must name one of `tiers`.
void read_tier_ref(ObjectReader& o, const std::vector<hw::StorageTier>& tiers, std::string& field) {
  auto name = o.string("tier");
  if (!name) return default_tier_ref(tiers, field);
  std::vector<std::string> names;
  for (const auto& t : tiers) names.push_back(t.name);
  if (std::find(names.begin(), names.end(), *name) == names.end()) {
    const std::string near = closest_match(*name, names);
    o.reader().error(o.pointer("tier"), "no storage tier is named " + describe_json(*name),
                     (near.empty() ? "" : "did you mean \"" + near + "\"? ") + "tiers: " + join_alternatives(names));
  }
  field = *name;
}

void parse_checkpoint(ObjectReader& s, StorageOptions& st) {
  const json* cj = s.get("checkpoint");
  if (cj == nullptr) {
    default_tier_ref(st.tiers, st.checkpoint.tier);
    return;
  }
  ObjectReader c(s.reader(), *cj, s.pointer("checkpoint"));
  if (!c.ok()) return;
  read_tier_ref(c, st.tiers, st.checkpoint.tier);
  if (auto m = c.choice("mode", {"sync", "async"})) {
    st.checkpoint.mode = *m == "sync" ? workloads::CheckpointMode::sync : workloads::CheckpointMode::async;
  }
  if (const json* iv = c.get("interval"); iv != nullptr && !(iv->is_string() && *iv == "auto")) {
    if (auto v = c.reader().quantity(*iv, c.pointer("interval"), Dimension::time, 0, 1e9, true)) {
      st.checkpoint.interval_s = *v;
    }
  }
  if (auto v = c.quantity("host_copy_bandwidth", Dimension::bandwidth, 0, kMaxStatedBandwidth_Bps, true)) {
    st.checkpoint.host_copy_bw_Bps = *v;
  }
  if (auto v = c.integer("keep", 1, 1'000'000)) st.checkpoint.keep = static_cast<int>(*v);
  c.finish();
}

void parse_data(ObjectReader& s, StorageOptions& st) {
  const json* dj = s.get("data");
  if (dj == nullptr) {
    default_tier_ref(st.tiers, st.data.tier);
    return;
  }
  ObjectReader d(s.reader(), *dj, s.pointer("data"));
  if (!d.ok()) return;
  read_tier_ref(d, st.tiers, st.data.tier);
  if (auto v = d.quantity("bytes_per_token", Dimension::bytes, 0, 1e9, true)) st.data.bytes_per_token = *v;
  if (auto v = d.quantity("sample_size", Dimension::bytes, 0, 1e15, true)) st.data.sample_B = *v;
  if (auto v = d.number("tokens_per_sample", 0, 1e12, true)) st.data.tokens_per_sample = *v;
  if (auto v = d.number("cache_hit", 0, 1)) st.data.cache_hit = *v;
  if (auto v = d.integer("prefetch", 0, 1000)) st.data.prefetch_batches = static_cast<int>(*v);
  if (d.has("bytes_per_token") && d.has("sample_size")) {
    d.reader().error(d.pointer("sample_size"), "both \"bytes_per_token\" and \"sample_size\" are given",
                     "text data uses bytes_per_token, image or video data sample_size; keep one");
  }
  d.finish();
}

void parse_storage(ObjectReader& top, StorageOptions& st) {
  JsonReader& r = top.reader();
  const json* sj = top.get("storage");
  st.tiers = {hw::default_local_nvme(), hw::default_parallel_fs(), hw::default_object_store()};
  if (sj == nullptr) return;
  ObjectReader s(r, *sj, top.pointer("storage"));
  if (!s.ok()) return;
  if (const json* tj = s.get("tiers")) {
    const std::string ptr = s.pointer("tiers");
    if (r.expect_array(*tj, ptr)) {
      if (tj->empty() || tj->size() > 64) {
        r.error(ptr, "expected 1 to 64 tiers, found " + std::to_string(tj->size()),
                "e.g. [{\"kind\": \"parallel-fs\"}]");
      }
      st.tiers.clear();
      std::set<std::string> names;
      for (std::size_t i = 0; i < tj->size() && i < 64; ++i) {
        parse_tier(r, (*tj)[i], json_pointer_append(ptr, i), st.tiers, names);
      }
    }
  }
  parse_checkpoint(s, st);
  parse_data(s, st);
  parse_placement(s, st);
  const json* cj = s.get("checkpoint");
  if (cj != nullptr && cj->is_object() && cj->contains("keep") && st.placement && st.placement->checkpoints) {
    r.error(s.pointer("checkpoint") + "/keep", "both \"keep\" and placement.checkpoints say how many checkpoints stay "
            "on the checkpoint tier", "keep one: placement.checkpoints.keep_hot when there is a placement");
  }
  s.finish();
}

void parse_reliability(ObjectReader& top, workloads::ReliabilitySpec& rel) {
  const json* rj = top.get("reliability");
  if (rj == nullptr) return;
  ObjectReader o(top.reader(), *rj, top.pointer("reliability"));
  if (!o.ok()) return;
  if (const json* fj = o.get("failure_rates")) {
    ObjectReader f(o.reader(), *fj, o.pointer("failure_rates"));
    auto rate = [&](const char* key, double& field) {
      if (auto v = f.quantity(key, Dimension::frequency, 0, 1)) field = *v;
    };
    workloads::FailureRates& fr = rel.rates;
    rate("gpu", fr.gpu_per_s);
    rate("hbm", fr.hbm_per_s);
    rate("node", fr.node_per_s);
    rate("nic", fr.nic_per_s);
    rate("link", fr.link_per_s);
    rate("switch", fr.switch_per_s);
    rate("software", fr.software_per_s);
    f.finish();
  }
  if (auto v = o.quantity("restart_overhead", Dimension::time, 0, 1e7)) rel.restart_overhead_s = *v;
  if (auto v = o.integer("monte_carlo_runs", 0, 100'000)) rel.monte_carlo_runs = static_cast<int>(*v);
  o.finish();
}

}  // namespace

void parse_storage_and_reliability(ObjectReader& top, Scenario& scenario) {
  parse_storage(top, scenario.storage);
  parse_reliability(top, scenario.reliability);
}

}  // namespace capsim::planner::detail
