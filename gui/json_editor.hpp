#pragma once
/// @file json_editor.hpp
/// The raw view of a scenario or study file: the text with line numbers, checked as the CLI checks it 300 ms after
/// the last keystroke, and a list of the problems under it. Clicking a problem puts the cursor at its place.

#include <QString>
#include <QWidget>
#include <vector>

#include "gui/document_check.hpp"

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QTimer;

namespace capsim::gui {

/// Text editor with live validation. Children: "json_text" (the QPlainTextEdit), "json_problems" (the QListWidget,
/// one item per problem, Qt::UserRole + 0/1 holding its line and column).
class JsonEditor : public QWidget {
  Q_OBJECT

 public:
  explicit JsonEditor(QWidget* parent = nullptr);

  /// Shows `text` as written, read from `file` (the real path: relative paths in the document resolve against its
  /// folder). Clears the undo history; emits no text_edited(); checks after the debounce. An empty text with an
  /// empty file is "no document": nothing is checked.
  void set_text(const QString& text, const QString& file);
  /// Replaces the whole text as one undoable edit, keeping the scroll position (used when the form writes). Emits no
  /// text_edited(); checks after the debounce.
  void replace_text(const QString& text);
  /// The text as it is now.
  QString text() const;
  /// The file the text belongs to.
  QString file() const { return file_; }

  /// Checks the text now instead of after the debounce; emits problems_changed().
  void check_now();
  /// The problems of the last check.
  const std::vector<Problem>& problems() const { return problems_; }
  /// True while an edit has not been checked yet.
  bool check_pending() const;
  /// Puts the cursor at problem `index` of problems() and focuses the text.
  void go_to_problem(int index);

  QPlainTextEdit* text_view() const { return view_; }
  QListWidget* problem_list() const { return list_; }

 signals:
  /// The user changed the text (not set_text or replace_text).
  void text_edited();
  /// A check finished with `count` problems.
  void problems_changed(int count);

 private:
  void on_item(QListWidgetItem* item);
  /// Lists `problems`, marks their lines and emits problems_changed().
  void show_problems(std::vector<Problem> problems);
  void highlight_problem_lines();

  QPlainTextEdit* view_ = nullptr;
  QLabel* summary_ = nullptr;
  QListWidget* list_ = nullptr;
  QTimer* debounce_ = nullptr;
  QString file_;
  std::vector<Problem> problems_;
  bool programmatic_ = false;  ///< the text is being set by code, not typed
};

}  // namespace capsim::gui
