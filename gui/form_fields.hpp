#pragma once
/// @file form_fields.hpp
/// Which fields the form editor shows for a scenario or study document, and how a field's text is read from and
/// written into the document. Qt-free: the form only draws these.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace capsim::gui {

/// How a field edits its value.
enum class FieldKind {
  integer,  ///< a whole number (a string such as "4k" is kept as a string)
  number,   ///< a number, or a string with a unit ("400 Gb/s", "15T", "$2.35/h"): numeric text is written as a number
  text,     ///< a string
  choice,   ///< one of `options` (a value outside them is kept and shown)
  editable_choice,  ///< one of `options` or any other string (GPU ids, model presets)
  boolean,  ///< true or false
};

/// One field: the value at `pointer` in the document.
struct FieldSpec {
  std::string pointer;  ///< RFC 6901 pointer of the value; also the widget's objectName
  std::string label;    ///< text for people
  FieldKind kind = FieldKind::text;
  std::vector<std::string> options;  ///< for choices
};

/// A group of fields: the cluster, one workload, one study option.
struct FormSection {
  std::string title;
  std::string pointer;  ///< the object the fields belong to ("" for the document itself)
  std::vector<FieldSpec> fields;
};

/// The sections of `doc`: a study's when its "schema" is "capsim/study/v1", else a scenario's. Main fields are
/// listed even when the document leaves them out; the others only when present. None when `doc` is not an object.
std::vector<FormSection> form_sections(const nlohmann::ordered_json& doc);

/// The value at `pointer` as a field shows it: strings as written, numbers and booleans as JSON prints them; "" when
/// absent (or an object or array).
std::string field_text(const nlohmann::ordered_json& doc, const std::string& pointer);

/// Writes `text` into `doc` at `field.pointer` as `field.kind` says (missing parent objects are created); an empty
/// text removes the member. Never throws: a pointer through a non-object is left alone (returns false).
bool write_field(nlohmann::ordered_json& doc, const FieldSpec& field, const std::string& text);

}  // namespace capsim::gui
