#include "models/hardware/power_model.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::hw {

/// The built-in power data, generated at build time by cmake/embed_files.cmake.
std::vector<capsim::EmbeddedFile> builtin_power_catalog_files();

namespace {

using nlohmann::json;

// Share of the GPU's dynamic range (limit - idle) each phase draws. Compute-bound and memory-bound time draw the
// GpuSpec's compute_power_share and memory_power_share (estimates 1.0 and 0.55, see gpu.hpp, unless a calibration
// profile measured them). NCCL kernels use a few SMs plus NVLink SerDes and copy engines: 0.2 (estimate). A GPU
// waiting inside a job keeps its clocks up: 0.1 (estimate).
constexpr double kCommShare = 0.2;
constexpr double kWaitShare = 0.1;

// Under a power cap the GPU's firmware lowers the SM clock until the board fits. Dynamic power is about
// C x V^2 x f: on the upper part of the voltage/frequency curve the voltage falls with the clock, so power falls as
// about f^3; once the voltage sits at its floor, as f alone, and a cap then costs more clock. 2.5 assumes the clock
// stays mostly on the voltage-scaled part: an estimate, not a measurement (no H100 curve below its 700 W operating
// point was found). What was measured (models/hardware/calibration/README.md): an H100 running 8192^3 BF16 GEMMs back
// to back sits at its 700 W limit with the SM clock at 1.36 of 1.98 GHz, so compute-bound work is capped at TDP
// already, and any lower cap binds.
constexpr double kDvfsPowerExponent = 2.5;

double watts(const json& j, const std::string& origin) {
  std::string error;
  const auto v = units::parse(j.get<std::string>(), units::Dimension::power, &error);
  if (!v) throw Error(origin + ": " + error);
  return *v;
}

NodePowerSpec parse_node(const json& n, const std::string& origin) {
  NodePowerSpec s;
  s.gpu = n.at("gpu").get<std::string>();
  s.name = n.at("name").get<std::string>();
  s.max_W = watts(n.at("max_power").at("value"), origin);
  s.sources["max_power"] = n.at("max_power").at("source").get<std::string>();
  s.psu_efficiency = n.at("psu_efficiency").at("value").get<double>();
  s.sources["psu_efficiency"] = n.at("psu_efficiency").at("source").get<std::string>();
  for (const auto& [name, p] : n.at("parts").items()) {
    PartPower part;
    part.name = name;
    part.idle_W = watts(p.at("idle"), origin);
    part.busy_W = watts(p.at("busy"), origin);
    part.per_nic = p.value("per", "node") == "nic";
    part.source = p.at("source").get<std::string>();
    s.parts.push_back(part);
  }
  if (const auto rack = n.find("rack"); rack != n.end()) {
    s.rack.nodes = rack->at("nodes").at("value").get<int>();
    s.sources["rack.nodes"] = rack->at("nodes").at("source").get<std::string>();
    const std::string cooling = rack->at("cooling").at("value").get<std::string>();
    if (cooling != "air" && cooling != "direct-liquid") throw Error(origin + ": rack cooling \"" + cooling + "\"");
    s.rack.liquid_cooled = cooling == "direct-liquid";
    s.sources["rack.cooling"] = rack->at("cooling").at("source").get<std::string>();
    s.rack.name = rack->at("name").get<std::string>();
    if (s.rack.nodes < 1) throw Error(origin + ": a rack holds at least one node");
  }
  return s;
}

double limit_W(const GpuSpec& gpu, double cap_W) { return cap_W > 0 ? std::min(gpu.tdp_W, cap_W) : gpu.tdp_W; }

}  // namespace

const NodePowerSpec& PowerCatalog::node_for(const std::string& gpu_id) const {
  const NodePowerSpec* generic = nullptr;
  for (const auto& n : nodes) {
    if (n.gpu == gpu_id) return n;
    if (n.gpu == "*") generic = &n;
  }
  if (generic == nullptr) throw Error("the power catalog has no entry for GPU " + gpu_id + " and no \"*\" entry");
  return *generic;
}

const PowerCatalog& PowerCatalog::builtin() {
  static const PowerCatalog catalog = [] {
    PowerCatalog c;
    for (const EmbeddedFile& file : builtin_power_catalog_files()) {
      const std::string origin = "built-in " + std::string(file.name);
      try {
        const json doc = json::parse(file.content);
        for (const auto& n : doc.at("nodes")) c.nodes.push_back(parse_node(n, origin));
        c.switch_port_W = watts(doc.at("switch_port").at("value"), origin);
        c.storage_server_W = watts(doc.at("storage_server").at("value"), origin);
      } catch (const json::exception& e) {
        throw Error(origin + ": malformed power data: " + e.what());
      }
    }
    return c;
  }();
  return catalog;
}

double power_capped_speed(const GpuSpec& gpu, double cap_W, double demand_share) {
  if (cap_W <= 0 || cap_W >= gpu.tdp_W || gpu.tdp_W <= gpu.idle_W) return 1.0;
  const double demand_W = gpu.idle_W + std::clamp(demand_share, 0.0, 1.0) * (gpu.tdp_W - gpu.idle_W);
  if (cap_W >= demand_W) return 1.0;
  const double fits = std::max(cap_W - gpu.idle_W, 0.0) / (demand_W - gpu.idle_W);
  return std::pow(fits, 1.0 / kDvfsPowerExponent);
}

void apply_power_cap(GpuSpec& gpu, double cap_W) {
  const double compute = power_capped_speed(gpu, cap_W, gpu.compute_power_share);
  const double memory = power_capped_speed(gpu, cap_W, gpu.memory_power_share);
  if (compute >= 1.0 && memory >= 1.0) return;
  const std::string source = "power cap " + units::format_power(cap_W) + " (power_model.cpp apply_power_cap)";
  if (gpu.max_gemm_efficiency.empty()) {
    gpu.max_gemm_efficiency[Precision::bf16] = gpu.gemm_efficiency_cap(Precision::bf16);
  }
  for (auto& [precision, share] : gpu.max_gemm_efficiency) {
    share *= compute;
    gpu.sources["max_gemm_efficiency." + std::string(to_string(precision))] = source;
  }
  gpu.attention_fwd_efficiency *= compute;
  gpu.attention_bwd_efficiency *= compute;
  gpu.flash2_fwd_efficiency *= compute;
  gpu.flash2_bwd_efficiency *= compute;
  gpu.hbm_achieved_Bps *= memory;
  gpu.elementwise_Bps *= memory;
  gpu.sources["hbm_achieved_Bps"] = source;
}

double gpu_power_W(const GpuSpec& gpu, double cap_W, const GpuActivity& a) {
  const double total = a.total_s();
  const double limit = limit_W(gpu, cap_W);
  const double idle = std::min(gpu.idle_W, limit);
  if (total <= 0) return idle;
  // Each phase draws its share of the uncapped range (the shares are measured at the board's own limit); a cap
  // below that draw clocks the phase down until it fits (power_capped_speed), so it draws the cap, and a phase that
  // draws less than the cap is not touched by it.
  const auto draw = [&](double share) {
    return std::min(limit, idle + (gpu.tdp_W - idle) * std::clamp(share, 0.0, 1.0));
  };
  return (draw(gpu.compute_power_share) * a.compute_bound_s + draw(gpu.memory_power_share) * a.memory_bound_s +
          draw(kCommShare) * a.comm_s + draw(kWaitShare) * a.idle_s) /
         total;
}

namespace {

/// node_power with each GPU drawing `gpu_W`.
NodePower node_power_with(const GpuSpec& gpu, int gpus, int nics, const PowerSpec& spec, const GpuActivity& a,
                          double gpu_W) {
  const NodePowerSpec& node = PowerCatalog::builtin().node_for(gpu.id);
  const double total = a.total_s();
  const double limit = limit_W(gpu, spec.gpu_power_cap_W);
  const double idle = std::min(gpu.idle_W, limit);
  // Parts other than fans are busy while the job runs and not waiting; fans follow the GPUs' heat.
  const double job_share = total > 0 ? 1.0 - a.idle_s / total : 0.0;
  const double heat_share = limit > idle ? (gpu_W - idle) / (limit - idle) : 0.0;

  NodePower p;
  p.gpus_W = gpus * gpu_W;
  p.parts_W.emplace_back("gpus", p.gpus_W);
  double dc_W = p.gpus_W;
  double idle_sum = 0;
  double busy_sum = 0;
  for (const PartPower& part : node.parts) {
    const double n = part.per_nic ? nics : 1;
    idle_sum += n * part.idle_W;
    busy_sum += n * part.busy_W;
  }
  if (spec.node_overhead_W >= 0) {
    // A single overhead figure at the wall: keep the catalog's idle-to-busy ratio for it.
    const double busy = spec.node_overhead_W * node.psu_efficiency;
    const double idle_part = busy_sum > 0 ? busy * idle_sum / busy_sum : busy;
    const double w = idle_part + (busy - idle_part) * job_share;
    p.parts_W.emplace_back("node_overhead", w);
    dc_W += w;
  } else {
    for (const PartPower& part : node.parts) {
      const double n = part.per_nic ? nics : 1;
      const double share = part.name == "fans" ? heat_share : job_share;
      const double w = n * (part.idle_W + (part.busy_W - part.idle_W) * share);
      p.parts_W.emplace_back(part.name, w);
      dc_W += w;
    }
  }
  p.total_W = dc_W / node.psu_efficiency;
  p.parts_W.emplace_back("psu_loss", p.total_W - dc_W);
  return p;
}

}  // namespace

NodePower node_power(const GpuSpec& gpu, int gpus, int nics, const PowerSpec& spec, const GpuActivity& a) {
  return node_power_with(gpu, gpus, nics, spec, a, gpu_power_W(gpu, spec.gpu_power_cap_W, a));
}

double node_peak_W(const GpuSpec& gpu, int gpus, int nics, const PowerSpec& spec) {
  const NodePowerSpec& node = PowerCatalog::builtin().node_for(gpu.id);
  if (node.max_W > 0 && spec.gpu_power_cap_W <= 0 && spec.node_overhead_W < 0 && gpus == 8) return node.max_W;
  // Provisioning assumes every GPU at its limit, whatever share of it a measured GEMM drew.
  const double limit = limit_W(gpu, spec.gpu_power_cap_W);
  const double idle = std::min(gpu.idle_W, limit);
  GpuActivity flat_out;
  flat_out.compute_bound_s = 1;
  return node_power_with(gpu, gpus, nics, spec, flat_out, idle + (limit - idle)).total_W;
}

double fabric_power_W(long endpoints, int tiers, const PowerSpec& spec) {
  if (endpoints <= 0 || tiers <= 0) return 0;
  const double port_W = spec.switch_port_W >= 0 ? spec.switch_port_W : PowerCatalog::builtin().switch_port_W;
  return static_cast<double>(endpoints) * (2.0 * tiers - 1.0) * port_W;
}

double storage_power_W(const PowerSpec& spec) {
  const double server_W = spec.storage_server_W >= 0 ? spec.storage_server_W : PowerCatalog::builtin().storage_server_W;
  return spec.storage_servers * server_W;
}

}  // namespace capsim::hw
