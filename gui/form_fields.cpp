#include "gui/form_fields.hpp"

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "planner/json_reader.hpp"

namespace capsim::gui {

namespace {

using nlohmann::ordered_json;
using Pointer = ordered_json::json_pointer;

/// The value at `pointer`, or nullptr when there is none (or the pointer goes through something else).
const ordered_json* value_at(const ordered_json& doc, const std::string& pointer) {
  try {
    return &doc.at(Pointer(pointer));
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

/// Option lists the loaders accept (planner/scenario.cpp, planner/fabric_scenario.cpp, planner/tco/study.cpp).
const std::vector<std::string> kTopologies = {"fat-tree", "rail-optimized", "torus3d"};
const std::vector<std::string> kPrecisions = {"bf16", "fp16", "fp8", "fp4", "fp32", "tf32", "int8", "int4"};
const std::vector<std::string> kPricings = {"on-demand", "committed-1y", "committed-3y", "spot", "capacity-block"};

const std::vector<std::string>& gpu_ids() {
  static const std::vector<std::string> ids = hw::GpuCatalog::builtin().ids();
  return ids;
}

const std::vector<std::string>& model_presets() {
  static const std::vector<std::string> names = workloads::ModelCatalog::builtin().names();
  return names;
}

/// Adds fields of one section, relative to its pointer.
class SectionBuilder {
 public:
  SectionBuilder(const ordered_json& doc, std::string title, std::string pointer)
      : doc_(doc), section_{std::move(title), std::move(pointer), {}} {}

  /// Adds `key` (a relative pointer such as "parallelism/tp") when `always` or when the document has it.
  void add(const std::string& key, const std::string& label, FieldKind kind, bool always = false,
           std::vector<std::string> options = {}) {
    const std::string pointer = section_.pointer + "/" + key;
    if (always || has(key)) section_.fields.push_back({pointer, label, kind, std::move(options)});
  }
  /// One add() per row, in order.
  struct Row {
    std::string key;
    std::string label;
    FieldKind kind;
    bool always = false;
    std::vector<std::string> options = {};
  };
  void add_rows(std::initializer_list<Row> rows) {
    for (const Row& r : rows) add(r.key, r.label, r.kind, r.always, r.options);
  }
  /// Adds an already escaped pointer.
  void add_pointer(const std::string& pointer, const std::string& label, FieldKind kind) {
    section_.fields.push_back({pointer, label, kind, {}});
  }
  bool has(const std::string& key) const { return value_at(doc_, section_.pointer + "/" + key) != nullptr; }
  std::string text(const std::string& key) const { return field_text(doc_, section_.pointer + "/" + key); }
  FormSection take() { return std::move(section_); }

 private:
  const ordered_json& doc_;
  FormSection section_;
};

/// A section of just `rows`.
FormSection simple_section(const ordered_json& doc, const std::string& title, const std::string& pointer,
                           std::initializer_list<SectionBuilder::Row> rows) {
  SectionBuilder b(doc, title, pointer);
  b.add_rows(rows);
  return b.take();
}

/// The section of element `i` of array `array`, titled "Workload 2: name".
SectionBuilder element_section(const ordered_json& doc, const std::string& array, std::size_t i,
                               const std::string& word) {
  const std::string pointer = planner::json_pointer_append(array, i);
  const std::string name = field_text(doc, pointer + "/name");
  return SectionBuilder(doc, word + " " + std::to_string(i + 1) + (name.empty() ? "" : ": " + name), pointer);
}

/// Appends `section(doc, i)` for every element of array `array` (none when it is missing or not an array).
void add_each(std::vector<FormSection>& out, const ordered_json& doc, const std::string& array,
              FormSection (*section)(const ordered_json&, std::size_t)) {
  if (const ordered_json* a = value_at(doc, array); a != nullptr && a->is_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) out.push_back(section(doc, i));
  }
}

void add_model(SectionBuilder& b) {
  static const char* const kDims[][2] = {{"layers", "Layers"},     {"hidden", "Hidden size"},
                                         {"ffn_hidden", "FFN hidden"}, {"heads", "Attention heads"},
                                         {"kv_heads", "KV heads"}, {"vocab", "Vocabulary"},
                                         {"seq_len", "Sequence length"}, {"experts", "Experts"},
                                         {"top_k", "Experts per token"}};
  bool dims = false;
  for (const auto& d : kDims) dims = dims || b.has(std::string("model/") + d[0]);
  b.add("model/preset", "Model preset", FieldKind::editable_choice, !dims, model_presets());
  for (const auto& d : kDims) b.add(std::string("model/") + d[0], d[1], FieldKind::integer);
  b.add("model/hf_config", "Hugging Face config", FieldKind::text);
}

FormSection workload_section(const ordered_json& doc, std::size_t i) {
  SectionBuilder b = element_section(doc, "/workloads", i, "Workload");
  const bool inference = b.text("kind") == "inference";
  b.add_rows({
      {"name", "Name", FieldKind::text, true},
      {"kind", "Kind", FieldKind::choice, true, {"training", "inference"}},
  });
  add_model(b);
  b.add_rows({
      {"parallelism/tp", "Tensor parallel (tp)", FieldKind::integer, true},
      {"parallelism/pp", "Pipeline parallel (pp)", FieldKind::integer, !inference},
      {"parallelism/dp", "Data parallel (dp)", FieldKind::integer, !inference},
      {"parallelism/cp", "Context parallel (cp)", FieldKind::integer},
      {"parallelism/ep", "Expert parallel (ep)", FieldKind::integer},
      {"parallelism/micro_batch", "Micro-batch", FieldKind::integer, !inference},
      {"parallelism/global_batch", "Global batch", FieldKind::integer, !inference},
      {"parallelism/virtual_stages", "Virtual stages", FieldKind::integer},
      {"parallelism/sequence_parallel", "Sequence parallel", FieldKind::boolean},
      {"parallelism/recompute", "Recompute", FieldKind::choice, false,
       {"none", "selective", "full", "selective-layer", "selective-op"}},
      {"parallelism/zero", "ZeRO stage", FieldKind::integer},
      {"precision", "Precision", FieldKind::editable_choice, true, kPrecisions},
      {"tokens", "Tokens", FieldKind::number, !inference},
      {"replicas", "Replicas", FieldKind::integer, inference},
      {"router", "Router", FieldKind::choice, false, {"round-robin", "least-outstanding"}},
      {"load/rate", "Request rate", FieldKind::number},
      {"load/users", "Concurrent users", FieldKind::integer},
      {"load/duration", "Load duration", FieldKind::number},
      {"input_tokens", "Input tokens", FieldKind::integer},
      {"output_tokens", "Output tokens", FieldKind::integer},
  });
  return b.take();
}

std::vector<FormSection> scenario_sections(const ordered_json& doc) {
  std::vector<FormSection> out;
  out.push_back(simple_section(doc, "Scenario", "", {
      {"name", "Name", FieldKind::text, true},
      {"simulation/engine", "Engine", FieldKind::choice, true, {"analytical", "des"}},
  }));

  out.push_back(simple_section(doc, "Cluster", "/cluster", {
      {"gpu", "GPU type", FieldKind::editable_choice, true, gpu_ids()},
      {"nodes", "Nodes", FieldKind::integer, true},
      {"gpus_per_node", "GPUs per node", FieldKind::integer, true},
      {"scale_up/bandwidth", "Scale-up bandwidth", FieldKind::number},
      {"scale_up/domain_gpus", "Scale-up domain GPUs", FieldKind::integer},
      {"scale_out/topology", "Scale-out fabric", FieldKind::choice, true, kTopologies},
      {"scale_out/oversubscription", "Oversubscription", FieldKind::number, true},
      {"scale_out/nics_per_node", "NICs per node", FieldKind::integer},
      {"scale_out/nic_bandwidth", "NIC bandwidth", FieldKind::number},
      {"scale_out/radix", "Switch radix", FieldKind::integer},
      {"scale_out/port_bandwidth", "Port bandwidth", FieldKind::number},
  }));

  add_each(out, doc, "/workloads", workload_section);
  return out;
}

FormSection demand_section(const ordered_json& doc, std::size_t i) {
  SectionBuilder b = element_section(doc, "/demand", i, "Demand");
  b.add_rows({
      {"name", "Name", FieldKind::text, true},
      {"kind", "Kind", FieldKind::choice, true, {"training", "recurring", "inference"}},
      {"scenario", "Scenario file", FieldKind::text, true},
      {"workload", "Workload", FieldKind::text, true},
      {"tokens", "Tokens", FieldKind::number},
      {"rate", "Request rate", FieldKind::number},
      {"runs_per_month", "Runs per month", FieldKind::number},
      {"monthly_growth", "Monthly growth", FieldKind::number},
      {"start_month", "Start month", FieldKind::integer},
      {"end_month", "End month", FieldKind::integer},
      {"deadline_months", "Deadline (months)", FieldKind::integer},
  });
  return b.take();
}

void add_cloud(SectionBuilder& b, const std::string& prefix, bool always) {
  b.add_rows({
      {prefix + "instance", "Instance", FieldKind::text, always},
      {prefix + "pricing", "Pricing", FieldKind::choice, always, kPricings},
      {prefix + "gpu", "Cloud GPU", FieldKind::editable_choice, false, gpu_ids()},
      {prefix + "price_per_gpu_hour", "Price per GPU-hour", FieldKind::number},
      {prefix + "provider", "Provider", FieldKind::text},
      {prefix + "gpus_per_instance", "GPUs per instance", FieldKind::integer},
  });
}

void add_on_prem(SectionBuilder& b, const std::string& prefix, bool hybrid) {
  b.add_rows({
      {prefix + "gpu", "Owned GPU", FieldKind::editable_choice, true, gpu_ids()},
      {prefix + "gpus", "Owned GPUs", FieldKind::integer},
  });
  if (hybrid) b.add(prefix + "base_percentile", "Base percentile", FieldKind::number, true);
  b.add_rows({
      {prefix + "facility", "Facility", FieldKind::choice, !hybrid, {"colocation", "build"}},
      {prefix + "purchase", "Purchase", FieldKind::choice, false, {"as-needed", "upfront"}},
      {prefix + "fleet", "Fleet scenario", FieldKind::text},
  });
}

FormSection option_section(const ordered_json& doc, std::size_t i) {
  SectionBuilder b = element_section(doc, "/options", i, "Option");
  b.add_rows({
      {"name", "Name", FieldKind::text, true},
      {"kind", "Kind", FieldKind::choice, true, {"cloud", "on-prem", "hybrid"}},
  });
  const std::string kind = b.text("kind");
  if (kind == "cloud") {
    const bool priced = b.has("price_per_gpu_hour");
    b.add_rows({
        {"instance", "Instance", FieldKind::text, !priced},
        {"pricing", "Pricing", FieldKind::choice, !priced, kPricings},
        {"gpu", "GPU type", FieldKind::editable_choice, priced, gpu_ids()},
        {"price_per_gpu_hour", "Price per GPU-hour", FieldKind::number, priced},
        {"provider", "Provider", FieldKind::text},
        {"gpus_per_instance", "GPUs per instance", FieldKind::integer},
    });
  } else if (kind == "on-prem") {
    add_on_prem(b, "", false);
  } else if (kind == "hybrid") {
    add_on_prem(b, "on_prem/", true);
    add_cloud(b, "cloud/", true);
  }
  return b.take();
}

std::vector<FormSection> study_sections(const ordered_json& doc) {
  std::vector<FormSection> out;
  out.push_back(simple_section(doc, "Study", "", {
      {"name", "Name", FieldKind::text, true},
      {"horizon_months", "Horizon (months)", FieldKind::integer, true},
      {"discount_rate", "Discount rate", FieldKind::number, true},
      {"sensitivity", "Sensitivity range", FieldKind::number},
      {"monte_carlo", "Monte Carlo samples", FieldKind::integer},
      {"seed", "Seed", FieldKind::integer},
  }));
  add_each(out, doc, "/demand", demand_section);
  add_each(out, doc, "/options", option_section);
  if (const ordered_json* p = value_at(doc, "/prices"); p != nullptr && p->is_object() && !p->empty()) {
    SectionBuilder b(doc, "Prices", "/prices");
    for (const auto& [key, value] : p->items()) {
      b.add_pointer(planner::json_pointer_append("/prices", key), key, FieldKind::number);
    }
    out.push_back(b.take());
  }
  return out;
}

}  // namespace

std::vector<FormSection> form_sections(const ordered_json& doc) {
  if (!doc.is_object()) return {};
  const ordered_json* schema = value_at(doc, "/schema");
  if (schema != nullptr && *schema == "capsim/study/v1") return study_sections(doc);
  return scenario_sections(doc);
}

std::string field_text(const ordered_json& doc, const std::string& pointer) {
  const ordered_json* v = value_at(doc, pointer);
  if (v == nullptr || v->is_object() || v->is_array()) return "";
  if (v->is_string()) return v->get<std::string>();
  return v->dump();
}

bool write_field(ordered_json& doc, const FieldSpec& field, const std::string& text) {
  try {
    const Pointer pointer(field.pointer);
    if (pointer.empty()) return false;
    if (text.empty()) {
      const Pointer parent = pointer.parent_pointer();
      if (!doc.contains(parent) || !doc.at(parent).is_object()) return false;
      doc.at(parent).erase(pointer.back());
      return true;
    }
    // Every parent must be an object, an array or missing: writing through a string or a number would replace
    // data the field does not own.
    for (Pointer p = pointer.parent_pointer(); !p.empty(); p = p.parent_pointer()) {
      const ordered_json* v = value_at(doc, p.to_string());
      if (v != nullptr && !v->is_object() && !v->is_array()) return false;
    }
    ordered_json value = text;
    if (field.kind == FieldKind::integer || field.kind == FieldKind::number) {
      const ordered_json parsed = ordered_json::parse(text, nullptr, false);
      if (!parsed.is_discarded() && parsed.is_number()) value = parsed;
    } else if (field.kind == FieldKind::boolean && (text == "true" || text == "false")) {
      value = text == "true";
    }
    doc[pointer] = std::move(value);
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace capsim::gui
