#pragma once
/// @file document_check.hpp
/// Checks the text of a scenario or study file exactly as the CLI does, without Qt, and finds where a JSON pointer
/// sits in that text, so the editors can show each problem at its place.

#include <string>
#include <vector>

namespace capsim::gui {

/// One problem with a document: where it is and what the CLI says about it.
struct Problem {
  std::string pointer;  ///< RFC 6901 pointer into the edited document; "" for the whole document (or another file)
  std::string message;  ///< the CLI's text without the file prefix: "message (hint)"; problems found in another file
                        ///< (a study's scenario, a catalog) keep that file's name and pointer in front
  int line = 0, column = 0;  ///< 1-based place of the value in the text; 0 when unknown
};

/// A place in a text, 1-based; line 0 means not found.
struct TextPosition {
  int line = 0;
  int column = 0;
};

/// True when `text` parses and its "schema" is "capsim/study/v1"; anything else is checked as a scenario (whose
/// loader reports a bad schema). Never throws.
bool is_study_text(const std::string& text);

/// Parses `text` (a syntax error becomes one problem with its line and column), then runs the loader the CLI runs
/// (planner::load_scenario or planner::tco::load_study) and returns every diagnostic, each placed in the text.
/// `file` is the document's real path: relative paths in it resolve against its folder. Empty when the document is
/// valid. Never throws.
std::vector<Problem> check_document(const std::string& text, const std::string& file);

/// Where the value at `pointer` starts in JSON `text` (line, column in characters). When the pointer names a member
/// that is missing, the place of its deepest existing parent; {0, 0} when the text does not parse that far.
TextPosition locate_pointer(const std::string& text, const std::string& pointer);

/// True when `pointer` is `field` or lies under it ("/a/b" is under "/a", "/ab" is not).
bool pointer_at_or_under(const std::string& pointer, const std::string& field);

}  // namespace capsim::gui
