#pragma once
/// @file gpu_catalog.hpp
/// The GPU catalog: built-in JSON data files (compiled into the binary) plus any catalog files a user adds.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/hardware/gpu.hpp"

namespace capsim::hw {

/// GPU types by id. Later additions replace earlier entries with the same id, so a user file can override a
/// built-in GPU.
class GpuCatalog {
 public:
  /// The catalog shipped with CapSim (models/hardware/catalog/*.json, embedded at build time).
  static const GpuCatalog& builtin();

  /// Adds every GPU of a catalog document `{"schema": "capsim/gpu-catalog/v1", "gpus": [...]}`. `origin` names the
  /// file in diagnostics. Throws capsim::InputError listing every problem in the document.
  void add_document(const nlohmann::json& doc, const std::string& origin);
  /// Reads and adds a catalog file. Throws capsim::InputError if it cannot be read or is invalid.
  void add_file(const std::string& path);

  /// The GPU with this id, or nullptr.
  const GpuSpec* find(const std::string& id) const;
  /// All ids, sorted.
  std::vector<std::string> ids() const;

 private:
  std::map<std::string, GpuSpec> gpus_;
};

}  // namespace capsim::hw
