#pragma once
/// @file figure_strip.hpp
/// A row of captioned figures (the headline strip of the serving, fleet and search views), drawn like HeadlineBar's
/// cards but with captions chosen by the caller.

#include <QString>
#include <QWidget>
#include <vector>

class QHBoxLayout;
class QLabel;

namespace capsim::gui {

/// One figure: a small caption over a large value.
struct Figure {
  QString caption;
  QString value;
  QString tooltip;       ///< "" = none
  bool warning = false;  ///< drawn red
};

/// Cards of equal width, one per figure, replaced as a whole by set_figures().
class FigureStrip : public QWidget {
  Q_OBJECT

 public:
  explicit FigureStrip(QWidget* parent = nullptr);

  /// Shows `figures`, left to right.
  void set_figures(const std::vector<Figure>& figures);
  /// The value shown under `caption` ("" if there is none), for tests.
  QString value_of(const QString& caption) const;

 private:
  QHBoxLayout* layout_ = nullptr;
  std::vector<Figure> figures_;
};

}  // namespace capsim::gui
