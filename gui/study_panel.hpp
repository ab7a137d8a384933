#pragma once
/// @file study_panel.hpp
/// The study's what-if form: the inputs a buy-or-rent planner varies (gui/study_what_if.hpp), each with the file's
/// value beside it once changed, a Reset button and the problems of the last evaluation. Edits emit
/// what_if_changed() after a short pause (debounced, so dragging the slider plans once); apply_now() sends a pending
/// one at once.

#include <QWidget>
#include <string>
#include <vector>

#include "gui/study_what_if.hpp"
#include "planner/tco/study.hpp"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace capsim::gui {

/// What-if editors of a study. Child widgets are named after the fields ("gpu", "nodes", "cloud_price_slider",
/// "cloud_price", "electricity", "services_growth", "discount_rate", "depreciation_years", "oversubscription",
/// "reset", "problems"; the file's value beside a field is "<name>_file") so tests and accessibility tools find them.
class StudyPanel : public QWidget {
  Q_OBJECT

 public:
  explicit StudyPanel(QWidget* parent = nullptr);

  /// Fills the editors with `study`'s values (they become the file's values the deltas compare with). Emits
  /// nothing.
  void set_study(const planner::tco::Study& study);
  /// The editors' values; a field left at the file's value gives the file's exact value.
  StudyWhatIf what_if() const;
  /// Sets the editors to `w`. Emits nothing.
  void set_what_if(const StudyWhatIf& w);
  /// The study's own values (set_study's).
  const StudyWhatIf& file_values() const { return file_; }
  /// Shows `problems` in red under the editors; an empty list hides the box.
  void show_problems(const std::vector<std::string>& problems);
  /// The problem text shown ("" when none).
  QString problem_text() const;
  /// Milliseconds between the last edit and what_if_changed() (default 150; 0 = at once).
  void set_debounce_ms(int ms);
  /// Emits a pending what_if_changed() now.
  void apply_now();

 signals:
  /// The editors changed; what_if() has the new values.
  void what_if_changed();
  /// The user asked to go back to the file's values (the panel has already set its editors to them).
  void reset_requested();

 private:
  /// Limits, decimals, step and suffix of a number editor, in the unit it shows.
  struct SpinRange {
    double min = 0, max = 1;
    int decimals = 2;
    double step = 1;
    const char* suffix = "";
  };
  QDoubleSpinBox* add_double(QFormLayout* form, const char* key, const QString& label, const QString& tip,
                             const SpinRange& range);
  void add_row(QFormLayout* form, const char* key, const QString& label, QWidget* editor);
  void edited();
  void show_deltas();
  void set_editors_enabled(bool enabled);

  QLabel* study_ = nullptr;
  QComboBox* gpu_ = nullptr;
  QSpinBox* nodes_ = nullptr;
  QSlider* cloud_slider_ = nullptr;
  QDoubleSpinBox* cloud_ = nullptr;
  QDoubleSpinBox* electricity_ = nullptr;
  QDoubleSpinBox* growth_ = nullptr;
  QDoubleSpinBox* discount_ = nullptr;
  QDoubleSpinBox* depreciation_ = nullptr;
  QDoubleSpinBox* oversubscription_ = nullptr;
  QPushButton* reset_ = nullptr;
  QLabel* problems_ = nullptr;
  QTimer* debounce_ = nullptr;
  bool has_services_ = false;
  bool loaded_ = false;
  StudyWhatIf file_;
  StudyWhatIf file_shown_;  ///< the file's values as the editors show them (rounded to their decimals)
};

}  // namespace capsim::gui
