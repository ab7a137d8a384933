#pragma once
/// @file fleet_spec.hpp
/// What the fleet engine simulates: many teams' jobs and services sharing one cluster under a scheduling policy.
/// Plain data; planner/fleet_scenario.cpp fills it from a scenario's `fleet` block.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/hardware/storage_tier.hpp"
#include "models/workloads/checkpoint.hpp"
#include "models/workloads/reliability.hpp"
#include "models/workloads/transformer.hpp"

namespace capsim::fleet {

/// Queueing and preemption policy (`fleet.policy`).
enum class Policy {
  fifo,              ///< strict FIFO: the head of the queue blocks the jobs behind it (Tiresias fifo, Kueue StrictFIFO)
  fifo_backfill,     ///< EASY backfill: a later job starts early when it cannot delay the head's reserved start
  best_effort_fifo,  ///< FIFO order, any later job that fits starts (Tiresias fjf, Kueue BestEffortFIFO)
  sjf,               ///< shortest job first, non-preemptive, by duration (oracle) or estimate
  srtf,              ///< shortest remaining time first, preemptive
  las,               ///< Tiresias 2D-LAS: attained GPU-time, multi-level feedback queues, preemptive
  priority,          ///< by job priority, then submit time; higher priority preempts lower
  quota,             ///< Kueue ClusterQueues with hard quotas (no borrowing)
  quota_borrow,      ///< Kueue cohort: borrow unused quota, reclaim it by preemption (reclaimWithinCohort: Any)
  fair_share,        ///< Kueue fair sharing: admit the lowest weighted share, preempt the highest
  drf,               ///< weighted dominant-resource fair share (GPUs), non-preemptive
};

/// Every policy name as `fleet.policy` spells it, in enum order.
const std::vector<std::string>& policy_names();
std::string policy_name(Policy p);
/// Throws capsim::Error for an unknown name.
Policy policy_from_name(const std::string& name);

/// Where a job's GPUs go (`fleet.placement`).
enum class Placement {
  packed,    ///< fill the fullest node and leaf first (consolidate; Tiresias yarn, Helios consolidate)
  spread,    ///< emptiest node first, one leaf after another (Kubernetes LeastAllocated)
  topology,  ///< fewest leaves, best fit: the smallest leaf that holds the whole gang (Kueue topology-aware)
};
const std::vector<std::string>& placement_names();
std::string placement_name(Placement p);
Placement placement_from_name(const std::string& name);

/// A team: one Kueue ClusterQueue in one cohort.
struct Team {
  std::string name;
  int quota_gpus = 0;        ///< nominal quota; 0 with no quota anywhere = the policies ignore quotas
  double weight = 1;         ///< fair-share weight (Kueue fairSharing.weight, DRF weight)
  int priority = 0;          ///< default priority of its jobs (higher runs first under `priority`)
  int borrowing_limit = -1;  ///< GPUs it may borrow above its quota; -1 = the cohort's whole unused pool
  int lending_limit = -1;    ///< GPUs of its unused quota others may borrow; -1 = all of it
};

/// What sets a job's speed: a training workload whose data parallelism grows with the job's GPUs. The fleet
/// evaluates it with the analytical engine on the placement the job gets.
struct JobShape {
  std::string name;                ///< label ("reference", a preset name, ...)
  workloads::TrainingJob job;      ///< model, tp/pp/cp/ep, micro batch, precision; dp is set per job size
  int micro_batches_per_step = 8;  ///< gradient-accumulation steps: global batch = dp x micro_batch x this
};

/// Job kinds, for labels and per-kind tables.
enum class JobKind : std::uint8_t { training, fine_tuning, evaluation, other };
const std::vector<std::string>& job_kind_names();

/// One batch job of the fleet.
struct FleetJob {
  double submit_s = 0;    ///< arrival, seconds from the start of the simulation
  double duration_s = 0;  ///< run time on its GPUs, packed, without failures or preemption; 0 = from `tokens`
  double tokens = 0;      ///< tokens to train on when the duration comes from the model
  double estimate_s = 0;  ///< the user's estimate of duration_s (backfill, sjf with estimates); 0 = unknown
  double deadline_s = 0;  ///< absolute; 0 = none
  std::int32_t gpus = 1;
  std::int32_t priority = 0;
  std::uint32_t team = 0;   ///< index into FleetSpec::teams
  std::uint32_t shape = 0;  ///< index into FleetSpec::shapes (0 = the reference workload)
  JobKind kind = JobKind::other;
};

/// A long-running inference service: replicas autoscaled to a daily curve.
struct FleetService {
  std::string name;
  std::uint32_t team = 0;
  int replica_gpus = 1;              ///< GPUs per replica
  double replica_capacity_rps = 0;   ///< requests/s one replica serves within the SLO (serving model)
  double peak_rps = 0;               ///< rate at the curve's peak hour
  std::array<double, 24> curve{};    ///< share of peak per hour of day (max 1)
  double headroom = 0.2;             ///< capacity kept above the rate
  int min_replicas = 1;
  int priority = 1000;               ///< services preempt lower-priority batch jobs when they must scale up
  std::string slo;                   ///< e.g. "p90 TTFT <= 2 s", for reports
};

/// Which synthetic mix a generator draws from.
enum class MixKind { philly_gavel, llm_lab };

/// A synthetic job generator (`fleet.generators[]`).
struct Generator {
  MixKind mix = MixKind::philly_gavel;
  std::uint32_t team = 0;
  double mean_interarrival_s = 600;  ///< Poisson arrivals
  std::int64_t jobs = 0;             ///< stop after this many; 0 = until `until_s`
  double until_s = 0;                ///< stop arriving at this time; 0 = the fleet's horizon
  double start_s = 0;
  double duration_scale = 1;         ///< multiplies drawn durations (Gavel's are for one V100-type worker)
  int max_gpus = 0;                  ///< cap on drawn gang sizes; 0 = the mix's own
};

/// The whole fleet input.
struct FleetSpec {
  hw::ClusterSpec cluster;
  std::vector<Team> teams;
  std::vector<JobShape> shapes;  ///< [0] is the reference workload of duration-only jobs
  std::vector<FleetJob> jobs;    ///< sorted by submit_s (the loader sorts; generators append then sort)
  std::vector<FleetService> services;
  std::vector<Generator> generators;
  Policy policy = Policy::fifo;
  Placement placement = Placement::packed;
  bool use_estimates = false;  ///< sjf/srtf/backfill order by estimate_s instead of the true duration
  /// 2D-LAS queue thresholds in GPU-seconds of attained service (Tiresias simulator/jobs.py: 3250, 7200, 18000 s,
  /// there in executed seconds x GPUs).
  std::vector<double> las_thresholds_gpu_s{3250, 7200, 18000};
  /// Tiresias anti-starvation: a job waiting N x its executed time returns to Q0; 0 = off.
  double las_starvation_factor = 0;
  /// Preemptive policies (las, srtf, priority) rank every job and preempt at most once per round; in between,
  /// pending jobs only take free GPUs. Gavel's rounds are 360 s, Synergy's leases 300 s; 0 = at every event.
  double preemption_round_s = 60;
  int backfill_depth = 100;    ///< later jobs tried per pass (Slurm bf_max_job_test)
  bool failures = true;        ///< `fleet.failures`: false turns node and software failures off
  workloads::FailureRates failure_rates = workloads::llama3_failure_rates();
  double repair_s = 4 * 3600.0;     ///< a node whose hardware failed is out this long (estimate)
  double restart_s = 120;           ///< reschedule and relaunch a job, before its checkpoint reload (estimate)
  /// Jobs checkpoint at Daly's interval for their own MTBF and restore from the last checkpoint after a failure or
  /// preemption; false = no checkpoint costs and preemption suspends a job without loss (exact comparisons).
  bool checkpoints = true;
  hw::StorageTier checkpoint_tier = hw::default_tier(hw::StorageKind::parallel_fs);
  workloads::CheckpointPolicy checkpoint_policy;
  double horizon_s = 0;             ///< stop here; 0 = when the last job finishes
  double autoscale_interval_s = 300;
  double sample_interval_s = 3600;  ///< time series resolution
  std::uint64_t seed = 1;
  bool record_jobs = false;  ///< keep every job's start, finish and restarts in FleetResult::jobs
};

}  // namespace capsim::fleet
