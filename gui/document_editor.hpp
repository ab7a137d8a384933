#pragma once
/// @file document_editor.hpp
/// A scenario or study file in two synchronised views: "Form" (gui/form_editor.hpp) and "JSON"
/// (gui/json_editor.hpp). The text is kept exactly as written until the form is used; a form edit rewrites it as the
/// document pretty-printed with a 2-space indent, keys in the file's order.

#include <QString>
#include <QWidget>

class QTabWidget;

namespace capsim::gui {

class FormEditor;
class JsonEditor;

/// The editor of one document. A JSON text that does not parse disables the form, which shows the syntax error.
class DocumentEditor : public QWidget {
  Q_OBJECT

 public:
  explicit DocumentEditor(QWidget* parent = nullptr);

  /// Opens `text`, read from `file` (the real path: relative paths in the document resolve against its folder).
  /// Keeps the text as written; emits no changed(); checks it after the debounce (or at check_now()). An empty text
  /// and file shows "no document" (nothing checked, the form empty).
  void set_text(const QString& text, const QString& file);
  /// The document's text as it is now (what to save).
  QString text() const;
  /// True when the text parses and the last check found no problem.
  bool is_valid() const;
  /// Problems found by the last check.
  int problem_count() const;
  /// Checks now rather than after the debounce, and shows the problems in both views.
  void check_now();

  FormEditor* form() const { return form_; }
  JsonEditor* json_editor() const { return json_; }
  QTabWidget* tabs() const { return tabs_; }

 signals:
  /// The document changed in either view (not by set_text).
  void changed();

 private:
  /// Rebuilds the form from the JSON text, or disables it when the text does not parse.
  void form_from_text();
  void text_from_form();

  QTabWidget* tabs_ = nullptr;
  FormEditor* form_ = nullptr;
  JsonEditor* json_ = nullptr;
  bool parses_ = false;
};

}  // namespace capsim::gui
