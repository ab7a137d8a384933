#pragma once
/// @file open_document.hpp
/// A file open in the app: its text as on disk and as edited, what kind of file it is, and what its loader made of
/// it (or the problems the loader found, in the CLI's words). No Qt: the tests and the screenshot tool load files
/// the same way.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gui/what_if.hpp"
#include "planner/scenario.hpp"
#include "planner/tco/study.hpp"

namespace capsim::gui {

/// What a file is, which decides the page that shows it.
enum class DocumentKind {
  study,     ///< schema capsim/study/v1: the TCO comparison
  training,  ///< a scenario with a training workload (and maybe inference ones)
  serving,   ///< a scenario of inference workloads only
  fleet,     ///< a scenario with a `fleet` block
  search,    ///< a scenario with a `search` block (design-space search)
};

/// "study", "training scenario", ...
std::string to_string(DocumentKind kind);

struct OpenDocument {
  std::string path;         ///< absolute path ("" never happens: the app opens files)
  std::string saved_text;   ///< as on disk when read or last saved
  std::string text;         ///< as edited now
  DocumentKind kind = DocumentKind::training;
  std::string name;         ///< the study's or scenario's name (the file name when it has none or does not load)
  std::vector<std::string> problems;  ///< what the loader found ("file: /json/path: ..."); empty when loaded
  std::shared_ptr<const planner::tco::Study> study;      ///< kind study, when it loads
  std::shared_ptr<const planner::Scenario> scenario;     ///< other kinds, when it loads
  std::optional<HardwareBaseline> hardware;              ///< training: the uncapped clusters (what_if.hpp)

  bool dirty() const { return text != saved_text; }
  bool loaded() const { return problems.empty() && (study || scenario); }
};

/// Reads `path` into a document and loads it. Returns std::nullopt with `error` set when the file cannot be read (a
/// missing file, a folder, no permission, larger than 64 MiB); a file that reads but does not load is returned with
/// its problems.
std::optional<OpenDocument> read_document(const std::string& path, std::string* error);

/// Loads `doc.text` again (after an edit): kind, name, study or scenario, problems. Never throws for bad input.
void load_document(OpenDocument& doc);

}  // namespace capsim::gui
