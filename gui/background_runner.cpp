#include "gui/background_runner.hpp"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QProcess>
#include <QThreadPool>
#include <utility>

namespace capsim::gui {

BackgroundRunner::BackgroundRunner(QObject* parent) : QObject(parent) {}

BackgroundRunner::~BackgroundRunner() {
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(2000);
  }
  // Thread runs hold only what their closures captured by value; wait so none outlives the window's process state.
  QThreadPool::globalInstance()->waitForDone();
}

void BackgroundRunner::drop_process() {
  if (!process_) return;
  process_->disconnect(this);
  process_->kill();
  process_->deleteLater();
  process_ = nullptr;
}

void BackgroundRunner::begin(const QString& what) {
  drop_process();
  ++generation_;
  busy_ = true;
  clock_.start();
  emit started(what);
}

void BackgroundRunner::end(bool completed) {
  busy_ = false;
  emit finished(completed);
}

void BackgroundRunner::run(const QString& what, std::function<Delivery()> work) {
  begin(what);
  const quint64 generation = generation_;
  ++threads_in_flight_;
  QThreadPool::globalInstance()->start([this, generation, work = std::move(work)] {
    Delivery delivery = work();
    // Queued onto the GUI thread; dropped by Qt if the runner is gone by then.
    QMetaObject::invokeMethod(
        this,
        [this, generation, delivery = std::move(delivery)] {
          --threads_in_flight_;
          if (generation != generation_) return;  // superseded or cancelled
          if (delivery) delivery();
          if (generation == generation_) end(true);  // else the delivery started the next run (a load curve)
        },
        Qt::QueuedConnection);
  });
}

void BackgroundRunner::run_process(const QString& what, const QString& program, const QStringList& args,
                                   ProcessDone done) {
  begin(what);
  const quint64 generation = generation_;
  process_ = new QProcess(this);
  QProcess* p = process_;
  connect(p, &QProcess::finished, this, [this, p, generation, done](int code, QProcess::ExitStatus status) {
    if (generation != generation_ || p != process_) return;
    process_ = nullptr;
    p->deleteLater();
    done(status == QProcess::NormalExit ? code : -1, p->readAllStandardOutput(), p->readAllStandardError());
    if (generation == generation_) end(true);
  });
  connect(p, &QProcess::errorOccurred, this, [this, p, generation, done, program](QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart || generation != generation_ || p != process_) return;
    process_ = nullptr;
    p->deleteLater();
    done(-1, QByteArray(), QStringLiteral("could not start %1").arg(program).toUtf8());
    end(true);
  });
  p->start(program, args);
}

void BackgroundRunner::cancel() {
  if (!busy_) return;
  drop_process();
  ++generation_;
  end(false);
}

bool BackgroundRunner::wait_idle(int timeout_ms) {
  QDeadlineTimer deadline(timeout_ms);
  while (busy_ && !deadline.hasExpired()) {
    QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (process_) process_->waitForFinished(20);
  }
  QCoreApplication::processEvents();
  return !busy_;
}

double BackgroundRunner::elapsed_s() const { return clock_.isValid() ? clock_.elapsed() / 1000.0 : 0.0; }

}  // namespace capsim::gui
