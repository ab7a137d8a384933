#pragma once
/// @file atomic_file.hpp
/// Writing output files so that nobody ever sees half of one.

#include <string>

namespace capsim {

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename. Throws capsim::Error when
/// the folder is not writable or the disk is full; the temporary file is removed then.
void write_file_atomically(const std::string& path, const std::string& text);

/// Creates `dir` if needed and checks that a file can be written in it, so that a command fails before any work when
/// it cannot (capsim::InputError naming the folder: exit 1).
void prepare_output_folder(const std::string& dir);

}  // namespace capsim
