#include "sim/des/des_training.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <unordered_map>

#include <sys/resource.h>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

#include "models/network/torus3d.hpp"
#include "sim/core/error.hpp"
#include "sim/des/des_checkpoint.hpp"
#include "sim/des/des_platform.hpp"
#include "sim/des/des_power.hpp"
#include "sim/des/des_state.hpp"
#include "sim/des/job_plan.hpp"
#include "sim/des/rail_bundle.hpp"
#include "sim/des/trace_writer.hpp"

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

namespace {

enum class TaskKind : std::uint8_t { p2p, dp, gather, expert, context, checkpoint, power_sample };

/// One SimGrid activity's meaning. Activities carry their task index in set_data().
struct Task {
  TaskKind kind;
  int job;
  int slot;       ///< stage slot (context), transfer / phase index, or CheckpointTraffic::Event
  int peer = -1;  ///< expert: the receiving member of the exchange
};

/// Flows that together deliver one pipeline transfer or one collective phase.
struct Pending {
  int remaining = 0;
  int job = 0;
  int dest_slot = -1;  ///< p2p: receiving stage slot; phases: stage index
  bool forward = true;
  int arrival = 0;
  double start_s = 0;
  int round = 0;               ///< expert exchanges: the peer offset of the round in flight
  double bytes = 0;            ///< expert exchanges: bytes to each peer
  std::uint64_t exchange = 0;  ///< expert exchanges: the group's ExpertExchange
};

/// One expert all-to-all of an EP group (one op of one stage), by member (replica - first).
struct ExpertExchange {
  int first = 0;
  std::vector<int> inbound;  ///< flows still to arrive
  std::vector<std::uint8_t> sent;
  std::vector<std::uint8_t> finished;
  std::vector<int> pid;  ///< the member's Pending, -1 before it arrives
  int done = 0;          ///< members finished
};

/// Rounds of an expert all-to-all (peers) a replica keeps in flight, as NCCL spreads grouped send/recv over its
/// channels (the closed form's torus all-to-all counts the same rounds).
constexpr int kExpertRoundsInFlight = net::kAllToAllRoundsInFlight;

class Simulation {
 public:
  Simulation(const hw::ClusterSpec& cluster, const std::vector<workloads::TrainingJob>& jobs, const DesOptions& options)
      : cluster_(cluster), options_(options) {
    int next = 0;
    for (const auto& job : jobs) {
      plans_.push_back(make_job_plan(cluster, job, next, options.slowdown));
      next += job.parallelism.gpus();
    }
    if (next > cluster.total_gpus()) {
      throw InfeasibleError("the jobs need " + std::to_string(next) + " GPUs; the cluster has " +
                            std::to_string(cluster.total_gpus()));
    }
    const bool metered = options.power_period_s > 0;
    const auto wattage = metered ? prepare_energy_plugins(cluster, jobs, plans_) : std::vector<std::string>{};
    const bool writes = options.checkpoint.enabled && options.write_checkpoint;
    std::vector<JobCheckpoint> checkpoints;
    for (size_t j = 0; writes && j < jobs.size(); ++j) {
      checkpoints.push_back(job_checkpoint(jobs[j], plans_[j].first_gpu, cluster.gpus_per_node));
    }
    platform_ = build_platform(cluster, next, &options.checkpoint, metered ? &wattage : nullptr,
                               writes ? &checkpoints : nullptr);
    fail_cables(platform_, options.failed);
    if (options.bundle_rails && can_bundle_rails(platform_, writes, !options.failed.empty())) {
      bundle_rails(platform_);
      flow_rails_ = 1;
    } else {
      flow_rails_ = platform_.rails();
    }
    if (metered) meter_ = PowerMeter(platform_, cluster, jobs, plans_, options.power_period_s);
    if (writes) {
      checkpoint_ = CheckpointTraffic(platform_, options.checkpoint, std::move(checkpoints));
    }
    for (size_t j = 0; j < plans_.size(); ++j) add_stages(static_cast<int>(j));
    stage_done_.resize(plans_.size());
    reduce_trigger_.resize(plans_.size());
    reduce_ready_.resize(plans_.size());
    reduce_phases_.resize(plans_.size());
    reduce_state_.resize(plans_.size());
    gather_pending_.resize(plans_.size());
    gather_waiters_.resize(plans_.size());
    op_gathers_.resize(plans_.size());
    for (size_t j = 0; j < plans_.size(); ++j) {
      const JobPlan& plan = plans_[j];
      stage_done_[j].assign(plan.pp, 0);
      reduce_ready_[j].assign(plan.pp, {});
      reduce_phases_[j].assign(plan.pp, 0);
      reduce_state_[j].assign(plan.pp, {});
      gather_pending_[j].assign(plan.pp, 0);
      gather_waiters_[j].resize(plan.pp);
      if (plan.gather_every_op) {
        op_gathers_[j].resize(plan.pp);
        for (OpGathers& g : op_gathers_[j]) {
          g.done.assign(plan.ops_per_stage(), 0);
          g.started.assign(plan.ops_per_stage(), 0);
          g.waiters.resize(plan.ops_per_stage());
        }
      }
      reduce_trigger_[j].assign(plan.pp, std::vector<int>(plan.ops_per_stage(), -1));
      // With overlap_grad_reduce, a gradient bucket reduces as soon as the backward pass has made it final, beside
      // the rest of that pass. Gradients that accumulate over micro-batches (ZeRO 0 and 1) are final in the last
      // micro-batch's backward pass; sharded ones (ZeRO 2 and 3) cannot accumulate locally and are reduce-scattered
      // in every micro-batch's (Rajbhandari et al. 2020), one phase after another on NCCL's stream.
      if (!plan.overlap_grad_reduce) continue;
      for (int st = 0; st < plan.pp; ++st) {
        std::vector<std::uint8_t> seen(plan.mb, 0);
        int phases = 0;
        for (int i = 0; i < plan.ops_per_stage(); ++i) {
          const Op op = plan.op(st, i);
          if (op.forward || seen[op.micro_batch]) continue;
          seen[op.micro_batch] = 1;
          if (plan.zero >= 2 || op.micro_batch == plan.mb - 1) reduce_trigger_[j][st][i] = phases++;
        }
        reduce_ready_[j][st].assign(phases, 0);
        reduce_phases_[j][st] = phases;
      }
    }
  }

  DesRunResult run() {
    sg4::Activity::on_completion_cb([this](sg4::Activity const& a) { on_complete(a); });
    checkpoint_.begin(launch_);
    // With overlap_param_gather, the parameters the last step's optimizer updated are all-gathered beside this
    // step's first forward pass (Megatron-Core's distributed optimizer): each stage's first op also waits for it.
    for (size_t j = 0; j < plans_.size(); ++j) {
      if (plans_[j].zero < 1 || !plans_[j].overlap_param_gather || plans_[j].gather_every_op) continue;
      for (int s = 0; s < plans_[j].pp; ++s) {
        gather_pending_[j][s] = 1;
        start_ring_phase(TaskKind::gather, static_cast<int>(j), s);
      }
    }
    for (size_t s = 0; s < stages_.size(); ++s) try_start(static_cast<int>(s));
    meter_.begin(tick_);
    sg4::Engine::get_instance()->run();
    return finish();
  }

 private:
  void add_stages(int j) {
    const JobPlan& plan = plans_[j];
    plan_first_slot_.push_back(static_cast<int>(stages_.size()));
    for (int s = 0; s < plan.pp; ++s) {
      for (int d = 0; d < plan.dp; ++d) {
        StageState st;
        st.job = j;
        st.stage = s;
        st.replica = d;
        st.f_arrived.assign(static_cast<size_t>(plan.vs) * plan.mb, 0);
        st.b_arrived.assign(static_cast<size_t>(plan.vs) * plan.mb, 0);
        stages_.push_back(std::move(st));
      }
    }
  }
  int slot_of(int job, int stage, int replica) const {
    return plan_first_slot_[job] + stage * plans_[job].dp + replica;
  }

  int new_task(const Task& t, const sg4::ActivityPtr& a) {
    const int id = static_cast<int>(tasks_.size());
    tasks_.push_back(t);
    alive_.push_back(a);
    a->set_data(reinterpret_cast<void*>(static_cast<std::uintptr_t>(id)));
    if (t.kind != TaskKind::power_sample) ++in_flight_;
    return id;
  }
  int new_pending(const Pending& p) {
    pending_.push_back(p);
    return static_cast<int>(pending_.size()) - 1;
  }

  void try_start(int slot) {
    StageState& st = stages_[slot];
    const JobPlan& plan = plans_[st.job];
    if (st.busy || st.cursor >= plan.ops_per_stage() || !checkpoint_.released(st.job)) return;
    const Op op = plan.op(st.stage, st.cursor);
    const size_t idx = static_cast<size_t>(op.chunk) * plan.mb + op.micro_batch;
    if (op.forward && plan.needs_forward_input(st.stage, op.chunk) && !st.f_arrived[idx]) return;
    if (!op.forward && plan.needs_backward_input(st.stage, op.chunk) && !st.b_arrived[idx]) return;
    st.busy = true;
    if (plan.ep_bytes_per_layer > 0 && start_expert_exchange(slot, op)) return;
    start_compute(slot);
  }

  /// Runs the compute of the op at the stage's cursor.
  void start_compute(int slot) {
    StageState& st = stages_[slot];
    const JobPlan& plan = plans_[st.job];
    const Op op = plan.op(st.stage, st.cursor);
    const double duration = (op.forward ? plan.forward_s(st.stage, op.chunk) : plan.backward_s(st.stage, op.chunk)) *
                            plan.stage_slowdown[static_cast<size_t>(st.stage) * plan.dp + st.replica];
    const double start = sg4::Engine::get_clock();
    // A kernel timer, not an Exec: nothing else runs on a GPU host, and SimGrid 3.32 files every activity started
    // here in one std::list that each completion scans; a timer costs a heap operation.
    simgrid::kernel::timer::Timer::set(start + duration, [this, slot, start] { on_compute_done(slot, start); });
    meter_.slot_computing(plan, st.stage, st.replica, true);
    ++in_flight_;
    st.cursor++;
    st.outstanding = 1;
    st.op_start_s = start;
    ++activities_;
    if (plan.gather_every_op) {
      wait_for_op_gather(slot, st.cursor - 1);
    } else if (st.cursor - 1 == 0 && gather_pending_[st.job][st.stage]) {
      wait_for_gather(slot, gather_waiters_[st.job][st.stage]);
    }
    const int trigger = reduce_trigger_[st.job][st.stage][st.cursor - 1];
    if (trigger >= 0 && ++reduce_ready_[st.job][st.stage][trigger] == plan.dp) {
      // Every replica is in the backward pass whose gradients this reduction carries: buckets reduce as its layers
      // finish, the first a tenth of the pass in (the analytical engine hides the reduction behind 0.9 of it).
      const int job = st.job;
      const int stage = st.stage;
      after(0.1 * duration, [this, job, stage] { queue_reduce(job, stage); });
    }
    if (plan.cp_bytes_per_layer > 0) start_context_exchange(slot, op);
  }

  /// Ring-attention KV exchange of the op's layers between consecutive CP ranks on different nodes, overlapping
  /// the compute: the op ends when both are done.
  void start_context_exchange(int slot, const Op& op) {
    StageState& st = stages_[slot];
    const JobPlan& plan = plans_[st.job];
    const double layers = plan.layers_per_chunk[static_cast<size_t>(st.stage) * plan.vs + op.chunk];
    const double bytes = plan.tp * plan.cp_bytes_per_layer * layers * (op.forward ? 1.0 : 2.0);
    for (int c = 0; c < plan.cp; ++c) {
      const int a = plan.node_of(plan.rank(st.replica, st.stage, c, 0));
      const int b = plan.node_of(plan.rank(st.replica, st.stage, (c + 1) % plan.cp, 0));
      if (plan.domain_of_node(a) == plan.domain_of_node(b)) continue;
      st.outstanding += start_rail_flows({TaskKind::context, st.job, slot}, a, b, bytes);
    }
  }

  /// Expert-parallel all-to-all of the op's layers (dispatch and combine aggregated into one exchange before the
  /// compute), scheduled as NCCL schedules grouped send/recv: in round k this replica's node sends to the node of
  /// the replica k places after it in the EP group, over every rail, kExpertRoundsInFlight rounds at a time. It is
  /// a collective: a replica's exchange ends when it has sent everything and received everything its peers send it.
  /// The window also bounds the flows in flight, which SimGrid 3.32 scans at every completion and its max-min
  /// solver shares bandwidth among. False if every peer shares the node.
  bool start_expert_exchange(int slot, const Op& op) {
    StageState& st = stages_[slot];
    const JobPlan& plan = plans_[st.job];
    const int first = plan.ep_group_first(st.replica);
    // The group's replicas are consecutive, so their nodes ascend: one node holds them all or every member has a
    // peer on another node.
    if (plan.same_domain(plan.rank(first, st.stage, 0, 0), plan.rank(first + plan.ep - 1, st.stage, 0, 0))) {
      return false;
    }
    const std::uint64_t key = (static_cast<std::uint64_t>(st.job) << 56) | (static_cast<std::uint64_t>(st.stage) << 40) |
                              (static_cast<std::uint64_t>(first) << 20) | static_cast<std::uint64_t>(st.cursor);
    ExpertExchange& x = exchanges_[key];
    if (x.inbound.empty()) open_exchange(x, plan, st.stage, first);
    const int me = st.replica - first;
    const double layers = plan.layers_per_chunk[static_cast<size_t>(st.stage) * plan.vs + op.chunk];
    Pending p{0, st.job, slot, op.forward, 0, sg4::Engine::get_clock()};
    p.bytes = plan.ep_bytes_per_layer * layers * (op.forward ? 1.0 : plan.ep_backward_passes);
    p.exchange = key;
    const int pid = new_pending(p);
    x.pid[me] = pid;
    fill_expert_window(pid);
    meter_.slot_communicating(plan, st.stage, st.replica, true);
    return true;
  }

  /// Sizes a new exchange of EP group `first` at stage `stage`: each member expects a flow per rail from every
  /// member on another node.
  void open_exchange(ExpertExchange& x, const JobPlan& plan, int stage, int first) const {
    std::vector<int> nodes(plan.ep);
    std::unordered_map<int, int> members_on;  // scale-up domain -> members on it
    for (int m = 0; m < plan.ep; ++m) {
      ++members_on[plan.domain_of_node(nodes[m] = plan.node_of(plan.rank(first + m, stage, 0, 0)))];
    }
    x.first = first;
    x.inbound.resize(plan.ep);
    for (int m = 0; m < plan.ep; ++m) x.inbound[m] = (plan.ep - members_on[plan.domain_of_node(nodes[m])]) * flow_rails_;
    x.sent.assign(plan.ep, 0);
    x.finished.assign(plan.ep, 0);
    x.pid.assign(plan.ep, -1);
  }

  /// Starts rounds of expert exchange `pid` while fewer than kExpertRoundsInFlight rounds' worth of its flows are
  /// in flight and rounds are left.
  void fill_expert_window(int pid) {
    while (pending_[pid].remaining < kExpertRoundsInFlight * flow_rails_ && next_expert_round(pid)) {
    }
  }

  /// Starts the next round of expert exchange `pid` that crosses the fabric; false when none is left.
  bool next_expert_round(int pid) {
    Pending& p = pending_[pid];
    const StageState& st = stages_[p.dest_slot];
    const JobPlan& plan = plans_[st.job];
    const int first = plan.ep_group_first(st.replica);
    const int src_node = plan.node_of(plan.rank(st.replica, st.stage, 0, 0));
    while (++p.round < plan.ep) {
      const int peer = (st.replica - first + p.round) % plan.ep;
      const int dst_node = plan.node_of(plan.rank(first + peer, st.stage, 0, 0));
      if (plan.domain_of_node(dst_node) == plan.domain_of_node(src_node)) continue;
      p.remaining += start_rail_flows({TaskKind::expert, st.job, pid, peer}, src_node, dst_node, p.bytes);
      return true;
    }
    return false;
  }

  /// A flow of expert exchange `pid` to member `receiver` ended: the receiver has that much less to wait for, and
  /// the sender's next round starts once fewer than kExpertRoundsInFlight rounds' worth of flows are in flight.
  void on_expert_flow(int pid, int receiver) {
    Pending& p = pending_[pid];
    ExpertExchange& x = exchanges_[p.exchange];
    --x.inbound[receiver];
    const int me = stages_[p.dest_slot].replica - x.first;
    --p.remaining;
    fill_expert_window(pid);
    if (p.remaining == 0) x.sent[me] = 1;
    const std::uint64_t key = p.exchange;
    finish_expert_member(key, receiver);
    finish_expert_member(key, me);
  }

  /// Member `member` of exchange `key` goes on to its compute once it has sent and received everything.
  void finish_expert_member(std::uint64_t key, int member) {
    auto it = exchanges_.find(key);
    if (it == exchanges_.end()) return;
    ExpertExchange& x = it->second;
    if (x.finished[member] || !x.sent[member] || x.inbound[member] > 0) return;
    x.finished[member] = 1;
    const Pending& p = pending_[x.pid[member]];
    StageState& st = stages_[p.dest_slot];
    st.expert_s += sg4::Engine::get_clock() - p.start_s;
    meter_.slot_communicating(plans_[st.job], st.stage, st.replica, false);
    const int slot = p.dest_slot;
    if (++x.done == static_cast<int>(x.finished.size())) exchanges_.erase(it);
    start_compute(slot);
  }

  void send(int job, int from_slot, const Op& op) {
    const JobPlan& plan = plans_[job];
    const StageState& from = stages_[from_slot];
    const Hop hop = op.forward ? plan.forward_target(from.stage, op.chunk) : plan.backward_target(from.stage, op.chunk);
    if (hop.stage < 0) return;
    const int dest = slot_of(job, hop.stage, from.replica);
    Pending p{0, job, dest, op.forward, hop.chunk * plan.mb + op.micro_batch, sg4::Engine::get_clock()};
    const int pid = new_pending(p);
    for (const NodeFlow& f : plan.p2p_flows(from.replica, from.stage, hop.stage)) {
      start_flow(TaskKind::p2p, job, pid, f.src_node, f.dst_node, f.bytes);
    }
    if (pending_[pid].remaining == 0) arrive(pid);
  }

  /// The flows of a transfer of `bytes` from node `src` to node `dst`: one per rail, each NIC sending its share, as
  /// NCCL spreads inter-node traffic over the rails; one on rail 0 for them all on a bundled platform
  /// (rail_bundle.hpp). Returns how many it started.
  int start_rail_flows(const Task& task, int src, int dst, double bytes) {
    const int rails = flow_rails_;
    const double share = bytes / rails;
    for (int r = 0; r < rails; ++r) {
      const auto [from, to] = platform_.rail_ports(src, dst, r);
      sg4::CommPtr comm = sg4::Comm::sendto_init(platform_.port(from), platform_.port(to));
      comm->set_payload_size(share);
      new_task(task, comm);
      pair_bytes_[(static_cast<std::uint64_t>(from) << 32) | static_cast<std::uint32_t>(to)] += share;
      comm->start();
      ++activities_;
    }
    return rails;
  }

  /// A transfer between nodes `src` and `dst` that counts towards pending transfer or phase `pid`.
  void start_flow(TaskKind kind, int job, int pid, int src, int dst, double bytes) {
    pending_[pid].remaining += start_rail_flows({kind, job, pid}, src, dst, bytes);
  }

  /// An op's compute timer fired.
  void on_compute_done(int slot, double start) {
    --in_flight_;
    const double now = sg4::Engine::get_clock();
    StageState& st = stages_[slot];
    meter_.slot_computing(plans_[st.job], st.stage, st.replica, false);
    st.busy_s += now - start;
    st.exec_end_s = now;
    if (--st.outstanding == 0) finish_op(slot, now);
    if (in_flight_ == 0) meter_.finish();
  }

  void arrive(int pid) {
    const Pending& p = pending_[pid];
    StageState& dest = stages_[p.dest_slot];
    (p.forward ? dest.f_arrived : dest.b_arrived)[p.arrival] = 1;
    if (p.job == 0 && dest.replica == 0) trace_.comm(dest.stage, p.forward ? "recv activations" : "recv gradients",
                                                     p.start_s, sg4::Engine::get_clock());
    try_start(p.dest_slot);
  }

  void on_complete(sg4::Activity const& a) {
    graveyard_.clear();  // activities completed in earlier callbacks can be released now
    const int id = static_cast<int>(reinterpret_cast<std::uintptr_t>(a.get_data<void>()));
    const Task task = tasks_[id];
    graveyard_.push_back(std::move(alive_[id]));
    const double now = sg4::Engine::get_clock();
    if (task.kind != TaskKind::power_sample) --in_flight_;
    switch (task.kind) {
      case TaskKind::context:
        if (--stages_[task.slot].outstanding == 0) finish_op(task.slot, now);
        break;
      case TaskKind::p2p:
        if (--pending_[task.slot].remaining == 0) arrive(task.slot);
        break;
      case TaskKind::expert:
        on_expert_flow(task.slot, task.peer);
        break;
      case TaskKind::dp:
      case TaskKind::gather:
        if (--pending_[task.slot].remaining == 0) finish_phase(task.slot, task.kind);
        break;
      case TaskKind::checkpoint:
        // A checkpoint stall ended: the job's stages may start.
        if (checkpoint_.on_complete(task.job, static_cast<CheckpointTraffic::Event>(task.slot), launch_)) {
          const int slots = plans_[task.job].pp * plans_[task.job].dp;
          for (int s = 0; s < slots; ++s) try_start(plan_first_slot_[task.job] + s);
        }
        break;
      case TaskKind::power_sample:
        meter_.tick(in_flight_ > 0, tick_);
        break;
    }
    // Nothing left in flight after this completion's consequences: the run's work is done.
    if (in_flight_ == 0) meter_.finish();
  }

  /// The op in flight on `slot` is done: its compute and every flow or gather it waited for. `by_gather`: the
  /// parameter gather was the last of them, so the wait after the compute is the gather's.
  void finish_op(int slot, double now, bool by_gather = false) {
    StageState& st = stages_[slot];
    const JobPlan& plan = plans_[st.job];
    const Op op = plan.op(st.stage, st.cursor - 1);
    const double start = st.op_start_s;
    (by_gather ? st.gather_wait_s : st.context_s) += std::max(0.0, now - st.exec_end_s);
    st.waits_gather = false;
    st.busy = false;
    if (!op.forward) st.last_backward_s = now - start;
    if (st.job == 0 && st.replica == 0) trace_.compute(st.stage, op, start, now);
    send(st.job, slot, op);
    if (st.cursor >= plan.ops_per_stage()) {
      st.pipe_end_s = now;
      if (++stage_done_[st.job][st.stage] == plan.dp && reduce_phases_[st.job][st.stage] == 0) {
        start_ring_phase(TaskKind::dp, st.job, st.stage);
      }
    }
    try_start(slot);
  }

  /// Data-parallel gradient reduction (TaskKind::dp) or ZeRO parameter gather (TaskKind::gather) of one stage:
  /// NCCL's hierarchical pattern, inter-node rings over the nodes, one ring per GPU position in the node, each
  /// carrying 1/r of the gradients or parameters. On a torus, the flows of its per-dimension rings (job_plan.hpp).
  /// `op`: the op of the stage whose chunk a ZeRO-3 gather fetches (JobPlan::gather_every_op), carrying `share` of
  /// the stage's parameters; -1 for a whole-stage phase.
  void start_ring_phase(TaskKind kind, int job, int stage, int op = -1, double share = 1.0) {
    const JobPlan& plan = plans_[job];
    Pending p{0, job, stage, true, op, sg4::Engine::get_clock()};
    const int pid = new_pending(p);
    const double bytes = share * (kind == TaskKind::dp ? plan.dp_flow_bytes : plan.gather_flow_bytes);
    if (kind == TaskKind::dp) meter_.stage_communicating(plan, stage, true);
    if (!plan.torus_dp_flows.empty()) {
      for (const NodeFlow& f : (kind == TaskKind::dp ? plan.torus_dp_flows : plan.torus_gather_flows)[stage]) {
        start_flow(kind, job, pid, f.src_node, f.dst_node, share * f.bytes);
      }
    } else {
      for (const auto& ring : plan.dp_rings(stage)) {
        for (size_t k = 0; k < ring.nodes.size(); ++k) {
          start_flow(kind, job, pid, ring.nodes[k], ring.nodes[(k + 1) % ring.nodes.size()], ring.gpu_rings * bytes);
        }
      }
    }
    if (pending_[pid].remaining == 0) finish_phase(pid, kind);
  }

  void finish_phase(int pid, TaskKind kind) {
    const Pending& p = pending_[pid];
    const JobPlan& plan = plans_[p.job];
    const double now = sg4::Engine::get_clock();
    if (kind == TaskKind::gather && p.arrival >= 0) {
      // A ZeRO-3 op's gather: its legs inside the node follow, then the op may end.
      const int job = p.job;
      const int stage = p.dest_slot;
      const int op = p.arrival;
      if (job == 0) trace_.comm(stage, "parameter gather", p.start_s, now + plan.gather_intra_s / plan.vs);
      stage_ends_[(static_cast<std::int64_t>(job) << 32) | stage].gather_at_start = true;
      after(plan.gather_intra_s / plan.vs, [this, job, stage, op] { release_op_gather(job, stage, op); });
      return;
    }
    if (p.job == 0) trace_.comm(p.dest_slot, kind == TaskKind::dp ? "gradient reduce" : "parameter gather", p.start_s, now);
    const int job = p.job;
    const int stage = p.dest_slot;
    StageEnd& end = stage_ends_[(static_cast<std::int64_t>(job) << 32) | stage];
    if (kind == TaskKind::dp) {
      ReduceState& reduces = reduce_state_[job][stage];
      if (++reduces.done < reduce_phases_[job][stage]) {
        // Its NVLink legs inside the node follow; then the stage's next reduction may start.
        after(plan.dp_intra_s, [this, job, stage] {
          ReduceState& r = reduce_state_[job][stage];
          r.busy = false;
          if (r.waiting > 0) {
            --r.waiting;
            queue_reduce(job, stage);
          }
        });
        return;
      }
      end.dp_start_s = p.start_s;
      end.dp_end_s = now + plan.dp_intra_s;
      end.reduce_beside_backward = reduce_phases_[job][stage] > 0;
      if (plan.zero >= 1 && !plan.overlap_param_gather && !plan.gather_every_op) {
        // The distributed optimizer updates its shard, then all-gathers the parameters before the next step.
        meter_.stage_communicating(plan, stage, false);
        after(plan.dp_intra_s + plan.optimizer_s, [this, job, stage] { start_ring_phase(TaskKind::gather, job, stage); });
        return;
      }
      if (plan.zero < 1) end.gather_end_s = end.dp_end_s;
    } else if (gather_pending_[job][stage]) {
      end.gather_at_start = true;
      end.gather_end_s = now + plan.gather_intra_s;
      // Its NVLink part inside the node follows; then the stage's first ops may end.
      after(plan.gather_intra_s, [this, job, stage] { release_gather(job, stage); });
    } else {
      end.gather_end_s = now + plan.gather_intra_s;
    }
    meter_.stage_communicating(plan, stage, false);
  }

  /// A gradient reduction of `stage` is due: it starts unless one is running, which NCCL finishes first.
  void queue_reduce(int job, int stage) {
    ReduceState& r = reduce_state_[job][stage];
    if (r.busy) {
      ++r.waiting;
      return;
    }
    r.busy = true;
    start_ring_phase(TaskKind::dp, job, stage);
  }

  /// The overlapped parameter gather of `stage` is complete: the stage's first ops that finished their compute end.
  void release_gather(int job, int stage) {
    gather_pending_[job][stage] = 0;
    release_waiters(gather_waiters_[job][stage]);
  }

  /// The op in flight on `slot` also waits for a parameter gather, whose end releases `waiters`.
  void wait_for_gather(int slot, std::vector<int>& waiters) {
    StageState& st = stages_[slot];
    st.outstanding++;
    st.waits_gather = true;
    waiters.push_back(slot);
  }

  /// A parameter gather is complete: the slots in `waiters` whose compute already ended end their op.
  void release_waiters(std::vector<int>& waiters) {
    const double now = sg4::Engine::get_clock();
    for (int slot : waiters) {
      if (--stages_[slot].outstanding == 0) finish_op(slot, now, true);
    }
    waiters.clear();
    waiters.shrink_to_fit();
  }

  /// ZeRO 3: op `op` of `slot`'s stage has started its compute. Its chunk's parameters are all-gathered once every
  /// replica of the stage has reached it (a collective), layer by layer ahead of the compute as FSDP prefetches, so
  /// the op ends when both its compute and its gather have; the gather shares the links with whatever else runs.
  void wait_for_op_gather(int slot, int op) {
    StageState& st = stages_[slot];
    const JobPlan& plan = plans_[st.job];
    OpGathers& g = op_gathers_[st.job][st.stage];
    if (++g.started[op] == plan.dp) start_ring_phase(TaskKind::gather, st.job, st.stage, op, 1.0 / plan.vs);
    if (!g.done[op]) wait_for_gather(slot, g.waiters[op]);
  }

  /// The gather of op `op` of `stage` is complete: the replicas whose compute of that op already ended, end it.
  void release_op_gather(int job, int stage, int op) {
    OpGathers& g = op_gathers_[job][stage];
    g.done[op] = 1;
    release_waiters(g.waiters[op]);
  }

  /// Runs `fn` `delay_s` from now on a kernel timer, counted in flight meanwhile.
  void after(double delay_s, std::function<void()> fn) {
    ++in_flight_;
    simgrid::kernel::timer::Timer::set(sg4::Engine::get_clock() + delay_s, [this, fn = std::move(fn)] {
      --in_flight_;
      fn();
      if (in_flight_ == 0) meter_.finish();
    });
  }

  DesRunResult finish();

  hw::ClusterSpec cluster_;
  DesOptions options_;
  std::vector<JobPlan> plans_;
  std::vector<int> plan_first_slot_;
  DesPlatform platform_;
  std::vector<StageState> stages_;
  std::vector<std::vector<int>> stage_done_;
  /// Gradient reductions beside the backward pass (overlap_grad_reduce), by job and stage: by op, the reduction
  /// (0, 1, ...) that op's start opens once every replica has started it, else -1; how many replicas reached each;
  /// how many there are (0: one after the pipeline); and the one in flight.
  struct ReduceState {
    int done = 0;
    int waiting = 0;
    bool busy = false;
  };
  std::vector<std::vector<std::vector<int>>> reduce_trigger_;
  std::vector<std::vector<std::vector<int>>> reduce_ready_;
  std::vector<std::vector<int>> reduce_phases_;
  std::vector<std::vector<ReduceState>> reduce_state_;
  /// By job and stage: the overlapped parameter gather still running, and the slots whose first op waits for it.
  std::vector<std::vector<std::uint8_t>> gather_pending_;
  std::vector<std::vector<std::vector<int>>> gather_waiters_;
  /// ZeRO 3's per-op gathers (JobPlan::gather_every_op), by job and stage.
  struct OpGathers {
    std::vector<std::uint8_t> done;         ///< by op: its parameters are gathered
    std::vector<int> started;               ///< by op: replicas that reached it (the gather starts at all of them)
    std::vector<std::vector<int>> waiters;  ///< by op: slots whose compute of it ended before the gather did
  };
  std::vector<std::vector<OpGathers>> op_gathers_;
  std::vector<Task> tasks_;
  std::vector<sg4::ActivityPtr> alive_;
  std::vector<sg4::ActivityPtr> graveyard_;
  std::vector<Pending> pending_;
  std::unordered_map<std::uint64_t, double> pair_bytes_;
  std::unordered_map<std::int64_t, StageEnd> stage_ends_;
  std::unordered_map<std::uint64_t, ExpertExchange> exchanges_;
  TraceWriter trace_;
  int flow_rails_ = 1;  ///< flows per transfer: the rails, or 1 on a bundled platform (rail_bundle.hpp)
  long long activities_ = 0;
  long long in_flight_ = 0;  ///< started activities whose completion is not handled yet, power samples aside
  CheckpointTraffic checkpoint_;
  PowerMeter meter_;
  const PowerMeter::Launch tick_ = [this](const sg4::ExecPtr& timer) {
    new_task({TaskKind::power_sample, 0, 0}, timer);
    timer->start();
  };
  /// Starts the checkpoint's timers and flows as tasks of this simulation.
  const CheckpointTraffic::Launch launch_ = [this](const sg4::ActivityPtr& a, int job, CheckpointTraffic::Event e) {
    new_task({TaskKind::checkpoint, job, static_cast<int>(e)}, a);
    a->start();
    ++activities_;
  };
};

DesRunResult Simulation::finish() {
  DesRunResult out;
  out.activities = activities_;
  out.rails_bundled = flow_rails_ != platform_.rails();
  for (size_t j = 0; j < plans_.size(); ++j) {
    const JobPlan& plan = plans_[j];
    std::vector<StageEnd> ends(plan.pp);
    for (int s = 0; s < plan.pp; ++s) {
      const auto it = stage_ends_.find((static_cast<std::int64_t>(j) << 32) | s);
      if (it != stage_ends_.end()) ends[s] = it->second;
    }
    const CheckpointOutcome ckpt = checkpoint_.outcome(static_cast<int>(j));
    DesJobResult& r = out.jobs.emplace_back(job_result(plan, &stages_[plan_first_slot_[j]], ends, ckpt.release_s));
    r.checkpoint_bytes = ckpt.bytes;
    r.checkpoint_write_s = ckpt.end_s - ckpt.open_s;
    out.makespan_s = std::max(out.makespan_s, r.step_time_s);
  }
  // Link loads over the whole run: an asynchronous checkpoint may still be writing after the step.
  checkpoint_.add_pair_bytes(pair_bytes_);
  const double busy_s = std::max(out.makespan_s, checkpoint_.end_s());
  out.busiest_links = busiest_links(platform_, pair_bytes_, busy_s, options_.top_links);
  if (flow_rails_ != platform_.rails()) {
    for (LinkLoad& l : out.busiest_links) l.name = bundled_link_name(platform_, l.name);
  }
  for (size_t j = 0; meter_.enabled() && j < out.jobs.size(); ++j) out.jobs[j].power_trace = meter_.trace(j);
  if (!options_.trace_path.empty()) {
    // Each stage's optimizer step, after its pipeline and its exposed gradient reduction (the first job's first
    // replica, as the rest of the trace).
    const JobPlan& plan = plans_.front();
    for (int s = 0; plan.optimizer_s > 0 && s < plan.pp; ++s) {
      const StageState& st = stages_[plan_first_slot_[0] + s * plan.dp];
      const auto it = stage_ends_.find(s);
      const double begin = reduction_end_s(plan, it != stage_ends_.end() ? it->second : StageEnd{}, st.pipe_end_s,
                                           st.last_backward_s);
      trace_.step(s, "optimizer step", begin, begin + plan.optimizer_s);
    }
    if (meter_.enabled()) trace_.power(out.jobs.front().power_trace);
    trace_.write(options_.trace_path, "CapSim DES: one training step");
  }
  return out;
}

}  // namespace

DesRunResult simulate_training_steps(const hw::ClusterSpec& cluster, const std::vector<workloads::TrainingJob>& jobs,
                                     const DesOptions& options) {
  const auto engine = start_engine();
  sg4::Engine::set_config("surf/precision:1e-9");
  Simulation simulation(cluster, jobs, options);
  DesRunResult result = simulation.run();
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) == 0) result.peak_memory_bytes = static_cast<double>(usage.ru_maxrss) * 1024.0;
  return result;
}

}  // namespace capsim::sim::des
