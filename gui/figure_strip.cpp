#include "gui/figure_strip.hpp"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace capsim::gui {

namespace {

constexpr const char* kFrameStyle =
    "QFrame { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; }"
    "QLabel { border: none; background: transparent; }";
constexpr const char* kCaptionStyle = "color: %1;";
constexpr const char* kValueStyle = "font-size: 14pt; font-weight: 600; color: %1;";

}  // namespace

FigureStrip::FigureStrip(QWidget* parent) : QWidget(parent) {
  layout_ = new QHBoxLayout(this);
  layout_->setContentsMargins(0, 0, 0, 0);
  layout_->setSpacing(8);
}

void FigureStrip::set_figures(const std::vector<Figure>& figures) {
  while (QLayoutItem* item = layout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  figures_ = figures;
  for (const Figure& f : figures) {
    auto* frame = new QFrame(this);
    // Widths come from the layout, not the texts, so a long value never widens the window.
    frame->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setStyleSheet(QString::fromLatin1(kFrameStyle));
    auto* box = new QVBoxLayout(frame);
    box->setContentsMargins(10, 6, 10, 6);
    box->setSpacing(2);
    auto* caption = new QLabel(f.caption, frame);
    caption->setStyleSheet(QString::fromLatin1(kCaptionStyle).arg(f.warning ? "#c62828" : "#57606a"));
    auto* value = new QLabel(f.value, frame);
    value->setStyleSheet(QString::fromLatin1(kValueStyle).arg(f.warning ? "#c62828" : "#1f2328"));
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setToolTip(f.tooltip.isEmpty() ? f.value : f.tooltip);
    for (QLabel* label : {caption, value}) label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    box->addWidget(caption);
    box->addWidget(value);
    layout_->addWidget(frame, 1);
  }
}

QString FigureStrip::value_of(const QString& caption) const {
  for (const Figure& f : figures_) {
    if (f.caption == caption) return f.value;
  }
  return {};
}

}  // namespace capsim::gui
