#pragma once
/// @file des_power.hpp
/// Power over simulated time in the DES (`simulation.des.power_trace`), from SimGrid 3.32's energy plugins.
///
/// What the plugins measure:
/// - host energy plugin: every GPU host carries a `wattage_per_state` profile (GpuPowerStates) and runs nothing: its
///   pstate says what it does. Busy (pstate 2) while an op computes (the scheduler runs ops as kernel timers, not
///   Execs), else exposed fabric communication (pstate 1, set around gradient reductions, parameter gathers and
///   expert all-to-alls), else waiting (pstate 0). The plugin integrates each pstate's idle figure over the run.
/// - link energy plugin: every fabric link direction carries a `wattage_range` (fabric_wattage) and the
///   plugin integrates it with the link's load.
///
/// What is added here, not measured by SimGrid:
/// - one op stands for its whole tensor- and context-parallel group (des_training.cpp runs one per stage slot), so
///   the pstates of the group's first GPU host count once per GPU of the group;
/// - the node overhead (CPUs, memory, NICs, scale-up switches, fans, drives: constant at the job's figures from
///   models/hardware/power_model, as the analytical engine computes them), the PSU loss on GPUs and overhead, and the
///   job's share of the storage servers.
/// Not in the trace: the parts of the step the DES adds in closed form after its last activity (node-local legs of
/// the gradient reduction, the optimizer step).

#include <simgrid/forward.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/workloads/transformer.hpp"
#include "sim/des/des_platform.hpp"
#include "sim/des/job_plan.hpp"
#include "sim/engine.hpp"

namespace capsim::sim::des {

/// Pstate of a GPU host waiting inside its job (bubble, pipeline transfer, checkpoint stall).
constexpr unsigned long kWaitPstate = 0;
/// Pstate of a GPU host whose stage waits on exposed fabric communication.
constexpr unsigned long kCommPstate = 1;
/// Pstate of a GPU host while an op computes.
constexpr unsigned long kBusyPstate = 2;

/// Power states of one GPU of a job, watts (models/hardware/power_model's gpu_power_W for each activity).
struct GpuPowerStates {
  double wait_W = 0;  ///< nothing executing, pstate kWaitPstate: the power model's waiting-in-job draw
  double comm_W = 0;  ///< nothing executing, pstate kCommPstate: the power model's communication draw
  double busy_W = 0;  ///< pstate kBusyPstate, an op computing: its mix of compute-bound, memory-bound and
                      ///< node-local (NVLink) time

  /// The host's `wattage_per_state` property, "Idle:Epsilon:AllCores" per pstate. Nothing executes on a GPU host,
  /// so only the idle figures count; Epsilon and AllCores repeat them.
  std::string wattage_per_state() const;
};

/// The power states of a GPU running `job` on `cluster`: an op's mix comes from the analytical step estimate (the
/// DES takes its op durations from the same costs); expert- and context-parallel traffic that `plan` sends over the
/// fabric is not in it.
GpuPowerStates gpu_power_states(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job, const JobPlan& plan);

/// What a job's trace adds to its metered GPUs and links, constant over the step.
struct JobOverhead {
  double parts_W = 0;         ///< DC power of the non-GPU parts of the job's nodes
  double psu_efficiency = 1;  ///< DC load / AC input of its nodes
  double storage_W = 0;       ///< its share of the storage servers
};

/// The overhead of `job` on `cluster`, from the power model at the job's analytical activity.
JobOverhead job_overhead(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job);

/// Switch-port power of the DES fabric per link direction, watts. Idle and busy alike: the catalog gives one
/// per-port figure (a loaded switch's typical power with its optics), and switch power hardly follows traffic.
struct FabricWattage {
  /// A NIC's cable to its leaf has one switch port (the NIC end is in the node's overhead); each direction carries
  /// half.
  double node_link_W = 0;
  /// Above the leaves the DES gives every leaf switch the uplinks of a full one, more than a cabled fabric of few
  /// nodes has. The upper tiers together carry the ports the analytical fabric_power_W counts, two per NIC and tier
  /// above the leaf, spread evenly over their `upper_directions` link directions.
  double upper_link_W = 0;
};

/// The wattage of the fabric `shape` of `cluster`, with `upper_directions` link directions above the leaves; none
/// for a one-node cluster, which has no scale-out switches.
FabricWattage fabric_wattage(const hw::ClusterSpec& cluster, const FatTreeShape& shape, long upper_directions);

/// Initializes SimGrid's host and link energy plugins and returns the GPU energy profiles by rank for
/// build_platform (every GPU of job j gets gpu_power_states(jobs[j], plans[j])). Call in a DES child after its engine
/// exists and before the platform is built.
std::vector<std::string> prepare_energy_plugins(const hw::ClusterSpec& cluster,
                                                const std::vector<workloads::TrainingJob>& jobs,
                                                const std::vector<JobPlan>& plans);

/// Samples the energy counters of the plugins every period and turns them into one power trace per job.
class PowerMeter {
 public:
  /// Starts a timer (an Exec on the meter host); the caller keeps it alive and calls tick() when it completes.
  using Launch = std::function<void(const simgrid::s4u::ExecPtr&)>;

  PowerMeter() = default;
  /// Meters `jobs` (laid out as `plans`) on `platform`, built with prepare_energy_plugins' profiles, every
  /// `period_s`. Gives every fabric link direction its `wattage_range` (the link plugin reads it on first use).
  PowerMeter(const DesPlatform& platform, const hw::ClusterSpec& cluster,
             const std::vector<workloads::TrainingJob>& jobs, const std::vector<JobPlan>& plans, double period_s);

  bool enabled() const { return period_s_ > 0; }
  /// Reads the counters at time 0 and starts the first timer.
  void begin(const Launch& launch);
  /// A timer ended: records a sample, then starts the next timer while `work_left`, else finishes.
  void tick(bool work_left, const Launch& launch);
  /// The last simulated activity ended: records the last, shorter sample. Later calls and ticks do nothing.
  void finish();
  /// Marks the GPUs of stage `stage` of `plan` (every replica) as communicating over the fabric, or not.
  void stage_communicating(const JobPlan& plan, int stage, bool on);
  /// Same for the GPUs of one stage slot.
  void slot_communicating(const JobPlan& plan, int stage, int replica, bool on);
  /// Marks the GPUs of one stage slot as computing an op, or not. Computing wins over communicating.
  void slot_computing(const JobPlan& plan, int stage, int replica, bool on);
  /// The trace of job `job` (in `plans` order).
  PowerTrace trace(int job) const;

 private:
  /// Energy counters at one time, joules: per job its GPUs, and every fabric link.
  struct Reading {
    double time_s = 0;
    std::vector<double> gpu_J;
    double network_J = 0;
  };
  Reading read() const;
  void record(const Reading& now);
  /// Which of the metered jobs `plan` is.
  int job_index(const JobPlan& plan) const;
  /// Sets or clears `flag` (computing, communicating) of a stage slot and puts its lead host in the pstate the flags
  /// call for.
  void set_flag(const JobPlan& plan, int stage, int replica, std::uint8_t flag, bool on);

  const DesPlatform* platform_ = nullptr;
  std::vector<std::vector<simgrid::s4u::Host*>> leads_;  ///< by job: the first GPU host of every stage slot
  std::vector<std::vector<std::uint8_t>> flags_;         ///< by job and slot: computing (1) and communicating (2)
  std::vector<int> first_gpu_;                           ///< by job: its plan's first GPU, which identifies it
  std::vector<double> group_gpus_;                       ///< by job: GPUs one Exec stands for (tp x cp)
  std::vector<double> network_share_;                    ///< by job: its nodes over all jobs' nodes
  std::vector<simgrid::s4u::Link*> links_;               ///< fabric link directions with a wattage
  std::vector<JobOverhead> overheads_;
  double period_s_ = 0;
  bool finished_ = false;
  Reading first_;
  Reading last_;
  std::vector<std::vector<PowerSample>> samples_;  ///< by job
};

}  // namespace capsim::sim::des
