#pragma once
/// @file rail_bundle.hpp
/// Private to sim/des: one flow for all the rails of a transfer, when that changes no answer.
///
/// NCCL splits a transfer between two nodes over all their NICs, so every training transfer is `rails` flows of equal
/// size, started together on the same pair of nodes. SimGrid 3.32 files every host-to-host comm in one std::list
/// that each completion scans end to end (CommImpl::finish removes the comm by value), so a step's cost grows with
/// the square of the flows in flight: on 16,384 GPUs with eight rails that scan is more than half of the run.
///
/// When every flow of the run is a rail-symmetric share, the rails' shares are interchangeable and one flow per
/// transfer, carried by rail 0 with every rail's bandwidth, is the same max-min problem:
/// - rail 0's NIC cable stands for the node's `rails` cables (its bandwidth times `rails`);
/// - every switch link above the NICs stands for the same link in each leaf group (rails of a rail-optimized fabric,
///   planes of a multi-plane one, none on a classic fat-tree where one leaf takes all of a node's NICs): times
///   `leaf_groups`. No switch link carries two leaf groups' traffic, so links that only other groups use carry
///   nothing and their scaling changes nothing.
/// Each transfer is then one flow where there were `rails`, each competing for a link with the same weight as
/// before, so every rate, and every time, is what the unbundled run gives (tests/des/rail_bundle_test.cpp runs both).
///
/// On a torus every rail of a node is the node's one host (des_platform.hpp), so a transfer's rail flows share one
/// route already: bundling them scales no link (none is a fat-tree link) and changes nothing but the flow count.
///
/// It does not hold when traffic is not rail-symmetric: a checkpoint writes through chosen NICs to chosen storage
/// endpoints, and a failed cable slows one rail's route (or moves a rail's share to another NIC). Those runs keep a
/// flow per rail.

#include "sim/des/des_platform.hpp"

namespace capsim::sim::des {

/// Whether a run's flows may be bundled: more than one rail, no checkpoint writes, no failed cables.
bool can_bundle_rails(const DesPlatform& platform, bool checkpoint_writes, bool failed_cables);

/// Scales the platform's links so that rail 0 carries every rail's share (above). Call once, after fail_cables().
void bundle_rails(DesPlatform& platform);

/// The readable name of a link of a bundled platform: rail 0's NIC cable of a node stands for all of its NICs
/// ("node 17 nic 0 -> leaf 2 (up)" becomes "node 17 NICs (8) -> leaf 2 (up)"); other names are unchanged.
std::string bundled_link_name(const DesPlatform& platform, const std::string& name);

}  // namespace capsim::sim::des
