#include "gui/open_document.hpp"

#include <filesystem>
#include <utility>

#include "planner/json_reader.hpp"
#include "planner/search/search_space.hpp"
#include "sim/core/error.hpp"

namespace capsim::gui {

std::string to_string(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::study: return "study";
    case DocumentKind::training: return "training scenario";
    case DocumentKind::serving: return "serving scenario";
    case DocumentKind::fleet: return "fleet scenario";
    case DocumentKind::search: return "design search";
  }
  return "file";
}

namespace {

constexpr std::size_t kMaxDocumentBytes = 64u << 20;  // hand-written study and scenario files are kilobytes

DocumentKind kind_of(const nlohmann::json& doc, const planner::Scenario* scenario) {
  if (doc.is_object() && doc.value("schema", std::string()) == "capsim/study/v1") return DocumentKind::study;
  if (doc.is_object() && doc.contains("search")) return DocumentKind::search;
  if (scenario && scenario->fleet) return DocumentKind::fleet;
  if (doc.is_object() && doc.contains("fleet")) return DocumentKind::fleet;
  if (scenario) {
    if (first_training_index(*scenario) >= 0) return DocumentKind::training;
    if (!scenario->workloads.empty()) return DocumentKind::serving;
  }
  return DocumentKind::training;
}

std::vector<std::string> texts(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(d.to_string());
  return out;
}

}  // namespace

void load_document(OpenDocument& d) {
  d.problems.clear();
  d.study.reset();
  d.scenario.reset();
  d.hardware.reset();
  d.name = std::filesystem::path(d.path).stem().string();
  std::vector<Diagnostic> syntax;
  const std::optional<nlohmann::json> doc = planner::parse_json_text(d.text, d.path, syntax);
  if (!doc) {
    d.problems = texts(syntax);
    return;
  }
  d.kind = kind_of(*doc, nullptr);
  try {
    if (d.kind == DocumentKind::study) {
      auto study = std::make_shared<planner::tco::Study>(planner::tco::load_study(*doc, d.path));
      d.name = study->name;
      d.study = std::move(study);
      return;
    }
    planner::search::SearchSpec spec;  // a design search's block is read by `capsim search`'s loader
    auto scenario = std::make_shared<planner::Scenario>(d.kind == DocumentKind::search
                                                            ? planner::search::load_search_scenario(d.text, d.path, spec)
                                                            : planner::load_scenario(*doc, d.path));
    d.kind = kind_of(*doc, scenario.get());
    if (!scenario->name.empty()) d.name = scenario->name;
    if (d.kind == DocumentKind::training) d.hardware = hardware_baseline(*doc, d.path);
    d.scenario = std::move(scenario);
  } catch (const InputError& e) {
    d.problems = texts(e.diagnostics());
  } catch (const Error& e) {
    d.problems = {d.path + ": " + e.what()};
  } catch (const std::exception& e) {  // a loader bug must not take the window down with the user's edits
    d.problems = {d.path + ": internal error while loading: " + e.what()};
  }
}

std::optional<OpenDocument> read_document(const std::string& path, std::string* error) {
  std::vector<Diagnostic> out;
  OpenDocument d;
  std::error_code ec;
  d.path = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) d.path = path;
  const std::string why = planner::not_a_readable_file(d.path);
  if (!why.empty()) {
    if (error) *error = path + ": " + why;
    return std::nullopt;
  }
  if (std::filesystem::file_size(d.path, ec) > kMaxDocumentBytes) {
    if (error) *error = path + ": larger than 64 MiB; a study or scenario file is a few kilobytes (is this a trace?)";
    return std::nullopt;
  }
  if (!planner::read_text_file(d.path, d.text, path, "", out)) {
    if (error) *error = out.empty() ? path + ": cannot be read" : out.front().to_string();
    return std::nullopt;
  }
  d.saved_text = d.text;
  load_document(d);
  return d;
}

}  // namespace capsim::gui
