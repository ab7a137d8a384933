#include "models/network/fat_tree.hpp"

namespace capsim::net {

namespace {

ClosOptions one_plane(ClosOptions o) {
  o.rails = 0;
  o.planes = 1;
  return o;
}

}  // namespace

FatTree::FatTree(const ClosOptions& options) : ClosFabric("fat-tree", one_plane(options)) {}

FatTree FatTree::k_ary(int k, double link_bw_Bps) {
  ClosOptions o;
  o.nodes = k * k * k / 4;
  o.nics_per_node = 1;
  o.radix = k;
  o.tiers = 3;
  o.link_bw_Bps = link_bw_Bps;
  return FatTree(o);
}

}  // namespace capsim::net
