#include "planner/serving_fleet.hpp"

#include <algorithm>
#include <cmath>

#include "planner/tco/price_book.hpp"

namespace capsim::planner {

GpuPriceLookup cheapest_instance_prices(const tco::PriceBook& book, const std::string& pricing) {
  return [&book, pricing](const std::string& gpu) -> std::optional<GpuHourPrice> {
    const auto cheapest = book.cheapest_gpu_hour(gpu, pricing);
    if (!cheapest) return std::nullopt;
    const tco::CloudInstance& instance = *cheapest->second;
    GpuHourPrice p;
    p.usd_per_gpu_hour = cheapest->first;
    p.instance = instance.id;
    p.instance_name = instance.name;
    p.instance_gpus = instance.gpus;
    p.pricing = pricing;
    if (const auto it = instance.hourly.find(pricing); it != instance.hourly.end()) {
      p.date = it->second.use.date;
      p.source = it->second.use.source;
    }
    return p;
  };
}

int replicas_for(double rate_per_s, double capacity_per_replica, double headroom) {
  const double needed = rate_per_s * (1 + std::max(0.0, headroom)) / capacity_per_replica;
  // 1e-9 keeps an exact multiple (20/s at 5/s each) from rounding up to one replica more.
  return std::max(1, static_cast<int>(std::ceil(needed - 1e-9)));
}

NodeFleet pack_on_nodes(int replicas, int gpus_per_replica, int gpus_per_node) {
  const long gpr = std::max(1, gpus_per_replica);
  const long gpn = std::max(1, gpus_per_node);
  NodeFleet f;
  f.nodes = static_cast<int>((std::max(1, replicas) * gpr + gpn - 1) / gpn);
  f.gpus = static_cast<int>(f.nodes * gpn);
  f.replicas = static_cast<int>(f.gpus / gpr);
  return f;
}

NodeFleet one_more_replica(const NodeFleet& fleet, int gpus_per_replica, int gpus_per_node) {
  return pack_on_nodes(fleet.replicas + 1, gpus_per_replica, gpus_per_node);
}

}  // namespace capsim::planner
