#include "models/hardware/cluster.hpp"

#include <algorithm>

namespace capsim::hw {

int scale_up_domain_gpus(const ClusterSpec& cluster) {
  const int gpn = cluster.gpus_per_node;
  return cluster.scale_up.domain_gpus > std::max(gpn, 8) ? cluster.scale_up.domain_gpus : gpn;
}

ClusterSpec default_cluster(const GpuSpec& gpu, int nodes) {
  ClusterSpec c;
  c.gpu = gpu;
  c.nodes = nodes;
  c.gpus_per_node = gpu.node.gpus_per_node;
  c.scale_up = gpu.scale_up;
  c.scale_out.nics_per_node = gpu.node.nics_per_node;
  c.scale_out.nic_bw_Bps = gpu.node.nic_bw_Bps;
  c.scale_out.nic_efficiency = gpu.node.nic_efficiency;
  c.scale_out.latency_s = gpu.node.nic_latency_s;
  // A cold-plate cooled rack-scale system (GB200 NVL72) is installed in a liquid-cooled hall unless the scenario
  // says otherwise (its PUE and rack limit follow).
  if (PowerCatalog::builtin().node_for(gpu.id).rack.liquid_cooled) c.facility.cooling = Cooling::direct_liquid;
  return c;
}

}  // namespace capsim::hw
