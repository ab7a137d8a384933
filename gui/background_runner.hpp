#pragma once
/// @file background_runner.hpp
/// Runs the app's simulations off the GUI thread, one at a time, so the window never freezes: the engines and the
/// planner on Qt's thread pool, the discrete-event engine in a child `capsim` process (SimGrid keeps process-wide
/// state, and a child can be killed, so Cancel really stops it). A newer run supersedes an older one: the older
/// one's result is dropped when it arrives (a thread cannot be stopped, but its answer is never shown).

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>

class QProcess;

namespace capsim::gui {

class BackgroundRunner : public QObject {
  Q_OBJECT

 public:
  /// What a thread run hands back: a closure the runner calls on the GUI thread to show the result.
  using Delivery = std::function<void()>;
  /// What a process run hands back: the exit code, standard output and standard error.
  using ProcessDone = std::function<void(int exit_code, const QByteArray& out, const QByteArray& err)>;

  explicit BackgroundRunner(QObject* parent = nullptr);
  ~BackgroundRunner() override;

  /// Runs `work` on the thread pool; when it returns and no newer run started, calls the Delivery it returned on the
  /// GUI thread. `what` is shown in the progress bar ("Planning 70b-pretrain"). `work` must not touch widgets and
  /// must catch its own exceptions (a Delivery that shows the problem is the way to report them).
  void run(const QString& what, std::function<Delivery()> work);
  /// Starts `program` with `args` as a child process; when it exits and no newer run started, calls `done`.
  void run_process(const QString& what, const QString& program, const QStringList& args, ProcessDone done);

  /// Drops the running work's result (kills a child process). Emits finished(false).
  void cancel();
  bool busy() const { return busy_; }
  /// Processes events until nothing runs (tests, `--screenshot`). Returns false after `timeout_ms`.
  bool wait_idle(int timeout_ms = 120000);
  /// Seconds the current (or last) run has taken.
  double elapsed_s() const;

 signals:
  /// A run started (`what` says which).
  void started(const QString& what);
  /// The current run ended: delivered (`completed`) or cancelled.
  void finished(bool completed);

 private:
  /// Kills the running child process, if any, and forgets it (its exit is never reported).
  void drop_process();
  void begin(const QString& what);
  void end(bool completed);

  quint64 generation_ = 0;  ///< bumped by every run and cancel; a result from an older generation is dropped
  bool busy_ = false;
  int threads_in_flight_ = 0;  ///< thread runs not yet returned (superseded ones included), for the destructor
  QProcess* process_ = nullptr;
  QElapsedTimer clock_;
};

}  // namespace capsim::gui
