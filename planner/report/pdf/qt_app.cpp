#include "planner/report/pdf/qt_app.hpp"

#include <QApplication>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "sim/core/error.hpp"

namespace capsim::planner::report {

void ensure_qt_app() {
  if (QCoreApplication::instance() != nullptr) {
    if (qobject_cast<QApplication*>(QCoreApplication::instance()) == nullptr) {
      throw Error("the PDF report draws with Qt widgets and needs a QApplication, not a QCoreApplication");
    }
    return;
  }
  if (std::getenv("QT_QPA_PLATFORM") == nullptr && std::getenv("DISPLAY") == nullptr &&
      std::getenv("WAYLAND_DISPLAY") == nullptr) {
    setenv("QT_QPA_PLATFORM", "offscreen", 0);
  }
  // Without a session (CI, ssh, cron) Qt warns on stderr that XDG_RUNTIME_DIR is unset, then uses a private folder
  // under /tmp. Name that folder up front so that a headless `capsim plan --out` prints nothing but its own output.
  if (std::getenv("XDG_RUNTIME_DIR") == nullptr) {
    const std::string dir = "/tmp/runtime-" + std::to_string(getuid());
    if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) setenv("XDG_RUNTIME_DIR", dir.c_str(), 0);
  }
  // QApplication keeps references to argc and argv for its whole life, so they are static too. It is never deleted:
  // destroying it during static destruction, after Qt's own globals are gone, can crash at exit.
  static int argc = 1;
  static char name[] = "capsim";
  static char* argv[] = {name, nullptr};
  static QApplication* app = new QApplication(argc, argv);
  (void)app;
}

}  // namespace capsim::planner::report
