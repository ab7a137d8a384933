#include "models/network/collective_model.hpp"

namespace capsim::net {

std::string_view to_string(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::all_reduce: return "all_reduce";
    case CollectiveOp::reduce_scatter: return "reduce_scatter";
    case CollectiveOp::all_gather: return "all_gather";
    case CollectiveOp::all_to_all: return "all_to_all";
    case CollectiveOp::send_recv: return "send_recv";
  }
  return "unknown";
}

double bus_factor(CollectiveOp op, int ranks) {
  if (ranks <= 1) return op == CollectiveOp::send_recv ? 1.0 : 0.0;
  const double n = ranks;
  switch (op) {
    case CollectiveOp::all_reduce: return 2.0 * (n - 1) / n;
    case CollectiveOp::reduce_scatter:
    case CollectiveOp::all_gather:
    case CollectiveOp::all_to_all: return (n - 1) / n;
    case CollectiveOp::send_recv: return 1.0;
  }
  return 1.0;
}

}  // namespace capsim::net
