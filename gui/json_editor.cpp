#include "gui/json_editor.hpp"

#include <QFontDatabase>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QTextBlock>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>

namespace capsim::gui {

namespace {

constexpr int kDebounce_ms = 300;
const QColor kProblemLine(253, 231, 233);

/// A QPlainTextEdit with a line-number gutter (the Qt "Code Editor" example, cut down).
class NumberedTextEdit : public QPlainTextEdit {
 public:
  explicit NumberedTextEdit(QWidget* parent) : QPlainTextEdit(parent), gutter_(new Gutter(this)) {
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { update_margin(); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
      if (dy != 0) {
        gutter_->scroll(0, dy);
      } else {
        gutter_->update(0, rect.y(), gutter_->width(), rect.height());
      }
    });
    update_margin();
  }

  int gutter_width() const {
    const int digits = static_cast<int>(QString::number(std::max(1, blockCount())).size());
    return 12 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(3, digits);
  }

 protected:
  void resizeEvent(QResizeEvent* e) override {
    QPlainTextEdit::resizeEvent(e);
    const QRect r = contentsRect();
    gutter_->setGeometry(QRect(r.left(), r.top(), gutter_width(), r.height()));
  }
  void changeEvent(QEvent* e) override {
    QPlainTextEdit::changeEvent(e);
    if (e->type() == QEvent::FontChange) update_margin();
  }

 private:
  class Gutter : public QWidget {
   public:
    explicit Gutter(NumberedTextEdit* edit) : QWidget(edit), edit_(edit) {}
    QSize sizeHint() const override { return {edit_->gutter_width(), 0}; }

   protected:
    void paintEvent(QPaintEvent* e) override { edit_->paint_gutter(e->rect()); }

   private:
    NumberedTextEdit* edit_;
  };

  void update_margin() { setViewportMargins(gutter_width(), 0, 0, 0); }

  void paint_gutter(const QRect& rect) {
    QPainter p(gutter_);
    p.fillRect(rect, palette().color(QPalette::AlternateBase));
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.setFont(font());
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    const int line_height = fontMetrics().height();
    while (block.isValid() && top <= rect.bottom()) {
      const int bottom = top + qRound(blockBoundingRect(block).height());
      if (block.isVisible() && bottom >= rect.top()) {
        p.drawText(0, top, gutter_->width() - 6, line_height, Qt::AlignRight, QString::number(block.blockNumber() + 1));
      }
      block = block.next();
      top = bottom;
    }
  }

  Gutter* gutter_;
};

QString item_text(const Problem& p) {
  QString where = p.line > 0 ? QStringLiteral("%1:%2").arg(p.line).arg(p.column) : QStringLiteral("-");
  QString what = QString::fromStdString(p.message);
  if (!p.pointer.empty()) what = QString::fromStdString(p.pointer) + QStringLiteral(": ") + what;
  return where + QStringLiteral("  ") + what;
}

}  // namespace

JsonEditor::JsonEditor(QWidget* parent) : QWidget(parent) {
  view_ = new NumberedTextEdit(this);
  view_->setObjectName(QStringLiteral("json_text"));
  view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  view_->setLineWrapMode(QPlainTextEdit::NoWrap);
  view_->setTabChangesFocus(false);

  auto* bottom = new QWidget(this);
  auto* bottom_layout = new QVBoxLayout(bottom);
  bottom_layout->setContentsMargins(0, 4, 0, 0);
  summary_ = new QLabel(tr("No problems"), bottom);
  summary_->setObjectName(QStringLiteral("json_problem_summary"));
  list_ = new QListWidget(bottom);
  list_->setObjectName(QStringLiteral("json_problems"));
  list_->setWordWrap(true);
  list_->setToolTip(tr("Click a problem to go to its place in the text"));
  bottom_layout->addWidget(summary_);
  bottom_layout->addWidget(list_);

  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(view_);
  split->addWidget(bottom);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  split->setChildrenCollapsible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);

  debounce_ = new QTimer(this);
  debounce_->setSingleShot(true);
  debounce_->setInterval(kDebounce_ms);
  connect(debounce_, &QTimer::timeout, this, &JsonEditor::check_now);
  connect(view_, &QPlainTextEdit::textChanged, this, [this] {
    debounce_->start();
    if (!programmatic_) emit text_edited();
  });
  connect(list_, &QListWidget::itemClicked, this, &JsonEditor::on_item);
  connect(list_, &QListWidget::itemActivated, this, &JsonEditor::on_item);
}

void JsonEditor::set_text(const QString& text, const QString& file) {
  file_ = file;
  programmatic_ = true;
  view_->setPlainText(text);
  programmatic_ = false;
  if (text.isEmpty() && file.isEmpty()) {
    debounce_->stop();  // no document: nothing to check
    show_problems({});
  } else {
    debounce_->start();
  }
}

void JsonEditor::replace_text(const QString& text) {
  if (text == view_->toPlainText()) return;
  const int scroll = view_->verticalScrollBar()->value();
  programmatic_ = true;
  QTextCursor cursor(view_->document());
  cursor.beginEditBlock();
  cursor.select(QTextCursor::Document);
  cursor.insertText(text);
  cursor.endEditBlock();
  programmatic_ = false;
  view_->verticalScrollBar()->setValue(scroll);
  debounce_->start();
}

QString JsonEditor::text() const { return view_->toPlainText(); }

bool JsonEditor::check_pending() const { return debounce_->isActive(); }

void JsonEditor::check_now() {
  debounce_->stop();
  show_problems(check_document(text().toStdString(), file_.toStdString()));
}

void JsonEditor::show_problems(std::vector<Problem> problems) {
  problems_ = std::move(problems);
  list_->clear();
  for (const Problem& p : problems_) {
    auto* item = new QListWidgetItem(item_text(p), list_);
    item->setData(Qt::UserRole, p.line);
    item->setData(Qt::UserRole + 1, p.column);
    item->setForeground(QColor(183, 28, 28));
  }
  summary_->setText(problems_.empty() ? tr("No problems")
                                      : tr("%n problem(s), as capsim reports them:", "", int(problems_.size())));
  highlight_problem_lines();
  emit problems_changed(static_cast<int>(problems_.size()));
}

void JsonEditor::go_to_problem(int index) {
  if (index < 0 || index >= static_cast<int>(problems_.size())) return;
  const Problem& p = problems_[static_cast<std::size_t>(index)];
  if (p.line <= 0) return;
  const QTextBlock block = view_->document()->findBlockByNumber(p.line - 1);
  if (!block.isValid()) return;
  QTextCursor cursor(block);
  cursor.setPosition(block.position() + std::clamp(p.column - 1, 0, std::max(0, block.length() - 1)));
  view_->setTextCursor(cursor);
  view_->centerCursor();
  view_->setFocus();
}

void JsonEditor::on_item(QListWidgetItem* item) { go_to_problem(list_->row(item)); }

void JsonEditor::highlight_problem_lines() {
  QList<QTextEdit::ExtraSelection> marks;
  for (const Problem& p : problems_) {
    const QTextBlock block = view_->document()->findBlockByNumber(p.line - 1);
    if (p.line <= 0 || !block.isValid()) continue;
    QTextEdit::ExtraSelection mark;
    mark.format.setBackground(kProblemLine);
    mark.format.setProperty(QTextFormat::FullWidthSelection, true);
    mark.format.setToolTip(QString::fromStdString(p.message));
    mark.cursor = QTextCursor(block);
    marks.push_back(mark);
  }
  view_->setExtraSelections(marks);
}

}  // namespace capsim::gui
