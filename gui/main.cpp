/// @file main.cpp
/// capsim-gui: `capsim-gui [FILE...] [--screenshot PNG]`. Opens studies and scenarios; without a file, the bundled
/// 70B pre-training study. `--screenshot PATH [FILE]` opens the file, runs it, renders the window to PNG and exits
/// (0 written; 1 the file cannot be opened, has problems, or the PNG cannot be written; 2 bad command line).

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTimer>
#include <cstdio>
#include <cstring>

#include "gui/background_runner.hpp"
#include "gui/document_tree_model.hpp"
#include "gui/main_window.hpp"

namespace {

/// The bundled default study, found through the source tree this binary was built from.
QString default_file() { return QStringLiteral(CAPSIM_SOURCE_DIR "/scenarios/studies/70b-pretrain.json"); }

void describe(QCommandLineParser& parser, const QCommandLineOption& screenshot) {
  parser.setApplicationDescription(QStringLiteral(
      "CapSim planner's desk: compare cloud, on-prem and hybrid TCO of a study, and see training, serving, fleet and "
      "design-search results of scenarios. Without FILE it opens the bundled 70B pre-training study."));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("study or scenario JSON file(s) to open"),
                               QStringLiteral("[file...]"));
  parser.addOption(screenshot);
}

bool wants(int argc, char** argv, std::initializer_list<const char*> names) {
  for (int i = 1; i < argc; ++i)
    for (const char* n : names)
      if (std::strcmp(argv[i], n) == 0 || (std::strncmp(argv[i], n, std::strlen(n)) == 0 && argv[i][std::strlen(n)] == '='))
        return true;
  return false;
}

/// Drops two notices Qt prints on a headless machine that say nothing about CapSim (the offscreen platform cannot
/// resize to hints; no XDG runtime folder on a server); everything else goes to the default handler.
QtMessageHandler default_handler = nullptr;
void quiet_handler(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.contains(QLatin1String("propagateSizeHints")) || message.contains(QLatin1String("XDG_RUNTIME_DIR")))
    return;
  default_handler(type, context, message);
}

int fail(const QString& message) {
  std::fprintf(stderr, "capsim-gui: %s\n", message.toLocal8Bit().constData());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                      QStringLiteral("open FILE, run it, render the window to PNG file <path> and exit"),
                                      QStringLiteral("path"));
  // --help and --version answer without a display: no GUI platform is loaded for them.
  if (wants(argc, argv, {"-h", "--help", "-?", "--help-all", "-v", "--version"})) {
    QCoreApplication core(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("capsim-gui"));
    QCoreApplication::setApplicationVersion(QStringLiteral("0.7"));
    QCommandLineParser parser;
    describe(parser, screenshot);
    parser.process(core);  // prints and exits
    return 0;
  }
  {  // a bad command line is exit 2 with or without a display
    QStringList args;
    for (int i = 0; i < argc; ++i) args << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser early;
    describe(early, screenshot);
    if (!early.parse(args)) {
      std::fprintf(stderr, "capsim-gui: %s (see capsim-gui --help)\n", early.errorText().toLocal8Bit().constData());
      return 2;
    }
  }
  const bool shooting = wants(argc, argv, {"--screenshot"});
  const bool no_display = qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && no_display) {
    if (!shooting) return fail(QStringLiteral("no display (DISPLAY is not set): run it on a desktop, or render to a "
                                              "file with --screenshot PATH [FILE]"));
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }

  default_handler = qInstallMessageHandler(quiet_handler);
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("capsim-gui"));
  QApplication::setOrganizationName(QStringLiteral("CapSim"));
  QApplication::setApplicationDisplayName(QStringLiteral("CapSim"));
  QApplication::setApplicationVersion(QStringLiteral("0.7"));
  QCommandLineParser parser;
  describe(parser, screenshot);
  if (!parser.parse(QApplication::arguments())) {
    std::fprintf(stderr, "capsim-gui: %s\n", parser.errorText().toLocal8Bit().constData());
    return 2;  // bad command line, as DESIGN.md fixes it
  }
  QStringList files = parser.positionalArguments();

  if (parser.isSet(screenshot)) {
    const QString png = parser.value(screenshot);
    const QFileInfo out(png);
    if (out.isDir()) return fail(QStringLiteral("--screenshot %1: is a folder; give a .png file path").arg(png));
    if (!out.absoluteDir().exists())
      return fail(QStringLiteral("--screenshot %1: folder %2 does not exist").arg(png, out.absolutePath()));
    if (files.size() > 1) {
      std::fprintf(stderr, "capsim-gui: --screenshot takes one file, got %lld\n", static_cast<long long>(files.size()));
      return 2;
    }
    capsim::gui::MainWindow window;
    window.setAttribute(Qt::WA_DontShowOnScreen);
    window.show();
    const QString file = files.isEmpty() ? default_file() : files.front();
    const bool loaded = window.open_file(file);
    if (!loaded && window.documents()->count() == 0) return fail(window.last_error());
    // A finished run may ask for another (a serving view wants its load curve): wait until none is left.
    do {
      window.wait_idle();
      QApplication::processEvents(QEventLoop::AllEvents, 50);
    } while (window.runner()->busy());
    // Two layout passes so every panel has its final size before the grab.
    for (int i = 0; i < 2; ++i) QApplication::processEvents();
    if (!window.grab().save(png, "PNG")) return fail(QStringLiteral("cannot write %1").arg(png));
    if (!loaded) return fail(QStringLiteral("%1 has problems (the screenshot shows them): %2").arg(file, window.last_error()));
    return 0;
  }

  capsim::gui::MainWindow window;
  window.show();
  if (files.isEmpty()) files << default_file();
  for (const QString& f : files) window.open_file(f);
  if (!window.last_error().isEmpty() && window.documents()->count() == 0)
    std::fprintf(stderr, "capsim-gui: %s\n", window.last_error().toLocal8Bit().constData());
  // After the first paint: offer back edits a crash left behind.
  QTimer::singleShot(0, &window, [&window] { window.offer_recovery(); });
  return QApplication::exec();
}
