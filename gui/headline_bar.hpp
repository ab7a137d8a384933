#pragma once
/// @file headline_bar.hpp
/// A strip of large figures across the top of the window: the numbers a planner reads first (step time, tokens/s,
/// MFU, memory per GPU, time to train).

#include <QWidget>
#include <vector>

#include "planner/chart_data.hpp"

class QLabel;

namespace capsim::gui {

/// Shows the headline rows of planner::make_summary_rows as cards: a small caption over a large value.
class HeadlineBar : public QWidget {
  Q_OBJECT

 public:
  explicit HeadlineBar(QWidget* parent = nullptr);

  /// Shows the rows marked `headline` (their `brief` text when they have one, the full value as tooltip); other rows
  /// are ignored. Warning rows are drawn red, caption included.
  void set_rows(const std::vector<planner::SummaryRow>& rows);
  /// Shows dashes: no result.
  void clear();
  /// The value text of the card captioned `label` ("" if there is none), for tests.
  QString value_of(const QString& label) const;

 private:
  struct Card {
    QString label;  ///< the SummaryRow label this card shows
    QLabel* caption = nullptr;
    QLabel* value = nullptr;
  };
  std::vector<Card> cards_;
};

}  // namespace capsim::gui
