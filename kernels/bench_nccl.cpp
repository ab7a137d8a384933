/// @file bench_nccl.cpp
/// capsim-bench-nccl: NCCL all-reduce, all-gather and reduce-scatter across every GPU of the node from one process
/// (ncclCommInitAll, one stream per GPU), and peer-to-peer copies from GPU 0 to each other GPU, one way and both ways.
/// Sizes, algorithm bandwidth and bus bandwidth follow nccl-tests, so the figures compare with published nccl-tests
/// runs and with what CapSim's collective model predicts. NCCL is loaded at run time (nccl_loader.hpp); without it,
/// or with one GPU, the document says why nothing was measured. See kernels/README.md.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/bench_common.hpp"
#include "kernels/bf16_host.hpp"
#include "kernels/nccl_loader.hpp"

namespace capsim::bench {

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kGiB = std::size_t{1} << 30;
constexpr std::size_t kBf16 = 2;
/// Elements of the verification all-reduce.
constexpr std::size_t kVerifyCount = std::size_t{1} << 16;
/// BF16 arrived in NCCL 2.10.
constexpr int kMinNcclForBf16 = nccl_version_code(2, 10, 0);
/// 0x3f3f is BF16 0.746: sums over a node stay finite and non-zero.
constexpr int kFillByte = 0x3f;

enum class Collective { all_reduce, all_gather, reduce_scatter };

const char* collective_name(Collective op) {
  switch (op) {
    case Collective::all_reduce:
      return "all_reduce";
    case Collective::all_gather:
      return "all_gather";
    case Collective::reduce_scatter:
      return "reduce_scatter";
  }
  return "?";
}

struct Timing {
  int warmup;
  int repeats;
  double min_sample_s;
};

/// One GPU of the clique: its stream and its send and receive buffers. Construct it with its device current.
struct Rank {
  explicit Rank(int index) : device(index) {}
  int device;
  CudaStream stream;
  DeviceBuffer send, recv;

  /// Grows the buffers on this GPU; false when they do not fit.
  bool reserve(std::size_t send_bytes, std::size_t recv_bytes) {
    check_cuda(cudaSetDevice(device), "cudaSetDevice");
    return send.reserve(send_bytes) && recv.reserve(recv_bytes);
  }
};

using Ranks = std::vector<std::unique_ptr<Rank>>;

Ranks make_ranks(int count) {
  Ranks ranks;
  for (int i = 0; i < count; ++i) {
    check_cuda(cudaSetDevice(i), "cudaSetDevice");
    ranks.push_back(std::make_unique<Rank>(i));
  }
  check_cuda(cudaSetDevice(0), "cudaSetDevice");
  return ranks;
}

void synchronize_all(const Ranks& ranks) {
  for (const auto& rank : ranks) check_cuda(cudaStreamSynchronize(rank->stream.get()), "cudaStreamSynchronize");
}

/// The NCCL communicators of every GPU of the node, destroyed with the object.
class Clique {
 public:
  Clique(const NcclLibrary& nccl, int count) : nccl_(nccl), comms_(static_cast<std::size_t>(count), nullptr) {
    const ncclResult_t result = nccl.api().comm_init_all(comms_.data(), count, nullptr);
    if (result != ncclSuccess) std::fill(comms_.begin(), comms_.end(), nullptr);
    nccl.check(result, "ncclCommInitAll");
  }
  ~Clique() {
    for (ncclComm_t comm : comms_) {
      if (comm != nullptr) nccl_.api().comm_destroy(comm);
    }
  }
  Clique(const Clique&) = delete;
  Clique& operator=(const Clique&) = delete;
  ncclComm_t operator[](std::size_t rank) const { return comms_[rank]; }

 private:
  const NcclLibrary& nccl_;
  std::vector<ncclComm_t> comms_;
};

/// Buffers and counts of one collective at one nccl-tests size.
struct CollectiveSize {
  std::size_t send_bytes;  ///< per rank
  std::size_t recv_bytes;  ///< per rank
  std::size_t count;       ///< the count argument of the NCCL call
  std::size_t bytes;       ///< nccl-tests' size: the larger of the two buffers, a multiple of ranks for the others
};

/// nccl-tests' convention: the size names the all-reduce buffer, the all-gather output and the reduce-scatter input
/// (each rank's share rounded down to whole elements).
CollectiveSize collective_size(Collective op, std::size_t bytes, std::size_t ranks) {
  const std::size_t total = bytes / kBf16;
  const std::size_t share = total / ranks;
  switch (op) {
    case Collective::all_reduce:
      return {total * kBf16, total * kBf16, total, total * kBf16};
    case Collective::all_gather:
      return {share * kBf16, share * ranks * kBf16, share, share * ranks * kBf16};
    case Collective::reduce_scatter:
      return {share * ranks * kBf16, share * kBf16, share, share * ranks * kBf16};
  }
  return {};
}

/// nccl-tests' bus-bandwidth factor: all-reduce 2(n-1)/n, all-gather and reduce-scatter (n-1)/n.
double bus_factor(Collective op, int ranks) {
  const double n = ranks;
  return op == Collective::all_reduce ? 2.0 * (n - 1.0) / n : (n - 1.0) / n;
}

/// Enqueues `op` on every rank's stream, inside one NCCL group.
void enqueue_collective(Collective op, std::size_t count, const NcclLibrary& nccl, const Clique& clique,
                        const Ranks& ranks) {
  const NcclApi& api = nccl.api();
  nccl.check(api.group_start(), "ncclGroupStart");
  ncclResult_t failed = ncclSuccess;
  for (std::size_t i = 0; i < ranks.size() && failed == ncclSuccess; ++i) {
    const Rank& r = *ranks[i];
    const cudaStream_t s = r.stream.get();
    switch (op) {
      case Collective::all_reduce:
        failed = api.all_reduce(r.send.data(), r.recv.data(), count, ncclBfloat16, ncclSum, clique[i], s);
        break;
      case Collective::all_gather:
        failed = api.all_gather(r.send.data(), r.recv.data(), count, ncclBfloat16, clique[i], s);
        break;
      case Collective::reduce_scatter:
        failed = api.reduce_scatter(r.send.data(), r.recv.data(), count, ncclBfloat16, ncclSum, clique[i], s);
        break;
    }
  }
  const ncclResult_t ended = api.group_end();
  nccl.check(failed, collective_name(op));
  nccl.check(ended, "ncclGroupEnd");
}

/// time_median_s across GPUs: CUDA events start and stop `iters` calls on every rank's stream, and a sample is the
/// slowest GPU's time (NCCL's ranks wait for each other, so that is the collective's time). Median per call.
double time_all_ranks_s(const std::function<void()>& enqueue, const Ranks& ranks, int warmup, int repeats, int iters) {
  std::vector<std::unique_ptr<CudaEvent>> starts;
  std::vector<std::unique_ptr<CudaEvent>> stops;
  for (const auto& rank : ranks) {
    check_cuda(cudaSetDevice(rank->device), "cudaSetDevice");
    starts.push_back(std::make_unique<CudaEvent>());
    stops.push_back(std::make_unique<CudaEvent>());
  }
  for (int i = 0; i < warmup; ++i) enqueue();
  std::vector<double> samples;
  for (int r = 0; r < std::max(repeats, 1); ++r) {
    for (std::size_t i = 0; i < ranks.size(); ++i) {
      check_cuda(cudaSetDevice(ranks[i]->device), "cudaSetDevice");
      check_cuda(cudaEventRecord(starts[i]->get(), ranks[i]->stream.get()), "cudaEventRecord");
    }
    for (int i = 0; i < iters; ++i) enqueue();
    float slowest_ms = 0.0f;
    for (std::size_t i = 0; i < ranks.size(); ++i) {
      check_cuda(cudaSetDevice(ranks[i]->device), "cudaSetDevice");
      check_cuda(cudaEventRecord(stops[i]->get(), ranks[i]->stream.get()), "cudaEventRecord");
    }
    for (std::size_t i = 0; i < ranks.size(); ++i) {
      check_cuda(cudaEventSynchronize(stops[i]->get()), "cudaEventSynchronize");
      float ms = 0.0f;
      check_cuda(cudaEventElapsedTime(&ms, starts[i]->get(), stops[i]->get()), "cudaEventElapsedTime");
      slowest_ms = std::max(slowest_ms, ms);
    }
    samples.push_back(1e-3 * slowest_ms / iters);
  }
  check_cuda(cudaSetDevice(0), "cudaSetDevice");
  return median(std::move(samples));
}

/// iters_for_sample across GPUs.
int iters_all_ranks(const std::function<void()>& enqueue, const Ranks& ranks, double min_sample_s) {
  const double one_s = time_all_ranks_s(enqueue, ranks, 1, 3, 1);
  if (one_s <= 0.0) return 1000;
  return static_cast<int>(std::clamp(std::ceil(min_sample_s / one_s), 1.0, 1000.0));
}

/// All-reduces known values once (rank r holds (r + 1) * (j % 7 + 1) at element j) and checks the sum on every GPU,
/// so that a collective that did nothing cannot report a bandwidth.
void verify_all_reduce(const NcclLibrary& nccl, const Clique& clique, const Ranks& ranks) {
  const auto n = static_cast<double>(ranks.size());
  std::vector<std::uint16_t> host(kVerifyCount);
  for (const auto& rank : ranks) {
    if (!rank->reserve(kVerifyCount * kBf16, kVerifyCount * kBf16)) {
      throw capsim::Error("cannot allocate the verification buffers");
    }
    for (std::size_t j = 0; j < kVerifyCount; ++j) {
      host[j] = to_bf16(static_cast<float>((rank->device + 1) * static_cast<int>(j % 7 + 1)));
    }
    check_cuda(cudaMemcpy(rank->send.data(), host.data(), kVerifyCount * kBf16, cudaMemcpyHostToDevice), "cudaMemcpy");
    check_cuda(cudaMemset(rank->recv.data(), 0xff, kVerifyCount * kBf16), "cudaMemset");  // NaN
  }
  enqueue_collective(Collective::all_reduce, kVerifyCount, nccl, clique, ranks);
  synchronize_all(ranks);
  for (const auto& rank : ranks) {
    check_cuda(cudaMemcpy(host.data(), rank->recv.data(), kVerifyCount * kBf16, cudaMemcpyDeviceToHost), "cudaMemcpy");
    for (std::size_t j = 0; j < kVerifyCount; ++j) {
      const double expected = n * (n + 1.0) / 2.0 * static_cast<double>(j % 7 + 1);
      const double got = from_bf16(host[j]);
      if (!(std::fabs(got - expected) <= 0.01 * expected)) {
        throw capsim::Error("all-reduce verification failed on GPU " + std::to_string(rank->device) + " at element " +
                            std::to_string(j) + ": got " + std::to_string(got) + ", expected " +
                            std::to_string(expected));
      }
    }
  }
  check_cuda(cudaSetDevice(0), "cudaSetDevice");
  progress("[nccl] all-reduce verified on " + std::to_string(ranks.size()) + " GPUs");
}

void record_collective(Report& report, Collective op, int ranks, std::size_t bytes, double time_s) {
  const double algbw = static_cast<double>(bytes) / time_s;
  const double busbw = algbw * bus_factor(op, ranks);
  report.measurements.push_back({{"op", std::string(collective_name(op))},
                                 {"ranks", static_cast<std::int64_t>(ranks)},
                                 {"bytes", bytes},
                                 {"time_s", time_s},
                                 {"algbw_Bps", algbw},
                                 {"busbw_Bps", busbw}});
  char line[160];
  std::snprintf(line, sizeof line, "[nccl] %-14s %d GPUs %12zu B %10.3e s algbw %7.1f GB/s busbw %7.1f GB/s",
                collective_name(op), ranks, bytes, time_s, algbw / 1e9, busbw / 1e9);
  progress(line);
}

/// Times each collective at each size on every GPU of the node.
void run_collectives(const NcclLibrary& nccl, const Ranks& ranks, const std::vector<std::size_t>& sizes,
                     const Timing& timing, Report& report) {
  const Clique clique(nccl, static_cast<int>(ranks.size()));
  verify_all_reduce(nccl, clique, ranks);
  for (const Collective op : {Collective::all_reduce, Collective::all_gather, Collective::reduce_scatter}) {
    for (const std::size_t size : sizes) {
      const CollectiveSize cs = collective_size(op, size, ranks.size());
      bool fits = cs.count > 0;
      for (const auto& rank : ranks) {
        fits = fits && rank->reserve(cs.send_bytes, cs.recv_bytes);
        if (fits) check_cuda(cudaMemset(rank->send.data(), kFillByte, cs.send_bytes), "cudaMemset");
      }
      if (!fits) {
        report.skipped.push_back({{"op", std::string(collective_name(op))},
                                  {"bytes", size},
                                  {"reason", "buffers do not fit in device memory"}});
        continue;
      }
      const auto enqueue = [&] { enqueue_collective(op, cs.count, nccl, clique, ranks); };
      const int iters = iters_all_ranks(enqueue, ranks, timing.min_sample_s);
      const double time_s = time_all_ranks_s(enqueue, ranks, timing.warmup, timing.repeats, iters);
      record_collective(report, op, static_cast<int>(ranks.size()), cs.bytes, time_s);
    }
  }
  synchronize_all(ranks);
}

/// Enables peer access from `a` to `b`; false when the GPUs cannot reach each other directly (copies then go
/// through host memory).
bool enable_peer_access(int a, int b) {
  int can = 0;
  check_cuda(cudaDeviceCanAccessPeer(&can, a, b), "cudaDeviceCanAccessPeer");
  if (can == 0) return false;
  check_cuda(cudaSetDevice(a), "cudaSetDevice");
  const cudaError_t status = cudaDeviceEnablePeerAccess(b, 0);
  if (status == cudaErrorPeerAccessAlreadyEnabled) {
    (void)cudaGetLastError();  // NCCL may have enabled it already; not an error
  } else {
    check_cuda(status, "cudaDeviceEnablePeerAccess");
  }
  return true;
}

void record_p2p(Report& report, int dst, std::size_t bytes, double time_s, bool bidirectional, bool peer) {
  const double bandwidth = static_cast<double>(bytes) / time_s;
  report.measurements.push_back({{"op", "p2p"},
                                 {"src", std::int64_t{0}},
                                 {"dst", static_cast<std::int64_t>(dst)},
                                 {"bytes", bytes},
                                 {"time_s", time_s},
                                 {"bandwidth_Bps", bandwidth},
                                 {"bidirectional", bidirectional},
                                 {"peer_access", peer}});
  char line[160];
  std::snprintf(line, sizeof line, "[nccl] p2p 0 %s %d %12zu B %10.3e s %8.1f GB/s%s", bidirectional ? "<->" : "->",
                dst, bytes, time_s, bandwidth / 1e9, peer ? "" : " (no peer access: through the host)");
  progress(line);
}

/// Times cudaMemcpyPeerAsync from GPU 0 to GPU `dst` at each size: one way on GPU 0's stream, then both ways at once
/// (dst -> 0 on GPU dst's stream, forked from and joined back into GPU 0's stream, which carries the events).
void run_p2p_pair(const Ranks& ranks, int dst, const std::vector<std::size_t>& sizes, const Timing& timing,
                  Report& report) {
  const bool peer = enable_peer_access(0, dst) && enable_peer_access(dst, 0);
  Rank& src_rank = *ranks[0];
  Rank& dst_rank = *ranks[static_cast<std::size_t>(dst)];
  check_cuda(cudaSetDevice(dst), "cudaSetDevice");
  const CudaEvent join(cudaEventDisableTiming);
  check_cuda(cudaSetDevice(0), "cudaSetDevice");
  const CudaEvent fork(cudaEventDisableTiming);
  const cudaStream_t s0 = src_rank.stream.get();
  const cudaStream_t sd = dst_rank.stream.get();
  for (const std::size_t bytes : sizes) {
    if (!src_rank.reserve(bytes, bytes) || !dst_rank.reserve(bytes, bytes)) {
      report.skipped.push_back({{"op", "p2p"},
                                {"dst", static_cast<std::int64_t>(dst)},
                                {"bytes", bytes},
                                {"reason", "buffers do not fit in device memory"}});
      continue;
    }
    check_cuda(cudaSetDevice(0), "cudaSetDevice");  // time_median_s makes its events on the current device
    const auto one_way = [&] {
      check_cuda(cudaMemcpyPeerAsync(dst_rank.recv.data(), dst, src_rank.send.data(), 0, bytes, s0),
                 "cudaMemcpyPeerAsync");
    };
    const int iters = iters_for_sample(one_way, s0, timing.min_sample_s);
    record_p2p(report, dst, bytes, time_median_s(one_way, s0, timing.warmup, timing.repeats, iters), false, peer);

    const auto both_ways = [&] {
      check_cuda(cudaEventRecord(fork.get(), s0), "cudaEventRecord");
      check_cuda(cudaStreamWaitEvent(sd, fork.get(), 0), "cudaStreamWaitEvent");
      one_way();
      check_cuda(cudaMemcpyPeerAsync(src_rank.recv.data(), 0, dst_rank.send.data(), dst, bytes, sd),
                 "cudaMemcpyPeerAsync");
      check_cuda(cudaEventRecord(join.get(), sd), "cudaEventRecord");
      check_cuda(cudaStreamWaitEvent(s0, join.get(), 0), "cudaStreamWaitEvent");
    };
    const int both_iters = iters_for_sample(both_ways, s0, timing.min_sample_s);
    const double both_s = time_median_s(both_ways, s0, timing.warmup, timing.repeats, both_iters);
    record_p2p(report, dst, 2 * bytes, both_s, true, peer);
  }
  synchronize_all(ranks);
}

std::vector<std::string> device_names(int count) {
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    check_cuda(cudaGetDeviceProperties(&prop, i), "cudaGetDeviceProperties");
    char bus_id[32] = {};
    check_cuda(cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, i), "cudaDeviceGetPCIBusId");
    names.push_back(std::to_string(i) + ": " + prop.name + " (" + bus_id + ")");
  }
  return names;
}

Fields nccl_settings(const NcclLibrary& nccl, int device_count, const Timing& timing) {
  Fields settings = {{"library", nccl.loaded() ? "NCCL " + nccl.version() : std::string("NCCL not loaded")},
                     {"nccl_version", nccl.version()},
                     {"nccl_library", nccl.path()}};
  if (!nccl.loaded()) settings.emplace_back("nccl_error", nccl.error());
  settings.insert(
      settings.end(),
      {{"device_count", static_cast<std::int64_t>(device_count)},
       {"devices", device_names(device_count)},
       {"launch", "one process, ncclCommInitAll over every GPU, one stream per GPU, ncclGroupStart/End per call"},
       {"dtype", "bf16"},
       {"reduction", "sum"},
       {"in_place", false},
       {"warmup", static_cast<std::int64_t>(timing.warmup)},
       {"repeats", static_cast<std::int64_t>(timing.repeats)},
       {"min_sample_s", timing.min_sample_s},
       {"statistic",
        "median over repeats of the slowest GPU's seconds per call (CUDA events on every GPU's stream); "
        "p2p: CUDA events on GPU 0's stream"},
       {"bytes_convention",
        "nccl-tests size: all_reduce the buffer of each rank, all_gather the gathered output of "
        "each rank, reduce_scatter the input of each rank; p2p bytes copied (both directions "
        "counted for bidirectional)"},
       {"busbw_convention",
        "nccl-tests: algbw = bytes / time; busbw = algbw x 2(n-1)/n for all_reduce, "
        "x (n-1)/n for all_gather and reduce_scatter"}});
  return settings;
}

void run_nccl_sweep(const Options& options, Report& report) {
  const NcclLibrary nccl;
  int device_count = 0;
  check_cuda(cudaGetDeviceCount(&device_count), "cudaGetDeviceCount");
  const Timing timing = options.quick ? Timing{2, 5, 1e-3} : Timing{3, 20, 2e-3};
  report.settings = nccl_settings(nccl, device_count, timing);
  if (nccl.loaded()) progress("[nccl] NCCL " + nccl.version() + " from " + nccl.path());

  if (device_count < 2) {
    report.skipped.push_back({{"reason", "needs 2 or more GPUs (found " + std::to_string(device_count) + ")"}});
    progress("[nccl] needs 2 or more GPUs (found " + std::to_string(device_count) + "): nothing to measure");
    return;
  }
  std::vector<std::size_t> sizes;
  if (options.quick) {
    sizes = {kMiB, 64 * kMiB, kGiB};
  } else {
    for (std::size_t size = kMiB; size <= 4 * kGiB; size *= 4) sizes.push_back(size);
  }
  const Ranks ranks = make_ranks(device_count);

  if (!nccl.loaded()) {
    report.skipped.push_back({{"op", "collectives"}, {"reason", "cannot load NCCL: " + nccl.error()}});
    progress("[nccl] cannot load NCCL (" + nccl.error() + "); measuring p2p copies only");
  } else if (nccl.version_code() < kMinNcclForBf16) {
    report.skipped.push_back(
        {{"op", "collectives"}, {"reason", "NCCL " + nccl.version() + " has no bf16 (needs 2.10)"}});
  } else {
    run_collectives(nccl, ranks, sizes, timing, report);
  }
  for (int dst = 1; dst < device_count; ++dst) run_p2p_pair(ranks, dst, sizes, timing, report);
}

}  // namespace

}  // namespace capsim::bench

int main(int argc, char** argv) {
  return capsim::bench::run_bench(
      argc, argv,
      {"capsim-bench-nccl",
       "NCCL all-reduce, all-gather, reduce-scatter and peer-to-peer copies across the GPUs of this node"},
      capsim::bench::run_nccl_sweep);
}
