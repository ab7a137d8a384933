#include "gui/scenario_panel.hpp"

#include <cstdlib>

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <variant>

#include "models/hardware/calibration_profile.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

QString to_qstring(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

void select_data(QComboBox* box, int value) {
  const int at = box->findData(value);
  box->setCurrentIndex(at >= 0 ? at : 0);
}

}  // namespace

ScenarioPanel::ScenarioPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("scenario_panel"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  auto* scenario_box = new QGroupBox(QStringLiteral("Scenario"), this);
  auto* scenario_form = new QFormLayout(scenario_box);
  file_ = new QLabel(scenario_box);
  file_->setWordWrap(true);
  file_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  facts_ = new QLabel(scenario_box);
  facts_->setWordWrap(true);
  engine_ = new QComboBox(scenario_box);
  engine_->setObjectName(QStringLiteral("engine"));
  engine_->addItem(QStringLiteral("analytical"));
  engine_->addItem(QStringLiteral("des"));
  engine_->setToolTip(QStringLiteral("analytical: closed form, microseconds; des: SimGrid discrete events"));
  scenario_form->addRow(QStringLiteral("File"), file_);
  scenario_form->addRow(facts_);
  scenario_form->addRow(QStringLiteral("Engine"), engine_);
  layout->addWidget(scenario_box);
  connect(engine_, &QComboBox::currentIndexChanged, this, &ScenarioPanel::engine_changed);

  auto* what_if_box = new QGroupBox(QStringLiteral("What if"), this);
  editors_ = what_if_box;
  auto* form = new QFormLayout(what_if_box);
  workload_ = new QLabel(what_if_box);
  workload_->setWordWrap(true);
  form->addRow(workload_);
  tp_ =
      add_spin(form, "tp", QStringLiteral("Tensor parallel (tp)"), 4096, QStringLiteral("GPUs that split each layer"));
  pp_ = add_spin(form, "pp", QStringLiteral("Pipeline stages (pp)"), 4096,
                 QStringLiteral("stages the layers are split into"));
  dp_ = add_spin(form, "dp", QStringLiteral("Data parallel (dp)"), 1'000'000, QStringLiteral("model replicas"));
  micro_batch_ =
      add_spin(form, "micro_batch", QStringLiteral("Micro-batch"), 65536, QStringLiteral("sequences per micro-batch"));
  global_batch_ = add_spin(form, "global_batch", QStringLiteral("Global batch"), 100'000'000,
                           QStringLiteral("sequences per optimizer step"));
  virtual_stages_ = add_spin(form, "virtual_stages", QStringLiteral("Virtual stages"), 1024,
                             QStringLiteral("interleaved 1F1B chunks per pipeline stage (1 = plain 1F1B)"));
  recompute_ = add_combo(form, "recompute", QStringLiteral("Recompute"), QStringLiteral("activation recomputation"));
  recompute_->addItem(QStringLiteral("none"), static_cast<int>(workloads::Recompute::none));
  recompute_->addItem(QStringLiteral("selective"), static_cast<int>(workloads::Recompute::selective));
  recompute_->addItem(QStringLiteral("full"), static_cast<int>(workloads::Recompute::full));
  recompute_->addItem(QStringLiteral("selective-layer (torchtitan)"),
                      static_cast<int>(workloads::Recompute::selective_layer));
  recompute_->addItem(QStringLiteral("selective-op (torchtitan)"), static_cast<int>(workloads::Recompute::selective_op));
  zero_ = add_combo(form, "zero", QStringLiteral("ZeRO stage"), QStringLiteral("what the data-parallel ranks shard"));
  zero_->addItem(QStringLiteral("0: none"), 0);
  zero_->addItem(QStringLiteral("1: optimizer states"), 1);
  zero_->addItem(QStringLiteral("2: + gradients"), 2);
  zero_->addItem(QStringLiteral("3: + weights"), 3);
  precision_ = add_combo(form, "precision", QStringLiteral("Precision"), QStringLiteral("math precision of the GEMMs"));
  power_cap_ = add_spin(form, "gpu_power_cap", QStringLiteral("GPU power cap"), 2000,
                        QStringLiteral("board power limit (nvidia-smi -pl)"));
  power_cap_->setMinimum(0);  // 0 shows "none": no cap
  power_cap_->setSpecialValueText(QStringLiteral("none"));
  power_cap_->setSuffix(QStringLiteral(" W"));
  power_cap_->setSingleStep(25);
  connect(power_cap_, &QSpinBox::valueChanged, this, &ScenarioPanel::skip_caps_below_idle);
  figures_ = add_combo(form, "hardware_figures", QStringLiteral("Hardware figures"),
                       QStringLiteral("which GPU figures the models read"));
  figures_->addItem(QStringLiteral("catalog"), static_cast<int>(HardwareFigures::datasheet));
  figures_->addItem(QStringLiteral("measured profile"), static_cast<int>(HardwareFigures::measured));
  gpus_ = new QLabel(what_if_box);
  form->addRow(QStringLiteral("GPUs used"), gpus_);
  reset_ = new QPushButton(QStringLiteral("Reset to file values"), what_if_box);
  reset_->setObjectName(QStringLiteral("reset"));
  form->addRow(reset_);
  connect(reset_, &QPushButton::clicked, this, &ScenarioPanel::reset_requested);
  layout->addWidget(what_if_box);

  problems_ = new QLabel(this);
  problems_->setObjectName(QStringLiteral("problems"));
  problems_->setWordWrap(true);
  problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problems_->setStyleSheet(
      QStringLiteral("QLabel { color: #c62828; background: #fdecea; border: 1px solid #f5c2c0;"
                     " border-radius: 4px; padding: 6px; }"));
  problems_->hide();
  layout->addWidget(problems_);
  layout->addStretch(1);
  clear_scenario();
}

QSpinBox* ScenarioPanel::add_spin(QFormLayout* form, const char* key, const QString& label, int max,
                                  const QString& tip) {
  auto* spin = new QSpinBox(editors_);
  spin->setObjectName(QString::fromLatin1(key));
  spin->setRange(1, max);
  spin->setToolTip(tip);
  spin->setGroupSeparatorShown(false);
  form->addRow(label, spin);
  connect(spin, &QSpinBox::valueChanged, this, &ScenarioPanel::what_if_changed);
  return spin;
}

QComboBox* ScenarioPanel::add_combo(QFormLayout* form, const char* key, const QString& label, const QString& tip) {
  auto* box = new QComboBox(editors_);
  box->setObjectName(QString::fromLatin1(key));
  box->setToolTip(tip);
  form->addRow(label, box);
  connect(box, &QComboBox::currentIndexChanged, this, &ScenarioPanel::what_if_changed);
  return box;
}

void ScenarioPanel::set_scenario(const QString& path, const planner::Scenario& scenario,
                                 const HardwareBaseline& hardware, int index) {
  const QSignalBlocker blockers[] = {QSignalBlocker(engine_),
                                     QSignalBlocker(tp_),
                                     QSignalBlocker(pp_),
                                     QSignalBlocker(dp_),
                                     QSignalBlocker(micro_batch_),
                                     QSignalBlocker(global_batch_),
                                     QSignalBlocker(virtual_stages_),
                                     QSignalBlocker(recompute_),
                                     QSignalBlocker(zero_),
                                     QSignalBlocker(precision_),
                                     QSignalBlocker(power_cap_),
                                     QSignalBlocker(figures_)};
  file_->setText(QFileInfo(path).fileName());
  file_->setToolTip(path);
  const hw::ClusterSpec& c = scenario.cluster;
  facts_->setText(QStringLiteral("<b>%1</b><br>%2 nodes x %3 %4 = %5 GPUs, %6 HBM each")
                      .arg(QString::fromStdString(scenario.name).toHtmlEscaped())
                      .arg(c.nodes)
                      .arg(c.gpus_per_node)
                      .arg(QString::fromStdString(c.gpu.name.empty() ? c.gpu.id : c.gpu.name).toHtmlEscaped())
                      .arg(c.total_gpus())
                      .arg(QString::fromStdString(units::format_bytes(c.gpu.hbm_bytes))));
  engine_->setCurrentIndex(std::max(0, engine_->findText(QString::fromStdString(scenario.simulation.engine))));

  precision_->clear();
  for (const auto& [precision, peak] : c.gpu.peak_flops) {
    precision_->addItem(to_qstring(hw::to_string(precision)), static_cast<int>(precision));
  }
  const hw::GpuSpec& sheet = hardware.datasheet.gpu;
  const QString gpu_id = QString::fromStdString(sheet.id);
  power_cap_->setMaximum(sheet.tdp_W > 0 ? static_cast<int>(sheet.tdp_W) : 2000);
  const int step = power_cap_->singleStep();
  lowest_cap_W_ = (static_cast<int>(sheet.idle_W) / step + 1) * step;
  power_cap_->setToolTip(
      QStringLiteral("Board power limit (nvidia-smi -pl), watts: none, or above the GPU's idle draw (%1) up to its "
                     "TDP (%2).\nA cap lowers power and slows compute-bound kernels (the clock drops until the "
                     "power fits).")
          .arg(QString::fromStdString(units::format_power(sheet.idle_W)),
               QString::fromStdString(units::format_power(sheet.tdp_W))));
  measured_available_ = hardware.measured.has_value();
  if (measured_available_) {
    const QString source = hardware.measured_source == hw::kBuiltinProfile
                               ? QStringLiteral("the calibration profile CapSim ships for the %1").arg(gpu_id)
                               : QStringLiteral("the calibration profile %1")
                                     .arg(QString::fromStdString(hardware.measured_source));
    figures_->setToolTip(QStringLiteral("catalog: the catalog's figures for the %1, each with its source (datasheets, "
                                        "or CapSim's own calibration where one was run)\nmeasured profile: %2 (GEMM "
                                        "efficiency, HBM bandwidth, attention, idle power and power shares)")
                             .arg(gpu_id, source));
  } else {
    QStringList have;
    for (const auto& p : hw::builtin_profiles()) have << QString::fromStdString(p.gpu);
    figures_->setToolTip(QStringLiteral("CapSim ships no measured profile for the %1 (only for %2).\nMeasure one "
                                        "with `capsim calibrate --out FILE` and name it in cluster.calibration.")
                             .arg(gpu_id, have.join(QStringLiteral(", "))));
  }
  if (index < 0) {
    workload_->setText(QStringLiteral("This scenario has no training workload to edit."));
    set_editors_enabled(false);
    return;
  }
  const auto& job = std::get<workloads::TrainingJob>(scenario.workloads[static_cast<std::size_t>(index)]);
  const WhatIf w = what_if_of(scenario, hardware, index);
  workload_->setText(QStringLiteral("Workload <b>%1</b>: %2 parameters, %3 tokens")
                         .arg(QString::fromStdString(job.name).toHtmlEscaped(),
                              QString::fromStdString(units::format_count(job.model.parameters())),
                              QString::fromStdString(job.tokens > 0 ? units::format_count(job.tokens) : "no")));
  tp_->setValue(w.tp);
  pp_->setValue(w.pp);
  dp_->setValue(w.dp);
  micro_batch_->setValue(w.micro_batch);
  global_batch_->setValue(w.global_batch);
  virtual_stages_->setValue(w.virtual_stages);
  select_data(recompute_, static_cast<int>(w.recompute));
  select_data(zero_, w.zero);
  if (precision_->findData(static_cast<int>(w.precision)) < 0) {
    precision_->addItem(to_qstring(hw::to_string(w.precision)), static_cast<int>(w.precision));
  }
  select_data(precision_, static_cast<int>(w.precision));
  power_cap_->setValue(static_cast<int>(w.gpu_power_cap_W + 0.5));
  previous_cap_W_ = power_cap_->value();
  select_data(figures_, static_cast<int>(w.figures));
  set_editors_enabled(true);
}

void ScenarioPanel::clear_scenario() {
  file_->setText(QStringLiteral("(none)"));
  file_->setToolTip({});
  facts_->clear();
  workload_->setText(QStringLiteral("Open a scenario to edit its first training workload."));
  gpus_->clear();
  set_editors_enabled(false);
}

WhatIf ScenarioPanel::what_if() const {
  WhatIf w;
  w.tp = tp_->value();
  w.pp = pp_->value();
  w.dp = dp_->value();
  w.micro_batch = micro_batch_->value();
  w.global_batch = global_batch_->value();
  w.virtual_stages = virtual_stages_->value();
  w.recompute = static_cast<workloads::Recompute>(recompute_->currentData().toInt());
  w.zero = zero_->currentData().toInt();
  w.precision = static_cast<hw::Precision>(precision_->currentData().toInt());
  w.gpu_power_cap_W = power_cap_->value();
  w.figures = static_cast<HardwareFigures>(figures_->currentData().toInt());
  return w;
}

std::string ScenarioPanel::engine() const { return engine_->currentText().toStdString(); }

void ScenarioPanel::show_problems(const std::vector<std::string>& problems) {
  if (problems.empty()) {
    problems_->clear();
    problems_->hide();
    return;
  }
  QStringList lines;
  for (const std::string& p : problems) lines << QString::fromStdString(p);
  problems_->setText(lines.join(QStringLiteral("\n")));
  problems_->show();
}

void ScenarioPanel::show_gpus(long long used, long long total) {
  gpus_->setText(QStringLiteral("%1 of %2").arg(used).arg(total));
  gpus_->setStyleSheet(used > total ? QStringLiteral("color: #c62828;") : QString());
}

QString ScenarioPanel::problem_text() const { return problems_->text(); }

void ScenarioPanel::set_editors_enabled(bool enabled) {
  for (QWidget* w : std::initializer_list<QWidget*>{tp_, pp_, dp_, micro_batch_, global_batch_, virtual_stages_,
                                                    recompute_, zero_, precision_, power_cap_, reset_}) {
    w->setEnabled(enabled);
  }
  figures_->setEnabled(enabled && measured_available_);
}

void ScenarioPanel::skip_caps_below_idle(int cap_W) {
  const int previous = previous_cap_W_;
  previous_cap_W_ = cap_W;
  const bool stepped = std::abs(cap_W - previous) == power_cap_->singleStep();
  if (!stepped || cap_W <= 0 || cap_W >= lowest_cap_W_) return;
  power_cap_->setValue(previous == 0 ? lowest_cap_W_ : 0);  // runs the what-if again with the valid value
}

}  // namespace capsim::gui
