#include "sim/des/des_ring.hpp"

#include <vector>

#include <simgrid/s4u.hpp>

#include "sim/des/des_platform.hpp"

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

double simulate_ring_all_reduce(const hw::ClusterSpec& cluster, int nodes, double bytes) {
  const auto engine = start_engine();
  const DesPlatform platform = build_platform(cluster, nodes * cluster.gpus_per_node);

  const int steps = 2 * (nodes - 1);
  int step = 0;
  int in_flight = 0;
  std::vector<sg4::CommPtr> alive;
  auto start_step = [&] {
    for (int k = 0; k < nodes; ++k) {
      sg4::CommPtr c = sg4::Comm::sendto_init(platform.nics[platform.nic_port(k, 0)],
                                              platform.nics[platform.nic_port((k + 1) % nodes, 0)]);
      c->set_payload_size(bytes / nodes);
      alive.push_back(c);
      ++in_flight;
      c->start();
    }
  };
  sg4::Activity::on_completion_cb([&](sg4::Activity const&) {
    if (--in_flight == 0 && ++step < steps) start_step();
  });
  if (steps > 0) start_step();
  engine->run();
  return sg4::Engine::get_clock();
}

}  // namespace capsim::sim::des
