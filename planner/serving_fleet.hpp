#pragma once
/// @file serving_fleet.hpp
/// How `plan-serving` turns one replica's capacity into a fleet a buyer can rent or buy: replicas for a rate with
/// stated headroom, packed onto whole nodes (an 8-GPU node or instance is the unit that can be had), priced per
/// GPU-hour from the price book.

#include <functional>
#include <optional>
#include <string>

namespace capsim::planner {

namespace tco {
class PriceBook;
}

/// What a GPU-hour costs and where the price came from.
struct GpuHourPrice {
  double usd_per_gpu_hour = 0;
  std::string instance;       ///< price book instance id: "hyperstack-8x-h200"
  std::string instance_name;  ///< "Hyperstack 8x H200"
  int instance_gpus = 0;      ///< GPUs per instance
  std::string pricing;        ///< "on-demand"
  std::string date;           ///< of the price
  std::string source;         ///< who says so
};

/// The price of a GPU type's GPU-hour, or none when nobody sells it.
using GpuPriceLookup = std::function<std::optional<GpuHourPrice>(const std::string& gpu)>;

/// Prices from `book` (which must outlive the lookup): the cheapest instance with the GPU at `pricing`, per GPU-hour.
GpuPriceLookup cheapest_instance_prices(const tco::PriceBook& book, const std::string& pricing = "on-demand");

/// Replicas that serve `rate_per_s` with `headroom` to spare: ceil(rate x (1 + headroom) / capacity), at least 1.
/// `capacity_per_replica` must be positive.
int replicas_for(double rate_per_s, double capacity_per_replica, double headroom);

/// A fleet in whole nodes.
struct NodeFleet {
  int nodes = 0;
  int gpus = 0;      ///< nodes x GPUs per node: what is paid for
  int replicas = 0;  ///< as many as the nodes hold
};

/// Packs `replicas` replicas of `gpus_per_replica` GPUs onto nodes of `gpus_per_node` GPUs: the fewest nodes that
/// hold them, then as many replicas as those nodes hold, since their GPUs are paid for anyway (3 x TP2 on 8-GPU
/// nodes: 1 node, 4 replicas).
NodeFleet pack_on_nodes(int replicas, int gpus_per_replica, int gpus_per_node);

/// `fleet` grown by the fewest whole nodes that hold one more replica (one node, unless a replica spans nodes).
NodeFleet one_more_replica(const NodeFleet& fleet, int gpus_per_replica, int gpus_per_node);

}  // namespace capsim::planner
