#include "gui/headline_bar.hpp"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace capsim::gui {

namespace {

/// Captions in the order make_summary_rows emits its headline rows, and each card's share of the width (memory
/// needs "42.1 GiB of 74.5 GiB").
struct CardSpec {
  const char* label;
  int stretch;
};
const CardSpec kCards[] = {{"Step time", 2}, {"Tokens/s", 3}, {"MFU", 2}, {"Memory per GPU", 4}, {"Time to train", 2}};

constexpr const char* kCaptionStyle = "color: %1;";

constexpr const char* kValueStyle = "font-size: 14pt; font-weight: 600; color: %1;";

}  // namespace

HeadlineBar::HeadlineBar(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("headline_bar"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(8);
  for (const CardSpec& spec : kCards) {
    auto* frame = new QFrame(this);
    // Widths come from the stretch factors, not the texts, so a long value never widens the window.
    frame->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setStyleSheet(
        QStringLiteral("QFrame { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; }"
                       "QLabel { border: none; background: transparent; }"));
    auto* box = new QVBoxLayout(frame);
    box->setContentsMargins(10, 6, 10, 6);
    box->setSpacing(2);
    Card card;
    card.label = QString::fromUtf8(spec.label);
    card.caption = new QLabel(card.label, frame);
    card.caption->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    card.value = new QLabel(frame);
    card.value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    card.value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->addWidget(card.caption);
    box->addWidget(card.value);
    layout->addWidget(frame, spec.stretch);
    cards_.push_back(card);
  }
  clear();
}

void HeadlineBar::set_rows(const std::vector<planner::SummaryRow>& rows) {
  clear();
  for (const planner::SummaryRow& row : rows) {
    if (!row.headline) continue;
    for (Card& card : cards_) {
      if (card.label.toStdString() != row.label) continue;
      card.value->setText(QString::fromStdString(row.brief.empty() ? row.value : row.brief));
      card.value->setToolTip(QString::fromStdString(row.value));
      card.value->setStyleSheet(QString::fromLatin1(kValueStyle).arg(row.warning ? "#c62828" : "#1f2328"));
      if (row.warning) card.caption->setStyleSheet(QString::fromLatin1(kCaptionStyle).arg("#c62828"));
    }
  }
}

void HeadlineBar::clear() {
  for (Card& card : cards_) {
    card.caption->setStyleSheet(QString::fromLatin1(kCaptionStyle).arg("#57606a"));
    card.value->setText(QStringLiteral("-"));
    card.value->setToolTip({});
    card.value->setStyleSheet(QString::fromLatin1(kValueStyle).arg("#8c959f"));
  }
}

QString HeadlineBar::value_of(const QString& label) const {
  for (const Card& card : cards_) {
    if (card.label == label) return card.value->text();
  }
  return {};
}

}  // namespace capsim::gui
