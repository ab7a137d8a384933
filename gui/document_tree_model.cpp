#include "gui/document_tree_model.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <algorithm>
#include <utility>
#include <variant>

namespace capsim::gui {

// Internal ids: a group is 1 + group; a document is (number + 1) << 8; a document's child adds 1 + its row (at most
// 255 children are shown: a study with more options than that is not one people read in a tree).
namespace {
constexpr quintptr kDocShift = 8;
constexpr int kMaxChildren = 255;
quintptr group_id(int g) { return static_cast<quintptr>(g + 1); }
quintptr doc_id(int i) { return static_cast<quintptr>(i + 1) << kDocShift; }
int doc_of_id(quintptr id) { return static_cast<int>(id >> kDocShift) - 1; }
int child_of_id(quintptr id) { return static_cast<int>(id & 0xff) - 1; }
}  // namespace

DocumentTreeModel::DocumentTreeModel(QObject* parent) : QAbstractItemModel(parent) {}
DocumentTreeModel::~DocumentTreeModel() = default;

DocumentTreeModel::Group DocumentTreeModel::group_of(const OpenDocument& d) {
  return d.kind == DocumentKind::study ? studies : scenarios;
}

std::vector<int> DocumentTreeModel::members(Group g) const {
  std::vector<int> out;
  for (std::size_t i = 0; i < docs_.size(); ++i)
    if (group_of(*docs_[i]) == g) out.push_back(static_cast<int>(i));
  return out;
}

std::vector<std::string> DocumentTreeModel::children_of(const OpenDocument& d) const {
  std::vector<std::string> out;
  if (d.study) {
    for (const auto& o : d.study->options) out.push_back(o.name + " (" + planner::tco::to_string(o.kind) + ")");
  } else if (d.scenario) {
    for (const auto& w : d.scenario->workloads) out.push_back(std::visit([](const auto& job) { return job.name; }, w));
    if (d.scenario->fleet) out.push_back("fleet");
  }
  if (out.size() > static_cast<std::size_t>(kMaxChildren)) out.resize(kMaxChildren);
  return out;
}

int DocumentTreeModel::find(const std::string& path) const {
  for (std::size_t i = 0; i < docs_.size(); ++i)
    if (docs_[i]->path == path) return static_cast<int>(i);
  return -1;
}

int DocumentTreeModel::add(OpenDocument doc) {
  const int existing = find(doc.path);
  beginResetModel();
  int i = existing;
  if (existing >= 0) {
    *docs_[static_cast<std::size_t>(existing)] = std::move(doc);
  } else {
    docs_.push_back(std::make_unique<OpenDocument>(std::move(doc)));
    i = count() - 1;
  }
  endResetModel();
  return i;
}

void DocumentTreeModel::remove(int i) {
  if (i < 0 || i >= count()) return;
  beginResetModel();
  docs_.erase(docs_.begin() + i);
  endResetModel();
}

void DocumentTreeModel::refresh(int i) {
  // The kind (and so the group) and the children may change with an edit: the simplest correct signal is a reset.
  if (i < 0 || i >= count()) return;
  beginResetModel();
  endResetModel();
}

QModelIndex DocumentTreeModel::index_of(int i) const {
  if (i < 0 || i >= count()) return {};
  const std::vector<int> m = members(group_of(*docs_[static_cast<std::size_t>(i)]));
  const int row = static_cast<int>(std::find(m.begin(), m.end(), i) - m.begin());
  return createIndex(row, 0, doc_id(i));
}

int DocumentTreeModel::document_at(const QModelIndex& index) const {
  if (!index.isValid()) return -1;
  return doc_of_id(index.internalId());
}

QModelIndex DocumentTreeModel::index(int row, int column, const QModelIndex& parent) const {
  if (!hasIndex(row, column, parent)) return {};
  if (!parent.isValid()) return createIndex(row, column, group_id(row));
  const quintptr pid = parent.internalId();
  if (doc_of_id(pid) < 0) {  // a group: its row-th document
    const std::vector<int> m = members(static_cast<Group>(pid - 1));
    return createIndex(row, column, doc_id(m[static_cast<std::size_t>(row)]));
  }
  return createIndex(row, column, pid + static_cast<quintptr>(row + 1));
}

QModelIndex DocumentTreeModel::parent(const QModelIndex& child) const {
  if (!child.isValid()) return {};
  const quintptr id = child.internalId();
  const int doc = doc_of_id(id);
  if (doc < 0) return {};  // a group
  if (child_of_id(id) < 0) {
    const Group g = group_of(*docs_[static_cast<std::size_t>(doc)]);
    return createIndex(static_cast<int>(g), 0, group_id(g));
  }
  return index_of(doc);
}

int DocumentTreeModel::rowCount(const QModelIndex& parent) const {
  if (!parent.isValid()) return 2;
  if (parent.column() != 0) return 0;
  const quintptr id = parent.internalId();
  const int doc = doc_of_id(id);
  if (doc < 0) return static_cast<int>(members(static_cast<Group>(id - 1)).size());
  if (child_of_id(id) >= 0) return 0;
  return static_cast<int>(children_of(*docs_[static_cast<std::size_t>(doc)]).size());
}

int DocumentTreeModel::columnCount(const QModelIndex&) const { return 1; }

QVariant DocumentTreeModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const quintptr id = index.internalId();
  const int doc = doc_of_id(id);
  if (doc < 0) {
    if (role == Qt::DisplayRole) return id == group_id(studies) ? QStringLiteral("Studies") : QStringLiteral("Scenarios");
    if (role == Qt::FontRole) {
      QFont f;
      f.setBold(true);
      return f;
    }
    return {};
  }
  const OpenDocument& d = *docs_[static_cast<std::size_t>(doc)];
  const int child = child_of_id(id);
  if (child >= 0) {
    if (role == Qt::DisplayRole) {
      const std::vector<std::string> c = children_of(d);
      return child < static_cast<int>(c.size()) ? QString::fromStdString(c[static_cast<std::size_t>(child)]) : QVariant();
    }
    return {};
  }
  switch (role) {
    case Qt::DisplayRole: return QString::fromStdString(d.name) + (d.dirty() ? QStringLiteral(" *") : QString());
    case Qt::ToolTipRole:
      return QString::fromStdString(d.path + "\n" + to_string(d.kind) +
                                    (d.problems.empty() ? "" : "\n" + std::to_string(d.problems.size()) + " problem(s)"));
    case Qt::ForegroundRole:
      return d.problems.empty() ? QVariant() : QVariant(QBrush(QColor(0xc0, 0x20, 0x20)));
    default: return {};
  }
}

}  // namespace capsim::gui
