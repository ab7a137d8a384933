#include "gui/study_panel.hpp"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>
#include <initializer_list>

#include "planner/report/pdf/qt_text.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

// Display scales of the editors: percentages for growth and discount, the slider in hundredths of the multiplier.
constexpr double kPercent = 100.0;
constexpr int kSliderScale = 100;

using planner::report::qstr;

/// The file's exact value while the editor still shows the file's value (its decimals round it), else the shown
/// value in the field's own unit.
double pick(double shown, double file_shown, double file_value, double scale) {
  return shown == file_shown ? file_value : shown / scale;
}

}  // namespace

StudyPanel::StudyPanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("study_panel"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* box = new QGroupBox(QStringLiteral("What if"), this);
  auto* form = new QFormLayout(box);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  study_ = new QLabel(box);
  study_->setWordWrap(true);
  form->addRow(study_);

  gpu_ = new QComboBox(box);
  gpu_->setToolTip(QStringLiteral("GPU type of every option: owned servers, and the cheapest cloud instance with it "
                                  "at the option's pricing (same provider first)"));
  add_row(form, "gpu", QStringLiteral("GPU type"), gpu_);
  connect(gpu_, &QComboBox::currentIndexChanged, this, &StudyPanel::edited);

  nodes_ = new QSpinBox(box);
  nodes_->setRange(0, 100'000);
  nodes_->setSpecialValueText(QStringLiteral("file's sizing"));  // 0: the study sizes the owned fleet
  nodes_->setGroupSeparatorShown(true);
  nodes_->setToolTip(QStringLiteral("servers every on-prem option (and the base of every hybrid) owns for the whole "
                                    "horizon; \"file's sizing\" sizes them as the study does"));
  add_row(form, "nodes", QStringLiteral("Owned nodes"), nodes_);
  connect(nodes_, &QSpinBox::valueChanged, this, &StudyPanel::edited);

  auto* cloud_row = new QWidget(box);
  cloud_row->setObjectName(QStringLiteral("cloud_price_row"));
  auto* cloud_layout = new QHBoxLayout(cloud_row);
  cloud_layout->setContentsMargins(0, 0, 0, 0);
  cloud_slider_ = new QSlider(Qt::Horizontal, cloud_row);
  cloud_slider_->setObjectName(QStringLiteral("cloud_price_slider"));
  cloud_slider_->setAccessibleName(QStringLiteral("Cloud price multiplier slider"));
  cloud_slider_->setRange(50, 150);
  cloud_slider_->setPageStep(10);
  cloud_slider_->setFocusPolicy(Qt::StrongFocus);
  cloud_ = new QDoubleSpinBox(cloud_row);
  cloud_->setObjectName(QStringLiteral("cloud_price"));
  cloud_->setAccessibleName(QStringLiteral("Cloud price multiplier"));
  cloud_->setRange(0.5, 1.5);
  cloud_->setSingleStep(0.05);
  cloud_->setPrefix(QStringLiteral("x"));
  cloud_->setToolTip(QStringLiteral("multiplies every cloud price per hour (instances and flat GPU-hour prices)"));
  cloud_slider_->setToolTip(cloud_->toolTip());
  cloud_layout->addWidget(cloud_slider_, 1);
  cloud_layout->addWidget(cloud_);
  add_row(form, "cloud_price", QStringLiteral("Cloud prices"), cloud_row);
  connect(cloud_slider_, &QSlider::valueChanged, this, [this](int v) {
    const QSignalBlocker block(cloud_);
    cloud_->setValue(static_cast<double>(v) / kSliderScale);
    edited();
  });
  connect(cloud_, &QDoubleSpinBox::valueChanged, this, [this](double v) {
    const QSignalBlocker block(cloud_slider_);
    cloud_slider_->setValue(static_cast<int>(std::lround(v * kSliderScale)));
    edited();
  });

  electricity_ = add_double(form, "electricity", QStringLiteral("Electricity"),
                            QStringLiteral("price of a kWh the owned clusters draw (price book \"on-prem/electricity\")"),
                            {0, 2, 4, 0.01, "/kWh"});
  electricity_->setPrefix(QStringLiteral("$"));
  growth_ = add_double(form, "services_growth", QStringLiteral("Services growth"), QString(),
                       {-50, 100, 2, 1, " %/month"});
  discount_ = add_double(form, "discount_rate", QStringLiteral("Discount rate"),
                         QStringLiteral("yearly rate the NPV discounts future costs at"), {0, 99, 2, 1, " %/year"});
  depreciation_ = add_double(form, "depreciation_years", QStringLiteral("Depreciation"),
                             QStringLiteral("years owned hardware is written off over (price book "
                                            "\"on-prem/depreciation\")"),
                             {1, 15, 1, 1, " years"});
  oversubscription_ = add_double(form, "oversubscription", QStringLiteral("Fabric oversubscription"),
                                 QStringLiteral("leaf down:up ratio of the demand scenarios' scale-out fabric "
                                                "(1:1 = full bisection); slows communication-bound work"),
                                 {1, 16, 2, 0.5, ":1"});

  reset_ = new QPushButton(QStringLiteral("Reset to file values"), box);
  reset_->setObjectName(QStringLiteral("reset"));
  reset_->setAccessibleName(QStringLiteral("Reset to file values"));
  form->addRow(reset_);
  connect(reset_, &QPushButton::clicked, this, [this] {
    set_what_if(file_);
    debounce_->stop();
    emit reset_requested();
  });
  layout->addWidget(box);

  problems_ = new QLabel(this);
  problems_->setObjectName(QStringLiteral("problems"));
  problems_->setAccessibleName(QStringLiteral("Problems"));
  problems_->setWordWrap(true);
  problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problems_->setStyleSheet(
      QStringLiteral("QLabel { color: #c62828; background: #fdecea; border: 1px solid #f5c2c0;"
                     " border-radius: 4px; padding: 6px; }"));
  problems_->hide();
  layout->addWidget(problems_);
  layout->addStretch(1);

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(150);
  connect(debounce_, &QTimer::timeout, this, &StudyPanel::what_if_changed);

  QWidget* previous = gpu_;
  for (QWidget* next : std::initializer_list<QWidget*>{nodes_, cloud_slider_, cloud_, electricity_, growth_, discount_,
                                                       depreciation_, oversubscription_, reset_}) {
    setTabOrder(previous, next);
    previous = next;
  }
  study_->setText(QStringLiteral("Open a study to vary its inputs."));
  set_editors_enabled(false);
}

void StudyPanel::add_row(QFormLayout* form, const char* key, const QString& label, QWidget* editor) {
  const QString name = QString::fromLatin1(key);
  if (editor->objectName().isEmpty()) editor->setObjectName(name);
  if (editor->accessibleName().isEmpty()) editor->setAccessibleName(label);
  auto* row = new QWidget(editor->parentWidget());
  auto* h = new QHBoxLayout(row);
  h->setContentsMargins(0, 0, 0, 0);
  h->addWidget(editor, 1);
  auto* file = new QLabel(row);
  file->setObjectName(name + QStringLiteral("_file"));
  file->setStyleSheet(QStringLiteral("QLabel { color: #5f6b7a; }"));
  file->setToolTip(QStringLiteral("the study file's value"));
  h->addWidget(file);
  auto* text = new QLabel(label, row);
  text->setBuddy(editor);
  form->addRow(text, row);
}

QDoubleSpinBox* StudyPanel::add_double(QFormLayout* form, const char* key, const QString& label, const QString& tip,
                                       const SpinRange& range) {
  auto* spin = new QDoubleSpinBox(this);
  spin->setDecimals(range.decimals);  // before the range: it rounds the limits
  spin->setRange(range.min, range.max);
  spin->setSingleStep(range.step);
  spin->setSuffix(QString::fromUtf8(range.suffix));
  spin->setToolTip(tip);
  spin->setGroupSeparatorShown(false);
  add_row(form, key, label, spin);
  connect(spin, &QDoubleSpinBox::valueChanged, this, &StudyPanel::edited);
  return spin;
}

void StudyPanel::set_study(const planner::tco::Study& study) {
  file_ = study_what_if_of(study);
  has_services_ = has_services(study);
  loaded_ = true;
  {
    const QSignalBlocker block(gpu_);
    gpu_->clear();
    for (const std::string& id : study_gpu_types(study)) gpu_->addItem(qstr(id));
  }
  study_->setText(QStringLiteral("<b>%1</b>: %2 options over %3 months")
                      .arg(qstr(study.name).toHtmlEscaped())
                      .arg(study.options.size())
                      .arg(study.horizon_months));
  set_what_if(file_);
  file_shown_.gpu = file_.gpu;
  file_shown_.nodes = file_.nodes;
  file_shown_.cloud_price_factor = cloud_->value();
  file_shown_.electricity_usd_per_kwh = electricity_->value();
  file_shown_.services_growth = growth_->value();
  file_shown_.discount_rate = discount_->value();
  file_shown_.depreciation_years = depreciation_->value();
  file_shown_.oversubscription = oversubscription_->value();
  show_problems({});
  set_editors_enabled(true);
  show_deltas();
}

StudyWhatIf StudyPanel::what_if() const {
  StudyWhatIf w;
  w.gpu = gpu_->currentText().toStdString();
  if (nodes_->value() > 0) w.nodes = nodes_->value();
  const StudyWhatIf& f = file_;
  const StudyWhatIf& s = file_shown_;
  w.cloud_price_factor = pick(cloud_->value(), s.cloud_price_factor, f.cloud_price_factor, 1);
  w.electricity_usd_per_kwh = pick(electricity_->value(), s.electricity_usd_per_kwh, f.electricity_usd_per_kwh, 1);
  w.services_growth = pick(growth_->value(), s.services_growth, f.services_growth, kPercent);
  w.discount_rate = pick(discount_->value(), s.discount_rate, f.discount_rate, kPercent);
  w.depreciation_years = pick(depreciation_->value(), s.depreciation_years, f.depreciation_years, 1);
  w.oversubscription = pick(oversubscription_->value(), s.oversubscription, f.oversubscription, 1);
  return w;
}

void StudyPanel::set_what_if(const StudyWhatIf& w) {
  const QSignalBlocker blockers[] = {QSignalBlocker(gpu_),      QSignalBlocker(nodes_),
                                     QSignalBlocker(cloud_slider_), QSignalBlocker(cloud_),
                                     QSignalBlocker(electricity_), QSignalBlocker(growth_),
                                     QSignalBlocker(discount_),  QSignalBlocker(depreciation_),
                                     QSignalBlocker(oversubscription_)};
  if (gpu_->findText(qstr(w.gpu)) < 0 && !w.gpu.empty()) gpu_->addItem(qstr(w.gpu));
  gpu_->setCurrentIndex(gpu_->findText(qstr(w.gpu)));
  nodes_->setValue(w.nodes.value_or(0));
  cloud_->setValue(w.cloud_price_factor);
  cloud_slider_->setValue(static_cast<int>(std::lround(w.cloud_price_factor * kSliderScale)));
  electricity_->setValue(w.electricity_usd_per_kwh);
  growth_->setValue(w.services_growth * kPercent);
  discount_->setValue(w.discount_rate * kPercent);
  depreciation_->setValue(w.depreciation_years);
  oversubscription_->setValue(w.oversubscription);
  show_deltas();
}

void StudyPanel::show_problems(const std::vector<std::string>& problems) {
  if (problems.empty()) {
    problems_->clear();
    problems_->hide();
    return;
  }
  QStringList lines;
  for (const std::string& p : problems) lines << qstr(p);
  problems_->setText(lines.join(QStringLiteral("\n")));
  problems_->show();
}

QString StudyPanel::problem_text() const { return problems_->text(); }

void StudyPanel::set_debounce_ms(int ms) { debounce_->setInterval(ms); }

void StudyPanel::apply_now() {
  if (!debounce_->isActive()) return;
  debounce_->stop();
  emit what_if_changed();
}

void StudyPanel::edited() {
  if (!loaded_) return;  // the constructor's range settings
  show_deltas();
  if (debounce_->interval() <= 0) {
    emit what_if_changed();
  } else {
    debounce_->start();
  }
}

void StudyPanel::show_deltas() {
  const StudyWhatIf w = what_if();
  const StudyWhatIf& f = file_;
  auto mark = [this](const char* key, bool changed, const QString& file_text) {
    auto* label = findChild<QLabel*>(QString::fromLatin1(key) + QStringLiteral("_file"));
    label->setText(changed ? QStringLiteral("file: %1").arg(file_text) : QString());
    label->setVisible(changed);
  };
  mark("gpu", w.gpu != f.gpu, qstr(f.gpu));
  mark("nodes", w.nodes != f.nodes, f.nodes ? QString::number(*f.nodes) : QStringLiteral("sized"));
  mark("cloud_price", w.cloud_price_factor != f.cloud_price_factor,
       QStringLiteral("x") + qstr(units::format_count(f.cloud_price_factor)));
  mark("electricity", w.electricity_usd_per_kwh != f.electricity_usd_per_kwh,
       QStringLiteral("$") + qstr(units::format_count(f.electricity_usd_per_kwh)));
  mark("services_growth", w.services_growth != f.services_growth, qstr(units::format_percent(f.services_growth)));
  mark("discount_rate", w.discount_rate != f.discount_rate, qstr(units::format_percent(f.discount_rate)));
  mark("depreciation_years", w.depreciation_years != f.depreciation_years,
       qstr(units::format_count(f.depreciation_years)) + QStringLiteral(" y"));
  mark("oversubscription", w.oversubscription != f.oversubscription,
       qstr(units::format_count(f.oversubscription)) + QStringLiteral(":1"));
}

void StudyPanel::set_editors_enabled(bool enabled) {
  for (QWidget* w : std::initializer_list<QWidget*>{gpu_, nodes_, cloud_slider_, cloud_, electricity_, discount_,
                                                    depreciation_, oversubscription_, reset_}) {
    w->setEnabled(enabled);
  }
  growth_->setEnabled(enabled && has_services_);
  growth_->setToolTip(has_services_ ? QStringLiteral("compound monthly growth of every inference service's request rate")
                                    : QStringLiteral("this study has no inference service"));
}

}  // namespace capsim::gui
