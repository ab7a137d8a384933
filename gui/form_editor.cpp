#include "gui/form_editor.hpp"

#include <QComboBox>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>

#include "planner/json_reader.hpp"

namespace capsim::gui {

namespace {

constexpr int kEditorWidth = 300;
constexpr int kLabelWidth = 190;
constexpr int kMaxInteger = 1'000'000'000;
// A frame around each editor turns red, rather than the editor itself: a style sheet on a spin box or combo box
// replaces its native drawing (the arrows go).
const QString kFrameStyle = QStringLiteral("QFrame#field_frame { border: 2px solid %1; border-radius: 3px; }");
const QString kMessageStyle = QStringLiteral("color: #b71c1c;");

QString q(const std::string& s) { return QString::fromStdString(s); }

/// Integers the spin box can show: absent, or a whole number in [0, kMaxInteger]. Others ("4k", -3) get a text field.
bool spin_can_show(const std::string& text) {
  if (text.empty()) return true;
  if (text.find_first_not_of("0123456789") != std::string::npos || text.size() > 10) return false;
  return std::stoll(text) <= kMaxInteger;
}

/// Where a problem belongs: its pointer, or for a missing key (reported at the object that lacks it) the key's own
/// pointer, so that it shows at the field that would hold the value.
std::string owner_pointer(const Problem& p) {
  static const std::string kMissing = "missing required key \"";
  if (!p.message.starts_with(kMissing)) return p.pointer;
  const std::size_t end = p.message.find('"', kMissing.size());
  if (end == std::string::npos) return p.pointer;
  return planner::json_pointer_append(p.pointer, p.message.substr(kMissing.size(), end - kMissing.size()));
}

/// An editor that leaves the mouse wheel to the scroll area unless it has focus, so that scrolling the form never
/// changes a value by accident.
template <class Editor>
class WheelSafe : public Editor {
 public:
  explicit WheelSafe(QWidget* parent) : Editor(parent) { this->setFocusPolicy(Qt::StrongFocus); }

 protected:
  void wheelEvent(QWheelEvent* e) override {
    if (this->hasFocus()) {
      Editor::wheelEvent(e);
    } else {
      e->ignore();
    }
  }
};

QLabel* message_label(const QString& name, QWidget* parent) {
  auto* label = new QLabel(parent);
  label->setObjectName(name);
  label->setStyleSheet(kMessageStyle);
  label->setWordWrap(true);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label->hide();
  return label;
}

}  // namespace

FormEditor::FormEditor(QWidget* parent) : QWidget(parent) {
  banner_ = message_label(QStringLiteral("form_banner"), this);
  banner_->setContentsMargins(8, 6, 8, 6);
  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(banner_);
  layout->addWidget(scroll_, 1);
  rebuild();
}

void FormEditor::set_document(const nlohmann::json& doc, const QString& file) {
  set_document(nlohmann::ordered_json(doc), file);
}

void FormEditor::set_document(const nlohmann::ordered_json& doc, const QString& file) {
  doc_ = doc;
  file_ = file;
  banner_->hide();
  scroll_->setEnabled(true);
  rebuild();
}

void FormEditor::set_unavailable(const QString& why) {
  banner_->setText(why);
  banner_->show();
  scroll_->setEnabled(false);
}

QWidget* FormEditor::field(const std::string& pointer) const {
  for (const Field& f : fields_) {
    if (f.spec.pointer == pointer) return f.editor;
  }
  return nullptr;
}

void FormEditor::rebuild() {
  fields_.clear();
  section_messages_.clear();
  auto* content = new QWidget;
  auto* column = new QVBoxLayout(content);
  column->setContentsMargins(8, 8, 8, 8);
  column->setSpacing(10);
  loading_ = true;
  for (const FormSection& section : form_sections(doc_)) {
    auto* box = new QGroupBox(q(section.title), content);
    box->setObjectName(q(section.pointer.empty() ? "/" : section.pointer) + QStringLiteral("#section"));
    auto* grid = new QGridLayout(box);
    grid->setHorizontalSpacing(12);
    grid->setColumnStretch(2, 1);
    grid->setColumnMinimumWidth(0, kLabelWidth);  // the same label column in every section
    grid->setVerticalSpacing(2);
    QLabel* section_message = message_label(box->objectName() + QStringLiteral("#message"), box);
    grid->addWidget(section_message, 0, 0, 1, 3);
    if (!section.pointer.empty()) section_messages_[section.pointer] = section_message;
    int row = 1;
    for (const FieldSpec& spec : section.fields) {
      auto* label = new QLabel(q(spec.label), box);
      auto* frame = new QFrame(box);
      frame->setObjectName(QStringLiteral("field_frame"));
      frame->setStyleSheet(kFrameStyle.arg(QStringLiteral("transparent")));
      auto* frame_layout = new QVBoxLayout(frame);
      frame_layout->setContentsMargins(2, 2, 2, 2);
      QWidget* editor = make_editor(spec, frame);
      frame_layout->addWidget(editor);
      label->setBuddy(editor);
      QLabel* message = message_label(q(spec.pointer) + QStringLiteral("#message"), box);
      grid->addWidget(label, row, 0);
      grid->addWidget(frame, row, 1, Qt::AlignLeft);
      grid->addWidget(message, row, 2);
      fields_.push_back({spec, editor, frame, message});
      ++row;
    }
    column->addWidget(box);
  }
  column->addStretch(1);
  loading_ = false;
  scroll_->setWidget(content);  // deletes the previous fields
  for (std::size_t i = 1; i < fields_.size(); ++i) QWidget::setTabOrder(fields_[i - 1].editor, fields_[i].editor);
}

QWidget* FormEditor::make_editor(const FieldSpec& spec, QWidget* parent) {
  const QString name = q(spec.pointer);
  const std::string value = field_text(doc_, spec.pointer);
  QWidget* editor = nullptr;
  if (spec.kind == FieldKind::integer && spin_can_show(value)) {
    auto* spin = new WheelSafe<QSpinBox>(parent);
    spin->setRange(-1, kMaxInteger);
    spin->setSpecialValueText(tr("not set"));  // the lowest value: the key is left out
    spin->setValue(value.empty() ? -1 : std::stoi(value));
    connect(spin, &QSpinBox::valueChanged, this,
            [this, spec](int v) { write(spec, v < 0 ? QString() : QString::number(v)); });
    editor = spin;
  } else if (spec.kind == FieldKind::choice || spec.kind == FieldKind::boolean) {
    auto* combo = new WheelSafe<QComboBox>(parent);
    const std::vector<std::string> options =
        spec.kind == FieldKind::boolean ? std::vector<std::string>{"true", "false"} : spec.options;
    combo->addItem(tr("not set"), QString());
    for (const std::string& o : options) combo->addItem(q(o), q(o));
    if (!value.empty() && std::find(options.begin(), options.end(), value) == options.end()) {
      combo->addItem(q(value), q(value));  // kept as written; the checks say what is wrong with it
    }
    combo->setCurrentIndex(std::max(0, combo->findData(q(value))));
    connect(combo, &QComboBox::currentIndexChanged, this,
            [this, spec, combo](int index) { write(spec, combo->itemData(index).toString()); });
    editor = combo;
  } else if (spec.kind == FieldKind::editable_choice) {
    auto* combo = new WheelSafe<QComboBox>(parent);
    combo->setEditable(true);
    combo->setInsertPolicy(QComboBox::NoInsert);
    for (const std::string& o : spec.options) combo->addItem(q(o));
    combo->setCurrentIndex(combo->findText(q(value)));
    combo->setEditText(q(value));
    combo->lineEdit()->setPlaceholderText(tr("not set"));
    connect(combo, &QComboBox::currentTextChanged, this, [this, spec](const QString& t) { write(spec, t); });
    editor = combo;
  } else {
    auto* line = new QLineEdit(q(value), parent);
    line->setPlaceholderText(tr("not set"));
    connect(line, &QLineEdit::textEdited, this, [this, spec](const QString& t) { write(spec, t); });
    editor = line;
  }
  editor->setObjectName(name);
  editor->setFixedWidth(kEditorWidth);
  editor->setAccessibleName(q(spec.label));
  return editor;
}

void FormEditor::write(const FieldSpec& spec, const QString& text) {
  if (loading_) return;
  if (write_field(doc_, spec, text.trimmed().toStdString())) emit document_edited();
}

void FormEditor::mark(Field& f, const QStringList& messages) {
  const bool bad = !messages.empty();
  f.editor->setProperty("has_problem", bad);
  f.frame->setStyleSheet(kFrameStyle.arg(bad ? QStringLiteral("#d32f2f") : QStringLiteral("transparent")));
  f.editor->setToolTip(messages.join(QStringLiteral("\n")));
  f.message->setText(messages.join(QStringLiteral("\n")));
  f.message->setVisible(bad);
}

void FormEditor::show_problems(const std::vector<Problem>& problems) {
  std::map<QWidget*, QStringList> at_field;
  std::map<std::string, QStringList> at_section;
  QStringList elsewhere;
  for (const Problem& p : problems) {
    const std::string at = owner_pointer(p);
    const Field* best = nullptr;
    for (const Field& f : fields_) {
      if (pointer_at_or_under(at, f.spec.pointer) &&
          (best == nullptr || f.spec.pointer.size() > best->spec.pointer.size())) {
        best = &f;
      }
    }
    if (best != nullptr) {
      at_field[best->editor] << q(p.message);
      continue;
    }
    std::string section;
    for (const auto& [pointer, label] : section_messages_) {
      if (pointer_at_or_under(p.pointer, pointer) && pointer.size() > section.size()) section = pointer;
    }
    if (!section.empty()) {
      at_section[section] << (p.pointer == section ? q(p.message) : q(p.pointer.substr(section.size() + 1)) +
                                                                        QStringLiteral(": ") + q(p.message));
    } else {
      elsewhere << (p.pointer.empty() ? q(p.message) : q(p.pointer) + QStringLiteral(": ") + q(p.message));
    }
  }
  for (Field& f : fields_) mark(f, at_field[f.editor]);
  for (const auto& [pointer, label] : section_messages_) {
    const QStringList& messages = at_section[pointer];
    label->setText(messages.join(QStringLiteral("\n")));
    label->setVisible(!messages.empty());
  }
  if (scroll_->isEnabled()) {
    banner_->setText(elsewhere.join(QStringLiteral("\n")));
    banner_->setVisible(!elsewhere.empty());
  }
}

}  // namespace capsim::gui
