#include "models/hardware/cluster.hpp"

namespace capsim::hw {

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
  return c;
}

}  // namespace capsim::hw
