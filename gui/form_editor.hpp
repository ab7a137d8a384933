#pragma once
/// @file form_editor.hpp
/// Form fields over a scenario or study document (the fields gui/form_fields.hpp lists). Every edit writes into the
/// document at once; problems are shown at the field their JSON pointer falls at or under.

#include <QString>
#include <QWidget>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gui/document_check.hpp"
#include "gui/form_fields.hpp"

class QLabel;
class QScrollArea;
class QVBoxLayout;

namespace capsim::gui {

/// The form. Each editor's objectName is its JSON pointer ("/cluster/nodes"); integer fields are QSpinBoxes whose
/// lowest value, shown as "not set", removes the key; choices are QComboBoxes; the rest QLineEdits, where an empty
/// text removes the key. A field with a problem gets a red frame, the problem as tooltip and property
/// "has_problem" = true, and its message label (objectName pointer + "#message") shows the CLI's text.
class FormEditor : public QWidget {
  Q_OBJECT

 public:
  explicit FormEditor(QWidget* parent = nullptr);

  /// Shows `doc` (read from `file`) and rebuilds the fields. Emits nothing.
  void set_document(const nlohmann::json& doc, const QString& file);
  /// The same, keeping the document's key order (so a form edit reorders nothing in the file).
  void set_document(const nlohmann::ordered_json& doc, const QString& file);
  /// The document with every form edit applied.
  nlohmann::json document() const { return nlohmann::json(doc_); }
  /// The same, in the order of the file.
  const nlohmann::ordered_json& ordered_document() const { return doc_; }
  /// Disables the fields and shows `why` above them (a text that does not parse); set_document enables them again.
  void set_unavailable(const QString& why);
  /// Shows each problem at the deepest field its pointer falls at or under; the others at their section, or above
  /// the form. Replaces the problems shown before.
  void show_problems(const std::vector<Problem>& problems);
  /// The editor of `pointer`, or nullptr.
  QWidget* field(const std::string& pointer) const;

 signals:
  /// A field changed the document.
  void document_edited();

 private:
  struct Field {
    FieldSpec spec;
    QWidget* editor = nullptr;
    QWidget* frame = nullptr;  ///< around the editor; red when the field has a problem
    QLabel* message = nullptr;
  };
  void rebuild();
  QWidget* make_editor(const FieldSpec& spec, QWidget* parent);
  void write(const FieldSpec& spec, const QString& text);
  void mark(Field& f, const QStringList& messages);

  nlohmann::ordered_json doc_ = nlohmann::ordered_json::object();
  QString file_;
  QLabel* banner_ = nullptr;  ///< why the form is unavailable, or problems no field or section owns
  QScrollArea* scroll_ = nullptr;
  std::vector<Field> fields_;
  std::map<std::string, QLabel*> section_messages_;  ///< by section pointer
  bool loading_ = false;  ///< fields are being filled by code
};

}  // namespace capsim::gui
