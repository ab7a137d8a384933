#pragma once
/// @file embedded_file.hpp
/// A data file compiled into the binary (see cmake/embed_files.cmake).

#include <string_view>
#include <vector>

namespace capsim {

/// Name (no directory) and full text of a built-in data file. Both point to static storage.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

}  // namespace capsim
