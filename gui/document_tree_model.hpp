#pragma once
/// @file document_tree_model.hpp
/// The tree of open files on the left of the window: two groups, "Studies" and "Scenarios"; under them each open
/// file (its name, an asterisk when edited, red when it has problems); under a study its options, under a scenario
/// its workloads. The model owns the open documents.

#include <QAbstractItemModel>
#include <memory>
#include <vector>

#include "gui/open_document.hpp"

namespace capsim::gui {

class DocumentTreeModel : public QAbstractItemModel {
  Q_OBJECT

 public:
  explicit DocumentTreeModel(QObject* parent = nullptr);
  ~DocumentTreeModel() override;

  /// Adds `doc` (or, when a document of that path is open, replaces it). Returns its document number.
  int add(OpenDocument doc);
  /// Closes document `i`; later numbers move down by one.
  void remove(int i);
  int count() const { return static_cast<int>(docs_.size()); }
  OpenDocument& document(int i) { return *docs_.at(static_cast<std::size_t>(i)); }
  const OpenDocument& document(int i) const { return *docs_.at(static_cast<std::size_t>(i)); }
  /// Document number of `path`, or -1.
  int find(const std::string& path) const;
  /// Document `i` changed (text, problems, name): its row and children are shown again.
  void refresh(int i);

  /// The tree index of document `i`, and the document number of an index (of a document or one of its children;
  /// -1 for a group).
  QModelIndex index_of(int i) const;
  int document_at(const QModelIndex& index) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = QModelIndex()) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

 private:
  enum Group { studies = 0, scenarios = 1 };
  static Group group_of(const OpenDocument& d);
  /// Documents of `g`, in the order they were opened (their numbers).
  std::vector<int> members(Group g) const;
  std::vector<std::string> children_of(const OpenDocument& d) const;

  std::vector<std::unique_ptr<OpenDocument>> docs_;
};

}  // namespace capsim::gui
