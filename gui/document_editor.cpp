#include "gui/document_editor.hpp"

#include <QTabWidget>
#include <QVBoxLayout>
#include <vector>

#include <nlohmann/json.hpp>

#include "gui/form_editor.hpp"
#include "gui/json_editor.hpp"
#include "planner/json_reader.hpp"

namespace capsim::gui {

DocumentEditor::DocumentEditor(QWidget* parent) : QWidget(parent) {
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName(QStringLiteral("document_tabs"));
  form_ = new FormEditor(tabs_);
  form_->setObjectName(QStringLiteral("form_editor"));
  json_ = new JsonEditor(tabs_);
  json_->setObjectName(QStringLiteral("json_editor"));
  tabs_->addTab(form_, tr("Form"));
  tabs_->addTab(json_, tr("JSON"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tabs_);

  connect(json_, &JsonEditor::text_edited, this, [this] {
    form_from_text();
    emit changed();
  });
  connect(json_, &JsonEditor::problems_changed, this, [this] { form_->show_problems(json_->problems()); });
  connect(form_, &FormEditor::document_edited, this, [this] {
    text_from_form();
    emit changed();
  });
}

void DocumentEditor::set_text(const QString& text, const QString& file) {
  json_->set_text(text, file);
  form_from_text();
}

QString DocumentEditor::text() const { return json_->text(); }

bool DocumentEditor::is_valid() const { return parses_ && json_->problems().empty(); }

int DocumentEditor::problem_count() const { return static_cast<int>(json_->problems().size()); }

void DocumentEditor::check_now() { json_->check_now(); }

void DocumentEditor::form_from_text() {
  const std::string text = json_->text().toStdString();
  if (text.empty() && json_->file().isEmpty()) {
    parses_ = false;
    form_->set_document(nlohmann::ordered_json(), QString());
    form_->set_unavailable(tr("No document is open."));
    return;
  }
  std::vector<Diagnostic> syntax;
  const std::optional<nlohmann::json> parsed = planner::parse_json_text(text, json_->file().toStdString(), syntax);
  parses_ = parsed.has_value();
  if (!parses_) {
    form_->set_unavailable(tr("The form is unavailable until the JSON text parses: %1")
                               .arg(QString::fromStdString(syntax.empty() ? std::string() : syntax.front().message)));
    return;
  }
  // Parsed again keeping key order, so that a later form edit leaves the file's order alone.
  form_->set_document(nlohmann::ordered_json::parse(text), json_->file());
  form_->show_problems(json_->problems());  // until the next check replaces them
}

void DocumentEditor::text_from_form() {
  const std::string pretty = form_->ordered_document().dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  json_->replace_text(QString::fromStdString(pretty) + QLatin1Char('\n'));
}

}  // namespace capsim::gui
