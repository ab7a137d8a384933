#include "models/network/multi_plane.hpp"

namespace capsim::net {

namespace {

ClosOptions planes_at_least_two(ClosOptions o) {
  if (o.planes < 2) o.planes = 2;
  if (o.rails > 0) o.optical_endpoint_links = true;
  return o;
}

}  // namespace

MultiPlane::MultiPlane(const ClosOptions& options) : ClosFabric("multi-plane", planes_at_least_two(options)) {}

}  // namespace capsim::net
