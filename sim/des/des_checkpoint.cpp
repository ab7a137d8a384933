#include "sim/des/des_checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <simgrid/s4u.hpp>

#include "sim/core/error.hpp"

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

namespace {

/// The link into storage endpoint `endpoint`: the last hop of any route to it.
sg4::Link* endpoint_link(const DesPlatform& platform, int endpoint) {
  std::vector<sg4::Link*> route;
  double latency = 0;
  platform.nics.front()->route_to(platform.storage_hosts[endpoint], route, &latency);
  if (route.empty()) throw Error("no route to storage endpoint " + std::to_string(endpoint));
  return route.back();
}

}  // namespace

CheckpointTraffic::CheckpointTraffic(const DesPlatform& platform, const DesCheckpoint& spec,
                                     std::vector<JobCheckpoint> jobs)
    : platform_(&platform), spec_(spec), jobs_(std::move(jobs)) {
  if (spec.tier.kind == hw::StorageKind::local_nvme) {
    throw InfeasibleError("the des engine writes checkpoints over the fabric; tier \"" + spec.tier.name +
                          "\" is node-local NVMe (use a parallel-fs or object-store tier)");
  }
  const int endpoints = static_cast<int>(platform.storage_hosts.size());
  if (endpoints == 0) throw Error("the DES platform was built without storage endpoints");
  endpoints_ = assign_endpoints(jobs_, endpoints);
  outcomes_.assign(jobs_.size(), CheckpointOutcome{0, 0, 0, -1});
  remaining_.assign(jobs_.size(), 0);
  double total = 0;
  for (double b : endpoints_.bytes) total += b;
  const double service = storage_service_Bps(spec.tier);
  // An unbounded service leaves each endpoint on a plain fabric link (like a node's): only the fabric limits it.
  if (!std::isfinite(service) || total <= 0) return;
  for (int e = 0; e < endpoints; ++e) {
    if (endpoints_.bytes[e] > 0) endpoint_link(platform, e)->set_bandwidth(service * endpoints_.bytes[e] / total);
  }
}

void CheckpointTraffic::begin(const Launch& launch) {
  for (size_t j = 0; j < jobs_.size(); ++j) {
    const int job = static_cast<int>(j);
    outcomes_[j].bytes = jobs_[j].total_B;
    if (spec_.mode == workloads::CheckpointMode::async) {
      start_timer(job, Event::copied, jobs_[j].max_gpu_B / spec_.host_copy_bw_Bps, launch);
    } else {
      start_timer(job, Event::opened, spec_.tier.startup_s(), launch);
    }
  }
}

bool CheckpointTraffic::on_complete(int job, Event event, const Launch& launch) {
  const bool was_released = released(job);
  switch (event) {
    case Event::copied:
      // The snapshot is in host memory: training resumes and the writes begin.
      release(job);
      start_timer(job, Event::opened, spec_.tier.startup_s(), launch);
      break;
    case Event::opened:
      open(job, launch);
      break;
    case Event::written:
      if (--remaining_[job] > 0) break;
      outcomes_[job].end_s = sg4::Engine::get_clock();
      if (spec_.mode == workloads::CheckpointMode::sync) release(job);
      break;
  }
  return !was_released && released(job);
}

void CheckpointTraffic::start_timer(int job, Event event, double seconds, const Launch& launch) {
  if (event == Event::opened) outcomes_[job].open_s = sg4::Engine::get_clock();
  if (seconds <= 0) {
    on_complete(job, event, launch);
    return;
  }
  // A zero-byte compute bounded to kHostSpeed on a storage host, which runs nothing else: a timer without actors.
  sg4::ExecPtr timer = sg4::Exec::init();
  timer->set_flops_amount(seconds * kHostSpeed)->set_host(platform_->storage_hosts.front());
  timer->set_bound(kHostSpeed);
  launch(timer, job, event);
}

void CheckpointTraffic::open(int job, const Launch& launch) {
  const JobCheckpoint& jc = jobs_[job];
  remaining_[job] = 0;
  if (jc.writes.empty()) {
    on_complete(job, Event::written, launch);
    return;
  }
  for (size_t w = 0; w < jc.writes.size(); ++w) {
    const int endpoint = endpoints_.endpoint[job][w];
    // The node's write to one endpoint leaves from its storage client when the tier bounds the bandwidth of one
    // node, else from all its NICs at once.
    const std::vector<size_t> sources = platform_->storage_sources(jc.writes[w].node);
    for (size_t source : sources) {
      sg4::CommPtr comm = sg4::Comm::sendto_init(platform_->port(source), platform_->storage_hosts[endpoint]);
      comm->set_payload_size(jc.writes[w].bytes / static_cast<double>(sources.size()));
      ++remaining_[job];
      launch(comm, job, Event::written);
    }
  }
}

void CheckpointTraffic::release(int job) {
  if (outcomes_[job].release_s < 0) outcomes_[job].release_s = sg4::Engine::get_clock();
}

double CheckpointTraffic::end_s() const {
  double end = 0;
  for (const auto& o : outcomes_) end = std::max(end, o.end_s);
  return end;
}

void CheckpointTraffic::add_pair_bytes(std::unordered_map<std::uint64_t, double>& pair_bytes) const {
  if (platform_ == nullptr) return;
  for (size_t j = 0; j < jobs_.size(); ++j) {
    for (size_t w = 0; w < jobs_[j].writes.size(); ++w) {
      const int endpoint = endpoints_.endpoint[j][w];
      const auto dst = static_cast<std::uint64_t>(platform_->storage_port(endpoint));
      const std::vector<size_t> sources = platform_->storage_sources(jobs_[j].writes[w].node);
      for (size_t source : sources) {
        pair_bytes[(static_cast<std::uint64_t>(source) << 32) | dst] +=
            jobs_[j].writes[w].bytes / static_cast<double>(sources.size());
      }
    }
  }
}

}  // namespace capsim::sim::des
