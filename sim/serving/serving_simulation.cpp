// The serving engine is a request-level event loop, not SimGrid. A run is millions of scheduler steps (an hour at
// 50 requests/s on 8 replicas is over a million), and a step's time comes from the closed-form step model; replicas
// share no links, so there is no contention for SimGrid's flow models to resolve, and its per-activity cost would
// multiply the run time (see DESIGN.md's 10 s target for that hour) while adding nothing. KV transfers of a
// disaggregated layout are point-to-point and costed by the collective model.
#include "sim/serving/serving_simulation.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <queue>
#include <vector>

#include "models/workloads/inference_step.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"
#include "sim/serving/load_generator.hpp"
#include "sim/serving/replica.hpp"
#include "sim/serving/router.hpp"
#include "sim/serving/serving_metrics.hpp"
#include "sim/serving/serving_power.hpp"

namespace capsim::sim::serving {

namespace {

using workloads::LoadMode;

std::vector<int> range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

bool disaggregated(const workloads::InferenceJob& job) {
  return job.prefill_replicas > 0 && job.prefill_replicas < job.replicas;
}

class ServingSimulation {
 public:
  ServingSimulation(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job, std::uint64_t seed);
  InferenceResult run();

 private:
  enum class Kind : std::uint8_t { arrival, user_request, step_done, kv_arrival };
  struct Event {
    double t_s;
    std::uint64_t seq;  ///< ties keep insertion order, so runs are reproducible
    Kind kind;
    int replica;  ///< step_done and kv_arrival: the replica; user_request: the user
    int lane;
    Request* request;
    const workloads::TraceRequest* row;  ///< arrival of a replayed trace request
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.t_s > b.t_s || (a.t_s == b.t_s && a.seq > b.seq); }
  };

  void push(double t_s, Kind kind, int replica = -1, int lane = -1, Request* request = nullptr,
            const workloads::TraceRequest* row = nullptr) {
    events_.push(Event{t_s, next_seq_++, kind, replica, lane, request, row});
  }
  void handle(const Event& e);
  void schedule_next_arrival();
  /// Draws a request arriving at `t_s` and routes it, unless it can never be served (too long for the cache).
  void send(double t_s, const workloads::TraceRequest* row, int user);
  /// Queues `r` at `replica`, which plans once every event of this instant is handled.
  void give(int replica, Request* r);
  void mark_dirty(int replica);
  void start_dirty(double now_s);
  bool user_may_send(double t_s) const;
  void fill_replica_metrics(double end_s, InferenceResult& out) const;
  void fill_power(InferenceResult& out) const;

  const hw::ClusterSpec& cluster_;
  const workloads::InferenceJob& job_;
  workloads::InferenceStepModel model_;
  StepActivityModel activity_;
  std::vector<Replica> replicas_;
  Router front_;
  Router back_;
  ArrivalProcess arrivals_;
  LengthSampler lengths_;
  double duration_s_ = 0;
  double stop_s_ = std::numeric_limits<double>::infinity();
  std::deque<Request> requests_;
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  std::uint64_t next_seq_ = 0;
  std::vector<char> dirty_;
  std::vector<int> dirty_list_;
  std::vector<StartedStep> started_;
  StepOutcome outcome_;
  std::int64_t sent_ = 0;
  std::int64_t rejected_ = 0;
  double last_completion_s_ = 0;
};

ServingSimulation::ServingSimulation(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job,
                                     std::uint64_t seed)
    : cluster_(cluster),
      job_(job),
      model_(cluster, job),
      activity_(cluster, job),
      front_(job.router, range(0, disaggregated(job) ? job.prefill_replicas : job.replicas)),
      back_(job.router, range(disaggregated(job) ? job.prefill_replicas : 0, job.replicas)),
      arrivals_(job.load, stream_seed(seed, 0)),
      lengths_(job, stream_seed(seed, 1)) {
  replicas_.reserve(static_cast<std::size_t>(job.replicas));
  for (int i = 0; i < job.replicas; ++i) {
    const ReplicaRole role = !disaggregated(job)        ? ReplicaRole::mixed
                             : i < job.prefill_replicas ? ReplicaRole::prefill
                                                        : ReplicaRole::decode;
    replicas_.emplace_back(i, role, model_, activity_, job.serving, job.pp);
  }
  dirty_.assign(replicas_.size(), 0);
  const auto& load = job.load;
  duration_s_ = load.duration_s;
  const bool bounded =
      load.duration_s > 0 || load.requests > 0 || load.mode == LoadMode::offline || load.mode == LoadMode::trace;
  if (!bounded) duration_s_ = kDefaultRunDuration_s;
  // A run bounded by time drains what is left, up to as long again: an overloaded layout stops there, and the
  // requests it still holds count as unfinished.
  if (duration_s_ > 0) stop_s_ = 2.0 * duration_s_ + 60.0;
}

bool ServingSimulation::user_may_send(double t_s) const {
  if (job_.load.requests > 0 && sent_ >= job_.load.requests) return false;
  return duration_s_ <= 0 || t_s < duration_s_;
}

void ServingSimulation::schedule_next_arrival() {
  double t = 0;
  const workloads::TraceRequest* row = nullptr;
  if (!arrivals_.next(t, row)) return;
  if (duration_s_ > 0 && t >= duration_s_) return;
  push(t, Kind::arrival, -1, -1, nullptr, row);
}

void ServingSimulation::send(double t_s, const workloads::TraceRequest* row, int user) {
  const auto [in, out] = lengths_.draw(row);
  if (++sent_ > static_cast<std::int64_t>(kMaxRequests)) {
    throw InfeasibleError("the serving run passed " + units::format_count(kMaxRequests) +
                          " requests, the most one run may send (it keeps every request): bound the load with "
                          "\"requests\" or a shorter \"duration\"");
  }
  Request probe;
  probe.input_tokens = in;
  probe.output_tokens = out;
  if (!replicas_.front().scheduler().can_ever_fit(probe)) {
    ++rejected_;
    if (user >= 0 && user_may_send(t_s)) push(t_s + job_.load.think_time_s, Kind::user_request, user);
    return;
  }
  Request& r = requests_.emplace_back(probe);
  r.id = static_cast<std::int64_t>(requests_.size()) - 1;
  r.arrival_s = t_s;
  r.user = user;
  give(front_.pick(replicas_), &r);
}

void ServingSimulation::give(int replica, Request* r) {
  replicas_[static_cast<std::size_t>(replica)].enqueue(r);
  mark_dirty(replica);
}

void ServingSimulation::mark_dirty(int replica) {
  if (dirty_[static_cast<std::size_t>(replica)]) return;
  dirty_[static_cast<std::size_t>(replica)] = 1;
  dirty_list_.push_back(replica);
}

void ServingSimulation::handle(const Event& e) {
  switch (e.kind) {
    case Kind::arrival:
      send(e.t_s, e.row, -1);
      schedule_next_arrival();
      break;
    case Kind::user_request:
      if (user_may_send(e.t_s)) send(e.t_s, nullptr, e.replica);
      break;
    case Kind::kv_arrival:
      give(e.replica, e.request);
      break;
    case Kind::step_done: {
      Replica& rep = replicas_[static_cast<std::size_t>(e.replica)];
      rep.finish_step(e.lane, e.t_s, outcome_);
      for (Request* r : outcome_.finished) {
        last_completion_s_ = std::max(last_completion_s_, e.t_s);
        if (r->user >= 0 && user_may_send(e.t_s)) push(e.t_s + job_.load.think_time_s, Kind::user_request, r->user);
      }
      for (Request* r : outcome_.handoffs) {
        // Disaggregated: the prompt's KV cache crosses the fabric to a decode replica.
        push(e.t_s + model_.kv_transfer_s(r->computed), Kind::kv_arrival, back_.pick(replicas_), -1, r);
      }
      mark_dirty(e.replica);
      break;
    }
  }
}

void ServingSimulation::start_dirty(double now_s) {
  for (int i : dirty_list_) {
    started_.clear();
    replicas_[static_cast<std::size_t>(i)].start_idle_lanes(now_s, started_);
    for (const StartedStep& s : started_) push(s.done_s, Kind::step_done, i, s.lane);
    dirty_[static_cast<std::size_t>(i)] = 0;
  }
  dirty_list_.clear();
}

InferenceResult ServingSimulation::run() {
  InferenceResult out;
  out.slo = job_.slo;
  out.memory = model_.memory();
  out.fits_in_memory = out.memory.fits();
  if (!out.fits_in_memory) return out;

  if (job_.load.mode == LoadMode::concurrency) {
    for (int u = 0; u < job_.load.users; ++u) push(0.0, Kind::user_request, u);
  } else {
    schedule_next_arrival();
  }
  double now = 0;
  while (!events_.empty()) {
    now = events_.top().t_s;
    if (now > stop_s_) {
      now = stop_s_;
      break;
    }
    // Everything that happens at one instant lands before the replicas plan, so that simultaneous arrivals (an
    // offline batch) share the first step.
    while (!events_.empty() && events_.top().t_s == now) {
      const Event e = events_.top();
      events_.pop();
      handle(e);
    }
    start_dirty(now);
  }
  out.rejected = rejected_;
  bool all_done = true;
  for (const Request& r : requests_) all_done = all_done && r.finish_s >= 0;
  const double end_s = all_done ? last_completion_s_ : now;
  fill_request_metrics(requests_, end_s, job_.report_interval_s, out);
  fill_replica_metrics(end_s, out);
  fill_power(out);
  out.unloaded_ttft_s = model_.unloaded_prefill_s(std::max(1, job_.input_tokens));
  out.unloaded_tpot_s = model_.unloaded_tpot_s(job_.input_tokens + job_.output_tokens / 2.0);
  if (duration_s_ > 0 && job_.load.duration_s <= 0 && job_.load.requests <= 0) {
    out.notes.push_back("the load names no duration or requests: ran " + std::to_string(static_cast<int>(duration_s_)) +
                        " s of arrivals");
  }
  return out;
}

void ServingSimulation::fill_replica_metrics(double end_s, InferenceResult& out) const {
  double block_seconds = 0, blocks = 0, busy = 0, tokens = 0;
  for (const Replica& rep : replicas_) {
    block_seconds += rep.kv_block_seconds();
    blocks += static_cast<double>(rep.scheduler().kv().total());
    busy += rep.busy_s();
    tokens += static_cast<double>(rep.tokens_scheduled());
    out.steps += rep.steps();
    out.preemptions += rep.scheduler().preemptions();
    out.kv_utilization_peak = std::max(out.kv_utilization_peak, rep.kv_peak_fraction());
    out.queue_max = std::max<std::int64_t>(out.queue_max, static_cast<std::int64_t>(rep.max_waiting()));
  }
  const double span = std::max(end_s, 1e-9);
  if (blocks > 0) out.kv_utilization_mean = block_seconds / (blocks * span);
  out.busy_share = busy / (static_cast<double>(replicas_.size()) * span);
  if (out.steps > 0) out.mean_step_tokens = tokens / static_cast<double>(out.steps);
}

void ServingSimulation::fill_power(InferenceResult& out) const {
  std::vector<hw::GpuActivity> busy;
  busy.reserve(replicas_.size());
  for (const Replica& rep : replicas_) busy.push_back(rep.step_activity());
  out.power = serving_power(cluster_, job_, busy, out.duration_s, out.output_tokens_per_s * out.duration_s, out.steps);
}

}  // namespace

double estimated_requests(const workloads::Load& load) {
  const bool bounded = load.duration_s > 0 || load.requests > 0;
  const double duration_s = load.duration_s > 0 ? load.duration_s : bounded ? 0 : kDefaultRunDuration_s;
  double by_time = 0;
  switch (load.mode) {
    case LoadMode::offline:
      return static_cast<double>(load.requests);
    case LoadMode::trace:
      by_time = static_cast<double>(load.trace.size());
      break;
    case LoadMode::poisson:
    case LoadMode::gamma: {
      double rate = load.rate_per_s;
      if (!load.rate_curve.rates_per_s.empty()) {
        rate = 0;
        for (double r : load.rate_curve.rates_per_s) rate += r;
        rate /= static_cast<double>(load.rate_curve.rates_per_s.size());
      }
      by_time = rate * duration_s;
      break;
    }
    case LoadMode::concurrency:
      by_time = load.think_time_s > 0 ? load.users * duration_s / load.think_time_s : 0;
      break;
  }
  if (load.requests > 0 && (by_time <= 0 || duration_s <= 0)) return static_cast<double>(load.requests);
  return load.requests > 0 ? std::min(by_time, static_cast<double>(load.requests)) : by_time;
}

InferenceResult simulate_serving(const hw::ClusterSpec& cluster, const workloads::InferenceJob& job,
                                 std::uint64_t seed) {
  ServingSimulation sim(cluster, job, seed);
  InferenceResult r = sim.run();
  r.name = job.name;
  r.gpu = cluster.gpu.id;
  r.gpus = job.gpus();
  r.replicas = job.replicas;
  r.prefill_replicas = job.prefill_replicas;
  r.tp = job.tp;
  r.pp = job.pp;
  if (!r.fits_in_memory) {
    r.notes.push_back("the weights and workspace leave no room for a KV cache on each GPU");
  }
  return r;
}

}  // namespace capsim::sim::serving
