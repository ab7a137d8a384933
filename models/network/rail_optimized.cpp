#include "models/network/rail_optimized.hpp"

namespace capsim::net {

namespace {

ClosOptions rail_aligned(ClosOptions o) {
  o.planes = 1;
  if (o.rails <= 0) o.rails = o.nics_per_node;
  // Rail leaves sit at the end of the row, not in the server rack: every NIC cable is optical (SuperPOD RA).
  o.optical_endpoint_links = true;
  return o;
}

}  // namespace

RailOptimized::RailOptimized(const ClosOptions& options) : ClosFabric("rail-optimized", rail_aligned(options)) {}

}  // namespace capsim::net
