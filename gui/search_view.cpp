#include "gui/search_view.hpp"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QPushButton>
#include <QVBoxLayout>
#include <map>

#include "planner/report/chart_model.hpp"
#include "planner/report/pdf/cost_charts.hpp"
#include "planner/report/pdf/qt_text.hpp"
#include "planner/search/design_search.hpp"
#include "planner/search/pareto_chart.hpp"
#include "planner/search/search_json.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

using planner::search::Candidate;

using planner::report::qstr;

using units::kSecondsPerDay;

/// The workload index named by a JSON pointer "/workloads/N" (-1 when it names none).
int workload_index(const std::string& pointer) {
  const std::string prefix = "/workloads/";
  if (pointer.rfind(prefix, 0) != 0) return -1;
  try {
    return std::stoi(pointer.substr(prefix.size()));
  } catch (const std::exception&) {
    return -1;
  }
}

QString row(const QString& name, const std::string& value) {
  return QStringLiteral("<tr><td style='color:#57606a; padding-right:12px'>%1</td><td>%2</td></tr>")
      .arg(name, qstr(value).toHtmlEscaped());
}

}  // namespace

SearchView::SearchView(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("search_view"));
  qRegisterMetaType<capsim::gui::SearchChoice>();
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(8, 8, 8, 8);
  heading_ = new QLabel(this);
  heading_->setWordWrap(true);
  heading_->setStyleSheet(QStringLiteral("color: #57606a;"));
  layout->addWidget(heading_);

  auto* body = new QHBoxLayout;
  plot_ = new QCustomPlot(this);
  plot_->setObjectName(QStringLiteral("search_pareto"));
  plot_->setMinimumSize(400, 300);
  body->addWidget(plot_, 3);

  details_ = new QLabel(this);
  details_->setObjectName(QStringLiteral("search_details"));
  details_->setTextFormat(Qt::RichText);
  details_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  details_->setWordWrap(true);
  details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  details_->setMargin(10);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(details_);
  scroll->setWidgetResizable(true);
  scroll->setMinimumWidth(320);
  scroll->setStyleSheet(QStringLiteral("QScrollArea { background: #f6f8fa; border: 1px solid #d0d7de; }"));
  open_ = new QPushButton(tr("Open as a scenario"), this);
  open_->setObjectName(QStringLiteral("open_choice"));
  open_->setToolTip(tr("A new scenario file with this cluster and layout, to edit, run and save"));
  open_->setEnabled(false);
  connect(open_, &QPushButton::clicked, this, [this] {
    if (chosen_ >= 0) emit open_requested(choice(chosen_));
  });
  auto* side = new QVBoxLayout;
  side->addWidget(scroll, 1);
  side->addWidget(open_);
  body->addLayout(side, 1);
  layout->addLayout(body, 1);

  connect(plot_, &QCustomPlot::plottableClick, this,
          [this](QCPAbstractPlottable* plottable, int data_index, QMouseEvent*) {
            on_plottable_click(plottable, data_index);
          });
  clear();
}

void SearchView::clear() {
  has_result_ = false;
  chosen_ = -1;
  if (open_ != nullptr) open_->setEnabled(false);
  tally_ = {};
  groups_.clear();
  group_points_.clear();
  highlight_ = nullptr;
  heading_->setText(tr("Design search: no result"));
  planner::report::LineChart empty;
  empty.title = "Pareto front: no result";
  empty.x_ticks = planner::report::nice_ticks(0, 1, 3, planner::report::TickFormat::count);
  empty.y_ticks = empty.x_ticks;
  planner::report::draw_line_chart(plot_, empty);
  plot_->replot();
  details_->setText(tr("<p>No search result.</p>"));
}

void SearchView::set_result(const planner::Scenario& scenario, const planner::search::SearchProblem& problem,
                            const planner::search::SearchTally& tally) {
  clear();
  scenario_ = scenario;
  problem_ = problem;
  tally_ = tally;
  has_result_ = true;
  heading_->setText(QStringLiteral("Design search of \"%1\" (%2): %3 configurations, %4 feasible, %5 on the front. "
                                   "Click a point for its details.")
                        .arg(qstr(problem.job.name), qstr(problem.scenario_name),
                             qstr(units::format_integer(static_cast<double>(tally.evaluated))),
                             qstr(units::format_integer(static_cast<double>(tally.feasible))),
                             qstr(units::format_integer(static_cast<double>(tally.pareto.size())))));
  draw_front();
  details_->setText(tally.pareto.empty() ? tr("<p>No feasible configuration.</p>")
                                         : tr("<p>Click a point of the front to see its configuration.</p>"));
}

void SearchView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  if (has_result_) draw_front();
}

void SearchView::draw_front() {
  const planner::search::SearchProblem& problem = problem_;
  const planner::search::SearchTally& tally = tally_;
  groups_.clear();
  group_points_.clear();
  // The report's chart (the front as a line, fastest and cheapest marked), then one clickable scatter per GPU type
  // and precision on top of it, at the chart's own coordinates.
  planner::report::draw_line_chart(plot_, planner::search::pareto_chart(problem, tally));
  const double unit = problem.job.tokens > 0 ? kSecondsPerDay : 1.0;
  std::map<std::string, std::size_t> group_of;
  std::vector<QVector<double>> xs, ys;
  for (std::size_t i = 0; i < tally.pareto.size(); ++i) {
    const Candidate& c = tally.pareto[i];
    const auto& v = problem.variants[c.variant];
    const std::string key = v.cluster.gpu.name + " " + std::string(hw::to_string(v.precision));
    auto [it, added] = group_of.emplace(key, groups_.size());
    if (added) {
      QCPGraph* g = plot_->addGraph(plot_->xAxis, plot_->yAxis);
      g->setName(qstr(key));
      g->setLineStyle(QCPGraph::lsNone);
      const QColor color(qstr(planner::report::palette_color(2 * groups_.size() + 1)));
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 1.5), color, 11));
      g->setSelectable(QCP::stSingleData);
      groups_.push_back(g);
      group_points_.emplace_back();
      xs.emplace_back();
      ys.emplace_back();
    }
    xs[it->second].push_back(c.time_s / unit);
    ys[it->second].push_back(c.cost_usd);
    group_points_[it->second].push_back(static_cast<int>(i));
  }
  // setData with sorted = false would reorder by x; the front is sorted by time, so each group already is.
  for (std::size_t g = 0; g < groups_.size(); ++g) groups_[g]->setData(xs[g], ys[g], true);
  highlight_ = plot_->addGraph(plot_->xAxis, plot_->yAxis);
  highlight_->removeFromLegend();
  highlight_->setLineStyle(QCPGraph::lsNone);
  highlight_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0x1f, 0x23, 0x28), 2.5), Qt::NoBrush, 18));
  highlight_->setSelectable(QCP::stNone);
  // The legend gained entries after the report renderer fitted it: refit it in one row.
  plot_->legend->setWrap(plot_->legend->itemCount());
  plot_->legend->setFillOrder(QCPLegend::foColumnsFirst, true);
  plot_->legend->setMaximumSize(plot_->legend->minimumOuterSizeHint().width(), QWIDGETSIZE_MAX);
  if (chosen_ >= 0) {
    const Candidate& c = tally.pareto[static_cast<std::size_t>(chosen_)];
    highlight_->setData(QVector<double>{c.time_s / unit}, QVector<double>{c.cost_usd});
  }
  plot_->replot();
}

void SearchView::on_plottable_click(QCPAbstractPlottable* plottable, int data_index) {
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g] != plottable) continue;
    const auto& points = group_points_[g];
    // The graph's data are sorted by x, as the front within a group is: data index = position in the group.
    if (data_index >= 0 && data_index < static_cast<int>(points.size())) choose_point(points[data_index]);
    return;
  }
}

SearchChoice SearchView::choice(int pareto_index) const {
  SearchChoice out;
  if (!has_result_ || pareto_index < 0 || pareto_index >= static_cast<int>(tally_.pareto.size())) return out;
  const Candidate& c = tally_.pareto[static_cast<std::size_t>(pareto_index)];
  out.pareto_index = pareto_index;
  out.workload_pointer = problem_.workload_pointer;
  out.candidate = c;
  out.configuration = planner::search::candidate_json(problem_, c);
  out.scenario = scenario_;
  out.scenario.cluster = problem_.variants[c.variant].cluster;
  const int w = workload_index(problem_.workload_pointer);
  if (w >= 0 && w < static_cast<int>(out.scenario.workloads.size())) {
    out.scenario.workloads[static_cast<std::size_t>(w)] = planner::search::candidate_job(problem_, c);
  }
  return out;
}

void SearchView::choose_point(int pareto_index) {
  if (!has_result_ || pareto_index < 0 || pareto_index >= static_cast<int>(tally_.pareto.size())) return;
  chosen_ = pareto_index;
  const Candidate& c = tally_.pareto[static_cast<std::size_t>(pareto_index)];
  const double unit = problem_.job.tokens > 0 ? kSecondsPerDay : 1.0;
  highlight_->setData(QVector<double>{c.time_s / unit}, QVector<double>{c.cost_usd});
  plot_->replot();
  show_details(pareto_index);
  open_->setEnabled(true);
  emit configuration_chosen(choice(pareto_index));
}

QPointF SearchView::point_pixel(int pareto_index) const {
  if (!has_result_ || pareto_index < 0 || pareto_index >= static_cast<int>(tally_.pareto.size())) return {};
  const Candidate& c = tally_.pareto[static_cast<std::size_t>(pareto_index)];
  const double unit = problem_.job.tokens > 0 ? kSecondsPerDay : 1.0;
  return {plot_->xAxis->coordToPixel(c.time_s / unit), plot_->yAxis->coordToPixel(c.cost_usd)};
}

QString SearchView::details_text() const { return details_->text(); }

void SearchView::show_details(int pareto_index) {
  const Candidate& c = tally_.pareto[static_cast<std::size_t>(pareto_index)];
  const auto& v = problem_.variants[c.variant];
  QString html =
      QStringLiteral("<h3>Configuration %1 of %2</h3><table>").arg(pareto_index + 1).arg(tally_.pareto.size());
  html += row(tr("GPU"), v.cluster.gpu.name);
  html += row(tr("GPUs"), units::format_integer(v.gpus) + " (" + units::format_integer(v.cluster.nodes) + " nodes)");
  html += row(tr("Precision"), std::string(hw::to_string(v.precision)));
  html += row(tr("Oversubscription"), units::format_count(v.cluster.scale_out.oversubscription) + ":1");
  html += row(tr("Parallelism"), "TP " + std::to_string(c.tp) + ", PP " + std::to_string(c.pp) + ", CP " +
                                     std::to_string(c.cp) + ", DP " + std::to_string(c.dp) + ", EP " +
                                     std::to_string(c.ep));
  html += row(tr("Micro-batch"), std::to_string(c.micro_batch) + " (global " +
                                     std::to_string(problem_.job.parallelism.global_batch) + ")");
  html += row(tr("Virtual stages"), std::to_string(c.virtual_stages));
  html += row(tr("Sequence parallel"), c.sequence_parallel != 0 ? "yes" : "no");
  html += row(tr("Recompute"), planner::search::recompute_name(c.recompute));
  html += row(tr("ZeRO stage"), std::to_string(c.zero));
  html += QStringLiteral("</table><h3>Figures</h3><table>");
  html += row(tr("Step time"), units::format_time(c.step_time_s));
  if (problem_.job.tokens > 0) html += row(tr("Time to train"), units::format_time(c.time_s));
  html += row(problem_.job.tokens > 0 ? tr("Cost to train") : tr("Cost of a step"), units::format_money(c.cost_usd));
  html += row(tr("Energy"), units::format_energy(c.energy_J));
  html += row(tr("MFU"), units::format_percent(c.mfu));
  html += row(tr("Memory per GPU"),
              units::format_bytes(c.memory_B) + " of " + units::format_bytes(v.cluster.gpu.hbm_bytes));
  html += row(tr("Price"), units::format_money(v.price_usd_per_gpu_s * 3600) + "/GPU-h (" + v.price_source + ")");
  html += QStringLiteral("</table>");
  details_->setText(html);
}

}  // namespace capsim::gui
