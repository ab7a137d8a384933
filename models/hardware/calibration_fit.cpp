#include "models/hardware/calibration_fit.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "sim/core/error.hpp"

namespace capsim::hw {

namespace {

using nlohmann::json;
constexpr const char* kRawSchema = "capsim/calibration-raw/v1";
/// K deep enough that GemmModel's K-loop factor K / (K + half_k) is 1 to 1e-9.
constexpr double kDeepK = 1e12;

constexpr const char* kGemmTool = "capsim-bench-gemm";
constexpr const char* kMemoryTool = "capsim-bench-memory";
constexpr const char* kOpsTool = "capsim-bench-ops";
constexpr const char* kAttentionTool = "capsim-bench-attention";
constexpr const char* kNcclTool = "capsim-bench-nccl";
constexpr const char* kTools = "capsim-bench-gemm, -memory, -ops, -attention or -nccl";
/// Sequences at least this long set the attention shares: shorter ones are dominated by the kernel's fixed costs.
constexpr double kLongSequence = 4096;

std::string str(const json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : std::string();
}
double num(const json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_number() ? obj[key].get<double>() : 0.0;
}

/// Collects the problems of one raw document, each with the file and the JSON pointer of the offending field.
class RawReader {
 public:
  RawReader(std::string file, std::vector<Diagnostic>& found) : file_(std::move(file)), found_(found) {}
  void error(const std::string& pointer, const std::string& message, const std::string& hint = {}) {
    found_.push_back({file_, pointer, message, hint});
  }
  std::size_t count() const { return found_.size(); }

  /// The finite number at obj[key], > 0 (>= 0 when `zero_ok`). Missing and optional: 0. Malformed, or missing and
  /// required: reported, std::nullopt.
  std::optional<double> number(const json& obj, const std::string& ptr, const char* key, bool required,
                               bool zero_ok = false) {
    if (!obj.contains(key)) {
      if (required) error(ptr + "/" + key, "missing", zero_ok ? "add a number >= 0" : "add a positive number");
      return required ? std::nullopt : std::optional<double>(0.0);
    }
    const json& v = obj[key];
    const bool ok = v.is_number() && std::isfinite(v.get<double>()) && (zero_ok ? v.get<double>() >= 0
                                                                                : v.get<double>() > 0);
    if (!ok) {
      error(ptr + "/" + key, std::string("expected a ") + (zero_ok ? "number >= 0" : "positive number") +
                                 ", found " + v.dump());
      return std::nullopt;
    }
    return v.get<double>();
  }
  /// A whole number at obj[key], at least `min`; reported and std::nullopt otherwise (missing included).
  std::optional<int> integer(const json& obj, const std::string& ptr, const char* key, int min) {
    const auto v = number(obj, ptr, key, true, true);
    if (!v) return std::nullopt;
    if (*v != std::floor(*v) || *v < min || *v > 1e9) {
      error(ptr + "/" + key, "expected a whole number of at least " + std::to_string(min) + ", found " +
                                 obj[key].dump());
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }
  /// The string at obj[key]; "" when missing and optional; reported and std::nullopt when malformed or missing and
  /// required (an empty string counts as missing).
  std::optional<std::string> text(const json& obj, const std::string& ptr, const char* key, bool required) {
    if (!obj.contains(key)) {
      if (required) error(ptr + "/" + key, "missing", "add a string");
      return required ? std::nullopt : std::optional<std::string>("");
    }
    if (!obj[key].is_string() || (required && obj[key].get<std::string>().empty())) {
      error(ptr + "/" + key, "expected a non-empty string, found " + obj[key].dump());
      return std::nullopt;
    }
    return obj[key].get<std::string>();
  }
  /// The boolean at obj[key]; `fallback` when missing and optional; reported and std::nullopt otherwise.
  std::optional<bool> flag(const json& obj, const std::string& ptr, const char* key, bool required,
                           bool fallback = false) {
    if (!obj.contains(key)) {
      if (required) error(ptr + "/" + key, "missing", "add true or false");
      return required ? std::nullopt : std::optional<bool>(fallback);
    }
    if (!obj[key].is_boolean()) {
      error(ptr + "/" + key, "expected true or false, found " + obj[key].dump());
      return std::nullopt;
    }
    return obj[key].get<bool>();
  }
  /// The precision named at obj[key]; reported and std::nullopt when missing or unknown.
  std::optional<Precision> precision(const json& obj, const std::string& ptr, const char* key) {
    const auto name = text(obj, ptr, key, true);
    if (!name) return std::nullopt;
    const auto p = precision_from_string(*name);
    if (!p) error(ptr + "/" + key, "unknown precision \"" + *name + "\"", "bf16, fp16, tf32, fp8, ...");
    return p;
  }

 private:
  std::string file_;
  std::vector<Diagnostic>& found_;
};

void read_device(RawReader& r, const json& doc, RawCalibration& raw) {
  CalibrationProvenance& p = raw.provenance;
  const json& d = doc["device"];
  p.device = str(d, "name");
  p.driver_version = str(d, "driver_version");
  p.driver_release = str(d, "driver_release");
  p.cuda_version = str(d, "runtime_version");
  p.sm_clock_Hz = num(d, "sm_clock_Hz");
  p.memory_clock_Hz = num(d, "memory_clock_Hz");
  raw.l2_cache_bytes = num(d, "l2_cache_bytes");
  raw.power_limit_W = num(d, "power_limit_W");
  raw.max_sm_clock_Hz = num(d, "max_sm_clock_Hz");
  p.host = str(doc, "host");
  p.timestamp = str(doc, "timestamp");
  std::string library;
  if (doc.contains("settings") && doc["settings"].is_object()) library = str(doc["settings"], "library");
  p.tools[raw.tool] = library.empty() ? std::string("raw-v1") : library;
  p.inputs.push_back(raw.file);
  // flag() reports a non-boolean with its pointer; json::value would throw a type_error instead.
  const bool sample = r.flag(doc, "", "sample", false).value_or(false);
  const bool synthetic = r.flag(doc, "", "synthetic", false).value_or(false);
  raw.sample = sample || synthetic;
  p.synthetic = raw.sample;
}

void read_gemm(RawReader& r, const json& m, const std::string& ptr, double time_s, RawCalibration& raw) {
  GemmPoint g;
  g.shape = {num(m, "m"), num(m, "n"), num(m, "k")};
  g.time_s = time_s;
  g.origin = raw.file + " " + ptr;
  const auto p = precision_from_string(str(m, "dtype"));
  if (!p || g.shape.m < 1 || g.shape.n < 1 || g.shape.k < 1) {
    r.error(ptr, "expected positive m, n, k and a known dtype");
    return;
  }
  g.dtype = *p;
  raw.gemm.push_back(g);
}

void read_memory(RawReader& r, const json& m, const std::string& ptr, RawCalibration& raw) {
  MemoryPoint mp{str(m, "op"), num(m, "buffer_bytes"), num(m, "bandwidth_Bps")};
  if (mp.op.empty() || !(mp.bandwidth_Bps > 0)) {
    r.error(ptr, "expected \"op\" and a positive \"bandwidth_Bps\"");
    return;
  }
  raw.memory.push_back(mp);
}

void read_op(RawReader& r, const json& m, const std::string& ptr, double time_s, RawCalibration& raw) {
  const std::size_t before = r.count();
  OpPoint o;
  o.op = r.text(m, ptr, "op", true).value_or("");
  if (m.contains("dtype")) r.precision(m, ptr, "dtype");
  o.rows = r.number(m, ptr, "rows", false, true).value_or(0);
  o.cols = r.number(m, ptr, "cols", false, true).value_or(0);
  o.bytes = r.number(m, ptr, "bytes", true).value_or(0);
  o.time_s = time_s;
  o.bandwidth_Bps = r.number(m, ptr, "bandwidth_Bps", false).value_or(0);
  if (r.count() != before) return;
  if (o.bandwidth_Bps <= 0) o.bandwidth_Bps = o.bytes / time_s;
  raw.ops.push_back(o);
}

void read_attention(RawReader& r, const json& m, const std::string& ptr, double time_s, RawCalibration& raw) {
  const std::size_t before = r.count();
  AttentionPoint a;
  const auto op = r.text(m, ptr, "op", true);
  if (op && *op != "sdpa_fwd" && *op != "sdpa_bwd") {
    r.error(ptr + "/op", "unknown attention op \"" + *op + "\"", "sdpa_fwd or sdpa_bwd");
  }
  a.backward = op == "sdpa_bwd";
  a.causal = r.flag(m, ptr, "causal", true).value_or(false);
  a.dtype = r.precision(m, ptr, "dtype").value_or(Precision::bf16);
  a.batch = r.number(m, ptr, "batch", true).value_or(0);
  a.heads = r.number(m, ptr, "heads", true).value_or(0);
  a.kv_heads = r.number(m, ptr, "kv_heads", false).value_or(0);
  a.seq_len = r.number(m, ptr, "seq_len", true).value_or(0);
  a.head_dim = r.number(m, ptr, "head_dim", true).value_or(0);
  a.flop = r.number(m, ptr, "flop", false).value_or(0);
  a.engine = r.text(m, ptr, "engine", false).value_or("");
  a.time_s = time_s;
  a.origin = raw.file + " " + ptr;
  if (r.count() != before) return;
  if (a.kv_heads <= 0) a.kv_heads = a.heads;
  if (a.flop <= 0) {  // the benchmark's convention: exact causal halving
    a.flop = 4.0 * a.batch * a.heads * a.seq_len * a.seq_len * a.head_dim * (a.causal ? 0.5 : 1.0) *
             (a.backward ? kFlashBackwardFlopRatio : 1.0);
  }
  raw.attention.push_back(a);
}

void read_p2p(RawReader& r, const json& m, const std::string& ptr, double time_s, RawCalibration& raw) {
  const std::size_t before = r.count();
  P2pPoint p;
  p.src = r.integer(m, ptr, "src", 0).value_or(0);
  p.dst = r.integer(m, ptr, "dst", 0).value_or(0);
  p.bytes = r.number(m, ptr, "bytes", true).value_or(0);
  p.time_s = time_s;
  p.bandwidth_Bps = r.number(m, ptr, "bandwidth_Bps", false).value_or(0);
  p.bidirectional = r.flag(m, ptr, "bidirectional", false).value_or(false);
  if (r.count() != before) return;
  if (p.bandwidth_Bps <= 0) p.bandwidth_Bps = p.bytes / time_s;
  raw.p2p.push_back(p);
}

void read_nccl(RawReader& r, const json& m, const std::string& ptr, double time_s, RawCalibration& raw) {
  const auto op = r.text(m, ptr, "op", true);
  if (!op) return;
  if (*op == "p2p") {
    read_p2p(r, m, ptr, time_s, raw);
    return;
  }
  if (*op != "all_reduce" && *op != "all_gather" && *op != "reduce_scatter" && *op != "all_to_all") {
    r.error(ptr + "/op", "unknown NCCL op \"" + *op + "\"",
            "all_reduce, all_gather, reduce_scatter, all_to_all or p2p");
    return;
  }
  const std::size_t before = r.count();
  CollectivePoint c;
  c.op = *op;
  c.ranks = r.integer(m, ptr, "ranks", 1).value_or(0);
  c.bytes = r.number(m, ptr, "bytes", true).value_or(0);
  c.time_s = time_s;
  if (r.count() == before) raw.collectives.push_back(c);
}

/// One entry of the "power" array.
void read_power_entry(RawReader& r, const json& e, const std::string& ptr, RawCalibration& raw) {
  if (!e.is_object()) {
    r.error(ptr, "expected an object");
    return;
  }
  const std::size_t before = r.count();
  PowerReading p;
  p.activity = r.text(e, ptr, "activity", true).value_or("");
  p.workload = r.text(e, ptr, "workload", false).value_or("");
  if (p.activity == "gemm") p.dtype = r.precision(e, ptr, "dtype");
  p.duration_s = r.number(e, ptr, "duration_s", false, true).value_or(0);
  p.mean_W = r.number(e, ptr, "mean_W", true).value_or(0);
  p.max_W = r.number(e, ptr, "max_W", false, true).value_or(0);
  p.energy_counter = r.flag(e, ptr, "energy_counter", false).value_or(false);
  p.mean_sm_clock_Hz = r.number(e, ptr, "mean_sm_clock_Hz", false, true).value_or(0);
  p.min_sm_clock_Hz = r.number(e, ptr, "min_sm_clock_Hz", false, true).value_or(0);
  p.max_temperature_C = r.number(e, ptr, "max_temperature_C", false, true).value_or(0);
  p.clock_event_reasons = static_cast<std::uint64_t>(r.number(e, ptr, "clock_event_reasons", false, true).value_or(0));
  p.tflops = r.number(e, ptr, "tflops", false, true).value_or(0);
  if (e.contains("m") || e.contains("n") || e.contains("k")) {
    p.shape = {r.number(e, ptr, "m", true).value_or(0), r.number(e, ptr, "n", true).value_or(0),
               r.number(e, ptr, "k", true).value_or(0)};
  }
  p.bandwidth_Bps = r.number(e, ptr, "bandwidth_Bps", false, true).value_or(0);
  if (r.count() == before) raw.power.push_back(p);
}

void read_power(RawReader& r, const json& doc, RawCalibration& raw) {
  if (!doc.contains("power")) return;
  const json& list = doc["power"];
  if (!list.is_array()) {
    r.error("/power", "expected an array");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) read_power_entry(r, list[i], "/power/" + std::to_string(i), raw);
}

/// One entry of "measurements", read as its tool writes it.
void read_measurement(RawReader& r, const json& m, const std::string& ptr, RawCalibration& raw) {
  if (!m.is_object()) {
    r.error(ptr, "expected an object");
    return;
  }
  const double t = num(m, "time_s");
  if (!(t > 0) || !std::isfinite(t)) {
    r.error(ptr + "/time_s", "expected a positive number of seconds");
    return;
  }
  if (raw.tool == kGemmTool) read_gemm(r, m, ptr, t, raw);
  if (raw.tool == kMemoryTool) read_memory(r, m, ptr, raw);
  if (raw.tool == kOpsTool) read_op(r, m, ptr, t, raw);
  if (raw.tool == kAttentionTool) read_attention(r, m, ptr, t, raw);
  if (raw.tool == kNcclTool) read_nccl(r, m, ptr, t, raw);
}

/// The linear least-squares solution of the weighted system, or an empty vector when it is rank-deficient.
Eigen::VectorXd solve(const Eigen::MatrixXd& a, const Eigen::VectorXd& y) {
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
  qr.setThreshold(1e-10);
  if (qr.rank() < a.cols()) return {};
  return qr.solve(y);
}

/// The median of `v` (the mean of the middle two for an even count); `v` must not be empty.
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// True when `r` is a better GEMM power reading than `best`: BF16 first, then the higher power.
bool better_gemm_reading(const PowerReading& r, const PowerReading* best) {
  if (best == nullptr) return true;
  const bool bf16 = r.dtype == Precision::bf16;
  if (bf16 != (best->dtype == Precision::bf16)) return bf16;
  return r.mean_W > best->mean_W;
}

/// Takes the provenance from the first file and adds the others' inputs and tools; reports a file from another
/// device.
void merge_provenance(CalibrationProfile& profile, const RawCalibration& raw, std::vector<Diagnostic>& found) {
  CalibrationProvenance& p = profile.provenance;
  if (p.device.empty()) {
    p = raw.provenance;
  } else if (raw.provenance.device != p.device) {
    found.push_back({raw.file, "/device/name",
                     "measured on " + raw.provenance.device + ", but " + p.inputs.front() + " on " + p.device,
                     "fit one GPU type per profile"});
  } else {
    p.inputs.push_back(raw.file);
    p.tools.insert(raw.provenance.tools.begin(), raw.provenance.tools.end());
    p.synthetic = p.synthetic || raw.sample;
    if (p.driver_release.empty()) p.driver_release = raw.provenance.driver_release;
  }
}

/// The best HBM-sized STREAM and host-transfer bandwidths of one capsim-bench-memory file.
void add_memory(CalibrationProfile& profile, const RawCalibration& raw) {
  for (const MemoryPoint& m : raw.memory) {
    // Buffers under twice the L2 partly hit the cache (kernels/README.md): not HBM bandwidth.
    const bool hbm_sized = raw.l2_cache_bytes <= 0 || m.buffer_bytes >= 2 * raw.l2_cache_bytes;
    if (m.op == "copy" && hbm_sized) profile.hbm_copy_Bps = std::max(profile.hbm_copy_Bps, m.bandwidth_Bps);
    if (m.op == "triad" && hbm_sized) profile.hbm_triad_Bps = std::max(profile.hbm_triad_Bps, m.bandwidth_Bps);
    if (m.op == "h2d") profile.h2d_Bps = std::max(profile.h2d_Bps, m.bandwidth_Bps);
    if (m.op == "d2h") profile.d2h_Bps = std::max(profile.d2h_Bps, m.bandwidth_Bps);
  }
}

/// One curve per (op, ranks) of a capsim-bench-nccl file, sizes ascending; repeated sizes are averaged.
void add_collectives(const RawCalibration& raw, std::vector<MeasuredCollective>& out) {
  std::map<std::pair<std::string, int>, std::map<double, std::pair<double, int>>> curves;
  for (const CollectivePoint& c : raw.collectives) {
    auto& [sum, n] = curves[{c.op, c.ranks}][c.bytes];
    sum += c.time_s;
    ++n;
  }
  for (const auto& [key, sizes] : curves) {
    MeasuredCollective m{key.first, key.second, 1, {}, {}, raw.file};
    for (const auto& [bytes, acc] : sizes) {
      m.bytes.push_back(bytes);
      m.time_s.push_back(acc.first / acc.second);
    }
    out.push_back(std::move(m));
  }
}

/// Median bandwidth of the memory-bound ops on tensors of at least twice the L2 (all when L2 is unknown); 0 if none.
double fit_elementwise(const std::vector<RawCalibration>& raws) {
  std::vector<double> bandwidths;
  for (const RawCalibration& raw : raws) {
    for (const OpPoint& o : raw.ops) {
      if (raw.l2_cache_bytes <= 0 || o.bytes >= 2 * raw.l2_cache_bytes) bandwidths.push_back(o.bandwidth_Bps);
    }
  }
  return bandwidths.empty() ? 0.0 : median(bandwidths);
}

/// Best one-direction peer-to-peer bandwidth; 0 if none was measured.
double best_p2p(const std::vector<RawCalibration>& raws) {
  double best = 0;
  for (const RawCalibration& raw : raws) {
    for (const P2pPoint& p : raw.p2p) {
      if (!p.bidirectional) best = std::max(best, p.bandwidth_Bps);
    }
  }
  return best;
}

}  // namespace

RawCalibration raw_calibration_from_json(const json& doc, const std::string& file) {
  std::vector<Diagnostic> found;
  RawReader r(file, found);
  RawCalibration raw;
  raw.file = file;
  if (!doc.is_object() || str(doc, "schema") != kRawSchema) {
    throw InputError({{file, "/schema", std::string("expected \"") + kRawSchema + "\"",
                       std::string("pass files written by ") + kTools}});
  }
  raw.tool = str(doc, "tool");
  const bool known = raw.tool == kGemmTool || raw.tool == kMemoryTool || raw.tool == kOpsTool ||
                     raw.tool == kAttentionTool || raw.tool == kNcclTool;
  if (!known) r.error("/tool", "unknown tool \"" + raw.tool + "\"", kTools);
  if (!doc.contains("device") || !doc["device"].is_object()) {
    r.error("/device", "missing the device object");
  } else {
    read_device(r, doc, raw);
  }
  // An empty list is fine: a program that could measure nothing here (one GPU for NCCL) says why under "skipped".
  if (!doc.contains("measurements") || !doc["measurements"].is_array()) {
    r.error("/measurements", "expected an array");
  } else if (known) {
    const json& list = doc["measurements"];
    for (std::size_t i = 0; i < list.size(); ++i) {
      read_measurement(r, list[i], "/measurements/" + std::to_string(i), raw);
    }
  }
  read_power(r, doc, raw);
  if (!found.empty()) throw InputError(found);
  return raw;
}

RawCalibration read_raw_calibration(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({{path, "", "cannot read the raw calibration file", "check the path"}});
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number such as 1e999
    throw InputError({{path, "", std::string("invalid JSON: ") + e.what(), ""}});
  }
  return raw_calibration_from_json(doc, path);
}

double gemm_wave_use(const GpuSpec& gpu, const GemmShape& shape, Precision p) {
  GpuSpec unit = gpu;
  unit.max_gemm_efficiency[p] = 1.0;
  return GemmModel(unit).efficiency({shape.m, shape.n, kDeepK, shape.batch}, p);
}

double gemm_model_half_k(const GpuSpec& gpu, Precision p) {
  // Read back from the model: efficiency(K) / efficiency(deep K) = K / (K + half_k).
  GpuSpec unit = gpu;
  unit.max_gemm_efficiency[p] = 1.0;
  const GemmModel model(unit);
  const double k = 4096;
  const double ratio = model.efficiency({8192, 8192, k}, p) / model.efficiency({8192, 8192, kDeepK}, p);
  return k * (1.0 / ratio - 1.0);
}

GemmEfficiencyFit fit_gemm(const GpuSpec& gpu, Precision p, const std::vector<GemmPoint>& points) {
  const double peak = gpu.peak(p);
  const double hbm = gpu.hbm_achieved_Bps > 0 ? gpu.hbm_achieved_Bps : gpu.hbm_bw_Bps;
  const double model_hk = gemm_model_half_k(gpu, p);
  std::vector<const GemmPoint*> used;
  std::vector<double> x1;  // flops / (peak x wave use): seconds at cap 1 and infinite K
  for (const GemmPoint& g : points) {
    // Points that HBM may bound say nothing about tensor-core efficiency.
    const double bytes = (g.shape.m * g.shape.k + g.shape.k * g.shape.n + g.shape.m * g.shape.n) * g.shape.batch *
                         bytes_per_element(p);
    if (hbm > 0 && bytes / hbm > 0.5 * g.time_s) continue;
    used.push_back(&g);
    x1.push_back(g.shape.flops() / (peak * gemm_wave_use(gpu, g.shape, p)));
  }
  if (used.empty()) {
    throw InputError({{points.empty() ? std::string() : points.front().origin, "",
                       "no compute-bound " + std::string(to_string(p)) + " GEMM measurement to fit", ""}});
  }
  const int n = static_cast<int>(used.size());
  // Builds the weighted system for the chosen unknowns: a (1/cap), b (half_k/cap, or fixed) and c (overhead).
  auto fit = [&](bool free_k, bool with_c, double fixed_hk) {
    const int cols = 1 + (free_k ? 1 : 0) + (with_c ? 1 : 0);
    Eigen::MatrixXd a(n, cols);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
      const double w = 1.0 / used[i]->time_s;
      const double k = used[i]->shape.k;
      int col = 0;
      a(i, col++) = w * x1[i] * (free_k ? 1.0 : 1.0 + fixed_hk / k);
      if (free_k) a(i, col++) = w * x1[i] / k;
      if (with_c) a(i, col++) = w;
      y(i) = 1.0;
    }
    Eigen::VectorXd beta = solve(a, y);
    Eigen::Vector3d out(0, 0, 0);  // 1/cap, half_k, overhead
    if (beta.size() == 0 || beta(0) <= 0) return std::optional<Eigen::Vector3d>();
    int col = 1;
    out(0) = beta(0);
    out(1) = free_k ? beta(col++) / beta(0) : fixed_hk;
    out(2) = with_c ? beta(col) : 0.0;
    if (out(1) < 0 || out(2) < 0) return std::optional<Eigen::Vector3d>();
    return std::optional<Eigen::Vector3d>(out);
  };
  std::optional<Eigen::Vector3d> best;
  if (n >= 4) best = fit(true, true, 0);
  if (!best && n >= 3) best = fit(true, false, 0);
  const bool half_k_fitted = best.has_value();
  if (!best && n >= 3) best = fit(false, true, model_hk);
  if (!best) best = fit(false, false, model_hk);
  if (!best) throw InputError({{used.front()->origin, "", "GEMM fit failed: the points are inconsistent", ""}});
  std::optional<Eigen::Vector3d> consistent = n >= 3 ? fit(false, true, model_hk) : std::nullopt;
  if (!consistent) consistent = fit(false, false, model_hk);

  GemmEfficiencyFit f;
  f.cap = 1.0 / (*best)(0);
  f.half_k = (*best)(1);
  f.overhead_s = (*best)(2);
  f.model_cap = consistent ? 1.0 / (*consistent)(0) : f.cap;
  f.half_k_fitted = half_k_fitted;
  f.points = n;
  double sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double model = x1[i] / f.cap * (1.0 + f.half_k / used[i]->shape.k) + f.overhead_s;
    const double rel = (model - used[i]->time_s) / used[i]->time_s;
    sum_sq += rel * rel;
    f.max_rel_error = std::max(f.max_rel_error, std::abs(rel));
    f.best_tflops = std::max(f.best_tflops, used[i]->shape.flops() / used[i]->time_s / 1e12);
  }
  f.rms_rel_error = std::sqrt(sum_sq / n);
  return f;
}

namespace {

/// Fits each precision of `by_precision` into `profile`, collecting the problems in `found`.
void fit_gemms(const GpuSpec& gpu, const std::map<Precision, std::vector<GemmPoint>>& by_precision,
               CalibrationProfile& profile, std::vector<Diagnostic>& found) {
  for (const auto& [p, points] : by_precision) {
    if (!gpu.supports(p)) {
      found.push_back({points.front().origin, "", gpu.id + " has no " + std::string(to_string(p)) + " math mode",
                       "check --gpu"});
      continue;
    }
    try {
      profile.gemm[p] = fit_gemm(gpu, p, points);
    } catch (const InputError& e) {
      found.insert(found.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
}

/// The sustained-to-sweep throughput ratio of precision `p` (GemmEfficiencyFit::sustained_ratio): the GEMM power
/// reading's throughput over the sweep's time for the same shape; 1 when either is missing.
double sustained_ratio(const std::vector<RawCalibration>& raws, Precision p, const std::vector<GemmPoint>& points) {
  for (const RawCalibration& raw : raws) {
    for (const PowerReading& r : raw.power) {
      if (r.activity != "gemm" || r.dtype != p || r.tflops <= 0) continue;
      for (const GemmPoint& g : points) {
        if (g.shape.m != r.shape.m || g.shape.n != r.shape.n || g.shape.k != r.shape.k) continue;
        const double sweep_tflops = g.shape.flops() / g.time_s / 1e12;
        return std::clamp(r.tflops / sweep_tflops, 0.1, 1.0);
      }
    }
  }
  return 1.0;
}

}  // namespace

AttentionFit fit_attention(const GpuSpec& gpu, const std::vector<AttentionPoint>& points) {
  std::vector<const AttentionPoint*> usable;
  for (const AttentionPoint& a : points) {
    if (a.dtype == Precision::bf16 && a.head_dim == 128) usable.push_back(&a);
  }
  // The model's attention is causal (training): non-causal points count only when no causal one was measured.
  if (std::any_of(usable.begin(), usable.end(), [](const AttentionPoint* a) { return a->causal; })) {
    std::erase_if(usable, [](const AttentionPoint* a) { return !a->causal; });
  }
  AttentionFit f;
  if (usable.empty()) return f;
  if (!gpu.supports(Precision::bf16)) {
    throw InputError({{usable.front()->origin, "", gpu.id + " has no bf16 math mode", "check --gpu"}});
  }
  const double peak = gpu.peak(Precision::bf16);
  for (const bool backward : {false, true}) {
    std::vector<const AttentionPoint*> pass;
    for (const AttentionPoint* a : usable) {
      if (a->backward == backward) pass.push_back(a);
    }
    std::vector<const AttentionPoint*> long_ones;
    std::copy_if(pass.begin(), pass.end(), std::back_inserter(long_ones),
                 [](const AttentionPoint* a) { return a->seq_len >= kLongSequence; });
    if (!long_ones.empty()) pass = long_ones;
    if (pass.empty()) continue;
    std::vector<double> shares;
    double best_tflops = 0;
    for (const AttentionPoint* a : pass) {
      const double flops = flash_attention_flops(a->batch, a->heads, a->seq_len, a->seq_len, a->head_dim, a->causal) *
                           (backward ? kFlashBackwardFlopRatio : 1.0);
      shares.push_back(flops / (peak * a->time_s));
      best_tflops = std::max(best_tflops, a->flop / a->time_s / 1e12);
    }
    const double share = median(shares);
    if (share > 1) {
      throw InputError({{pass.front()->origin, "",
                         std::string("flash attention ") + (backward ? "backward" : "forward") +
                             " would run above the bf16 peak of " + gpu.id + " (" + std::to_string(share) + ")",
                         "check the device and the batch, heads, seq_len and head_dim fields"}});
    }
    (backward ? f.bwd_efficiency : f.fwd_efficiency) = share;
    (backward ? f.best_bwd_tflops : f.best_fwd_tflops) = best_tflops;
    f.points += static_cast<int>(pass.size());
  }
  return f;
}

PowerFit fit_power(const std::vector<RawCalibration>& raws) {
  PowerFit f;
  const PowerReading* gemm = nullptr;
  for (const RawCalibration& raw : raws) {
    f.power_limit_W = std::max(f.power_limit_W, raw.power_limit_W);
    f.max_sm_clock_Hz = std::max(f.max_sm_clock_Hz, raw.max_sm_clock_Hz);
    for (const PowerReading& r : raw.power) {
      if (r.activity == "idle") f.idle_W = f.idle_W > 0 ? std::min(f.idle_W, r.mean_W) : r.mean_W;
      if (r.activity == "hbm") f.hbm_W = std::max(f.hbm_W, r.mean_W);
      if (r.activity == "gemm" && better_gemm_reading(r, gemm)) gemm = &r;
    }
  }
  if (gemm != nullptr) {
    f.gemm_W = gemm->mean_W;
    f.gemm_sm_clock_Hz = gemm->mean_sm_clock_Hz;
  }
  return f;
}

CalibrationProfile fit_profile(const GpuSpec& gpu, const std::vector<RawCalibration>& raws,
                               const std::vector<GemmPoint>& extra_gemm) {
  CalibrationProfile profile;
  profile.gpu = gpu.id;
  std::vector<Diagnostic> found;
  for (const RawCalibration& raw : raws) merge_provenance(profile, raw, found);
  if (!found.empty()) throw InputError(found);
  std::map<Precision, std::vector<GemmPoint>> by_precision;
  std::vector<AttentionPoint> attention;
  for (const RawCalibration& raw : raws) {
    for (const GemmPoint& g : raw.gemm) by_precision[g.dtype].push_back(g);
    add_memory(profile, raw);
    add_collectives(raw, profile.collectives);
    attention.insert(attention.end(), raw.attention.begin(), raw.attention.end());
  }
  for (const GemmPoint& g : extra_gemm) by_precision[g.dtype].push_back(g);
  fit_gemms(gpu, by_precision, profile, found);
  for (auto& [p, fit] : profile.gemm) fit.sustained_ratio = sustained_ratio(raws, p, by_precision[p]);
  profile.elementwise_Bps = fit_elementwise(raws);
  profile.p2p_Bps = best_p2p(raws);
  profile.power = fit_power(raws);
  try {
    profile.attention = fit_attention(gpu, attention);
  } catch (const InputError& e) {
    found.insert(found.end(), e.diagnostics().begin(), e.diagnostics().end());
  }
  if (!found.empty()) throw InputError(found);
  return profile;
}

}  // namespace capsim::hw
