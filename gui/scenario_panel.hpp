#pragma once
/// @file scenario_panel.hpp
/// The left panel: which scenario is loaded, which engine runs it, and the what-if fields of its first training
/// workload. Every edit emits what_if_changed() at once; the window re-runs the engine and reports problems back
/// through show_problems().

#include <QWidget>
#include <string>
#include <vector>

#include "gui/what_if.hpp"
#include "planner/scenario.hpp"

class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSpinBox;

namespace capsim::gui {

/// Scenario facts, engine choice and what-if editors. Child widgets are named after the scenario keys ("tp", "pp",
/// "dp", "micro_batch", "global_batch", "virtual_stages", "recompute", "zero", "precision", "gpu_power_cap",
/// "hardware_figures", "engine") so tests and accessibility tools can find them.
class ScenarioPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ScenarioPanel(QWidget* parent = nullptr);

  /// Shows `scenario` (read from `path`, uncapped clusters in `hardware`) and fills the editors from training workload
  /// `index` (-1: none, editors disabled). Emits nothing.
  void set_scenario(const QString& path, const planner::Scenario& scenario, const HardwareBaseline& hardware,
                    int index);
  /// Shows that no scenario is loaded.
  void clear_scenario();
  /// The editors' current values.
  WhatIf what_if() const;
  /// The engine chosen ("analytical" or "des").
  std::string engine() const;
  /// Shows `problems` in red under the editors; an empty list hides the box.
  void show_problems(const std::vector<std::string>& problems);
  /// Sets the "GPUs used" line: `used` of the cluster's `total`.
  void show_gpus(long long used, long long total);
  /// The problem text shown ("" when none).
  QString problem_text() const;

 signals:
  /// An editor changed; what_if() has the new values.
  void what_if_changed();
  /// The engine choice changed.
  void engine_changed();
  /// The user asked to go back to the values in the file.
  void reset_requested();

 private:
  /// Steps of the cap between "none" and the lowest cap the GPU can run at jump over the invalid range: up from
  /// "none" to the lowest valid cap, down from it to "none". Typed values are left to the checks.
  void skip_caps_below_idle(int cap_W);
  QSpinBox* add_spin(QFormLayout* form, const char* key, const QString& label, int max, const QString& tip);
  QComboBox* add_combo(QFormLayout* form, const char* key, const QString& label, const QString& tip);
  void set_editors_enabled(bool enabled);

  QLabel* file_ = nullptr;
  QLabel* facts_ = nullptr;
  QComboBox* engine_ = nullptr;
  QLabel* workload_ = nullptr;
  QSpinBox* tp_ = nullptr;
  QSpinBox* pp_ = nullptr;
  QSpinBox* dp_ = nullptr;
  QSpinBox* micro_batch_ = nullptr;
  QSpinBox* global_batch_ = nullptr;
  QSpinBox* virtual_stages_ = nullptr;
  QComboBox* recompute_ = nullptr;
  QComboBox* zero_ = nullptr;
  QComboBox* precision_ = nullptr;
  QSpinBox* power_cap_ = nullptr;
  int lowest_cap_W_ = 0;   ///< the lowest cap the GPU can run at: the first step above its idle draw
  int previous_cap_W_ = 0;  ///< the cap before the last change (0 = none)
  QComboBox* figures_ = nullptr;
  bool measured_available_ = false;  ///< the cluster's GPU has a measured profile (else figures_ stays disabled)
  QLabel* gpus_ = nullptr;
  QPushButton* reset_ = nullptr;
  QLabel* problems_ = nullptr;
  QWidget* editors_ = nullptr;
};

}  // namespace capsim::gui
