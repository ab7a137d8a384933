#include "models/hardware/gpu_catalog.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::hw {

/// The built-in catalog files, generated at build time by cmake/embed_files.cmake.
std::vector<capsim::EmbeddedFile> builtin_gpu_catalog_files();

namespace {

using nlohmann::json;
using units::Dimension;

constexpr std::string_view kSchema = "capsim/gpu-catalog/v1";

/// Text safe to embed in a message or a JSON output: ill-formed UTF-8 replaced, long text cut.
std::string clean(std::string_view text, size_t max_bytes = 80) {
  const bool cut = text.size() > max_bytes;
  std::string out = json(std::string(text.substr(0, max_bytes))).dump(-1, ' ', false, json::error_handler_t::replace);
  out = out.substr(1, out.size() - 2);
  return cut ? out + "..." : out;
}

/// A JSON value as a message shows it, without recursing into (possibly very deep) containers.
std::string show(const json& j) {
  if (j.is_object()) return "an object";
  if (j.is_array()) return "an array";
  return j.is_string() ? "\"" + clean(j.get_ref<const std::string&>()) + "\"" : j.dump();
}

/// RFC 6901 reference token for an object key.
std::string token(std::string_view key) {
  std::string out;
  for (const char c : clean(key, 200)) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  const auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  return std::all_of(id.begin(), id.end(), ok) && ok(id.front()) && id.front() != '.' && id.front() != '_' &&
         id.front() != '-';
}

enum class Range { positive, non_negative, ratio };

/// Reports every key of `obj` that is not in `allowed` ("comment" is always allowed): typos must not pass silently.
void check_keys(const json& obj, const std::string& ptr, std::initializer_list<std::string_view> allowed,
                const std::string& origin, std::vector<Diagnostic>& diagnostics) {
  for (const auto& [key, value] : obj.items()) {
    if (key == "comment" || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string expected;
    for (const auto name : allowed) expected += (expected.empty() ? "" : ", ") + std::string(name);
    diagnostics.push_back(
        {origin, ptr + "/" + token(key), "unknown key \"" + clean(key) + "\"", "expected one of: " + expected});
  }
}

/// Reads one catalog entry into a GpuSpec, appending a diagnostic for every problem instead of stopping.
class EntryReader {
 public:
  EntryReader(const std::string& origin, std::vector<Diagnostic>& diagnostics, GpuSpec& spec)
      : origin_(origin), diagnostics_(diagnostics), spec_(spec) {}

  void error(const std::string& pointer, std::string message, std::string hint = {}) {
    diagnostics_.push_back({origin_, pointer, std::move(message), std::move(hint)});
  }

  /// The member `key` of `obj` if it is an object; reports it when missing (and required) or not an object.
  const json* object(const json& obj, const std::string& key, const std::string& ptr, bool required) {
    const auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) error(ptr + "/" + token(key), "missing; expected an object");
      return nullptr;
    }
    if (!it->is_object()) {
      error(ptr + "/" + token(key), "expected an object, got " + show(*it));
      return nullptr;
    }
    return &*it;
  }

  void check_keys(const json& obj, const std::string& ptr, std::initializer_list<std::string_view> allowed) {
    capsim::hw::check_keys(obj, ptr, allowed, origin_, diagnostics_);
  }

  /// The "value" of a sourced figure `{"value": ..., "source": "..."}` at obj[key]; records the source under
  /// `field`. Returns nullptr (after reporting, if required) when it is missing or malformed.
  const json* sourced(const json& obj, const std::string& key, const std::string& ptr, const std::string& field,
                      bool required, std::string_view expected) {
    const std::string here = ptr + "/" + token(key);
    const auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) error(here, "missing; expected {\"value\": " + std::string(expected) + ", \"source\": \"...\"}");
      return nullptr;
    }
    if (!it->is_object()) {
      error(here, "expected {\"value\": ..., \"source\": \"...\"}, got " + show(*it),
            "every figure in the catalog names where it comes from");
      return nullptr;
    }
    check_keys(*it, here, {"value", "source"});
    const auto source = it->find("source");
    if (source == it->end() || !source->is_string() || source->get_ref<const std::string&>().empty()) {
      error(here + "/source",
            source == it->end() ? "missing \"source\"" : "expected a non-empty string, got " + show(*source),
            "name the datasheet, measurement or estimate behind this figure");
    } else {
      spec_.sources[field] = source->get<std::string>();
    }
    const auto value = it->find("value");
    if (value == it->end()) {
      error(here, "missing \"value\"");
      return nullptr;
    }
    return &*value;
  }

  /// A quantity of dimension `dim`: a JSON number in SI units or a string with a unit.
  void quantity(const json& obj, const std::string& key, const std::string& ptr, const std::string& field,
                Dimension dim, Range range, double& out, bool required = true) {
    const json* value = sourced(obj, key, ptr, field, required, units::describe(dim));
    if (!value) return;
    const std::string here = ptr + "/" + token(key) + "/value";
    std::optional<double> parsed;
    std::string why;
    if (value->is_number()) {
      parsed = value->get<double>();
    } else if (value->is_string()) {
      parsed = units::parse(value->get_ref<const std::string&>(), dim, &why);
    }
    if (!parsed) {
      error(here, why.empty() ? "expected " + std::string(units::describe(dim)) + ", got " + show(*value) : why);
    } else if (!std::isfinite(*parsed) || *parsed < 0 || (range != Range::non_negative && *parsed == 0) ||
               (range == Range::ratio && *parsed > 1)) {
      error(here, "expected " +
                      std::string(range == Range::ratio      ? "a share in (0, 1]"
                                  : range == Range::positive ? "a positive value"
                                                             : "a value of at least 0") +
                      ", got " + show(*value));
    } else {
      out = *parsed;
    }
  }

  /// A whole number of at least `min`.
  void integer(const json& obj, const std::string& key, const std::string& ptr, const std::string& field, int min,
               int& out, bool required = true) {
    const json* value = sourced(obj, key, ptr, field, required, "a whole number");
    if (!value) return;
    const bool whole = value->is_number_integer() && value->get<double>() >= min && value->get<double>() <= 1e6;
    if (!whole) {
      error(ptr + "/" + token(key) + "/value",
            "expected a whole number of at least " + std::to_string(min) + ", got " + show(*value));
    } else {
      out = value->get<int>();
    }
  }

  void boolean(const json& obj, const std::string& key, const std::string& ptr, const std::string& field, bool& out) {
    const json* value = sourced(obj, key, ptr, field, false, "true or false");
    if (!value) return;
    if (!value->is_boolean()) {
      error(ptr + "/" + token(key) + "/value", "expected true or false, got " + show(*value));
    } else {
      out = value->get<bool>();
    }
  }

  /// A map from precision name to a sourced figure, e.g. "peak_flops": {"bf16": {...}, "fp8": {...}}.
  void per_precision(const json& obj, const std::string& key, const std::string& ptr, Dimension dim, Range range,
                     std::map<Precision, double>& out) {
    const json* group = object(obj, key, ptr, key == "peak_flops");
    if (!group) return;
    const std::string here = ptr + "/" + token(key);
    for (const auto& [name, figure] : group->items()) {
      if (name == "comment") continue;
      const auto precision = precision_from_string(name);
      if (!precision || to_string(*precision) != name) {
        error(here + "/" + token(name), "unknown precision \"" + clean(name) + "\"",
              "expected one of: fp32, tf32, fp16, bf16, fp8, fp4, int8, int4");
        continue;
      }
      double v = 0;
      quantity(*group, name, here, key + "." + name, dim, range, v);
      if (v > 0) out[*precision] = v;
    }
    if (key == "peak_flops" && group->empty()) error(here, "expected at least one precision, such as \"bf16\"");
  }

  void read(const json& entry, const std::string& ptr);

 private:
  const std::string& origin_;
  std::vector<Diagnostic>& diagnostics_;
  GpuSpec& spec_;
};

void EntryReader::read(const json& entry, const std::string& ptr) {
  check_keys(entry, ptr,
             {"id", "name", "vendor", "peak_flops", "max_gemm_efficiency", "gemm_half_k", "sustained_gemm_ratio",
              "attention_efficiency", "sm_count", "hbm", "kernel_overhead", "power", "scale_up", "node"});
  for (const auto& [key, target] :
       {std::pair<std::string, std::string*>{"id", &spec_.id}, {"name", &spec_.name}, {"vendor", &spec_.vendor}}) {
    const auto it = entry.find(key);
    if (it == entry.end()) {
      error(ptr + "/" + key, "missing; expected a non-empty string");
    } else if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
      error(ptr + "/" + key, "expected a non-empty string, got " + show(*it));
    } else {
      *target = it->get<std::string>();
    }
  }
  if (!spec_.id.empty() && !valid_id(spec_.id)) {
    error(ptr + "/id", "invalid id " + show(*entry.find("id")),
          "use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. \"h100-sxm5-80gb\"");
  }

  per_precision(entry, "peak_flops", ptr, Dimension::flop_rate, Range::positive, spec_.peak_flops);
  per_precision(entry, "max_gemm_efficiency", ptr, Dimension::count, Range::ratio, spec_.max_gemm_efficiency);
  per_precision(entry, "gemm_half_k", ptr, Dimension::count, Range::positive, spec_.gemm_half_k);
  per_precision(entry, "sustained_gemm_ratio", ptr, Dimension::count, Range::ratio, spec_.sustained_gemm_ratio);
  const auto peaks = entry.find("peak_flops");  // the JSON, not the parsed map: a bad peak is reported once
  for (const auto& [key, figures] : {std::pair<std::string, const std::map<Precision, double>*>{
                                         "max_gemm_efficiency", &spec_.max_gemm_efficiency},
                                     {"gemm_half_k", &spec_.gemm_half_k}}) {
    for (const auto& [precision, figure] : *figures) {
      if (peaks != entry.end() && peaks->is_object() && !peaks->contains(std::string(to_string(precision)))) {
        error(ptr + "/" + key + "/" + std::string(to_string(precision)),
              "figure given for " + std::string(to_string(precision)) + ", which has no entry in peak_flops");
      }
    }
  }
  integer(entry, "sm_count", ptr, "sm_count", 1, spec_.sm_count);
  quantity(entry, "kernel_overhead", ptr, "kernel_overhead_s", Dimension::time, Range::non_negative,
           spec_.kernel_overhead_s);

  if (const json* attention = object(entry, "attention_efficiency", ptr, false)) {
    const std::string p = ptr + "/attention_efficiency";
    check_keys(*attention, p, {"fwd", "bwd", "flash2_fwd", "flash2_bwd"});
    // A GPU may give only FlashAttention-2's figures (flash2_*) and leave cuDNN/FA3 to the derived default.
    quantity(*attention, "fwd", p, "attention_fwd_efficiency", Dimension::count, Range::ratio,
             spec_.attention_fwd_efficiency, false);
    quantity(*attention, "bwd", p, "attention_bwd_efficiency", Dimension::count, Range::ratio,
             spec_.attention_bwd_efficiency, false);
    quantity(*attention, "flash2_fwd", p, "flash2_fwd_efficiency", Dimension::count, Range::ratio,
             spec_.flash2_fwd_efficiency, false);
    quantity(*attention, "flash2_bwd", p, "flash2_bwd_efficiency", Dimension::count, Range::ratio,
             spec_.flash2_bwd_efficiency, false);
  }
  if (const json* hbm = object(entry, "hbm", ptr, true)) {
    const std::string p = ptr + "/hbm";
    check_keys(*hbm, p, {"capacity", "bandwidth", "achieved_bandwidth", "elementwise_bandwidth"});
    quantity(*hbm, "capacity", p, "hbm_bytes", Dimension::bytes, Range::positive, spec_.hbm_bytes);
    quantity(*hbm, "bandwidth", p, "hbm_bw_Bps", Dimension::bandwidth, Range::positive, spec_.hbm_bw_Bps);
    quantity(*hbm, "achieved_bandwidth", p, "hbm_achieved_Bps", Dimension::bandwidth, Range::positive,
             spec_.hbm_achieved_Bps);
    quantity(*hbm, "elementwise_bandwidth", p, "elementwise_Bps", Dimension::bandwidth, Range::positive,
             spec_.elementwise_Bps, false);
    if (spec_.hbm_bw_Bps > 0 && spec_.elementwise_Bps > spec_.hbm_bw_Bps) {
      error(p + "/elementwise_bandwidth/value", "element-wise bandwidth " +
                                                    units::format_bandwidth(spec_.elementwise_Bps) +
                                                    " exceeds the datasheet bandwidth " +
                                                    units::format_bandwidth(spec_.hbm_bw_Bps));
    }
    if (spec_.hbm_bw_Bps > 0 && spec_.hbm_achieved_Bps > spec_.hbm_bw_Bps) {
      error(p + "/achieved_bandwidth/value", "achieved bandwidth " + units::format_bandwidth(spec_.hbm_achieved_Bps) +
                                                 " exceeds the datasheet bandwidth " +
                                                 units::format_bandwidth(spec_.hbm_bw_Bps));
    }
  }
  if (const json* power = object(entry, "power", ptr, true)) {
    const std::string p = ptr + "/power";
    check_keys(*power, p, {"tdp", "idle", "compute_share", "memory_share"});
    quantity(*power, "tdp", p, "tdp_W", Dimension::power, Range::positive, spec_.tdp_W);
    quantity(*power, "idle", p, "idle_W", Dimension::power, Range::non_negative, spec_.idle_W);
    quantity(*power, "compute_share", p, "compute_power_share", Dimension::count, Range::ratio,
             spec_.compute_power_share, false);
    quantity(*power, "memory_share", p, "memory_power_share", Dimension::count, Range::ratio,
             spec_.memory_power_share, false);
    if (spec_.tdp_W > 0 && spec_.idle_W >= spec_.tdp_W) {
      error(p + "/idle/value", "idle power " + units::format_power(spec_.idle_W) + " is not below the TDP " +
                                   units::format_power(spec_.tdp_W));
    }
  }
  if (const json* up = object(entry, "scale_up", ptr, true)) {
    const std::string p = ptr + "/scale_up";
    ScaleUpSpec& s = spec_.scale_up;
    check_keys(*up, p,
               {"kind", "domain_gpus", "bandwidth", "latency", "in_network_reduction", "allreduce_busbw", "torus_rank",
                "torus_wrap_multiple", "torus_node_link_bandwidth"});
    if (const json* kind = sourced(*up, "kind", p, "scale_up.kind", false, "\"switched\", \"mesh\" or \"torus\"")) {
      if (*kind == "switched" || *kind == "mesh" || *kind == "torus") {
        s.kind = *kind == "mesh" ? ScaleUpKind::mesh : *kind == "torus" ? ScaleUpKind::torus : ScaleUpKind::switched;
      } else {
        error(p + "/kind/value", "expected \"switched\", \"mesh\" or \"torus\", got " + show(*kind));
      }
    }
    integer(*up, "torus_rank", p, "scale_up.torus_rank", 1, s.torus_rank, false);
    integer(*up, "torus_wrap_multiple", p, "scale_up.torus_wrap_multiple", 0, s.torus_wrap_multiple, false);
    quantity(*up, "torus_node_link_bandwidth", p, "scale_up.torus_node_link_Bps", Dimension::bandwidth, Range::positive,
             s.torus_node_link_Bps, false);
    if (s.kind == ScaleUpKind::torus && (s.torus_rank < 1 || s.torus_rank > 3)) {
      error(p + "/torus_rank", "a torus needs \"torus_rank\" of 1, 2 or 3, got " + std::to_string(s.torus_rank));
    } else if (s.kind != ScaleUpKind::torus && (up->contains("torus_rank") || up->contains("torus_wrap_multiple") ||
                                                 up->contains("torus_node_link_bandwidth"))) {
      error(p + "/kind", "the torus_* figures describe a torus; set \"kind\" to \"torus\"");
    } else if (s.torus_node_link_Bps > 0 && s.torus_rank > 2) {
      error(p + "/torus_node_link_bandwidth", "a ring of nodes adds a dimension: the node's torus has at most 2");
    }
    integer(*up, "domain_gpus", p, "scale_up.domain_gpus", 1, s.domain_gpus);
    quantity(*up, "bandwidth", p, "scale_up.bw_Bps", Dimension::bandwidth, Range::positive, s.bw_Bps);
    quantity(*up, "latency", p, "scale_up.latency_s", Dimension::time, Range::non_negative, s.latency_s);
    boolean(*up, "in_network_reduction", p, "scale_up.in_network_reduction", s.in_network_reduction);
    quantity(*up, "allreduce_busbw", p, "scale_up.allreduce_busbw_Bps", Dimension::bandwidth, Range::non_negative,
             s.allreduce_busbw_Bps, false);
  }
  if (const json* node = object(entry, "node", ptr, true)) {
    const std::string p = ptr + "/node";
    NodeDefaults& n = spec_.node;
    check_keys(*node, p,
               {"gpus_per_node", "nics_per_node", "nic_bandwidth", "nic_efficiency", "nic_latency", "host_link_bandwidth"});
    integer(*node, "gpus_per_node", p, "node.gpus_per_node", 1, n.gpus_per_node);
    integer(*node, "nics_per_node", p, "node.nics_per_node", 1, n.nics_per_node);
    quantity(*node, "nic_bandwidth", p, "node.nic_bw_Bps", Dimension::bandwidth, Range::positive, n.nic_bw_Bps);
    quantity(*node, "nic_efficiency", p, "node.nic_efficiency", Dimension::count, Range::ratio, n.nic_efficiency,
             false);
    quantity(*node, "nic_latency", p, "node.nic_latency_s", Dimension::time, Range::non_negative, n.nic_latency_s);
    quantity(*node, "host_link_bandwidth", p, "node.host_link_Bps", Dimension::bandwidth, Range::positive,
             n.host_link_Bps, false);
  }
  // Optional figures keep their documented defaults; say so where a report looks for the source.
  for (const auto& [field, meaning] : {std::pair<std::string, std::string>{"scale_up.kind", "switched"},
                                       {"scale_up.in_network_reduction", "false"},
                                       {"scale_up.allreduce_busbw_Bps", "0, unknown"},
                                       {"node.nic_efficiency", "0.94"},
                                       {"node.host_link_Bps", "55 GB/s, PCIe 5.0 x16"}}) {
    spec_.sources.try_emplace(field, "CapSim default (" + meaning + "): not given in the catalog entry");
  }
  // Power shares a catalog entry does not give keep the same estimates on every GPU until a profile measures them.
  spec_.sources.try_emplace("compute_power_share",
                            "CapSim estimate (1.0): power-capped MAMF GEMM runs hold an H100 at its 700 W limit "
                            "(stas00/ml-engineering)");
  spec_.sources.try_emplace("memory_power_share",
                            "CapSim estimate (0.55): memory-bound LLM decode draws roughly 55-65% of TDP "
                            "(ML.ENERGY leaderboard)");
}

}  // namespace

const GpuCatalog& GpuCatalog::builtin() {
  static const GpuCatalog catalog = [] {
    GpuCatalog c;
    for (const EmbeddedFile& file : builtin_gpu_catalog_files()) {
      const std::string origin = "built-in " + std::string(file.name);
      json doc = json::parse(file.content, nullptr, false);
      if (doc.is_discarded()) throw InputError({{origin, "", "invalid JSON in a built-in catalog file", ""}});
      c.add_document(doc, origin);
    }
    return c;
  }();
  return catalog;
}

void GpuCatalog::add_document(const json& doc, const std::string& origin) {
  std::vector<Diagnostic> diagnostics;
  const auto report = [&](const std::string& pointer, std::string message, std::string hint = {}) {
    diagnostics.push_back({origin, pointer, std::move(message), std::move(hint)});
  };
  if (!doc.is_object()) {
    report("", "expected a GPU catalog object {\"schema\": \"" + std::string(kSchema) + "\", \"gpus\": [...]}, got " +
                   show(doc));
    throw InputError(std::move(diagnostics));
  }
  std::vector<GpuSpec> specs;
  check_keys(doc, "", {"schema", "gpus"}, origin, diagnostics);
  const auto schema = doc.find("schema");
  if (schema == doc.end()) {
    report("/schema", "missing", "add \"schema\": \"" + std::string(kSchema) + "\"");
  } else if (*schema != std::string(kSchema)) {
    report("/schema", "expected \"" + std::string(kSchema) + "\", got " + show(*schema));
  }
  const auto gpus = doc.find("gpus");
  if (gpus == doc.end() || !gpus->is_array() || gpus->empty()) {
    report("/gpus", "expected a non-empty array of GPU entries, got " + (gpus == doc.end() ? "nothing" : show(*gpus)));
  } else {
    std::set<std::string> seen;
    for (size_t i = 0; i < gpus->size(); ++i) {
      const json& entry = (*gpus)[i];
      const std::string ptr = "/gpus/" + std::to_string(i);
      if (!entry.is_object()) {
        report(ptr, "expected a GPU object, got " + show(entry));
        continue;
      }
      GpuSpec spec;
      EntryReader(origin, diagnostics, spec).read(entry, ptr);
      if (!spec.id.empty() && !seen.insert(spec.id).second) {
        report(ptr + "/id", "duplicate id \"" + clean(spec.id) + "\" in this document");
      }
      specs.push_back(std::move(spec));
    }
  }
  if (!diagnostics.empty()) throw InputError(std::move(diagnostics));
  for (GpuSpec& spec : specs) gpus_[spec.id] = std::move(spec);
}

void GpuCatalog::add_file(const std::string& path) {
  const auto fail = [&](std::string message) { throw InputError({{path, "", std::move(message), ""}}); };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("is a directory, expected a GPU catalog JSON file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail("cannot read the file");
  const std::string text = buffer.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    fail("the file is empty, expected a GPU catalog {\"schema\": \"" + std::string(kSchema) + "\", \"gpus\": [...]}");
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 7: syntax error ...", or
    // out_of_range.406 for a number such as 1e999.
    std::string what = e.what();
    const auto at = what.find("parse error at ");
    what = at == std::string::npos ? "invalid JSON: " + what : "invalid JSON at " + what.substr(at + 15);
    fail(clean(what, 300));
  }
  add_document(doc, path);
}

const GpuSpec* GpuCatalog::find(const std::string& id) const {
  const auto it = gpus_.find(id);
  return it == gpus_.end() ? nullptr : &it->second;
}

std::vector<std::string> GpuCatalog::ids() const {
  std::vector<std::string> out;
  out.reserve(gpus_.size());
  for (const auto& [id, spec] : gpus_) out.push_back(id);
  return out;
}

}  // namespace capsim::hw
