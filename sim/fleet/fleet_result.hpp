#pragma once
/// @file fleet_result.hpp
/// What a fleet run reports: utilization three ways, job completion and queueing times overall, per team and per
/// job size, services' SLO attainment, and an hourly time series.

#include <cstdint>
#include <string>
#include <vector>

namespace capsim::fleet {

/// Mean and percentiles of one time distribution, seconds.
struct TimeStats {
  std::int64_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

/// Per team.
struct TeamResult {
  std::string name;
  int quota_gpus = 0;
  double weight = 1;
  std::int64_t jobs_submitted = 0;
  std::int64_t jobs_completed = 0;
  TimeStats jct;    ///< completion - submit, completed jobs
  TimeStats queue;  ///< first start - submit, started jobs
  double gpu_hours = 0;          ///< GPU-hours held (batch jobs and services)
  double useful_gpu_hours = 0;   ///< GPU-hours of work kept (no rework, no restarts)
  double share = 0;              ///< its GPU-hours / all GPU-hours held
  double entitlement = 0;        ///< its quota (or weight) share of the cluster
  double demand_share = 0;       ///< its share of the GPU-time all jobs asked for
  double mean_ftf_rho = 0;       ///< finish-time fairness: mean over its completed jobs of JCT / isolated time
  double max_ftf_rho = 0;
  std::int64_t preemptions = 0;  ///< its jobs preempted
  std::int64_t restarts = 0;     ///< failures and preemptions that cost its jobs a restart
  double cost_usd = 0;           ///< gpu_hours x the price per GPU-hour, when one is given
};

/// Per job-size class (1, 2-8, 9-64, 65-512, > 512 GPUs).
struct SizeClassResult {
  std::string label;
  int min_gpus = 0, max_gpus = 0;
  std::int64_t jobs_completed = 0;
  TimeStats jct;
  TimeStats queue;
  double mean_slowdown = 0;  ///< JCT / packed failure-free run time
};

/// Per service.
struct ServiceResult {
  std::string name;
  std::string team;
  std::string slo;
  double slo_attainment = 1;  ///< share of autoscale ticks with the replicas the rate needed
  double mean_replicas = 0;
  int peak_replicas = 0;
  double gpu_hours = 0;
  std::int64_t preemptions_caused = 0;  ///< batch jobs it preempted to scale up
};

/// One hourly sample.
struct TimeSample {
  double t_s = 0;
  double allocated = 0;  ///< GPUs held, mean over the interval
  double busy = 0;       ///< GPUs stepping, mean over the interval
  double down = 0;       ///< GPUs on nodes in repair, mean over the interval
  std::int32_t queued = 0;   ///< pending jobs at the sample time
  std::int32_t running = 0;  ///< running jobs at the sample time
  double fragmented = 0;     ///< free GPUs no waiting job could use, at the sample time
  std::vector<double> team_allocated;  ///< per team, GPUs held, mean over the interval
  std::vector<std::int32_t> team_queued;   ///< per team, pending jobs at the sample time
  std::vector<std::int32_t> team_running;  ///< per team, running jobs at the sample time
};

/// One job's fate (FleetSpec::record_jobs).
struct JobRecord {
  double submit_s = 0;
  double first_start_s = -1;  ///< -1 = never started
  double finish_s = -1;       ///< -1 = not finished at the horizon
  std::int32_t gpus = 0;
  std::uint32_t team = 0;
  std::int32_t restarts = 0;
  std::int32_t preemptions = 0;
  float last_speed = 1;  ///< placement speed of its last run (1 = as fast as packed)
};

/// Everything a fleet run reports.
struct FleetResult {
  std::string policy;
  std::string placement;
  int cluster_gpus = 0;
  std::int64_t jobs_submitted = 0;
  std::int64_t jobs_completed = 0;
  std::int64_t jobs_unfinished = 0;  ///< still queued or running at the horizon
  double makespan_s = 0;             ///< first submit to last completion
  double horizon_s = 0;              ///< simulated time
  TimeStats jct;
  TimeStats queue;
  double mean_slowdown = 0;          ///< JCT / packed failure-free run time, completed jobs
  double gpu_allocation = 0;         ///< GPU-seconds held / (GPUs x simulated time)
  double gpu_busy = 0;               ///< GPU-seconds stepping (no restart, no checkpoint stall)
  double goodput = 0;                ///< GPU-seconds of work kept (busy minus rework)
  double gpu_down = 0;               ///< GPU-seconds on nodes in repair / (GPUs x simulated time)
  double mean_fragmentation = 0;     ///< mean share of GPUs free but unusable by any waiting job, when jobs wait
  double placement_slowdown = 1;     ///< GPU-time-weighted mean slowdown from placement (1 = all packed)
  std::int64_t failures = 0;         ///< node and software failures
  std::int64_t failures_hitting_jobs = 0;
  std::int64_t preemptions = 0;
  double restarts_per_job = 0;       ///< completed jobs
  std::int64_t deadlines_met = 0, deadlines_missed = 0;
  std::int64_t speed_evaluations = 0;  ///< analytical-engine calls (the cache keeps this small)
  std::vector<TeamResult> teams;
  std::vector<SizeClassResult> sizes;
  std::vector<ServiceResult> services;
  std::vector<TimeSample> series;
  std::vector<JobRecord> jobs;  ///< per job, in submit order, when FleetSpec::record_jobs
  std::vector<std::string> warnings;
  double price_per_gpu_hour_usd = 0;  ///< 0 = not priced
  std::string price_source;
};

}  // namespace capsim::fleet
