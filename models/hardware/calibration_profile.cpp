#include "models/hardware/calibration_profile.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"

namespace capsim::hw {

/// The shipped profiles, generated at build time by cmake/embed_files.cmake.
std::vector<capsim::EmbeddedFile> builtin_calibration_profile_files();

namespace {

using nlohmann::json;
constexpr const char* kProfileSchema = "capsim/calibration-profile/v1";

/// Collects every problem of one profile document.
class ProfileReader {
 public:
  explicit ProfileReader(std::string file) : file_(std::move(file)) {}
  void error(const std::string& pointer, const std::string& message, const std::string& hint = {}) {
    found_.push_back({file_, pointer, message, hint});
  }
  /// A finite number in [min, max] at `obj[key]`; `fallback` when absent and not required.
  double number(const json& obj, const std::string& ptr, const char* key, double min, double max, bool required,
                double fallback = 0) {
    const std::string p = ptr + "/" + key;
    if (!obj.contains(key)) {
      if (required) error(p, "missing", "add a number");
      return fallback;
    }
    const json& v = obj[key];
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < min || v.get<double>() > max) {
      error(p, "expected a number in [" + fmt(min) + ", " + fmt(max) + "], found " + v.dump());
      return fallback;
    }
    return v.get<double>();
  }
  /// A boolean at `obj[key]`; `fallback` when absent.
  bool boolean(const json& obj, const std::string& ptr, const char* key, bool fallback) {
    if (!obj.contains(key)) return fallback;
    if (!obj[key].is_boolean()) {
      error(ptr + "/" + key, "expected true or false, found " + obj[key].dump());
      return fallback;
    }
    return obj[key].get<bool>();
  }
  /// The object at `doc[key]`, or nullptr after reporting when it is not an object.
  const json* object(const json& doc, const char* key) {
    const json& v = doc[key];
    if (v.is_object()) return &v;
    error(std::string("/") + key, "expected an object, found " + std::string(v.is_array() ? "an array" : v.dump()));
    return nullptr;
  }
  std::string string(const json& obj, const std::string& ptr, const char* key, bool required) {
    if (!obj.contains(key)) {
      if (required) error(ptr + "/" + key, "missing", "add a string");
      return {};
    }
    if (!obj[key].is_string()) {
      error(ptr + "/" + key, "expected a string, found " + obj[key].dump());
      return {};
    }
    return obj[key].get<std::string>();
  }
  void throw_if_errors() const {
    if (!found_.empty()) throw InputError(found_);
  }

 private:
  static std::string fmt(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }
  std::string file_;
  std::vector<Diagnostic> found_;
};

void read_provenance(ProfileReader& r, const json& p, CalibrationProvenance& out) {
  if (!p.is_object()) {
    r.error("/provenance", "expected an object");
    return;
  }
  out.device = r.string(p, "/provenance", "device", true);
  out.driver_version = r.string(p, "/provenance", "driver_version", false);
  out.driver_release = r.string(p, "/provenance", "driver_release", false);
  out.cuda_version = r.string(p, "/provenance", "cuda_version", false);
  out.host = r.string(p, "/provenance", "host", false);
  out.timestamp = r.string(p, "/provenance", "timestamp", true);
  out.sm_clock_Hz = r.number(p, "/provenance", "sm_clock_Hz", 0, 1e11, false);
  out.memory_clock_Hz = r.number(p, "/provenance", "memory_clock_Hz", 0, 1e11, false);
  if (p.contains("synthetic")) out.synthetic = p["synthetic"].is_boolean() && p["synthetic"].get<bool>();
  if (p.contains("tools") && p["tools"].is_object()) {
    for (const auto& [k, v] : p["tools"].items()) {
      if (v.is_string()) out.tools[k] = v.get<std::string>();
    }
  }
  if (p.contains("inputs") && p["inputs"].is_array()) {
    for (const auto& v : p["inputs"]) {
      if (v.is_string()) out.inputs.push_back(v.get<std::string>());
    }
  }
}

void read_gemm(ProfileReader& r, const json& g, CalibrationProfile& out) {
  if (!g.is_object()) {
    r.error("/gemm", "expected an object keyed by precision (\"bf16\", \"fp8\", ...)");
    return;
  }
  for (const auto& [name, v] : g.items()) {
    const std::string ptr = "/gemm/" + name;
    const auto p = precision_from_string(name);
    if (!p) {
      r.error(ptr, "unknown precision \"" + name + "\"", "use bf16, fp16, tf32, fp8, ...");
      continue;
    }
    if (!v.is_object()) {
      r.error(ptr, "expected an object with \"cap\" and \"half_k\"");
      continue;
    }
    GemmEfficiencyFit f;
    f.cap = r.number(v, ptr, "cap", 0.01, 1.0, true);
    f.half_k = r.number(v, ptr, "half_k", 0, 1e6, true);
    f.overhead_s = r.number(v, ptr, "overhead_s", 0, 1, false);
    f.model_cap = r.number(v, ptr, "model_cap", 0.01, 1.0, false, f.cap);
    f.points = static_cast<int>(r.number(v, ptr, "points", 0, 1e7, false));
    f.rms_rel_error = r.number(v, ptr, "rms_rel_error", 0, 1e3, false);
    f.max_rel_error = r.number(v, ptr, "max_rel_error", 0, 1e3, false);
    f.best_tflops = r.number(v, ptr, "best_tflops", 0, 1e6, false);
    f.half_k_fitted = r.boolean(v, ptr, "half_k_fitted", false);
    f.sustained_ratio = r.number(v, ptr, "sustained_ratio", 0.1, 1.0, false, 1.0);
    out.gemm[*p] = f;
  }
}

void read_memory(ProfileReader& r, const json& doc, CalibrationProfile& out) {
  const json* m = r.object(doc, "memory");
  if (m == nullptr) return;
  out.hbm_copy_Bps = r.number(*m, "/memory", "hbm_copy_Bps", 0, 1e15, false);
  out.hbm_triad_Bps = r.number(*m, "/memory", "hbm_triad_Bps", 0, 1e15, false);
  out.h2d_Bps = r.number(*m, "/memory", "h2d_Bps", 0, 1e15, false);
  out.d2h_Bps = r.number(*m, "/memory", "d2h_Bps", 0, 1e15, false);
  out.elementwise_Bps = r.number(*m, "/memory", "elementwise_Bps", 0, 1e15, false);
}

void read_power(ProfileReader& r, const json& doc, CalibrationProfile& out) {
  // Profiles written before the power block existed carry an empty array: nothing was ever measured into it.
  if (doc["power"].is_array() && doc["power"].empty()) return;
  const json* p = r.object(doc, "power");
  if (p == nullptr) return;
  PowerFit& f = out.power;
  f.idle_W = r.number(*p, "/power", "idle_W", 0, 1e5, false);
  f.gemm_W = r.number(*p, "/power", "gemm_W", 0, 1e5, false);
  f.hbm_W = r.number(*p, "/power", "hbm_W", 0, 1e5, false);
  f.power_limit_W = r.number(*p, "/power", "power_limit_W", 0, 1e5, false);
  f.gemm_sm_clock_Hz = r.number(*p, "/power", "gemm_sm_clock_Hz", 0, 1e11, false);
  f.max_sm_clock_Hz = r.number(*p, "/power", "max_sm_clock_Hz", 0, 1e11, false);
  if (f.power_limit_W > 0 && f.idle_W >= f.power_limit_W) {
    r.error("/power/idle_W", "idle power is not below the power limit", "check the idle reading");
  }
}

void read_attention(ProfileReader& r, const json& doc, CalibrationProfile& out) {
  const json* a = r.object(doc, "attention");
  if (a == nullptr) return;
  AttentionFit& f = out.attention;
  f.fwd_efficiency = r.number(*a, "/attention", "fwd_efficiency", 0, 1, false);
  f.bwd_efficiency = r.number(*a, "/attention", "bwd_efficiency", 0, 1, false);
  f.points = static_cast<int>(r.number(*a, "/attention", "points", 0, 1e7, false));
  f.best_fwd_tflops = r.number(*a, "/attention", "best_fwd_tflops", 0, 1e6, false);
  f.best_bwd_tflops = r.number(*a, "/attention", "best_bwd_tflops", 0, 1e6, false);
}

void read_collectives(ProfileReader& r, const json& list, CalibrationProfile& out) {
  if (!list.is_array()) {
    r.error("/collectives", "expected an array");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string ptr = "/collectives/" + std::to_string(i);
    const json& c = list[i];
    if (!c.is_object()) {
      r.error(ptr, "expected an object");
      continue;
    }
    MeasuredCollective m;
    m.op = r.string(c, ptr, "op", true);
    m.ranks = static_cast<int>(r.number(c, ptr, "ranks", 1, 1e7, true));
    m.nodes = static_cast<int>(r.number(c, ptr, "nodes", 1, 1e7, true));
    m.source = r.string(c, ptr, "source", false);
    const bool ok = c.contains("bytes") && c["bytes"].is_array() && c.contains("time_s") && c["time_s"].is_array() &&
                    c["bytes"].size() == c["time_s"].size();
    if (!ok) {
      r.error(ptr, "expected arrays \"bytes\" and \"time_s\" of the same length");
      continue;
    }
    for (std::size_t j = 0; j < c["bytes"].size(); ++j) {
      const json& b = c["bytes"][j];
      const json& t = c["time_s"][j];
      if (!b.is_number() || !t.is_number() || b.get<double>() <= 0 || t.get<double>() <= 0) {
        r.error(ptr + "/time_s/" + std::to_string(j), "expected positive numbers for bytes and time_s");
        continue;
      }
      m.bytes.push_back(b.get<double>());
      m.time_s.push_back(t.get<double>());
    }
    out.collectives.push_back(std::move(m));
  }
}

}  // namespace

double CalibrationProfile::hbm_achieved_Bps() const { return std::max(hbm_copy_Bps, hbm_triad_Bps); }

bool CalibrationProfile::empty() const {
  return gemm.empty() && hbm_achieved_Bps() <= 0 && h2d_Bps <= 0 && d2h_Bps <= 0 && elementwise_Bps <= 0 &&
         p2p_Bps <= 0 && power.empty() && attention.empty() && collectives.empty();
}

json to_json(const CalibrationProfile& p) {
  const CalibrationProvenance& v = p.provenance;
  json prov = {{"device", v.device},   {"driver_version", v.driver_version}, {"driver_release", v.driver_release},
               {"cuda_version", v.cuda_version},
               {"sm_clock_Hz", v.sm_clock_Hz}, {"memory_clock_Hz", v.memory_clock_Hz}, {"host", v.host},
               {"timestamp", v.timestamp}, {"tools", v.tools}, {"inputs", v.inputs}, {"synthetic", v.synthetic}};
  json gemm = json::object();
  for (const auto& [precision, f] : p.gemm) {
    gemm[std::string(to_string(precision))] = {
        {"cap", f.cap},       {"half_k", f.half_k}, {"overhead_s", f.overhead_s},
        {"model_cap", f.model_cap}, {"points", f.points}, {"rms_rel_error", f.rms_rel_error},
        {"max_rel_error", f.max_rel_error}, {"best_tflops", f.best_tflops}, {"half_k_fitted", f.half_k_fitted},
        {"sustained_ratio", f.sustained_ratio}};
  }
  json coll = json::array();
  for (const auto& c : p.collectives) {
    coll.push_back({{"op", c.op}, {"ranks", c.ranks}, {"nodes", c.nodes}, {"bytes", c.bytes}, {"time_s", c.time_s},
                    {"source", c.source}});
  }
  const PowerFit& w = p.power;
  const json power = {{"idle_W", w.idle_W}, {"gemm_W", w.gemm_W}, {"hbm_W", w.hbm_W},
                      {"power_limit_W", w.power_limit_W}, {"gemm_sm_clock_Hz", w.gemm_sm_clock_Hz},
                      {"max_sm_clock_Hz", w.max_sm_clock_Hz}};
  const AttentionFit& a = p.attention;
  const json attention = {{"fwd_efficiency", a.fwd_efficiency}, {"bwd_efficiency", a.bwd_efficiency},
                          {"points", a.points}, {"best_fwd_tflops", a.best_fwd_tflops},
                          {"best_bwd_tflops", a.best_bwd_tflops}};
  return {{"schema", kProfileSchema},
          {"gpu", p.gpu},
          {"provenance", prov},
          {"gemm", gemm},
          {"memory", {{"hbm_copy_Bps", p.hbm_copy_Bps}, {"hbm_triad_Bps", p.hbm_triad_Bps},
                      {"h2d_Bps", p.h2d_Bps}, {"d2h_Bps", p.d2h_Bps}, {"elementwise_Bps", p.elementwise_Bps}}},
          {"attention", attention},
          {"power", power},
          {"p2p_Bps", p.p2p_Bps},
          {"collectives", coll}};
}

CalibrationProfile profile_from_json(const json& doc, const std::string& file) {
  ProfileReader r(file);
  CalibrationProfile p;
  p.file = file;
  if (!doc.is_object()) {
    r.error("", "expected a calibration profile object");
    r.throw_if_errors();
  }
  if (r.string(doc, "", "schema", true) != kProfileSchema && doc.contains("schema")) {
    r.error("/schema", "expected \"" + std::string(kProfileSchema) + "\", found " + doc["schema"].dump(),
            "write the profile with `capsim calibrate`");
  }
  p.gpu = r.string(doc, "", "gpu", true);
  if (doc.contains("provenance")) read_provenance(r, doc["provenance"], p.provenance);
  else r.error("/provenance", "missing", "a profile records the device, versions, clocks and timestamp");
  if (doc.contains("gemm")) read_gemm(r, doc["gemm"], p);
  if (doc.contains("memory")) read_memory(r, doc, p);
  if (doc.contains("attention")) read_attention(r, doc, p);
  if (doc.contains("power")) read_power(r, doc, p);
  p.p2p_Bps = r.number(doc, "", "p2p_Bps", 0, 1e15, false);
  if (doc.contains("collectives")) read_collectives(r, doc["collectives"], p);
  if (p.empty()) {
    r.error("", "the profile has no GEMM, memory, attention, power or interconnect measurements",
            "fit it with `capsim calibrate`");
  }
  r.throw_if_errors();
  return p;
}

namespace {

/// GEMM: the fitted cap and half_k together where the fit freed half_k, else the cap refitted at the model's own
/// half_k (model_cap).
void apply_gemm(GpuSpec& gpu, const CalibrationProfile& profile, const std::string& source) {
  for (const auto& [precision, fit] : profile.gemm) {
    const std::string name(to_string(precision));
    const double cap = fit.half_k_fitted ? fit.cap : fit.model_cap;
    if (cap <= 0) continue;
    gpu.max_gemm_efficiency[precision] = std::min(1.0, cap);
    gpu.sources["max_gemm_efficiency." + name] = source;
    if (fit.sustained_ratio < 1.0) {
      gpu.sustained_gemm_ratio[precision] = fit.sustained_ratio;
      gpu.sources["sustained_gemm_ratio." + name] = source;
    }
    if (fit.half_k_fitted) {
      gpu.gemm_half_k[precision] = fit.half_k;
      gpu.sources["gemm_half_k." + name] = source;
    }
  }
}

void apply_memory(GpuSpec& gpu, const CalibrationProfile& profile, const std::string& source) {
  if (profile.hbm_achieved_Bps() > 0) {
    gpu.hbm_achieved_Bps = profile.hbm_achieved_Bps();
    gpu.sources["hbm_achieved_Bps"] = source;
  }
  if (profile.elementwise_Bps > 0) {
    gpu.elementwise_Bps = profile.elementwise_Bps;
    gpu.sources["elementwise_Bps"] = source;
  }
}

void apply_attention(GpuSpec& gpu, const AttentionFit& a, const std::string& source) {
  if (a.fwd_efficiency > 0) {
    gpu.attention_fwd_efficiency = std::min(1.0, a.fwd_efficiency);
    gpu.sources["attention_fwd_efficiency"] = source;
  }
  if (a.bwd_efficiency > 0) {
    gpu.attention_bwd_efficiency = std::min(1.0, a.bwd_efficiency);
    gpu.sources["attention_bwd_efficiency"] = source;
  }
}

/// Idle power, and the GEMM and HBM readings as shares of the dynamic range (limit - idle), where the limit is the
/// one enforced during the run (else the GPU's TDP).
void apply_power(GpuSpec& gpu, const PowerFit& p, const std::string& source) {
  if (p.idle_W > 0) {
    gpu.idle_W = p.idle_W;
    gpu.sources["idle_W"] = source;
  }
  const double idle = gpu.idle_W;
  const double limit = p.power_limit_W > 0 ? p.power_limit_W : gpu.tdp_W;
  if (limit <= idle) return;
  const auto share = [&](double watts) { return std::clamp((watts - idle) / (limit - idle), 0.0, 1.0); };
  if (p.gemm_W > 0) {
    gpu.compute_power_share = share(p.gemm_W);
    gpu.sources["compute_power_share"] = source;
  }
  if (p.hbm_W > 0) {
    gpu.memory_power_share = share(p.hbm_W);
    gpu.sources["memory_power_share"] = source;
  }
}

}  // namespace

CalibrationProfile read_profile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({{path, "", "cannot read the calibration profile", "check the path"}});
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number such as 1e999
    throw InputError({{path, "", std::string("invalid JSON: ") + e.what(), ""}});
  }
  return profile_from_json(doc, path);
}

const std::vector<CalibrationProfile>& builtin_profiles() {
  static const std::vector<CalibrationProfile> profiles = [] {
    std::vector<CalibrationProfile> out;
    for (const EmbeddedFile& file : builtin_calibration_profile_files()) {
      const std::string name = "built-in models/hardware/calibration/" + std::string(file.name);
      out.push_back(profile_from_json(json::parse(file.content), name));
    }
    return out;
  }();
  return profiles;
}

const CalibrationProfile* builtin_profile(const std::string& gpu_id) {
  for (const CalibrationProfile& p : builtin_profiles()) {
    if (p.gpu == gpu_id) return &p;
  }
  return nullptr;
}

void apply_profile(GpuSpec& gpu, const CalibrationProfile& profile) {
  if (profile.gpu != gpu.id) {
    throw InfeasibleError("calibration profile " + profile.file + " was measured on " + profile.gpu + " (" +
                          profile.provenance.device + "), but the cluster's GPU is " + gpu.id + " (" + gpu.name +
                          "); a profile applies to its own GPU type only");
  }
  const std::string date = profile.provenance.timestamp.substr(0, 10);
  const std::string source =
      "calibration profile " + profile.file + " (" + profile.provenance.device + ", " + date + ")";
  apply_gemm(gpu, profile, source);
  apply_memory(gpu, profile, source);
  apply_attention(gpu, profile.attention, source);
  apply_power(gpu, profile.power, source);
}

}  // namespace capsim::hw
