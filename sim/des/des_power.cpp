#include "sim/des/des_power.hpp"

#include <simgrid/plugins/energy.h>

#include <algorithm>
#include <cstdio>
#include <simgrid/s4u.hpp>

#include "models/hardware/power_model.hpp"
#include "sim/analytical/analytical_engine.hpp"

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

namespace {

std::string watts_text(double w) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", w);
  return buffer;
}

/// The SimGrid-tree leaf (node or storage endpoint) of the fat-tree link `name`, -1 for a link between switches, -2
/// for a link that is not the fat-tree's.
int leaf_of(const std::string& name, const FatTreeShape& shape) {
  const std::optional<FabricLinkEnds> e = decode_fabric_link(shape, name);
  if (!e) return -2;
  return e->tier == 0 ? static_cast<int>(e->child_pos) : -1;
}

/// A link's `wattage_range`, "idle:busy".
std::string range_text(double w) { return watts_text(w) + ":" + watts_text(w); }

int nodes_of(const JobPlan& plan) {
  const int gpus = plan.tp * plan.cp * plan.dp * plan.pp;
  return plan.node_of(plan.first_gpu + gpus - 1) - plan.node_of(plan.first_gpu) + 1;
}

}  // namespace

std::string GpuPowerStates::wattage_per_state() const {
  const auto state = [](double w) { return watts_text(w) + ":" + watts_text(w) + ":" + watts_text(w); };
  return state(wait_W) + "," + state(comm_W) + "," + state(busy_W);
}

GpuPowerStates gpu_power_states(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job,
                                const JobPlan& plan) {
  const StepEstimate e = estimate_training_step(cluster, job);
  const double cap = cluster.power.gpu_power_cap_W;
  // An op's compute splits as training_power (analytical_engine.cpp) splits it: tensor-core time at the best GEMM
  // rate, the rest memory-bound. Its node-local collectives are NVLink traffic; fabric flows are not in the op.
  const double best_Bps = cluster.gpu.peak(job.precision) * cluster.gpu.gemm_efficiency_cap(job.precision);
  hw::GpuActivity op;
  op.compute_bound_s = std::min(e.compute_s, e.hardware_flops / job.parallelism.gpus() / best_Bps);
  op.memory_bound_s = e.compute_s - op.compute_bound_s;
  op.comm_s = e.tp_comm_s + (plan.cp_bytes_per_layer > 0 ? 0.0 : e.cp_comm_s) +
              (plan.ep_bytes_per_layer > 0 ? 0.0 : e.ep_comm_s);
  hw::GpuActivity wait;
  wait.idle_s = 1;
  hw::GpuActivity comm;
  comm.comm_s = 1;
  return {hw::gpu_power_W(cluster.gpu, cap, wait), hw::gpu_power_W(cluster.gpu, cap, comm),
          hw::gpu_power_W(cluster.gpu, cap, op)};
}

JobOverhead job_overhead(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job) {
  const PowerResult power = training_power(cluster, job, estimate_training_step(cluster, job));
  JobOverhead o;
  o.psu_efficiency = hw::PowerCatalog::builtin().node_for(cluster.gpu.id).psu_efficiency;
  for (const auto& [part, watts] : power.breakdown_W) {
    if (part == "storage") {
      o.storage_W = watts;
    } else if (part != "gpus" && part != "psu_loss" && part != "fabric") {
      o.parts_W += watts;
    }
  }
  return o;
}

FabricWattage fabric_wattage(const hw::ClusterSpec& cluster, const FatTreeShape& shape, long upper_directions) {
  const double port_W =
      cluster.power.switch_port_W >= 0 ? cluster.power.switch_port_W : hw::PowerCatalog::builtin().switch_port_W;
  const double nics = std::max(1, cluster.scale_out.nics_per_node);
  FabricWattage w;
  // A one-node cluster has no scale-out switches (the DES still builds a fabric to route on), as the analytical
  // engine counts it (analytical_engine.cpp, fabric_tiers).
  if (cluster.nodes <= 1) return w;
  w.node_link_W = port_W / 2.0;
  const double upper_ports = static_cast<double>(shape.nodes) * nics * 2.0 * (static_cast<double>(shape.levels) - 1);
  w.upper_link_W = upper_directions > 0 ? upper_ports * port_W / static_cast<double>(upper_directions) : 0.0;
  return w;
}

std::vector<std::string> prepare_energy_plugins(const hw::ClusterSpec& cluster,
                                                const std::vector<workloads::TrainingJob>& jobs,
                                                const std::vector<JobPlan>& plans) {
  sg_host_energy_plugin_init();
  sg_link_energy_plugin_init();
  std::vector<std::string> wattage;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const std::string profile = gpu_power_states(cluster, jobs[j], plans[j]).wattage_per_state();
    wattage.resize(static_cast<size_t>(plans[j].first_gpu + jobs[j].parallelism.gpus()), profile);
  }
  return wattage;
}

PowerMeter::PowerMeter(const DesPlatform& platform, const hw::ClusterSpec& cluster,
                       const std::vector<workloads::TrainingJob>& jobs, const std::vector<JobPlan>& plans,
                       double period_s)
    : platform_(&platform), period_s_(period_s) {
  double all_nodes = 0;
  for (size_t j = 0; j < plans.size(); ++j) {
    const JobPlan& plan = plans[j];
    auto& leads = leads_.emplace_back();
    for (int s = 0; s < plan.pp; ++s) {
      for (int d = 0; d < plan.dp; ++d) leads.push_back(platform.gpu_hosts[plan.rank(d, s, 0, 0)]);
    }
    flags_.emplace_back(leads.size(), 0);
    first_gpu_.push_back(plan.first_gpu);
    group_gpus_.push_back(plan.tp * plan.cp);
    network_share_.push_back(nodes_of(plan));
    all_nodes += nodes_of(plan);
    overheads_.push_back(job_overhead(cluster, jobs[j]));
  }
  for (double& share : network_share_) share /= all_nodes;
  samples_.resize(plans.size());
  // Tier-0 links of padding and storage leaves have no compute NIC behind them: no cable, no port to count.
  const FatTreeShape& shape = platform.shape;
  std::vector<sg4::Link*> upper;
  for (sg4::Link* link : sg4::Engine::get_instance()->get_all_links()) {
    const int leaf = leaf_of(link->get_name(), shape);
    if (leaf == -1) upper.push_back(link);
    if (leaf >= 0 && shape.leaf_role(leaf).kind == LeafRole::Kind::nic) links_.push_back(link);
  }
  const FabricWattage w = fabric_wattage(cluster, shape, static_cast<long>(upper.size()));
  for (sg4::Link* link : links_) link->set_property("wattage_range", range_text(w.node_link_W));
  for (sg4::Link* link : upper) link->set_property("wattage_range", range_text(w.upper_link_W));
  links_.insert(links_.end(), upper.begin(), upper.end());
}

PowerMeter::Reading PowerMeter::read() const {
  Reading r;
  r.time_s = sg4::Engine::get_clock();
  r.gpu_J.assign(leads_.size(), 0.0);
  for (size_t j = 0; j < leads_.size(); ++j) {
    for (const sg4::Host* host : leads_[j]) r.gpu_J[j] += sg_host_get_consumed_energy(host);
    r.gpu_J[j] *= group_gpus_[j];
  }
  for (const sg4::Link* link : links_) r.network_J += sg_link_get_consumed_energy(link);
  return r;
}

void PowerMeter::record(const Reading& now) {
  const double dt = now.time_s - last_.time_s;
  if (dt <= 0) return;
  for (size_t j = 0; j < samples_.size(); ++j) {
    const JobOverhead& o = overheads_[j];
    PowerSample s;
    s.time_s = last_.time_s;
    s.gpu_W = (now.gpu_J[j] - last_.gpu_J[j]) / dt;
    s.network_W = (now.network_J - last_.network_J) / dt * network_share_[j];
    s.total_W = (s.gpu_W + o.parts_W) / o.psu_efficiency + s.network_W + o.storage_W;
    samples_[j].push_back(s);
  }
  last_ = now;
}

void PowerMeter::begin(const Launch& launch) {
  if (!enabled()) return;
  first_ = read();
  last_ = first_;
  tick(true, launch);
}

void PowerMeter::tick(bool work_left, const Launch& launch) {
  if (finished_) return;
  record(read());
  if (!work_left) {
    finish();
    return;
  }
  // A timer on a host that runs nothing else takes exactly its flops / speed.
  sg4::ExecPtr timer = sg4::Exec::init();
  timer->set_flops_amount(period_s_ * kHostSpeed)->set_host(platform_->meter);
  launch(timer);
}

void PowerMeter::finish() {
  if (!enabled() || finished_) return;
  record(read());
  finished_ = true;
}

void PowerMeter::stage_communicating(const JobPlan& plan, int stage, bool on) {
  for (int d = 0; d < plan.dp; ++d) slot_communicating(plan, stage, d, on);
}

namespace {
constexpr std::uint8_t kComputing = 1;
constexpr std::uint8_t kCommunicating = 2;
}  // namespace

void PowerMeter::slot_communicating(const JobPlan& plan, int stage, int replica, bool on) {
  set_flag(plan, stage, replica, kCommunicating, on);
}

void PowerMeter::slot_computing(const JobPlan& plan, int stage, int replica, bool on) {
  set_flag(plan, stage, replica, kComputing, on);
}

void PowerMeter::set_flag(const JobPlan& plan, int stage, int replica, std::uint8_t flag, bool on) {
  if (!enabled()) return;
  const int job = job_index(plan);
  const size_t slot = static_cast<size_t>(stage) * plan.dp + replica;
  std::uint8_t& f = flags_[job][slot];
  f = on ? static_cast<std::uint8_t>(f | flag) : static_cast<std::uint8_t>(f & ~flag);
  sg4::Host* host = leads_[job][slot];
  const unsigned long pstate = (f & kComputing) != 0 ? kBusyPstate : (f & kCommunicating) != 0 ? kCommPstate : kWaitPstate;
  if (host->get_pstate() != pstate) host->set_pstate(pstate);
}

int PowerMeter::job_index(const JobPlan& plan) const {
  const auto it = std::find(first_gpu_.begin(), first_gpu_.end(), plan.first_gpu);
  return static_cast<int>(it - first_gpu_.begin());
}

PowerTrace PowerMeter::trace(int job) const {
  PowerTrace t;
  if (!enabled()) return t;
  const JobOverhead& o = overheads_[job];
  t.period_s = period_s_;
  t.span_s = last_.time_s - first_.time_s;
  const double gpu_J = last_.gpu_J[job] - first_.gpu_J[job];
  const double network_J = (last_.network_J - first_.network_J) * network_share_[job];
  t.energy_J = (gpu_J + o.parts_W * t.span_s) / o.psu_efficiency + network_J + o.storage_W * t.span_s;
  t.mean_W = t.span_s > 0 ? t.energy_J / t.span_s : 0.0;
  t.samples = samples_[job];
  for (const PowerSample& s : t.samples) t.peak_W = std::max(t.peak_W, s.total_W);
  return t;
}

}  // namespace capsim::sim::des
