#include "models/hardware/calibration_fit.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
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

std::string str(const json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : std::string();
}
double num(const json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_number() ? obj[key].get<double>() : 0.0;
}

void read_device(const json& doc, RawCalibration& raw) {
  CalibrationProvenance& p = raw.provenance;
  const json& d = doc["device"];
  p.device = str(d, "name");
  p.driver_version = str(d, "driver_version");
  p.cuda_version = str(d, "runtime_version");
  p.sm_clock_Hz = num(d, "sm_clock_Hz");
  p.memory_clock_Hz = num(d, "memory_clock_Hz");
  raw.l2_cache_bytes = num(d, "l2_cache_bytes");
  p.host = str(doc, "host");
  p.timestamp = str(doc, "timestamp");
  std::string library;
  if (doc.contains("settings") && doc["settings"].is_object()) library = str(doc["settings"], "library");
  p.tools[raw.tool] = library.empty() ? std::string("raw-v1") : library;
  p.inputs.push_back(raw.file);
  raw.sample = doc.value("sample", false) || doc.value("synthetic", false);
  p.synthetic = raw.sample;
}

/// The linear least-squares solution of the weighted system, or an empty vector when it is rank-deficient.
Eigen::VectorXd solve(const Eigen::MatrixXd& a, const Eigen::VectorXd& y) {
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
  qr.setThreshold(1e-10);
  if (qr.rank() < a.cols()) return {};
  return qr.solve(y);
}

}  // namespace

RawCalibration raw_calibration_from_json(const json& doc, const std::string& file) {
  std::vector<Diagnostic> found;
  RawCalibration raw;
  raw.file = file;
  if (!doc.is_object() || str(doc, "schema") != kRawSchema) {
    throw InputError({{file, "/schema", std::string("expected \"") + kRawSchema + "\"",
                       "pass files written by capsim-bench-gemm or capsim-bench-memory"}});
  }
  raw.tool = str(doc, "tool");
  if (raw.tool != "capsim-bench-gemm" && raw.tool != "capsim-bench-memory") {
    found.push_back({file, "/tool", "unknown tool \"" + raw.tool + "\"", "capsim-bench-gemm or capsim-bench-memory"});
  }
  if (!doc.contains("device") || !doc["device"].is_object()) {
    found.push_back({file, "/device", "missing the device object", ""});
  } else {
    read_device(doc, raw);
  }
  if (!doc.contains("measurements") || !doc["measurements"].is_array()) {
    found.push_back({file, "/measurements", "expected an array", ""});
  } else {
    const json& list = doc["measurements"];
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string ptr = "/measurements/" + std::to_string(i);
      const json& m = list[i];
      if (!m.is_object()) {
        found.push_back({file, ptr, "expected an object", ""});
        continue;
      }
      const double t = num(m, "time_s");
      if (!(t > 0) || !std::isfinite(t)) {
        found.push_back({file, ptr + "/time_s", "expected a positive number of seconds", ""});
        continue;
      }
      if (raw.tool == "capsim-bench-gemm") {
        GemmPoint g;
        g.shape = {num(m, "m"), num(m, "n"), num(m, "k")};
        g.time_s = t;
        g.origin = file + " " + ptr;
        const auto p = precision_from_string(str(m, "dtype"));
        if (!p || g.shape.m < 1 || g.shape.n < 1 || g.shape.k < 1) {
          found.push_back({file, ptr, "expected positive m, n, k and a known dtype", ""});
          continue;
        }
        g.dtype = *p;
        raw.gemm.push_back(g);
      } else {
        MemoryPoint mp{str(m, "op"), num(m, "buffer_bytes"), num(m, "bandwidth_Bps")};
        if (mp.op.empty() || !(mp.bandwidth_Bps > 0)) {
          found.push_back({file, ptr, "expected \"op\" and a positive \"bandwidth_Bps\"", ""});
          continue;
        }
        raw.memory.push_back(mp);
      }
    }
  }
  if (!found.empty()) throw InputError(found);
  return raw;
}

RawCalibration read_raw_calibration(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({{path, "", "cannot read the raw calibration file", "check the path"}});
  std::stringstream text;
  text << in.rdbuf();
  try {
    return raw_calibration_from_json(json::parse(text.str()), path);
  } catch (const json::parse_error& e) {
    throw InputError({{path, "", std::string("invalid JSON: ") + e.what(), ""}});
  }
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

CalibrationProfile fit_profile(const GpuSpec& gpu, const std::vector<RawCalibration>& raws,
                               const std::vector<GemmPoint>& extra_gemm) {
  CalibrationProfile profile;
  profile.gpu = gpu.id;
  std::map<Precision, std::vector<GemmPoint>> by_precision;
  std::vector<Diagnostic> found;
  for (const RawCalibration& raw : raws) {
    if (profile.provenance.device.empty()) {
      profile.provenance = raw.provenance;
    } else if (raw.provenance.device != profile.provenance.device) {
      found.push_back({raw.file, "/device/name",
                       "measured on " + raw.provenance.device + ", but " + profile.provenance.inputs.front() +
                           " on " + profile.provenance.device,
                       "fit one GPU type per profile"});
      continue;
    } else {
      profile.provenance.inputs.push_back(raw.file);
      profile.provenance.tools.insert(raw.provenance.tools.begin(), raw.provenance.tools.end());
      profile.provenance.synthetic = profile.provenance.synthetic || raw.sample;
    }
    for (const GemmPoint& g : raw.gemm) by_precision[g.dtype].push_back(g);
    for (const MemoryPoint& m : raw.memory) {
      // Buffers under twice the L2 partly hit the cache (kernels/README.md): not HBM bandwidth.
      const bool hbm_sized = raw.l2_cache_bytes <= 0 || m.buffer_bytes >= 2 * raw.l2_cache_bytes;
      if (m.op == "copy" && hbm_sized) profile.hbm_copy_Bps = std::max(profile.hbm_copy_Bps, m.bandwidth_Bps);
      if (m.op == "triad" && hbm_sized) profile.hbm_triad_Bps = std::max(profile.hbm_triad_Bps, m.bandwidth_Bps);
      if (m.op == "h2d") profile.h2d_Bps = std::max(profile.h2d_Bps, m.bandwidth_Bps);
      if (m.op == "d2h") profile.d2h_Bps = std::max(profile.d2h_Bps, m.bandwidth_Bps);
    }
  }
  if (!found.empty()) throw InputError(found);
  for (const GemmPoint& g : extra_gemm) by_precision[g.dtype].push_back(g);
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
  if (!found.empty()) throw InputError(found);
  return profile;
}

}  // namespace capsim::hw
