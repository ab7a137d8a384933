#pragma once
/// @file trace_writer.hpp
/// A Chrome trace (JSON, opens in Perfetto or chrome://tracing) of one iteration: one track per pipeline stage for
/// its compute, one for its communication, and with a power trace a counter track of the job's power.

#include <string>
#include <vector>

#include "sim/des/job_plan.hpp"
#include "sim/engine.hpp"

namespace capsim::sim::des {

/// Collects events in simulated seconds and writes them as a trace.
class TraceWriter {
 public:
  /// A forward or backward pass of `op` on `stage`, from `start_s` to `end_s`.
  void compute(int stage, const Op& op, double start_s, double end_s);
  /// Another part of the step on `stage`'s compute track (the optimizer step).
  void step(int stage, const std::string& name, double start_s, double end_s);
  /// A transfer or collective phase seen by `stage`.
  void comm(int stage, const std::string& name, double start_s, double end_s);
  /// The samples of `trace` as counter events ("C"): Perfetto draws one track per quantity (GPUs, network, total).
  void power(const PowerTrace& trace) { power_ = trace.samples; }
  /// Writes the trace to `path` atomically. Throws capsim::Error on I/O failure.
  void write(const std::string& path, const std::string& title) const;
  size_t size() const { return events_.size(); }

 private:
  struct Event {
    std::string name;
    int track;
    double start_s;
    double end_s;
  };
  std::vector<Event> events_;
  std::vector<PowerSample> power_;
  int stages_ = 0;
};

}  // namespace capsim::sim::des
