#include "models/hardware/calibration_profile.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/core/error.hpp"

namespace capsim::hw {

namespace {

using nlohmann::json;
constexpr const char* kSchema = "capsim/calibration-profile/v1";

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
    out.gemm[*p] = f;
  }
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

json to_json(const CalibrationProfile& p) {
  const CalibrationProvenance& v = p.provenance;
  json prov = {{"device", v.device},   {"driver_version", v.driver_version}, {"cuda_version", v.cuda_version},
               {"sm_clock_Hz", v.sm_clock_Hz}, {"memory_clock_Hz", v.memory_clock_Hz}, {"host", v.host},
               {"timestamp", v.timestamp}, {"tools", v.tools}, {"inputs", v.inputs}, {"synthetic", v.synthetic}};
  json gemm = json::object();
  for (const auto& [precision, f] : p.gemm) {
    gemm[std::string(to_string(precision))] = {
        {"cap", f.cap},       {"half_k", f.half_k}, {"overhead_s", f.overhead_s},
        {"model_cap", f.model_cap}, {"points", f.points}, {"rms_rel_error", f.rms_rel_error},
        {"max_rel_error", f.max_rel_error}, {"best_tflops", f.best_tflops}};
  }
  json coll = json::array();
  for (const auto& c : p.collectives) {
    coll.push_back({{"op", c.op}, {"ranks", c.ranks}, {"nodes", c.nodes}, {"bytes", c.bytes}, {"time_s", c.time_s},
                    {"source", c.source}});
  }
  json power = json::array();
  for (const auto& pt : p.power) power.push_back({{"activity", pt.activity}, {"power_W", pt.power_W}});
  return {{"schema", kSchema},
          {"gpu", p.gpu},
          {"provenance", prov},
          {"gemm", gemm},
          {"memory", {{"hbm_copy_Bps", p.hbm_copy_Bps}, {"hbm_triad_Bps", p.hbm_triad_Bps},
                      {"h2d_Bps", p.h2d_Bps}, {"d2h_Bps", p.d2h_Bps}}},
          {"power", power},
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
  if (r.string(doc, "", "schema", true) != kSchema && doc.contains("schema")) {
    r.error("/schema", "expected \"" + std::string(kSchema) + "\", found " + doc["schema"].dump(),
            "write the profile with `capsim calibrate`");
  }
  p.gpu = r.string(doc, "", "gpu", true);
  if (doc.contains("provenance")) read_provenance(r, doc["provenance"], p.provenance);
  else r.error("/provenance", "missing", "a profile records the device, versions, clocks and timestamp");
  if (doc.contains("gemm")) read_gemm(r, doc["gemm"], p);
  if (doc.contains("memory")) {
    const json& m = doc["memory"];
    if (!m.is_object()) {
      r.error("/memory", "expected an object");
    } else {
      p.hbm_copy_Bps = r.number(m, "/memory", "hbm_copy_Bps", 0, 1e15, false);
      p.hbm_triad_Bps = r.number(m, "/memory", "hbm_triad_Bps", 0, 1e15, false);
      p.h2d_Bps = r.number(m, "/memory", "h2d_Bps", 0, 1e15, false);
      p.d2h_Bps = r.number(m, "/memory", "d2h_Bps", 0, 1e15, false);
    }
  }
  if (doc.contains("power") && doc["power"].is_array()) {
    for (std::size_t i = 0; i < doc["power"].size(); ++i) {
      const std::string ptr = "/power/" + std::to_string(i);
      PowerPoint pt;
      pt.activity = r.number(doc["power"][i], ptr, "activity", 0, 1, true);
      pt.power_W = r.number(doc["power"][i], ptr, "power_W", 0, 1e5, true);
      p.power.push_back(pt);
    }
  }
  if (doc.contains("collectives")) read_collectives(r, doc["collectives"], p);
  if (p.gemm.empty() && p.hbm_achieved_Bps() <= 0 && p.collectives.empty()) {
    r.error("", "the profile has no GEMM, memory or collective measurements", "fit it with `capsim calibrate`");
  }
  r.throw_if_errors();
  return p;
}

CalibrationProfile read_profile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({{path, "", "cannot read the calibration profile", "check the path"}});
  std::stringstream text;
  text << in.rdbuf();
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw InputError({{path, "", std::string("invalid JSON: ") + e.what(), ""}});
  }
  return profile_from_json(doc, path);
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
  for (const auto& [precision, fit] : profile.gemm) {
    if (fit.model_cap <= 0) continue;
    gpu.max_gemm_efficiency[precision] = std::min(1.0, fit.model_cap);
    gpu.sources["max_gemm_efficiency." + std::string(to_string(precision))] = source;
  }
  if (profile.hbm_achieved_Bps() > 0) {
    gpu.hbm_achieved_Bps = profile.hbm_achieved_Bps();
    gpu.sources["hbm_achieved_Bps"] = source;
  }
}

}  // namespace capsim::hw
