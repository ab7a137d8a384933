#pragma once
/// @file nccl_collectives.hpp
/// The cluster's collective model, shaped like NCCL's own cost model (src/graph/tuning.cc): for every algorithm
/// (ring, double binary tree, NVLS in-switch reduction, SHARP in-network reduction) and protocol (LL, LL128, Simple)
/// a latency term (base + per-step) and a bandwidth term, and the fastest one is taken, as NCCL's tuner does. Small
/// messages are latency-bound, large ones bandwidth-bound. Bandwidths come from the catalog (measured bus bandwidth
/// where known) and the fabric; a measured nccl-tests curve, when the scenario gives one, replaces the model.
///
/// Constructing one copies a few dozen numbers (and the measured curves into fixed arrays); queries allocate nothing.

#include <string_view>

#include "models/network/collective_calibration.hpp"
#include "models/network/collective_model.hpp"
#include "models/network/fabric_factory.hpp"

namespace capsim::net {

/// How a collective is carried out.
enum class CollectiveAlgorithm { ring, tree, nvls, sharp, direct };
/// NCCL's wire protocols: LL (8-byte flag+data stores, lowest latency), LL128 (128-byte lines), Simple (bulk).
enum class CollectiveProtocol { ll, ll128, simple };

std::string_view to_string(CollectiveAlgorithm a);
std::string_view to_string(CollectiveProtocol p);

/// One evaluated collective.
struct CollectiveEstimate {
  double time_s = 0;
  CollectiveAlgorithm algorithm = CollectiveAlgorithm::ring;
  CollectiveProtocol protocol = CollectiveProtocol::simple;
  int domains = 1;          ///< scale-up domains (NVLink domains, usually nodes) the group spans
  bool calibrated = false;  ///< a measured curve set or scaled the time
};

/// Collective times on one cluster. Holds no reference to the cluster it was built from.
class NcclCollectives final : public CollectiveModel {
 public:
  explicit NcclCollectives(const hw::ClusterSpec& cluster);

  double time_s(CollectiveOp op, double bytes, const CommGroup& group) const override {
    return estimate(op, bytes, group).time_s;
  }
  /// Time and choice of algorithm, measured curves applied.
  CollectiveEstimate estimate(CollectiveOp op, double bytes, const CommGroup& group) const;
  /// Time and choice of algorithm from the model alone.
  CollectiveEstimate modelled(CollectiveOp op, double bytes, const CommGroup& group) const;

  /// Large-message ring bus bandwidth inside one scale-up domain over `ranks` GPUs, bytes/s.
  double ring_busbw_Bps(int ranks) const;
  /// NVLS algorithm bandwidth (bytes of buffer per second) once its pipeline is full; 0 without NVLS.
  double nvls_algbw_Bps() const { return nvls_alg_Bps_; }
  /// A node's scale-out bandwidth at the large-message efficiency, bytes/s.
  double node_nic_bw_Bps() const { return node_nic_Bps_; }
  /// GPUs that share one NVLink-class domain.
  int domain_gpus() const { return domain_gpus_; }

 private:
  struct Placement {
    int ranks = 1;
    int nodes = 1;             ///< nodes spanned
    int domains = 1;           ///< scale-up domains spanned
    int ranks_per_domain = 1;
    double nic_per_rank_Bps = 0;  ///< NIC bandwidth each rank of the group can use
  };
  Placement place(const CommGroup& group) const;
  CollectiveEstimate intra(CollectiveOp op, double bytes, int ranks) const;
  CollectiveEstimate inter(CollectiveOp op, double bytes, const Placement& p) const;
  CollectiveEstimate inter_all_reduce(double bytes, const Placement& p, double bw_Bps) const;

  hw::ScaleUpKind su_kind_ = hw::ScaleUpKind::switched;
  double su_bw_Bps_ = 0;
  double ring_bus_Bps_ = 0;   ///< switched domain: ring bus bandwidth
  double nvls_alg_Bps_ = 0;
  double su_step_s_ = 0;      ///< one Simple ring step over the scale-up links
  double net_step_s_ = 0;     ///< one Simple ring step across the fabric
  double node_nic_Bps_ = 0;
  int gpus_per_node_ = 1;
  int domain_gpus_ = 1;
  int nodes_per_domain_ = 1;
  bool sharp_ = false;
  std::array<int, 3> torus_dims_{1, 1, 1};  ///< torus scale-up: the slice's shape (torus3d.hpp)
  int torus_wrap_ = 0;                      ///< torus: dimensions whose size is a multiple of this wrap around
  double torus_link_Bps_ = 0;               ///< torus: one link, one direction
  std::array<double, 3> torus_scale_{1, 1, 1};  ///< torus: each dimension's links relative to torus_link_Bps_
  FabricShape shape_;
  CollectiveCalibration calibration_;
};

}  // namespace capsim::net
