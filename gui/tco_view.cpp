#include "gui/tco_view.hpp"

#include <qcustomplot.h>

#include <QComboBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <string>

#include "gui/option_table_model.hpp"
#include "planner/report/cost_chart_data.hpp"
#include "planner/report/pdf/cost_charts.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace tco = planner::tco;
namespace report = planner::report;

namespace {

QString html(const std::string& text) { return QString::fromStdString(text).toHtmlEscaped(); }

QCustomPlot* new_plot(QWidget* parent, const char* name, int min_height) {
  auto* plot = new QCustomPlot(parent);
  plot->setObjectName(QString::fromLatin1(name));
  plot->setMinimumSize(420, min_height);
  plot->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  return plot;
}

/// Removes what a chart function drew and shows `why` as the title (the chart functions put their title in a text
/// element named "capsim_chart_title"; a plot never drawn has none and stays blank).
void blank(QCustomPlot* plot, const QString& why) {
  plot->clearItems();
  plot->clearPlottables();
  plot->legend->clearItems();
  plot->legend->setVisible(false);
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
    if (auto* t = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) {
      if (t->objectName() == QLatin1String("capsim_chart_title")) t->setText(why);
    }
  }
  plot->replot();
}

QString bullets(const std::vector<std::string>& lines) {
  QString out;
  for (const std::string& line : lines) out += QStringLiteral("&bull; %1<br>").arg(html(line));
  out.chop(4);
  return out;
}

}  // namespace

TcoView::TcoView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("tco_view"));
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new QScrollArea(this);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  outer->addWidget(scroll);
  auto* content = new QWidget(scroll);
  scroll->setWidget(content);
  auto* grid = new QGridLayout(content);
  grid->setContentsMargins(8, 8, 8, 8);
  grid->setHorizontalSpacing(12);
  grid->setVerticalSpacing(6);

  headline_ = new QLabel(content);
  headline_->setTextFormat(Qt::RichText);  // escaped HTML: a quote in a name must not show as &quot;
  headline_->setObjectName(QStringLiteral("tco_headline"));
  headline_->setWordWrap(true);
  headline_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  QFont bold = headline_->font();
  bold.setPointSizeF(bold.pointSizeF() * 1.2);
  bold.setBold(true);
  headline_->setFont(bold);
  reasons_ = new QLabel(content);
  reasons_->setTextFormat(Qt::RichText);  // escaped HTML: a quote in a name must not show as &quot;
  reasons_->setObjectName(QStringLiteral("tco_reasons"));
  reasons_->setWordWrap(true);
  reasons_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  warnings_ = new QLabel(content);
  warnings_->setTextFormat(Qt::RichText);  // escaped HTML: a quote in a name must not show as &quot;
  warnings_->setObjectName(QStringLiteral("tco_warnings"));
  warnings_->setWordWrap(true);
  warnings_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  warnings_->setStyleSheet(QStringLiteral("QLabel { color: #8a4b00; background: #fff4e0; border: 1px solid #f0d3a0;"
                                          " border-radius: 4px; padding: 4px; }"));
  warnings_->hide();
  grid->addWidget(headline_, 0, 0, 1, 2);
  grid->addWidget(reasons_, 1, 0, 1, 2);
  grid->addWidget(warnings_, 2, 0, 1, 2);

  cumulative_ = new_plot(content, "cumulative_chart", 300);
  cumulative_->setAccessibleName(QStringLiteral("Cumulative cost per option"));
  grid->addWidget(cumulative_, 3, 0);

  auto* monthly_box = new QWidget(content);
  auto* monthly_layout = new QVBoxLayout(monthly_box);
  monthly_layout->setContentsMargins(0, 0, 0, 0);
  monthly_option_ = new QComboBox(monthly_box);
  monthly_option_->setObjectName(QStringLiteral("monthly_option"));
  monthly_option_->setAccessibleName(QStringLiteral("Option of the monthly cost chart"));
  monthly_option_->setToolTip(QStringLiteral("which option's monthly cost to stack by category"));
  auto* chooser = new QHBoxLayout;
  auto* chooser_label = new QLabel(QStringLiteral("Monthly cost of"), monthly_box);
  chooser_label->setBuddy(monthly_option_);
  chooser->addWidget(chooser_label);
  chooser->addWidget(monthly_option_);
  chooser->addStretch(1);
  monthly_layout->addLayout(chooser);
  monthly_ = new_plot(monthly_box, "monthly_chart", 270);
  monthly_->setAccessibleName(QStringLiteral("Monthly cost by category"));
  monthly_layout->addWidget(monthly_);
  grid->addWidget(monthly_box, 3, 1);
  connect(monthly_option_, &QComboBox::currentIndexChanged, this, &TcoView::draw_monthly);

  auto* tornado_box = new QWidget(content);
  auto* tornado_layout = new QVBoxLayout(tornado_box);
  tornado_layout->setContentsMargins(0, 0, 0, 0);
  tornado_ = new_plot(tornado_box, "tornado_chart", 200);
  tornado_->setAccessibleName(QStringLiteral("Sensitivity tornado of the recommended option"));
  tornado_layout->addWidget(tornado_);
  tornado_notes_ = new QLabel(tornado_box);
  tornado_notes_->setTextFormat(Qt::RichText);  // escaped HTML: a quote in a name must not show as &quot;
  tornado_notes_->setObjectName(QStringLiteral("tornado_notes"));
  tornado_notes_->setWordWrap(true);
  tornado_layout->addWidget(tornado_notes_);
  grid->addWidget(tornado_box, 5, 0, 1, 2);  // full width: its row labels and value texts need the room

  model_ = new OptionTableModel(this);
  table_ = new QTableView(content);
  table_->setObjectName(QStringLiteral("option_table"));
  table_->setAccessibleName(QStringLiteral("Options"));
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setWordWrap(false);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setMinimumHeight(160);
  grid->addWidget(table_, 4, 0, 1, 2, Qt::AlignTop);

  grid->setColumnStretch(0, 1);
  grid->setColumnStretch(1, 1);
  grid->setRowStretch(3, 1);
  grid->setRowStretch(4, 0);
  grid->setRowStretch(5, 0);
  setTabOrder(monthly_option_, table_);
  for (QCustomPlot* plot : {cumulative_, monthly_, tornado_}) plot->installEventFilter(this);
  clear(QStringLiteral("Open a study to compare buying and renting."));
}

void TcoView::set_plan(const tco::PlanResult& plan, const tco::PlanResult* baseline) {
  plan_ = plan;
  const tco::OptionResult* best = nullptr;
  for (const tco::OptionResult& o : plan.options) {
    if (o.name == plan.recommended) best = &o;
  }
  QString head = html(plan.headline.empty() ? "Recommended: " + plan.recommended : plan.headline);
  if (baseline != nullptr && best != nullptr) {
    if (baseline->recommended != plan.recommended) {
      head += QStringLiteral("<br><span style='font-weight:normal'>With the file's values: %1.</span>")
                  .arg(html(baseline->recommended));
    } else {
      for (const tco::OptionResult& b : baseline->options) {
        if (b.name != best->name || b.npv_usd == best->npv_usd) continue;
        const double d = best->npv_usd - b.npv_usd;
        head += QStringLiteral("<br><span style='font-weight:normal'>NPV %1 (%2%3 against the file's values).</span>")
                    .arg(html(units::format_money(best->npv_usd)), d > 0 ? QStringLiteral("+") : QString(),
                         html(units::format_money(d)));
      }
    }
  }
  headline_->setText(head);
  reasons_->setText(bullets(plan.reasons));
  reasons_->setVisible(!plan.reasons.empty());
  warnings_->setText(bullets(plan.warnings));
  warnings_->setVisible(!plan.warnings.empty());

  const QString kept = monthly_option_->currentText();
  {
    const QSignalBlocker block(monthly_option_);
    monthly_option_->clear();
    for (const tco::OptionResult& o : plan.options) monthly_option_->addItem(QString::fromStdString(o.name));
    int at = monthly_option_->findText(kept);
    if (at < 0) at = static_cast<int>(std::min(report::recommended_index(plan), plan.options.size() - 1));
    monthly_option_->setCurrentIndex(plan.options.empty() ? -1 : at);
    monthly_option_->setEnabled(!plan.options.empty());
  }
  const report::RangeBarChart tornado = report::make_tornado(plan);
  tornado_->setMinimumHeight(std::max(200, report::range_chart_height(tornado)));
  tornado_->setMaximumHeight(std::max(200, report::range_chart_height(tornado)));
  const std::vector<std::string> notes = report::tornado_notes(plan);
  tornado_notes_->setText(bullets(notes));
  tornado_notes_->setVisible(!notes.empty());
  model_->set_plan(plan, baseline);
  const int table_height = table_->horizontalHeader()->sizeHint().height() + 4 +
                           table_->verticalHeader()->defaultSectionSize() * model_->rowCount();
  table_->setMinimumHeight(table_height);  // exactly its rows: no blank band under a short table
  table_->setMaximumHeight(table_height + 18);  // + a horizontal scroll bar on a narrow window
  draw_charts();
}

void TcoView::clear(const QString& why) {
  plan_.reset();
  headline_->setText(why.toHtmlEscaped());
  reasons_->clear();
  reasons_->hide();
  warnings_->clear();
  warnings_->hide();
  tornado_notes_->clear();
  tornado_notes_->hide();
  {
    const QSignalBlocker block(monthly_option_);
    monthly_option_->clear();
    monthly_option_->setEnabled(false);
  }
  model_->clear();
  for (QCustomPlot* plot : {cumulative_, monthly_, tornado_}) blank(plot, QString());
}

QString TcoView::headline_text() const { return headline_->text(); }

void TcoView::draw_charts() {
  if (!plan_) return;
  report::plot_cumulative_costs(cumulative_, *plan_);
  cumulative_->replot();
  draw_monthly();
  if (plan_->sensitivity.empty()) {
    blank(tornado_, QStringLiteral("No sensitivity analysis in this plan"));
  } else {
    report::plot_tornado(tornado_, *plan_);
    tornado_->replot();
  }
}

void TcoView::draw_monthly() {
  const int at = monthly_option_->currentIndex();
  if (!plan_ || at < 0 || static_cast<std::size_t>(at) >= plan_->options.size()) return;
  report::plot_monthly_stack(monthly_, *plan_, static_cast<std::size_t>(at));
  monthly_->replot();
}

bool TcoView::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::Resize && plan_) {
    if (watched == cumulative_) {
      report::plot_cumulative_costs(cumulative_, *plan_);
      cumulative_->replot();
    } else if (watched == monthly_) {
      draw_monthly();
    } else if (watched == tornado_ && !plan_->sensitivity.empty()) {
      report::plot_tornado(tornado_, *plan_);
      tornado_->replot();
    }
  }
  return QWidget::eventFilter(watched, event);
}

QCustomPlot* TcoView::chart(const QString& name) const {
  if (name == QLatin1String("cumulative")) return cumulative_;
  if (name == QLatin1String("monthly")) return monthly_;
  if (name == QLatin1String("tornado")) return tornado_;
  return nullptr;
}

bool TcoView::save_chart_png(const QString& name, const QString& path) {
  QCustomPlot* plot = chart(name);
  if (plot == nullptr) return false;
  const QSize size = plot->isVisible() ? plot->size() : plot->minimumSize();
  return plot->savePng(path, size.width(), size.height());
}

}  // namespace capsim::gui
