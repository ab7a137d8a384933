#include "sim/fleet/job_speed.hpp"

#include <algorithm>
#include <numeric>

#include "sim/analytical/analytical_engine.hpp"
#include "sim/analytical/training_memory.hpp"
#include "models/workloads/reliability.hpp"
#include "sim/core/error.hpp"

namespace capsim::fleet {

namespace {

std::uint64_t key(std::uint32_t shape, int gpus, int leaves = 0) {
  return (static_cast<std::uint64_t>(shape) << 44) ^ (static_cast<std::uint64_t>(gpus) << 20) ^
         static_cast<std::uint64_t>(leaves);
}

}  // namespace

JobSpeed::JobSpeed(const FleetSpec& spec) : spec_(spec) {}

workloads::TrainingJob JobSpeed::job_for(std::uint32_t shape, int gpus) const {
  const JobShape& s = spec_.shapes.at(shape);
  workloads::TrainingJob job = s.job;
  workloads::Parallelism& p = job.parallelism;
  // The reference shape's tensor parallelism stays inside the job's share of a node; a trace's own shape was
  // checked to divide the job's GPUs when it was read.
  p.tp = std::gcd(std::max(1, p.tp), gpus);
  while (p.tp > 1 && job.model.heads % p.tp != 0) p.tp /= 2;
  const int model_parallel = p.tp * p.pp * p.cp;
  if (gpus % model_parallel != 0) {
    throw InfeasibleError(s.name + ": " + std::to_string(gpus) + " GPUs are not a multiple of tp x pp x cp = " +
                          std::to_string(model_parallel));
  }
  p.dp = gpus / model_parallel;
  p.ep = std::gcd(std::max(1, p.ep), p.dp * p.cp);
  const int per_step = p.dp * p.micro_batch;
  if (p.global_batch <= 0 || p.global_batch % per_step != 0) p.global_batch = per_step * s.micro_batches_per_step;
  return job;
}

double JobSpeed::step_time(const workloads::TrainingJob& job, double nodes_per_leaf) {
  hw::ClusterSpec cluster = spec_.cluster;
  cluster.scale_out.placement_nodes_per_leaf = nodes_per_leaf;
  ++evaluations_;
  return sim::estimate_training_step(cluster, job).step_time_s;
}

const ShapeCosts& JobSpeed::costs(std::uint32_t shape, int gpus) {
  const auto k = key(shape, gpus);
  if (auto it = costs_.find(k); it != costs_.end()) return it->second;
  const workloads::TrainingJob job = job_for(shape, gpus);
  ShapeCosts c;
  hw::ClusterSpec cluster = spec_.cluster;
  cluster.scale_out.placement_nodes_per_leaf = 0;
  ++evaluations_;
  const sim::StepEstimate step = sim::estimate_training_step(cluster, job);
  c.step_s = step.step_time_s;
  c.tokens_per_step = static_cast<double>(job.parallelism.global_batch) * job.model.seq_len;
  const int gpn = spec_.cluster.gpus_per_node;
  const int nodes = (gpus + gpn - 1) / gpn;
  if (spec_.failures) {
    const auto& so = spec_.cluster.scale_out;
    const workloads::JobComponents parts =
        workloads::job_components(gpus, gpn, so.nics_per_node, so.tiers, workloads::fabric_radix(spec_.cluster));
    const double rate = workloads::interruption_rate_per_s(spec_.failure_rates, parts);
    c.mtbf_s = rate > 0 ? 1.0 / rate : 0;
  }
  if (spec_.checkpoints) {
    const auto size = workloads::checkpoint_size(job.model.parameters(), sim::stage_parameters(job).total(),
                                                 job.parallelism);
    const auto cost = workloads::checkpoint_cost(size, nodes, std::min(gpus, gpn), spec_.checkpoint_tier,
                                                 spec_.checkpoint_policy);
    // What a checkpoint costs, as `capsim run` costs it (the fleet reads no training data from the tier): the
    // stall plus the steps the asynchronous write slows on the job's links, floored by its time to be durable.
    workloads::WriteContext ctx;
    ctx.path_Bps = workloads::write_path_Bps(spec_.cluster);
    ctx.node_B = size.per_gpu_B * std::min(std::min(gpus, gpn), std::max(size.writer_gpus, 1));
    ctx.exposed_s = step.dp_comm_s + step.pp_comm_s + step.cp_comm_s + step.ep_comm_s + step.param_gather_s +
                    step.dp_contention_s;
    ctx.step_s = step.step_time_s;
    const workloads::CheckpointLoad load =
        workloads::closed_form_load(cost, spec_.checkpoint_policy.mode, spec_.checkpoint_tier, ctx);
    c.checkpoint_stall_s = load.cost_s();
    c.restore_s = cost.restore_s;
    c.interval_s =
        workloads::checkpoint_interval(load, c.mtbf_s, c.step_s, spec_.checkpoint_policy.interval_s).interval_s;
  }
  return costs_.emplace(k, c).first->second;
}

double JobSpeed::speed(std::uint32_t shape, int gpus, int nodes, int leaves) {
  if (leaves <= 1 || nodes <= 1) return 1.0;
  const auto k = key(shape, gpus, leaves);
  if (auto it = speeds_.find(k); it != speeds_.end()) return it->second;
  const double packed = costs(shape, gpus).step_s;
  const double per_leaf = static_cast<double>(nodes) / leaves;
  const double spread = step_time(job_for(shape, gpus), per_leaf);
  const double v = spread > 0 ? std::min(1.0, packed / spread) : 1.0;
  return speeds_.emplace(k, v).first->second;
}

}  // namespace capsim::fleet
