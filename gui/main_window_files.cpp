// The file side of MainWindow (main_window.hpp): open, save, autosave and recovery, recent files, export.

#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QPdfWriter>
#include <QPainter>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <filesystem>
#include <QUrl>
#include <fstream>

#include "gui/background_runner.hpp"
#include "gui/document_editor.hpp"
#include "gui/document_tree_model.hpp"
#include "gui/main_window.hpp"
#include "gui/study_page.hpp"
#include "planner/report/pdf/plan_report_pdf.hpp"
#include "planner/report/plan_report.hpp"
#include "planner/report/scenario_report.hpp"
#include "planner/run.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/error.hpp"

namespace capsim::gui {

namespace {

constexpr int kRecentFiles = 8;
const QString kRecentKey = QStringLiteral("recent_files");

/// A value for a CSV cell (RFC 4180 quoting when needed).
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

bool MainWindow::open_file(const QString& path) {
  std::string error;
  std::optional<OpenDocument> doc = read_document(path.toStdString(), &error);
  if (!doc) {
    last_error_ = QString::fromStdString(error);
    statusBar()->showMessage(QStringLiteral("Could not open ") + last_error_);
    return false;
  }
  const bool ok = doc->loaded();
  last_error_ = ok ? QString() : QString::fromStdString(doc->problems.front());
  const QString absolute = QString::fromStdString(doc->path);
  const int i = docs_->add(std::move(*doc));
  add_recent(absolute);
  current_ = -1;  // force the page to show it, even when it was open already
  select_document(i);
  if (!ok) show_tab(1);  // the Edit tab shows the problems at their fields
  else if (tabs_->currentIndex() == 1) show_tab(0);
  return ok;
}

bool MainWindow::reload() {
  OpenDocument* d = current_document();
  if (!d) return false;
  autosave_.discard(QString::fromStdString(d->path));
  return open_file(QString::fromStdString(d->path));
}

bool MainWindow::write_document(OpenDocument& doc, const QString& path) {
  try {
    write_file_atomically(path.toStdString(), doc.text);
  } catch (const Error& e) {
    last_error_ = QString::fromUtf8(e.what());
    statusBar()->showMessage(QStringLiteral("Not saved: ") + last_error_);
    return false;
  }
  return true;
}

bool MainWindow::save() {
  OpenDocument* d = current_document();
  if (!d) return false;
  if (!write_document(*d, QString::fromStdString(d->path))) return false;
  d->saved_text = d->text;
  autosave_.discard(QString::fromStdString(d->path));
  docs_->refresh(current_);
  tree_->setCurrentIndex(docs_->index_of(current_));
  update_title();
  statusBar()->showMessage(QStringLiteral("Saved %1").arg(QString::fromStdString(d->path)));
  return true;
}

bool MainWindow::save_as(const QString& path) {
  OpenDocument* d = current_document();
  if (!d) return false;
  if (!write_document(*d, path)) return false;
  autosave_.discard(QString::fromStdString(d->path));
  OpenDocument copy = *d;
  copy.path = QFileInfo(path).absoluteFilePath().toStdString();
  copy.saved_text = copy.text;
  load_document(copy);  // relative paths now resolve against the new folder
  const int i = docs_->add(std::move(copy));
  add_recent(path);
  current_ = -1;
  select_document(i);
  return true;
}

bool MainWindow::export_report(const QString& path) {
  const OpenDocument* d = current_document();
  if (!d) {
    last_error_ = QStringLiteral("no file is open");
    return false;
  }
  wait_idle();
  const QString suffix = QFileInfo(path).suffix().toLower();
  const std::string out = path.toStdString();
  try {
    if (suffix == QLatin1String("png")) {
      if (!pages_->currentWidget()->grab().save(path, "PNG")) throw Error("cannot write " + out);
    } else if (d->kind == DocumentKind::study) {
      const std::optional<planner::tco::PlanResult> full = study_->plan_for_export();
      if (!full) throw Error("the study has no plan yet (it has problems, or its run was cancelled)");
      const planner::tco::PlanResult& plan = *full;
      if (suffix == QLatin1String("pdf")) planner::report::write_plan_report_pdf(plan, out);
      else if (suffix == QLatin1String("html")) write_file_atomically(out, planner::report::plan_report_html(plan));
      else if (suffix == QLatin1String("csv")) write_file_atomically(out, planner::report::plan_costs_csv(plan));
      else throw Error("export as .pdf, .html, .csv or .png, not ." + suffix.toStdString());
    } else if (suffix == QLatin1String("html")) {
      if (!d->scenario) throw Error("the scenario has problems: fix them in the Edit tab first");
      const planner::ScenarioResult result = planner::run_scenario(*d->scenario);
      write_file_atomically(out, planner::report::scenario_report_html(result, *d->scenario));
    } else if (suffix == QLatin1String("csv")) {
      const std::optional<Snapshot> s = current_snapshot(d->name);
      if (!s) throw Error("there is no result to export yet");
      std::string csv = "figure,value\r\n";
      for (const CompareFigure& f : s->figures) csv += csv_cell(f.label) + "," + csv_cell(f.text) + "\r\n";
      write_file_atomically(out, csv);
    } else if (suffix == QLatin1String("pdf")) {
      // A scenario's results page as one landscape A4 page, drawn as vectors where the widgets are.
      const std::string tmp = out + ".tmp";
      {
        QPdfWriter pdf(QString::fromStdString(tmp));
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageOrientation(QPageLayout::Landscape);
        pdf.setTitle(QString::fromStdString(d->name));
        QPainter painter;
        if (!painter.begin(&pdf)) throw Error("cannot write " + out);
        QWidget* page = pages_->currentWidget();
        const double scale = std::min(pdf.width() / double(page->width()), pdf.height() / double(page->height()));
        painter.scale(scale, scale);
        page->render(&painter);
        painter.end();
      }
      std::error_code ec;
      std::filesystem::rename(tmp, out, ec);
      if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error("cannot write " + out);
      }
    } else {
      throw Error("export as .pdf, .html, .csv or .png, not ." + suffix.toStdString());
    }
  } catch (const Error& e) {
    last_error_ = QString::fromUtf8(e.what());
    statusBar()->showMessage(QStringLiteral("Not exported: ") + last_error_);
    return false;
  }
  statusBar()->showMessage(QStringLiteral("Exported %1").arg(path));
  return true;
}

std::vector<AutosaveStore::Entry> MainWindow::recoverable() const { return autosave_.pending(); }

int MainWindow::recover(const std::vector<AutosaveStore::Entry>& entries) {
  int n = 0;
  for (const AutosaveStore::Entry& e : entries) {
    if (e.path.isEmpty() || !open_file(e.path)) {
      if (!QFileInfo::exists(e.path)) continue;  // the file is gone: keep the autosave, say nothing clever
    }
    const int i = docs_->find(QFileInfo(e.path).absoluteFilePath().toStdString());
    if (i < 0) continue;
    select_document(i);
    edit_text(e.text);
    ++n;
  }
  if (n > 0) statusBar()->showMessage(QStringLiteral("Recovered unsaved edits of %1 file(s): save to keep them").arg(n));
  return n;
}

void MainWindow::discard_recovery(const std::vector<AutosaveStore::Entry>& entries) {
  for (const AutosaveStore::Entry& e : entries) QFile::remove(e.autosave);
}

void MainWindow::offer_recovery() {
  const std::vector<AutosaveStore::Entry> entries = recoverable();
  if (entries.empty()) return;
  QString files;
  for (const AutosaveStore::Entry& e : entries)
    files += QStringLiteral("\n  %1 (edited %2)").arg(e.path, e.saved.toLocalTime().toString(Qt::ISODate));
  const auto answer = QMessageBox::question(
      this, QStringLiteral("Recover unsaved edits?"),
      QStringLiteral("CapSim stopped before these edits were saved:%1\n\nRecover them? (Discard deletes them.)").arg(files),
      QMessageBox::Yes | QMessageBox::Discard, QMessageBox::Yes);
  if (answer == QMessageBox::Yes) recover(entries);
  else discard_recovery(entries);
}

void MainWindow::open_dialog() {
  const OpenDocument* d = current_document();
  const QString start = d ? QFileInfo(QString::fromStdString(d->path)).absolutePath() : QString();
  const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open a study or scenario"), start,
                                                    QStringLiteral("Studies and scenarios (*.json);;All files (*)"));
  if (!path.isEmpty() && !open_file(path) && docs_->find(QFileInfo(path).absoluteFilePath().toStdString()) < 0)
    QMessageBox::warning(this, QStringLiteral("Cannot open"), last_error_);
}

void MainWindow::save_as_dialog() {
  const OpenDocument* d = current_document();
  if (!d) return;
  const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save as"), QString::fromStdString(d->path),
                                                    QStringLiteral("JSON (*.json)"));
  if (!path.isEmpty() && !save_as(path)) QMessageBox::warning(this, QStringLiteral("Not saved"), last_error_);
}

void MainWindow::export_dialog() {
  const OpenDocument* d = current_document();
  if (!d) return;
  const QString base = QFileInfo(QString::fromStdString(d->path)).completeBaseName();
  const QString path = QFileDialog::getSaveFileName(
      this, QStringLiteral("Export report"), base + QStringLiteral("-report.pdf"),
      QStringLiteral("PDF report (*.pdf);;HTML report (*.html);;CSV (*.csv);;PNG picture (*.png)"));
  if (!path.isEmpty() && !export_report(path)) QMessageBox::warning(this, QStringLiteral("Not exported"), last_error_);
}

void MainWindow::add_recent(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value(kRecentKey).toStringList();
  const QString absolute = QFileInfo(path).absoluteFilePath();
  recent.removeAll(absolute);
  recent.prepend(absolute);
  while (recent.size() > kRecentFiles) recent.removeLast();
  settings.setValue(kRecentKey, recent);
  fill_recent_menu();
}

void MainWindow::fill_recent_menu() {
  recent_menu_->clear();
  const QStringList recent = QSettings().value(kRecentKey).toStringList();
  for (const QString& path : recent) {
    recent_menu_->addAction(QFileInfo(path).fileName() + QStringLiteral("  (") + QFileInfo(path).absolutePath() +
                                QStringLiteral(")"),
                            this, [this, path] {
                              if (!open_file(path) && docs_->find(path.toStdString()) < 0)
                                QMessageBox::warning(this, QStringLiteral("Cannot open"), last_error_);
                            });
  }
  recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) open_file(url.toLocalFile());
  event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  // Unsaved edits stay in the autosave folder, so closing never loses them; say so rather than nag.
  int dirty = 0;
  for (int i = 0; i < docs_->count(); ++i) dirty += docs_->document(i).dirty();
  if (dirty > 0 && isVisible() && !testAttribute(Qt::WA_DontShowOnScreen)) {
    const auto answer = QMessageBox::question(
        this, QStringLiteral("Unsaved edits"),
        QStringLiteral("%1 file(s) have unsaved edits. They are kept and offered back at the next start.\nQuit now?")
            .arg(dirty),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) {
      event->ignore();
      return;
    }
  }
  runner_->cancel();
  event->accept();
}

}  // namespace capsim::gui
