/// @file main.cpp
/// capsim-gui: `capsim-gui [SCENARIO] [--screenshot PNG]`. Without a scenario it opens the bundled default.

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "gui/main_window.hpp"

namespace {

/// The bundled default scenario, found through the source tree this binary was built from.
QString default_scenario_path() { return QStringLiteral(CAPSIM_SOURCE_DIR "/scenarios/examples/default.json"); }

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("capsim-gui"));
  QApplication::setApplicationDisplayName(QStringLiteral("CapSim"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("CapSim what-if planner for training workloads"));
  parser.addHelpOption();
  parser.addPositionalArgument(QStringLiteral("scenario"),
                               QStringLiteral("scenario JSON file (default: the bundled default scenario)"),
                               QStringLiteral("[scenario]"));
  const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                      QStringLiteral("render the window to PNG file <path> and exit"),
                                      QStringLiteral("path"));
  parser.addOption(screenshot);
  parser.process(app);

  const QStringList args = parser.positionalArguments();
  if (args.size() > 1) {
    parser.showHelp(2);  // exit code 2: bad command line, as DESIGN.md fixes it
  }
  capsim::gui::MainWindow window;
  window.open_scenario(args.isEmpty() ? default_scenario_path() : args.front());
  window.show();

  if (parser.isSet(screenshot)) {
    const QString path = parser.value(screenshot);
    // Grab after the first layout pass so every panel has its final size.
    QTimer::singleShot(200, &window, [&window, path] { QApplication::exit(window.grab().save(path, "PNG") ? 0 : 3); });
  }
  return QApplication::exec();
}
