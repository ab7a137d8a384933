#include "sim/des/des_state.hpp"

#include <algorithm>

#include <simgrid/s4u.hpp>

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

double reduction_end_s(const JobPlan& plan, const StageEnd& phase, double pipe_end_s, double last_backward_s) {
  if (phase.dp_end_s < 0) return pipe_end_s;
  // A reduction that ran after the pipeline is credited the overlap the analytical model gives: buckets of the last
  // micro-batch's backward reduce while it still runs. One that ran beside the backward (reduce_beside_backward)
  // was simulated so: nothing to credit.
  const double window = plan.overlap_grad_reduce && !phase.reduce_beside_backward ? 0.9 * last_backward_s : 0.0;
  return std::max(pipe_end_s, phase.dp_end_s - window);
}

DesJobResult job_result(const JobPlan& plan, const StageState* slots, const std::vector<StageEnd>& ends,
                        double start_s) {
  DesJobResult r;
  r.first_gpu = plan.rank(0, 0, 0, 0);
  r.start_s = std::max(0.0, start_s);
  double best_end = -1;
  for (int s = 0; s < plan.pp; ++s) {
    double pipe_end = 0;
    double busy = 0;
    double expert = 0;
    double context = 0;
    double last_backward = 0;
    double gather_wait = 0;
    int replica = 0;  // the stage's last-finishing replica
    for (int d = 0; d < plan.dp; ++d) {
      const StageState& st = slots[static_cast<size_t>(s) * plan.dp + d];
      if (st.pipe_end_s >= pipe_end) {
        pipe_end = st.pipe_end_s;
        busy = st.busy_s;
        expert = st.expert_s;
        context = st.context_s;
        last_backward = st.last_backward_s;
        gather_wait = st.gather_wait_s;
        replica = d;
      }
    }
    const StageEnd& phase = ends[s];
    const bool has_phase = phase.dp_end_s >= 0;
    const double dp_end = reduction_end_s(plan, phase, pipe_end, last_backward);
    // A gather after the step (no overlap_param_gather) starts once the optimizer has updated the shard; one at the
    // start of the step is already in the first op's wait.
    const double gather_exposed =
        phase.gather_at_start ? gather_wait
                              : (has_phase ? std::max(0.0, phase.gather_end_s - phase.dp_end_s - plan.optimizer_s) : 0.0);
    const double end = dp_end + plan.optimizer_s + (phase.gather_at_start ? 0.0 : gather_exposed);
    if (end > best_end) {
      best_end = end;
      r.step_time_s = end;
      r.busy_s = busy;
      r.ep_comm_s = expert;
      r.cp_comm_s = context;
      r.dp_comm_s = dp_end - pipe_end;
      r.param_gather_s = gather_exposed;
      r.optimizer_s = plan.optimizer_s;
      // The schedule's own idle time on this stage, from the stage times this replica's pipeline ran at (a
      // straggler's slowdown included: it lengthens the bubble of every stage beside it); waiting beyond it is the
      // fabric's doing.
      double slowest = 0;
      double sum = 0;
      for (int q = 0; q < plan.pp; ++q) {
        double per_mb = 0;
        for (int c = 0; c < plan.vs; ++c) per_mb += plan.forward_s(q, c) + plan.backward_s(q, c);
        per_mb *= plan.stage_slowdown[static_cast<size_t>(q) * plan.dp + replica];
        slowest = std::max(slowest, per_mb);
        sum += per_mb;
      }
      const double idle = std::max(0.0, pipe_end - r.start_s - busy - expert - context - gather_wait);
      r.bubble_s = std::min(idle, (sum - slowest) / plan.vs + plan.mb * slowest - busy);
      r.bubble_s = std::max(0.0, r.bubble_s);
      // Below a nanosecond it is rounding between the schedule's arithmetic and the simulated clock.
      r.pp_comm_s = idle - r.bubble_s < 1e-9 ? 0.0 : idle - r.bubble_s;
    }
  }
  return r;
}

std::vector<LinkLoad> busiest_links(const DesPlatform& platform, const std::unordered_map<std::uint64_t, double>& pair_bytes,
                                    double makespan_s, int top) {
  // Bytes per link, from the bytes per (source, destination) pair: one route lookup per distinct pair.
  std::unordered_map<const sg4::Link*, double> link_bytes;
  std::vector<sg4::Link*> route;
  for (const auto& [pair, bytes] : pair_bytes) {
    route.clear();
    double latency = 0;
    platform.port(pair >> 32)->route_to(platform.port(pair & 0xffffffffu), route, &latency);
    for (const sg4::Link* l : route) link_bytes[l] += bytes;
  }
  std::vector<LinkLoad> loads;
  loads.reserve(link_bytes.size());
  for (const auto& [link, bytes] : link_bytes) {
    const double capacity = link->get_bandwidth() * std::max(makespan_s, 1e-12);
    // Fabric links get a planner's name ("node 3 -> leaf 0 (up)", "node 5 -> node 6 (x+)" on a torus); the
    // platform's own links already have one.
    const std::string& name = link->get_name();
    const std::string readable =
        platform.is_torus() ? torus_link_name(platform.torus, name) : fabric_link_name(platform.shape, name);
    loads.push_back({readable, bytes, bytes / capacity});
  }
  const size_t keep = std::min(loads.size(), static_cast<size_t>(std::max(0, top)));
  std::partial_sort(loads.begin(), loads.begin() + keep, loads.end(),
                    [](const LinkLoad& a, const LinkLoad& b) {
                      // Ties are common on symmetric fabrics; order them by name so output is reproducible.
                      return a.utilization != b.utilization ? a.utilization > b.utilization : a.name < b.name;
                    });
  loads.resize(keep);
  return loads;
}

}  // namespace capsim::sim::des
