#include "planner/fabric_scenario.hpp"

#include <filesystem>

#include "models/network/fabric_factory.hpp"
#include "models/network/nccl_tests_import.hpp"

namespace capsim::planner::detail {

namespace {

using nlohmann::json;
using units::Dimension;

constexpr double kMaxLatency_s = 3600;

/// Relative paths start at the scenario's folder.
std::string resolve_from(const std::string& scenario_file, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(scenario_file).parent_path() / p).string();
}

void read_oversubscription(ObjectReader& s, hw::ScaleOutSpec& so) {
  const json* v = s.get("oversubscription");
  if (v == nullptr) return;
  JsonReader& r = s.reader();
  const std::string ptr = s.pointer("oversubscription");
  if (!v->is_array()) {
    if (auto x = r.number(*v, ptr, 1, 1000)) so.oversubscription = *x;
    return;
  }
  if (v->empty() || v->size() > 2) {
    r.error(ptr, "expected [leaf] or [leaf, spine] down:up ratios, found " + std::to_string(v->size()) + " values",
            "e.g. [2, 1] for 2:1 at the leaf and full bandwidth above");
    return;
  }
  if (auto x = r.number((*v)[0], json_pointer_append(ptr, std::size_t{0}), 1, 1000)) so.oversubscription = *x;
  if (v->size() == 2) {
    if (auto x = r.number((*v)[1], json_pointer_append(ptr, std::size_t{1}), 1, 1000)) so.spine_oversubscription = *x;
  }
}

void read_torus(ObjectReader& s, hw::ScaleOutSpec& so) {
  const json* v = s.get("torus");
  if (v == nullptr) return;
  JsonReader& r = s.reader();
  const std::string ptr = s.pointer("torus");
  if (!r.expect_array(*v, ptr)) return;
  if (v->size() != 3) {
    r.error(ptr, "expected three sizes [x, y, z], found " + std::to_string(v->size()), "e.g. [16, 16, 8]");
    return;
  }
  for (std::size_t i = 0; i < 3; ++i) {
    if (auto x = r.integer((*v)[i], json_pointer_append(ptr, i), 1, 1'000'000)) so.torus_dims[i] = static_cast<int>(*x);
  }
}

void read_nccl_tests(ObjectReader& s, hw::ScaleOutSpec& so) {
  const json* v = s.get("nccl_tests");
  if (v == nullptr) return;
  JsonReader& r = s.reader();
  const std::string ptr = s.pointer("nccl_tests");
  std::vector<std::pair<const json*, std::string>> paths;
  if (v->is_array()) {
    for (std::size_t i = 0; i < v->size(); ++i) paths.emplace_back(&(*v)[i], json_pointer_append(ptr, i));
  } else {
    paths.emplace_back(v, ptr);
  }
  for (const auto& [item, at] : paths) {
    const auto path = r.string(*item, at);
    if (!path) continue;
    try {
      so.nccl_tests.push_back(net::measured_curve(net::read_nccl_tests(resolve_from(r.file(), *path))));
    } catch (const InputError& e) {
      r.error(at, "cannot use the nccl-tests log \"" + printable_ascii(*path) + "\"",
              "give the text output of an nccl-tests *_perf run; the problems in it follow");
      r.add(e.diagnostics());
    }
  }
}

}  // namespace

void parse_scale_out(ObjectReader& c, hw::ClusterSpec& cluster, bool check_fabric) {
  const json* so_json = c.get("scale_out");
  if (so_json == nullptr) return;
  JsonReader& r = c.reader();
  const std::size_t errors_before = r.error_count();
  ObjectReader s(r, *so_json, c.pointer("scale_out"));
  hw::ScaleOutSpec& so = cluster.scale_out;
  if (auto v = s.choice("topology", {"fat-tree", "rail-optimized", "torus3d"})) so.topology = *v;
  if (auto v = s.integer("nics_per_node", 1, 1024)) so.nics_per_node = static_cast<int>(*v);
  if (auto v = s.quantity("nic_bandwidth", Dimension::bandwidth, 0, kMaxStatedBandwidth_Bps, true)) so.nic_bw_Bps = *v;
  read_oversubscription(s, so);
  if (auto v = s.quantity("latency", Dimension::time, 0, kMaxLatency_s)) so.latency_s = *v;
  if (auto v = s.number("efficiency", 0, 1, true)) so.nic_efficiency = *v;
  if (auto v = s.integer("tiers", 1, 3)) so.tiers = static_cast<int>(*v);
  if (auto v = s.integer("radix", 2, 4096)) so.radix = static_cast<int>(*v);
  if (auto v = s.quantity("port_bandwidth", Dimension::bandwidth, 0, kMaxStatedBandwidth_Bps, true)) so.port_bw_Bps = *v;
  if (auto v = s.integer("rails", 1, 1024)) so.rails = static_cast<int>(*v);
  if (auto v = s.integer("planes", 1, 1024)) so.planes = static_cast<int>(*v);
  if (auto v = s.quantity("switch_latency", Dimension::time, 0, kMaxLatency_s)) so.switch_latency_s = *v;
  read_torus(s, so);
  if (auto v = s.boolean("sharp")) so.in_network_reduction = *v;
  read_nccl_tests(s, so);
  s.finish();

  if (so.topology == "torus3d" && !s.has("torus")) {
    r.error(s.pointer(), "a torus3d fabric needs its size", "add \"torus\": [x, y, z] with x*y*z = nodes");
    return;
  }
  bool shaped = false;
  for (const char* key : {"topology", "tiers", "radix", "port_bandwidth", "rails", "planes", "torus"}) {
    shaped = shaped || s.has(key);
  }
  if (!check_fabric || !shaped || r.error_count() > errors_before) return;
  for (const net::FabricProblem& p : net::fabric_problems(cluster)) {
    r.error(s.has(p.key) ? s.pointer(p.key) : s.pointer(), p.message, p.hint);
  }
}

}  // namespace capsim::planner::detail
