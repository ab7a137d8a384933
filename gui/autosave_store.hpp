#pragma once
/// @file autosave_store.hpp
/// Autosave and recovery: every edit of an open file is written at once (atomically, QSaveFile) to a folder of its
/// own, and removed when the file is saved or the edit is discarded. An app killed mid-edit therefore leaves the
/// edit behind, and the next start offers it back. Nothing is ever written over the user's own file.

#include <QDateTime>
#include <QString>
#include <vector>

namespace capsim::gui {

class AutosaveStore {
 public:
  /// One edit left behind.
  struct Entry {
    QString path;       ///< the file it edits ("" for a file never saved)
    QString text;       ///< the edited text
    QDateTime saved;    ///< when it was autosaved
    QString autosave;   ///< the autosave file itself
  };

  /// Keeps autosaves in `dir` (created when needed). The app passes default_dir().
  explicit AutosaveStore(QString dir);
  /// $CAPSIM_GUI_AUTOSAVE_DIR, or the app's data folder + "/autosave".
  static QString default_dir();

  /// Records the edited `text` of `path`. Returns false (and says why in `error`) when it cannot write.
  bool save(const QString& path, const QString& text, QString* error = nullptr);
  /// Forgets the edit of `path` (after a save, or when the user discards it).
  void discard(const QString& path);
  /// Edits left behind whose text differs from the file on disk now (an autosave equal to the file is removed).
  std::vector<Entry> pending() const;
  QString dir() const { return dir_; }

 private:
  QString file_for(const QString& path) const;
  QString dir_;
};

}  // namespace capsim::gui
