#include "sim/des/trace_writer.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "sim/core/atomic_file.hpp"

namespace capsim::sim::des {

void TraceWriter::compute(int stage, const Op& op, double start_s, double end_s) {
  events_.push_back({std::string(op.forward ? "F" : "B") + std::to_string(op.micro_batch) +
                         (op.chunk > 0 ? "." + std::to_string(op.chunk) : std::string()),
                     2 * stage, start_s, end_s});
  stages_ = std::max(stages_, stage + 1);
}

void TraceWriter::step(int stage, const std::string& name, double start_s, double end_s) {
  events_.push_back({name, 2 * stage, start_s, end_s});
  stages_ = std::max(stages_, stage + 1);
}

void TraceWriter::comm(int stage, const std::string& name, double start_s, double end_s) {
  events_.push_back({name, 2 * stage + 1, start_s, end_s});
  stages_ = std::max(stages_, stage + 1);
}

void TraceWriter::write(const std::string& path, const std::string& title) const {
  nlohmann::json events = nlohmann::json::array();
  events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", title}}}});
  for (int s = 0; s < stages_; ++s) {
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", 2 * s},
                      {"args", {{"name", "stage " + std::to_string(s) + " compute"}}}});
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", 2 * s + 1},
                      {"args", {{"name", "stage " + std::to_string(s) + " communication"}}}});
  }
  for (const auto& e : events_) {
    events.push_back({{"name", e.name}, {"ph", "X"}, {"pid", 1}, {"tid", e.track}, {"ts", e.start_s * 1e6},
                      {"dur", (e.end_s - e.start_s) * 1e6}});
  }
  for (const auto& p : power_) {
    events.push_back({{"name", "power"}, {"ph", "C"}, {"pid", 1}, {"ts", p.time_s * 1e6},
                      {"args", {{"total_W", p.total_W}, {"gpu_W", p.gpu_W}, {"network_W", p.network_W}}}});
  }
  write_file_atomically(path, nlohmann::json{{"traceEvents", events}, {"displayTimeUnit", "ms"}}.dump());
}

}  // namespace capsim::sim::des
