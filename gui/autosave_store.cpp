#include "gui/autosave_store.hpp"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <utility>

namespace capsim::gui {

namespace {

QString read_text(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return QString();
  return QString::fromUtf8(f.readAll());
}

}  // namespace

AutosaveStore::AutosaveStore(QString dir) : dir_(std::move(dir)) {}

QString AutosaveStore::default_dir() {
  const QByteArray env = qgetenv("CAPSIM_GUI_AUTOSAVE_DIR");
  if (!env.isEmpty()) return QString::fromLocal8Bit(env);
  QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  if (base.isEmpty()) base = QDir::homePath() + QStringLiteral("/.local/share/capsim-gui");
  return base + QStringLiteral("/autosave");
}

QString AutosaveStore::file_for(const QString& path) const {
  // One autosave per edited file, named by a hash of its absolute path (so two files of the same name never meet).
  const QString key = path.isEmpty() ? QStringLiteral("untitled") : QFileInfo(path).absoluteFilePath();
  const QByteArray hash = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
  return dir_ + QStringLiteral("/") + QString::fromLatin1(hash) + QStringLiteral(".autosave.json");
}

bool AutosaveStore::save(const QString& path, const QString& text, QString* error) {
  if (!QDir().mkpath(dir_)) {
    if (error) *error = QStringLiteral("cannot create the autosave folder %1").arg(dir_);
    return false;
  }
  QJsonObject o;
  o[QStringLiteral("path")] = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
  o[QStringLiteral("saved")] = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
  o[QStringLiteral("text")] = text;
  QSaveFile f(file_for(path));
  if (!f.open(QIODevice::WriteOnly)) {
    if (error) *error = QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString());
    return false;
  }
  f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
  if (!f.commit()) {
    if (error) *error = QStringLiteral("cannot write %1: %2").arg(f.fileName(), f.errorString());
    return false;
  }
  return true;
}

void AutosaveStore::discard(const QString& path) { QFile::remove(file_for(path)); }

std::vector<AutosaveStore::Entry> AutosaveStore::pending() const {
  std::vector<Entry> out;
  const QDir dir(dir_);
  for (const QFileInfo& info : dir.entryInfoList({QStringLiteral("*.autosave.json")}, QDir::Files, QDir::Time)) {
    QFile f(info.absoluteFilePath());
    if (!f.open(QIODevice::ReadOnly)) continue;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    f.close();
    Entry e;
    e.path = o.value(QStringLiteral("path")).toString();
    e.text = o.value(QStringLiteral("text")).toString();
    e.saved = QDateTime::fromString(o.value(QStringLiteral("saved")).toString(), Qt::ISODateWithMs);
    e.autosave = info.absoluteFilePath();
    if (!o.contains(QStringLiteral("text"))) continue;  // not one of ours, or cut short: leave it alone
    if (!e.path.isEmpty() && QFileInfo::exists(e.path) && read_text(e.path) == e.text) {
      QFile::remove(e.autosave);  // the edit reached the file after all
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace capsim::gui
