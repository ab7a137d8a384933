#include "gui/pipeline_timeline.hpp"

#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>
#include <sstream>

#include "gui/axis_tickers.hpp"
#include "planner/json_reader.hpp"

namespace capsim::gui {

std::optional<Timeline> read_timeline(const std::string& path, std::string* error) {
  std::vector<Diagnostic> problems;
  std::string text;
  if (!planner::read_text_file(path, text, path, "", problems)) {
    if (error) *error = problems.empty() ? path + ": cannot be read" : problems.front().to_string();
    return std::nullopt;
  }
  const std::optional<nlohmann::json> doc = planner::parse_json_text(text, path, problems);
  if (!doc || !doc->is_object() || !doc->contains("traceEvents") || !(*doc)["traceEvents"].is_array()) {
    if (error) *error = path + ": not a Chrome trace (no traceEvents array)";
    return std::nullopt;
  }
  Timeline t;
  std::map<long long, std::string> names;  // tid -> lane name
  std::map<long long, int> lane_of;
  for (const auto& e : (*doc)["traceEvents"]) {
    if (!e.is_object()) continue;
    if (e.value("ph", "") == "M" && e.value("name", "") == "thread_name" && e.contains("tid") && e["tid"].is_number())
      names[e["tid"].get<long long>()] = e.contains("args") ? e["args"].value("name", "") : "";
  }
  for (const auto& [tid, name] : names) {  // lanes in track order: stage 0 compute, stage 0 communication, ...
    lane_of[tid] = static_cast<int>(t.lanes.size());
    t.lanes.push_back(name);
  }
  for (const auto& e : (*doc)["traceEvents"]) {
    if (!e.is_object() || e.value("ph", "") != "X" || !e.contains("tid") || !e["tid"].is_number()) continue;
    if (!e.contains("ts") || !e["ts"].is_number() || !e.contains("dur") || !e["dur"].is_number()) continue;
    const long long tid = e["tid"].get<long long>();
    auto it = lane_of.find(tid);
    if (it == lane_of.end()) {
      it = lane_of.emplace(tid, static_cast<int>(t.lanes.size())).first;
      t.lanes.push_back("track " + std::to_string(tid));
    }
    if (t.bars.size() >= kMaxTimelineBars) {
      t.truncated = true;
      break;
    }
    TimelineBar b;
    b.lane = it->second;
    b.start_s = e["ts"].get<double>() * 1e-6;
    b.end_s = b.start_s + std::max(0.0, e["dur"].get<double>() * 1e-6);
    b.name = e.value("name", "");
    t.end_s = std::max(t.end_s, b.end_s);
    t.bars.push_back(std::move(b));
  }
  if (t.bars.empty()) {
    if (error) *error = path + ": the trace has no timed events";
    return std::nullopt;
  }
  return t;
}

PipelineTimeline::PipelineTimeline(QWidget* parent) : QWidget(parent) {
  plot_ = new QCustomPlot;
  plot_->setObjectName(QStringLiteral("pipeline_timeline"));
  note_ = new QLabel;
  note_->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(note_);
  layout->addWidget(plot_, 1);
  clear(QStringLiteral("Run the discrete-event engine to see the pipeline of one step."));
}

void PipelineTimeline::clear(const QString& why) {
  plot_->clearItems();
  plot_->clearPlottables();
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  plot_->xAxis->setLabel(QString());
  note_->setText(why);
  bars_ = 0;
  plot_->replot();
}

void PipelineTimeline::set_timeline(const Timeline& t, const QString& title) {
  plot_->clearItems();
  plot_->clearPlottables();
  const QColor forward(0x4e, 0x79, 0xa7), backward(0xf2, 0x8e, 0x2b), comm(0x9a, 0xa3, 0xab);
  const int lanes = static_cast<int>(t.lanes.size());
  for (const TimelineBar& b : t.bars) {
    auto* rect = new QCPItemRect(plot_);
    const double y = lanes - 1 - b.lane;  // lane 0 on top
    rect->topLeft->setCoords(b.start_s, y + 0.38);
    rect->bottomRight->setCoords(b.end_s, y - 0.38);
    const QColor c = b.name.rfind('F', 0) == 0 ? forward : b.name.rfind('B', 0) == 0 ? backward : comm;
    rect->setBrush(c);
    rect->setPen(QPen(c.darker(130), 0.5));
    rect->setClipToAxisRect(true);
  }
  bars_ = static_cast<int>(t.bars.size());
  QSharedPointer<QCPAxisTickerText> lane_ticks(new QCPAxisTickerText);
  for (int i = 0; i < lanes; ++i) lane_ticks->addTick(lanes - 1 - i, QString::fromStdString(t.lanes[static_cast<std::size_t>(i)]));
  plot_->yAxis->setTicker(lane_ticks);
  plot_->yAxis->setRange(-0.6, lanes - 0.4);
  plot_->yAxis->grid()->setVisible(false);
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new TimeAxisTicker));
  plot_->xAxis->setRange(0, t.end_s * 1.01);
  plot_->xAxis->setLabel(QStringLiteral("time in the step"));
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->axisRect()->setRangeZoom(Qt::Horizontal);
  plot_->axisRect()->setRangeDrag(Qt::Horizontal);
  note_->setText(title + QStringLiteral(" - forward passes blue, backward orange, communication grey; drag and wheel "
                                        "to zoom in time.") +
                 (t.truncated ? QStringLiteral(" Only the first %1 events are drawn.").arg(kMaxTimelineBars) : QString()));
  plot_->replot();
}

}  // namespace capsim::gui
