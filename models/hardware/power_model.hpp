#pragma once
/// @file power_model.hpp
/// Electrical power of GPUs, nodes, switches and storage servers, from what the hardware is doing. The node figures
/// come from models/hardware/catalog/power.json (embedded); every one names its source there.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/hardware/facility.hpp"
#include "models/hardware/gpu.hpp"

namespace capsim::hw {

/// How one GPU spends a step, seconds. The four parts sum to the step time.
struct GpuActivity {
  double compute_bound_s = 0;  ///< tensor-core work, counted at the best GEMM rate (achieved FLOPs / best rate)
  double memory_bound_s = 0;   ///< the rest of the compute time: norms, element-wise ops, small or skinny GEMMs
  double comm_s = 0;           ///< exposed communication (NCCL kernels, NVLink and NIC traffic)
  double idle_s = 0;           ///< pipeline bubble and other waits, clocks still up

  double total_s() const { return compute_bound_s + memory_bound_s + comm_s + idle_s; }
};

/// One part of a node (CPUs, fans, ...): draw with no job and while a job runs, watts.
struct PartPower {
  std::string name;   ///< "cpus", "memory", "nics", "scale_up_switches", "fans", "drives", "other"
  double idle_W = 0;
  double busy_W = 0;
  bool per_nic = false;  ///< the figures are per compute NIC, not per node
  std::string source;
};

/// Power of one node type outside its GPUs.
struct NodePowerSpec {
  std::string gpu;            ///< catalog GPU id this entry is for ("*": any other)
  std::string name;           ///< the node it describes
  double max_W = 0;           ///< vendor's maximum node power; 0 if unknown
  double psu_efficiency = 0.95;  ///< DC load / AC input
  std::vector<PartPower> parts;
  RackUnit rack;  ///< set for a rack-scale system's nodes (its rack size and cooling); else racked by power
  std::map<std::string, std::string> sources;  ///< "max_power", "psu_efficiency", "rack.nodes", "rack.cooling" -> source
};

/// The built-in node-power data (catalog/power.json).
struct PowerCatalog {
  std::vector<NodePowerSpec> nodes;
  double switch_port_W = 0;     ///< per scale-out switch port, the port's optics included
  double storage_server_W = 0;  ///< one storage server under load
  /// The entry for `gpu_id`, or the generic "*" entry.
  const NodePowerSpec& node_for(const std::string& gpu_id) const;
  /// The embedded catalog, parsed once. Throws capsim::Error if the embedded data is malformed.
  static const PowerCatalog& builtin();
};

/// Power settings of a cluster (`cluster.power`); zero or negative fields take the catalog's defaults.
struct PowerSpec {
  double gpu_power_cap_W = 0;    ///< board power limit (nvidia-smi -pl); 0 = the GPU's TDP
  double node_overhead_W = -1;   ///< busy non-GPU power per node at the wall; < 0 = the catalog's parts
  double switch_port_W = -1;     ///< per scale-out switch port; < 0 = catalog
  int storage_servers = 0;       ///< storage servers that serve this cluster
  double storage_server_W = -1;  ///< per storage server; < 0 = catalog
};

/// Node power and its parts for one GPU activity, watts at the wall (PSU losses included).
struct NodePower {
  double total_W = 0;
  double gpus_W = 0;       ///< all GPUs of the node
  std::vector<std::pair<std::string, double>> parts_W;  ///< gpus, cpus, memory, ..., psu_loss
};

/// Average board power of one GPU over `a`: idle + (limit - idle) x activity-weighted share, where limit is the
/// smaller of TDP and `cap_W` (0 = none). Phase weights: compute-bound gpu.compute_power_share (1 unless measured),
/// memory-bound gpu.memory_power_share (0.55 unless measured), communication 0.2, idle-in-job 0.1 (see
/// power_model.cpp and gpu.hpp for the reasoning).
double gpu_power_W(const GpuSpec& gpu, double cap_W, const GpuActivity& a);

/// Speed of work that would draw `demand_share` of the GPU's dynamic range (compute-bound:
/// gpu.compute_power_share; memory-bound: gpu.memory_power_share) under a board power cap `cap_W`, as a share of its
/// uncapped speed: 1 when the cap does not bind (no cap, a cap at or above TDP, or one above the work's draw), else
/// ((cap - idle) / (demand - idle))^(1 / kDvfsPowerExponent). The GPU lowers its clock until its dynamic power fits
/// the cap, and dynamic power falls faster than the clock (power_model.cpp says by how much).
double power_capped_speed(const GpuSpec& gpu, double cap_W, double demand_share);

/// Slows `gpu`'s rates for a board power cap `cap_W`: the GEMM efficiency caps and measured flash-attention shares
/// by power_capped_speed of compute-bound work, achieved HBM and element-wise bandwidth by that of memory-bound
/// work, each with a source saying so. A cap of 0 or at or above TDP changes nothing.
void apply_power_cap(GpuSpec& gpu, double cap_W);

/// Average power of one node of `gpus` GPUs and `nics` compute NICs over activity `a` (all-zero: an idle node).
NodePower node_power(const GpuSpec& gpu, int gpus, int nics, const PowerSpec& spec, const GpuActivity& a);

/// Provisioned (peak) power of one node, watts: the vendor maximum when known and no cap or overhead override is
/// set, else every GPU at its limit plus the busy overhead over the PSU efficiency.
double node_peak_W(const GpuSpec& gpu, int gpus, int nics, const PowerSpec& spec);

/// Scale-out switch power of a fabric, watts: `endpoints` NIC ports in a folded Clos of `tiers` tiers uses about
/// (2 x tiers - 1) switch ports per endpoint (one at the leaf, two at every tier above).
double fabric_power_W(long endpoints, int tiers, const PowerSpec& spec);

/// Power of the cluster's storage servers, watts.
double storage_power_W(const PowerSpec& spec);

}  // namespace capsim::hw
