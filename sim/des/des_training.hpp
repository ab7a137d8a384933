#pragma once
/// @file des_training.hpp
/// One training step of one or more jobs, event by event on a SimGrid platform: every pipeline stage runs its 1F1B
/// (or interleaved 1F1B) schedule; every scale-out transfer (pipeline send/recv, data-parallel reduce-scatter or
/// all-reduce, ZeRO parameter all-gather) is a flow over the fabric's real routes, sharing links with every other
/// flow. Tensor-parallel traffic stays inside the NVSwitch node and is costed by the node model (DESIGN.md).
/// Must run inside a DES child process.

#include <string>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/workloads/transformer.hpp"
#include "sim/des/des_engine.hpp"

namespace capsim::sim::des {

/// What to simulate besides the jobs.
struct DesOptions {
  std::vector<double> slowdown;  ///< per GPU rank: compute takes this many times longer (stragglers); empty = none
  std::string trace_path;        ///< when set, a Chrome trace (Perfetto) of the first job's first replica
  int top_links = 10;            ///< how many of the most loaded links to report
  std::vector<FailedCables> failed;  ///< cables down on chosen routes
  DesCheckpoint checkpoint;          ///< when enabled, the storage endpoints are on the fabric
  bool write_checkpoint = true;      ///< with checkpoint.enabled: every job writes one (else the storage idles)
  double power_period_s = 0;         ///< > 0: meter power with SimGrid's energy plugins at this period (des_power.hpp)
  /// One flow per transfer for all its rails where that changes no answer (rail_bundle.hpp); false runs a flow per
  /// rail everywhere (the tests compare the two).
  bool bundle_rails = true;
};

/// Measured parts of one job's step on its critical (last-finishing) stage, seconds.
struct DesJobResult {
  double step_time_s = 0;
  double busy_s = 0;         ///< compute and node-local communication of the critical stage
  double ep_comm_s = 0;      ///< expert all-to-all on the fabric (when the EP group spans nodes)
  double cp_comm_s = 0;      ///< context-parallel exchange on the fabric not hidden behind compute
  double pp_comm_s = 0;      ///< time the critical stage waited on pipeline transfers beyond the schedule's bubble
  double bubble_s = 0;       ///< pipeline fill and drain
  double dp_comm_s = 0;      ///< exposed gradient reduction
  double param_gather_s = 0; ///< exposed ZeRO parameter gather
  double optimizer_s = 0;
  int first_gpu = 0;         ///< where the job sits on the fabric
  double start_s = 0;        ///< when its compute could start (after a checkpoint stall); step_time_s includes it
  double checkpoint_bytes = 0;    ///< checkpoint written during the step; 0 = none
  double checkpoint_write_s = 0;  ///< from the job's first write (time to first byte included) to its last byte
  PowerTrace power_trace;         ///< with DesOptions::power_period_s > 0 only
};

/// A link and how loaded it was over the run.
struct LinkLoad {
  std::string name;
  double bytes = 0;
  double utilization = 0;  ///< bytes / (bandwidth x makespan)
};

/// Everything one DES run reports.
struct DesRunResult {
  std::vector<DesJobResult> jobs;
  std::vector<LinkLoad> busiest_links;
  long long activities = 0;  ///< ops (kernel timers) and flows (SimGrid comms) simulated
  bool rails_bundled = false;  ///< one flow per transfer stood for all its rails (rail_bundle.hpp)
  double makespan_s = 0;
  double peak_memory_bytes = 0;  ///< peak resident memory of the simulating process
};

/// Simulates one step of every job at once on `cluster`; jobs take consecutive GPUs from rank 0 in order. Throws
/// capsim::InfeasibleError when the jobs need more GPUs than the cluster has.
DesRunResult simulate_training_steps(const hw::ClusterSpec& cluster, const std::vector<workloads::TrainingJob>& jobs,
                                     const DesOptions& options);

}  // namespace capsim::sim::des
